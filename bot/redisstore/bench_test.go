package redisstore_test

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
)

// BenchmarkBookings books one consultation per op with CreateConsultation
// (INCR, the create script, the audit script, ZADD: four round trips)
// against the package's redis-server over loopback, from one client and
// from eight at once. bookings/s is ops per second of wall time.
func BenchmarkBookings(b *testing.B) {
	for _, clients := range []int{1, 8} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			s := mustStore(b, redisstore.Config{})
			requesters := make([]bot.Person, 100)
			for i := range requesters {
				requesters[i] = bot.Person{Platform: bot.PlatformSlack, TeamID: "T1", UserID: fmt.Sprintf("U%03d", i)}
			}
			var next atomic.Int64
			var failed atomic.Pointer[error]
			b.ReportAllocs()
			b.ResetTimer()
			var wg sync.WaitGroup
			for range clients {
				wg.Go(func() {
					for {
						i := next.Add(1) - 1
						if i >= int64(b.N) {
							return
						}
						c := booking(requesters[i%int64(len(requesters))], t0.Add(time.Duration(i)*time.Millisecond))
						if _, err := s.CreateConsultation(b.Context(), c); err != nil {
							failed.CompareAndSwap(nil, &err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			if err := failed.Load(); err != nil {
				b.Fatal(*err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "bookings/s")
		})
	}
}

// BenchmarkClaimLatency times Claim (the claim script, then the audit
// script: two round trips) on queued consultations booked before the timer
// starts, one at a time. p50-µs and p99-µs are nearest-rank percentiles of
// the calls' times, measured with time.Now.
func BenchmarkClaimLatency(b *testing.B) {
	s := mustStore(b, redisstore.Config{})
	ctx := b.Context()
	refs := make([]string, b.N)
	for i := range refs {
		c, err := s.CreateConsultation(ctx, booking(priya, t0))
		if err != nil {
			b.Fatal(err)
		}
		refs[i] = c.Ref
	}
	took := make([]time.Duration, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i, ref := range refs {
		start := time.Now()
		if _, err := s.Claim(ctx, ref, ada, t0.Add(time.Minute)); err != nil {
			b.Fatal(err)
		}
		took[i] = time.Since(start)
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(micros(percentile(took, 0.50)), "p50-µs")
	b.ReportMetric(micros(percentile(took, 0.99)), "p99-µs")
}

// percentile returns the nearest-rank q-th percentile of sorted ds.
func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(ds)))) - 1
	return ds[max(i, 0)]
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
