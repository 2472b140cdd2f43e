package web

import (
	"net"
	"net/http"
	"time"

	"github.com/waymarkhq/waymark/bot"
)

// Per-address limits: every request the chat's API is sent is counted
// against the client's address, in the store, so that someone rotating
// session ids (or signing in as many people) from one machine is still
// held back. Behind a reverse proxy every request comes from the proxy's
// address: set the limit for the whole office, or let the proxy limit.

// WithAddressLimit counts every POST /api/chat (not the inbox's polls)
// against the client's address, at most l per window, by now (time.Now if nil),
// and returns c. A count that cannot be made lets the request through.
func (c *Chat) WithAddressLimit(counter bot.Counter, l bot.Limit, now func() time.Time) *Chat {
	if now == nil {
		now = time.Now
	}
	c.counter, c.addrLimit, c.now = counter, l, now
	return c
}

// allowAddress refuses a request from an address over its limit.
func (c *Chat) allowAddress(r *http.Request) error {
	l := c.addrLimit
	if c.counter == nil || l.Max <= 0 || l.Per <= 0 {
		return nil
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	n, err := c.counter.CountIn(r.Context(), "addr:"+host, l.Per, c.now())
	if err != nil || n <= int64(l.Max) {
		return nil
	}
	return bot.Errorf(bot.ETooMany, "Too many requests from your network in a short time. Please wait a few minutes and try again. If a child is in immediate danger, call 999 now.")
}
