package redisstore_test

import (
	"context"
	"errors"
	"sort"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/internal/redistest"
)

const recordsUnavailableMessage = "Consultation records (Redis) are unavailable right now. Please try again in a minute."

// recordCalls runs every ConsultationStore, EscalationStore and TimerStore
// method once.
func recordCalls(s *redisstore.Store) map[string]func(context.Context) error {
	at := t0.Add(time.Hour)
	return map[string]func(context.Context) error{
		"CreateConsultation": func(ctx context.Context) error {
			_, err := s.CreateConsultation(ctx, booking(priya, t0))
			return err
		},
		"Consultation": func(ctx context.Context) error {
			_, err := s.Consultation(ctx, "WM-000001")
			return err
		},
		"Claim": func(ctx context.Context) error {
			_, err := s.Claim(ctx, "WM-000001", ada, at)
			return err
		},
		"Unclaim": func(ctx context.Context) error {
			_, err := s.Unclaim(ctx, "WM-000001", ada, at)
			return err
		},
		"CloseConsultation": func(ctx context.Context) error {
			_, err := s.CloseConsultation(ctx, "WM-000001", ada, "done", at)
			return err
		},
		"Cancel": func(ctx context.Context) error {
			_, err := s.Cancel(ctx, "WM-000001", priya, at)
			return err
		},
		"ConsultationsOf": func(ctx context.Context) error {
			_, err := s.ConsultationsOf(ctx, priya)
			return err
		},
		"Audit": func(ctx context.Context) error {
			return s.Audit(ctx, bot.AuditEntry{At: at, Ref: "WM-000001", Actor: ada.Key(), Action: bot.AuditReplied})
		},
		"AuditSince": func(ctx context.Context) error {
			return s.AuditSince(ctx, t0, func(bot.AuditEntry) error { return nil })
		},
		"CreateEscalation": func(ctx context.Context) error {
			_, err := s.CreateEscalation(ctx, slaBreach(t0))
			return err
		},
		"Escalation": func(ctx context.Context) error {
			_, err := s.Escalation(ctx, "ESC-000001")
			return err
		},
		"Acknowledge": func(ctx context.Context) error {
			_, err := s.Acknowledge(ctx, "ESC-000001", ada, at)
			return err
		},
		"Advance": func(ctx context.Context) error {
			_, _, err := s.Advance(ctx, "ESC-000001", 0, 1, false)
			return err
		},
		"Schedule": func(ctx context.Context) error {
			return s.Schedule(ctx, bot.Timer{ID: "sla:WM-000001", Due: at, Kind: bot.TimerClaimSLA, Ref: "WM-000001"})
		},
		"CancelTimer": func(ctx context.Context) error {
			return s.CancelTimer(ctx, "sla:WM-000001")
		},
		"TakeDue": func(ctx context.Context) error {
			_, err := s.TakeDue(ctx, at, 10)
			return err
		},
	}
}

func sortedNames(fns map[string]func(context.Context) error) []string {
	names := make([]string, 0, len(fns))
	for name := range fns {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// wantRecordsUnavailable runs every record method with a context that
// expires after limit and fails tb unless each returns an EUnavailable error
// with the records message, by itself, before then.
func wantRecordsUnavailable(tb testing.TB, s *redisstore.Store, limit time.Duration) {
	tb.Helper()
	fns := recordCalls(s)
	for _, name := range sortedNames(fns) {
		ctx, cancel := context.WithTimeout(tb.Context(), limit)
		start := time.Now()
		err := fns[name](ctx)
		took := time.Since(start)
		expired := ctx.Err()
		cancel()
		tb.Logf("%s failed after %v", name, took.Round(time.Millisecond))
		var berr *bot.Error
		if !errors.As(err, &berr) || berr.Kind != bot.EUnavailable {
			tb.Errorf("%s: error %v, want an EUnavailable *bot.Error", name, err)
			continue
		}
		if berr.Message != recordsUnavailableMessage {
			tb.Errorf("%s: message %q, want %q", name, berr.Message, recordsUnavailableMessage)
		}
		if expired != nil {
			tb.Errorf("%s returned after its context expired (%v): want it to notice the outage by itself", name, took)
		}
	}
}

func TestRecordsOutageAndRecovery(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	s := mustStore(t, redisstore.Config{URL: srv.URL()})
	ctx := t.Context()
	mustCreate(t, s, booking(priya, t0))
	mustEscalate(t, s, slaBreach(t0))
	mustSchedule(t, s, bot.Timer{ID: "sla:WM-000001", Due: t0, Kind: bot.TimerClaimSLA, Ref: "WM-000001"})

	srv.Stop(t)
	wantRecordsUnavailable(t, s, 5*time.Second)
	wantRecordsUnavailable(t, s, 5*time.Second) // and again, once go-redis knows

	srv.Start(t)
	eventually(t, 10*time.Second, "the Store works again after Redis restarted", func() bool {
		return s.Ping(ctx) == nil
	})
	// The restarted server keeps nothing on disk: it starts again from
	// WM-000001, and the methods work (or find nothing) rather than fail.
	fns := recordCalls(s)
	for _, name := range sortedNames(fns) {
		if err := fns[name](ctx); bot.ErrorKind(err) == bot.EUnavailable || bot.ErrorKind(err) == bot.EInternal {
			t.Errorf("after recovery, %s: %v", name, err)
		}
	}
	if c, err := s.Consultation(ctx, "WM-000001"); err != nil || c.Requester != priya {
		t.Errorf("after recovery, the first booking: %+v, %v", c, err)
	}
}

// A server that accepts connections and never answers: the read timeout
// notices it; and the caller's context bounds every call even with long
// timeouts.
func TestRecordsUnresponsiveRedis(t *testing.T) {
	t.Parallel()
	addr := blackhole(t)
	s := mustStore(t, redisstore.Config{URL: "redis://" + addr + "/0", ReadTimeout: 100 * time.Millisecond, WriteTimeout: 100 * time.Millisecond})
	wantRecordsUnavailable(t, s, 5*time.Second)

	slow := mustStore(t, redisstore.Config{URL: "redis://" + addr + "/0", ReadTimeout: time.Minute, WriteTimeout: time.Minute, DialTimeout: time.Minute})
	fns := recordCalls(slow)
	for _, name := range sortedNames(fns) {
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		done := make(chan error, 1)
		go func() { done <- fns[name](ctx) }()
		select {
		case err := <-done:
			wantKind(t, name, err, bot.EUnavailable)
		case <-time.After(30 * time.Second):
			t.Fatalf("%s ignores its context", name)
		}
		cancel()
	}
}
