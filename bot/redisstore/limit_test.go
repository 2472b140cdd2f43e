package redisstore_test

import (
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
)

// TestCountIn: counts go up within a window, per key, start again in the
// next window, and expire in Redis two windows later.
func TestCountIn(t *testing.T) {
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	for want := int64(1); want <= 3; want++ {
		if n, err := s.CountIn(ctx, "question:slack:T1:U1", 10*time.Minute, now.Add(time.Duration(want)*time.Second)); err != nil || n != want {
			t.Fatalf("count %d: %d, %v", want, n, err)
		}
	}
	if n, _ := s.CountIn(ctx, "question:slack:T1:U2", 10*time.Minute, now); n != 1 {
		t.Errorf("another key: %d, want 1", n)
	}
	if n, _ := s.CountIn(ctx, "question:slack:T1:U1", 10*time.Minute, now.Add(10*time.Minute)); n != 1 {
		t.Errorf("the next window: %d, want 1", n)
	}
	key := s.Keys().Limit("question:slack:T1:U1", 10*time.Minute, now)
	if ttl := s.Client().TTL(ctx, key).Val(); ttl <= 10*time.Minute || ttl > 20*time.Minute {
		t.Errorf("TTL of %s = %s, want two windows", key, ttl)
	}
	if _, err := s.CountIn(ctx, "k", time.Millisecond, now); bot.ErrorKind(err) != bot.EInvalid {
		t.Errorf("a window under a second: %v", err)
	}
}
