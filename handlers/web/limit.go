package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
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
// Behind the proxies (addresses and ranges) given, the client is the
// nearest address in X-Forwarded-For that is not one of them.
func (c *Chat) WithAddressLimit(counter bot.Counter, l bot.Limit, now func() time.Time, proxies ...netip.Prefix) *Chat {
	if now == nil {
		now = time.Now
	}
	c.counter, c.addrLimit, c.now, c.proxies = counter, l, now, proxies
	return c
}

// clientAddress is the address r comes from: its peer, or behind a trusted
// proxy the nearest untrusted address the proxies forwarded.
func (c *Chat) clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	trusted := func(s string) bool {
		a, err := netip.ParseAddr(strings.TrimSpace(s))
		if err != nil {
			return false
		}
		for _, p := range c.proxies {
			if p.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}
	if !trusted(host) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if hop != "" && !trusted(hop) {
			return hop
		}
	}
	return host
}

// allowAddress refuses a request from an address over its limit.
func (c *Chat) allowAddress(r *http.Request) error {
	l := c.addrLimit
	if c.counter == nil || l.Max <= 0 || l.Per <= 0 {
		return nil
	}
	n, err := c.counter.CountIn(r.Context(), "addr:"+c.clientAddress(r), l.Per, c.now())
	if err != nil || n <= int64(l.Max) {
		return nil
	}
	return bot.Errorf(bot.ETooMany, "Too many requests from your network in a short time. Please wait a few minutes and try again. If a child is in immediate danger, call 999 now.")
}
