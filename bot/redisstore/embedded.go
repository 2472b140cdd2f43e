package redisstore

import (
	"fmt"

	"github.com/alicebob/miniredis/v2"
)

// Embedded is an in-memory Redis-compatible server (miniredis) running
// inside the process, for running Waymark with no Redis configured. It
// listens on a random loopback port without a password. Its state is lost
// when it is closed and is never shared with another process, so it suits a
// developer's machine or a demonstration, not a deployment of more than one
// replica.
//
// Keys expire by the wall clock, as in Redis: miniredis on its own only
// counts TTLs down when told to (FastForward), so StartEmbedded turns on its
// ClockTTL mode, in which every command first counts every TTL down by the
// real time elapsed since the previous command. No goroutine is needed.
type Embedded struct {
	m *miniredis.Miniredis
}

// StartEmbedded starts an embedded server. Close it when done.
func StartEmbedded() (*Embedded, error) {
	m := miniredis.NewMiniRedis()
	m.ClockTTL(true)
	if err := m.Start(); err != nil {
		return nil, fmt.Errorf("start embedded redis: %w", err)
	}
	return &Embedded{m: m}, nil
}

// Addr returns the server's host:port.
func (e *Embedded) Addr() string {
	return e.m.Addr()
}

// URL returns the server's URL, for Config.URL.
func (e *Embedded) URL() string {
	return "redis://" + e.m.Addr() + "/0"
}

// Close stops the server and drops its state. It always returns nil.
func (e *Embedded) Close() error {
	e.m.Close()
	return nil
}
