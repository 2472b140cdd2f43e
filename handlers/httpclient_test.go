package handlers_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/handlers"
)

// TestNewHTTPClientKeepsConnections: rounds of 8 concurrent requests to one
// host reuse the first round's connections, where Go's default client
// keeps 2 and opens about 6 new ones a round.
func TestNewHTTPClientKeepsConnections(t *testing.T) {
	const workers, rounds = 8, 5
	var opened atomic.Int32
	var arrived sync.WaitGroup
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Done()
		arrived.Wait() // every request of the round is in flight at once
		io.WriteString(w, "ok")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	c := handlers.NewHTTPClient(10 * time.Second)
	for range rounds {
		arrived.Add(workers)
		var done sync.WaitGroup
		for range workers {
			done.Go(func() {
				resp, err := c.Get(srv.URL)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			})
		}
		done.Wait()
	}
	// 8 in the first round; a few more at most if a connection was not back
	// in the pool when the next round began. The default client: about 32.
	if n := opened.Load(); n < workers || n >= 2*workers {
		t.Errorf("%d connections opened for %d rounds of %d, want about %d", n, rounds, workers, workers)
	}
}
