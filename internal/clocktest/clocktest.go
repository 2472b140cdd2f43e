// Package clocktest has a clock that tests move by hand, so SLAs,
// escalation ladders and staleness are tested without waiting.
package clocktest

import (
	"sync"
	"time"
)

// Clock is a bot.Clock that only moves when the test says. It is safe for
// concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// At returns a clock reading t.
func At(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
