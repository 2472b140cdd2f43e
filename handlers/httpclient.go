package handlers

import (
	"net/http"
	"sync/atomic"
	"time"
)

// wrapTransport, when set, wraps every platform client's transport: the
// metrics' instrumentation. It is process-wide because every adapter
// makes its own clients; set it once at start, before any.
var wrapTransport atomic.Pointer[func(http.RoundTripper) http.RoundTripper]

// InstrumentClients makes every client NewHTTPClient returns from now on
// send its calls through wrap (metrics.Transport). Call it once at start.
func InstrumentClients(wrap func(http.RoundTripper) http.RoundTripper) {
	wrapTransport.Store(&wrap)
}

// idleConnsPerHost is how many idle connections an outbound client keeps to
// one host: enough for every worker posting to the platform at once. Go's
// default is 2, so a pool of workers posting to one API would open (and
// handshake) a new TLS connection for most posts.
const idleConnsPerHost = 32

// NewHTTPClient returns a client for calls to a chat platform's API, with
// timeout and connections kept for reuse across concurrent workers. Each
// call returns a client with a transport of its own.
func NewHTTPClient(timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = idleConnsPerHost
	var rt http.RoundTripper = t
	if w := wrapTransport.Load(); w != nil {
		rt = (*w)(t)
	}
	return &http.Client{Timeout: timeout, Transport: rt}
}
