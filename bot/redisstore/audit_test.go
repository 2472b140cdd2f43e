package redisstore_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
)

func TestAuditIsStoredAsStream(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.FixedZone("GMT+1", 3600))
	e := bot.AuditEntry{At: at, Ref: "WM-000042", Actor: "slack:T1:U2", Action: bot.AuditReplied}
	if err := s.Audit(ctx, e); err != nil {
		t.Fatal(err)
	}
	msgs, err := s.Client().XRange(ctx, s.Keys().Audit(), "-", "+").Result()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("XRANGE = %v, %v", msgs, err)
	}
	// The entry's id is its time.
	if want := "1795431600000-0"; msgs[0].ID != want {
		t.Errorf("id %s, want %s", msgs[0].ID, want)
	}
	want := map[string]any{"at": "2026-11-23T11:00:00Z", "ref": "WM-000042", "actor": "slack:T1:U2", "action": "replied", "detail": ""}
	if !reflect.DeepEqual(msgs[0].Values, want) {
		t.Errorf("entry %v, want %v", msgs[0].Values, want)
	}
	if ttl := s.Client().TTL(ctx, s.Keys().Audit()).Val(); ttl != -1 {
		t.Errorf("audit stream TTL %v, want none", ttl)
	}

	wantKind(t, "no time", s.Audit(ctx, bot.AuditEntry{Action: bot.AuditReplied}), bot.EInvalid)
	wantKind(t, "no action", s.Audit(ctx, bot.AuditEntry{At: at}), bot.EInvalid)
}

// AuditSince reads page after page, and filters by the entries' own times
// even when they were appended out of order.
func TestAuditSince(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	audit := func(at time.Time, ref string) {
		t.Helper()
		if err := s.Audit(ctx, bot.AuditEntry{At: at, Ref: ref, Actor: "system", Action: bot.AuditEscalated}); err != nil {
			t.Fatal(err)
		}
	}
	// 600 entries a second apart, more than two pages, then a few from a
	// replica whose clock is behind, and two in the same millisecond.
	const n = 600
	for i := range n {
		audit(t0.Add(time.Duration(i)*time.Second), "in-order")
	}
	last := t0.Add((n - 1) * time.Second)
	audit(t0.Add(-time.Hour), "late, long ago")
	audit(last.Add(-time.Minute), "late, a minute ago")
	audit(last.Add(time.Second), "same ms 1")
	audit(last.Add(time.Second), "same ms 2")

	refs := func(since time.Time) []string {
		var got []string
		for _, e := range auditOf(t, s, since) {
			if e.At.Before(since) {
				t.Errorf("AuditSince(%v) gave an entry at %v", since, e.At)
			}
			got = append(got, e.Ref)
		}
		return got
	}
	all := refs(time.Time{})
	if len(all) != n+4 {
		t.Fatalf("AuditSince(zero): %d entries, want %d", len(all), n+4)
	}
	if want := []string{"late, long ago", "late, a minute ago", "same ms 1", "same ms 2"}; !reflect.DeepEqual(all[n:], want) {
		t.Errorf("last entries %q, want %q (the order they were appended)", all[n:], want)
	}
	if got := refs(t0.Add(-2 * time.Hour)); len(got) != n+4 {
		t.Errorf("AuditSince(before all): %d entries, want %d", len(got), n+4)
	}
	// From the 301st entry on: 299 in order and three of the late ones.
	got := refs(t0.Add(301 * time.Second))
	if len(got) != 299+3 || got[0] != "in-order" || got[299] != "late, a minute ago" {
		t.Errorf("AuditSince(+301s): %d entries, from %q; want 302, the late one from a minute before the end included", len(got), got[:1])
	}
	if got := refs(last.Add(time.Second)); !reflect.DeepEqual(got, []string{"same ms 1", "same ms 2"}) {
		t.Errorf("AuditSince(the last millisecond) = %q", got)
	}
	if got := refs(last.Add(time.Hour)); len(got) != 0 {
		t.Errorf("AuditSince(after everything) = %q", got)
	}

	// fn's error stops the reading and comes back as it is.
	stop := errors.New("stop")
	var calls int
	err := s.AuditSince(ctx, time.Time{}, func(bot.AuditEntry) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 3 {
		t.Errorf("AuditSince with fn failing at 3: %v after %d calls", err, calls)
	}
}
