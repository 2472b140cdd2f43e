package redisstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/internal/redistest"
)

func TestMain(m *testing.M) {
	// go-redis logs every failed dial; the outage tests cause hundreds.
	redis.SetLogger(quietLogger{})
	redistest.Main(m)
}

type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

// mustStore returns a Store for cfg, closed when tb ends. With neither URL
// nor Addrs it uses the shared redis-server; with no Prefix, one of tb's own.
func mustStore(tb testing.TB, cfg redisstore.Config) *redisstore.Store {
	tb.Helper()
	if cfg.URL == "" && len(cfg.Addrs) == 0 {
		cfg.URL = redistest.Shared(tb).URL()
	}
	if cfg.Prefix == "" {
		cfg.Prefix = redistest.Prefix(tb)
	}
	s, err := redisstore.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// mustTTL returns key's remaining time to live, failing tb if it has none.
func mustTTL(tb testing.TB, s *redisstore.Store, key string) time.Duration {
	tb.Helper()
	ttl, err := s.Client().PTTL(tb.Context(), key).Result()
	if err != nil {
		tb.Fatalf("PTTL %s: %v", key, err)
	}
	if ttl <= 0 {
		tb.Fatalf("PTTL %s = %v, want a time to live", key, ttl)
	}
	return ttl
}

// wantAbout fails tb unless got is within a minute below want: a TTL set a
// moment ago.
func wantAbout(tb testing.TB, what string, got, want time.Duration) {
	tb.Helper()
	if got > want || got < want-time.Minute {
		tb.Errorf("%s TTL = %v, want about %v", what, got, want)
	}
}

// eventually calls cond every 50ms until it returns true, failing tb after
// limit.
func eventually(tb testing.TB, limit time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("%s: not after %v", what, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// wantKind fails tb unless err is a *bot.Error of kind.
func wantKind(tb testing.TB, what string, err error, kind string) {
	tb.Helper()
	if got := bot.ErrorKind(err); got != kind {
		tb.Errorf("%s: error %v has kind %q, want %q", what, err, got, kind)
	}
}

// calls runs every Store method once, for tests that expect them all to
// fail the same way.
func calls(s *redisstore.Store) map[string]func(context.Context) error {
	return map[string]func(context.Context) error{
		"Ping": s.Ping,
		"Conversation": func(ctx context.Context) error {
			_, err := s.Conversation(ctx, "slack:T1:C1")
			return err
		},
		"SaveConversation": func(ctx context.Context) error {
			return s.SaveConversation(ctx, "slack:T1:C1", bot.Conversation{LastArea: "Wyvern Vale"})
		},
		"Profile": func(ctx context.Context) error {
			_, err := s.Profile(ctx, "slack:T1:U1")
			return err
		},
		"SaveProfile": func(ctx context.Context) error {
			return s.SaveProfile(ctx, "slack:T1:U1", bot.Profile{Area: "Wyvern Vale"})
		},
		"FirstDelivery": func(ctx context.Context) error {
			_, err := s.FirstDelivery(ctx, bot.PlatformSlack, "Ev1")
			return err
		},
		"SaveFeedback": func(ctx context.Context) error {
			return s.SaveFeedback(ctx, bot.Feedback{Ref: "r1", Verdict: bot.VerdictHelpful})
		},
	}
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }
