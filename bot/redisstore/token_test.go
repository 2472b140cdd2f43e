package redisstore_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// TestTokens: a token is kept under the hash of its secret, read back,
// taken by exactly one of many racing callers, and deleted.
func TestTokens(t *testing.T) {
	srv := redistest.Shared(t)
	prefix := redistest.Prefix(t)
	s := mustStore(t, redisstore.Config{URL: srv.URL(), Prefix: prefix})
	ctx := t.Context()
	const secret = "s3cr3t-cookie-value-0123456789"
	if err := s.PutToken(ctx, "session", secret, []byte(`{"user":"a"}`), time.Hour); err != nil {
		t.Fatal(err)
	}
	v, err := s.Token(ctx, "session", secret)
	if err != nil || string(v) != `{"user":"a"}` {
		t.Fatalf("Token = %q, %v", v, err)
	}
	// The secret itself is nowhere in Redis: only its hash names the key.
	keys, err := s.Client().Keys(ctx, prefix+":*").Result()
	if err != nil || len(keys) == 0 {
		t.Fatalf("keys %v, %v", keys, err)
	}
	for _, k := range keys {
		if strings.Contains(k, secret) {
			t.Errorf("key %q holds the secret", k)
		}
	}
	if _, err := s.Token(ctx, "link", secret); bot.ErrorKind(err) != bot.ENotFound {
		t.Errorf("another kind: %v, want not found", err)
	}

	if err := s.PutToken(ctx, "link", secret, []byte("once"), time.Minute); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := 0
	for range 20 {
		wg.Go(func() {
			if v, err := s.TakeToken(ctx, "link", secret); err == nil && string(v) == "once" {
				mu.Lock()
				got++
				mu.Unlock()
			} else if bot.ErrorKind(err) != bot.ENotFound {
				t.Errorf("TakeToken: %v", err)
			}
		})
	}
	wg.Wait()
	if got != 1 {
		t.Errorf("%d callers took the one-time token, want 1", got)
	}

	if err := s.DeleteToken(ctx, "session", secret); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Token(ctx, "session", secret); bot.ErrorKind(err) != bot.ENotFound {
		t.Errorf("after delete: %v, want not found", err)
	}
	for _, bad := range []struct{ kind, secret string }{{"Session", secret}, {"session", "short"}} {
		if err := s.PutToken(ctx, bad.kind, bad.secret, nil, time.Hour); bot.ErrorKind(err) != bot.EInvalid {
			t.Errorf("PutToken(%q, %q): %v, want invalid", bad.kind, bad.secret, err)
		}
	}
	if err := s.PutToken(ctx, "session", secret, nil, time.Millisecond); bot.ErrorKind(err) != bot.EInvalid {
		t.Errorf("a ttl under a second: %v, want invalid", err)
	}
}
