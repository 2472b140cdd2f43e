package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/handlers"
)

// What serve runs beside answering: the admin address, and the jobs that
// count queues and sweep retention.

// serveAdmin serves /metrics, /healthz and /readyz on addr, apart from the
// public routes, until Close.
func (m *Main) serveAdmin(addr string, srv *handlers.Server) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on http.admin_addr %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.app.metrics.Handler())
	mux.Handle("GET /healthz", srv)
	mux.Handle("GET /readyz", srv)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	m.onClose(func() error { return hs.Close() })
	m.adminURL = "http://" + ln.Addr().String()
	m.app.log.Info("admin: metrics on", "addr", ln.Addr().String())
	return nil
}

// countQueues counts the requests waiting in each queue for the metrics,
// every minute, until ctx ends.
func (a *app) countQueues(ctx context.Context, store *redisstore.Store) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		depth, oldest, err := store.QueueDepth(ctx)
		if err == nil {
			ages := map[string]time.Duration{}
			for s, at := range oldest {
				ages[s] = time.Since(at)
			}
			a.metrics.Queue(depth, ages)
		} else if ctx.Err() == nil {
			a.log.Warn("metrics: queues not counted", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sweep removes records past their retention every retention.every, until
// ctx ends; replicas share the work through the sweep's lock in Redis.
func (a *app) sweep(ctx context.Context, store *redisstore.Store) {
	rc := a.cfg.Retention
	r := redisstore.Retention{Consultations: rc.Consultations, Escalations: rc.Escalations, Feedback: rc.Feedback, Audit: rc.Audit, Gaps: rc.Gaps}
	t := time.NewTicker(rc.Every)
	defer t.Stop()
	for {
		rep, err := store.Sweep(ctx, time.Now(), r, rc.Every)
		switch {
		case err != nil && ctx.Err() == nil:
			a.log.Warn("retention sweep failed; it runs again later", "err", err)
		case err == nil && !rep.Skipped:
			a.log.Info("retention sweep", "consultations", rep.Consultations, "escalations", rep.Escalations, "feedback", rep.Feedback, "audit", rep.Audit, "gaps", rep.Gaps)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
