package redisstore_test

import (
	"context"
	"errors"
	"net"
	"sort"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/internal/redistest"
)

const unavailableMessage = "Conversation memory (Redis) is unavailable right now."

// wantUnavailable runs every Store method with a context that expires after
// limit and fails tb unless each returns an EUnavailable error before then.
func wantUnavailable(tb testing.TB, s *redisstore.Store, limit time.Duration) {
	tb.Helper()
	fns := calls(s)
	names := make([]string, 0, len(fns))
	for name := range fns {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		ctx, cancel := context.WithTimeout(tb.Context(), limit)
		start := time.Now()
		err := fns[name](ctx)
		took := time.Since(start)
		expired := ctx.Err()
		cancel()
		tb.Logf("%s failed after %v: %v", name, took.Round(time.Millisecond), err)
		var berr *bot.Error
		if !errors.As(err, &berr) || berr.Kind != bot.EUnavailable {
			tb.Errorf("%s: error %v, want an EUnavailable *bot.Error", name, err)
			continue
		}
		if berr.Message != unavailableMessage {
			tb.Errorf("%s: message %q, want %q", name, berr.Message, unavailableMessage)
		}
		if expired != nil {
			tb.Errorf("%s returned after its context expired (%v): want it to notice the outage by itself", name, took)
		}
	}
}

func TestRedisOutageAndRecovery(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	s := mustStore(t, redisstore.Config{URL: srv.URL()})
	ctx := t.Context()
	if err := s.SaveProfile(ctx, "slack:T1:U1", bot.Profile{Area: "Wyvern Vale"}); err != nil {
		t.Fatal(err)
	}

	srv.Stop(t)
	wantUnavailable(t, s, 5*time.Second)
	wantUnavailable(t, s, 5*time.Second) // and again, once go-redis knows

	srv.Start(t)
	eventually(t, 10*time.Second, "the Store works again after Redis restarted", func() bool {
		return s.Ping(ctx) == nil
	})
	// The restarted server keeps nothing on disk, so it started empty.
	if p, err := s.Profile(ctx, "slack:T1:U1"); err != nil || p.Area != "" {
		t.Errorf("after recovery: %+v, %v; want an empty profile", p, err)
	}
	for name, fn := range calls(s) {
		if err := fn(ctx); err != nil {
			t.Errorf("after recovery, %s: %v", name, err)
		}
	}
}

func TestNewDoesNotNeedRedis(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	srv.Stop(t)
	s, err := redisstore.New(redisstore.Config{URL: srv.URL()})
	if err != nil {
		t.Fatalf("New while Redis is down: %v", err)
	}
	defer s.Close()
	wantUnavailable(t, s, 5*time.Second)

	srv.Start(t)
	eventually(t, 10*time.Second, "the Store works once Redis starts", func() bool {
		return s.Ping(t.Context()) == nil
	})
}

// A server that accepts connections and never answers: the read timeout
// notices it.
func TestUnresponsiveRedis(t *testing.T) {
	t.Parallel()
	addr := blackhole(t)
	s := mustStore(t, redisstore.Config{URL: "redis://" + addr + "/0", ReadTimeout: 100 * time.Millisecond, WriteTimeout: 100 * time.Millisecond})
	wantUnavailable(t, s, 5*time.Second)
}

// The caller's context bounds every call, even with long timeouts.
func TestContextBoundsCalls(t *testing.T) {
	t.Parallel()
	addr := blackhole(t)
	s := mustStore(t, redisstore.Config{URL: "redis://" + addr + "/0", ReadTimeout: time.Minute, WriteTimeout: time.Minute, DialTimeout: time.Minute})
	for name, fn := range calls(s) {
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		done := make(chan error, 1)
		go func() { done <- fn(ctx) }()
		select {
		case err := <-done:
			wantKind(t, name, err, bot.EUnavailable)
		case <-time.After(30 * time.Second):
			t.Fatalf("%s ignores its context", name)
		}
		cancel()
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	wantKind(t, "Ping with a cancelled context", s.Ping(ctx), bot.EUnavailable)
}

func TestClosedStore(t *testing.T) {
	t.Parallel()
	s, err := redisstore.New(redisstore.Config{URL: redistest.Shared(t).URL(), Prefix: redistest.Prefix(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wantUnavailable(t, s, 5*time.Second)
}

// blackhole returns the address of a listener that accepts connections and
// never replies.
func blackhole(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				for _, c := range conns {
					c.Close()
				}
				return
			}
			conns = append(conns, c)
		}
	}()
	tb.Cleanup(func() {
		l.Close()
		<-done
	})
	return l.Addr().String()
}
