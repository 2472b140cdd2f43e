package handlers

import (
	"net/http"
	"time"
)

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
	return &http.Client{Timeout: timeout, Transport: t}
}
