// Package loadtest drives an HTTP endpoint from concurrent clients for a
// benchmark and reports throughput and latency percentiles, as the Slack
// and Teams acknowledgement benchmarks do.
package loadtest

import (
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Post sends one request per item, built by newRequest before the clock
// starts, from clients concurrent clients, and times each until its answer.
// It reports <unit>/s, p50-µs, p99-µs and refused-% (answers 503: a full
// queue asks the platform to retry). A transport error or any status but
// ok or 503 fails b.
func Post[T any](b *testing.B, clients int, items []T, newRequest func(T) (*http.Request, error), ok int, unit string) {
	b.Helper()
	reqs := make([]*http.Request, len(items))
	for i, it := range items {
		r, err := newRequest(it)
		if err != nil {
			b.Fatal(err)
		}
		reqs[i] = r
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	b.Cleanup(client.CloseIdleConnections)
	var mu sync.Mutex
	lat := make([]time.Duration, 0, len(reqs))
	var refused, failed atomic.Int64
	jobs := make(chan *http.Request, clients)
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for range clients {
		wg.Go(func() {
			mine := make([]time.Duration, 0, len(reqs)/clients+1)
			for req := range jobs {
				ts := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mine = append(mine, time.Since(ts))
				switch {
				case resp.StatusCode == http.StatusServiceUnavailable:
					refused.Add(1)
				case resp.StatusCode != ok:
					failed.Add(1)
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	for _, r := range reqs {
		jobs <- r
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if f := failed.Load(); f > 0 {
		b.Fatalf("%d of %d %s failed", f, len(reqs), unit)
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds())
	}
	b.ReportMetric(float64(len(reqs))/elapsed.Seconds(), unit+"/s")
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
	b.ReportMetric(100*float64(refused.Load())/float64(len(reqs)), "refused-%")
}

// ReportRSS reports the process's resident memory as rss-MB (MiB, Linux;
// nothing elsewhere): cumulative over the benchmarks run before in the
// same process.
func ReportRSS(b *testing.B) {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			b.ReportMetric(kb/1024, "rss-MB")
			return
		}
	}
}
