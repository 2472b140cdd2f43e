package redisstore_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
)

func TestSaveFeedback(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.FixedZone("BST", 3600))
	fs := []bot.Feedback{
		{Ref: "r1", UserKey: "slack:T1:U1", Verdict: bot.VerdictHelpful, Docs: []string{"wv-contact-lado", "wv-allegations"}, At: at},
		{UserKey: "web::U2", Verdict: bot.VerdictComment, Comment: "the EDT number is out of date", At: at},
	}
	for _, f := range fs {
		if err := s.SaveFeedback(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	stream := s.Keys().Feedback()
	if n, err := s.Client().XLen(ctx, stream).Result(); err != nil || n != 2 {
		t.Fatalf("XLEN %s = %d, %v; want 2", stream, n, err)
	}
	msgs, err := s.Client().XRange(ctx, stream, "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"ref": "r1", "user": "slack:T1:U1", "verdict": "helpful", "comment": "", "docs": `["wv-contact-lado","wv-allegations"]`, "at": "2026-11-23T11:00:00Z"},
		{"ref": "", "user": "web::U2", "verdict": "comment", "comment": "the EDT number is out of date", "docs": `[]`, "at": "2026-11-23T11:00:00Z"},
	}
	for i, m := range msgs {
		if !reflect.DeepEqual(m.Values, want[i]) {
			t.Errorf("entry %d = %v, want %v", i, m.Values, want[i])
		}
	}
	if ttl := s.Client().TTL(ctx, stream).Val(); ttl != -1 {
		t.Errorf("feedback stream TTL = %v, want none (trimmed by length)", ttl)
	}
}

func TestFeedbackIsTrimmed(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{FeedbackMaxLen: 10})
	ctx := t.Context()
	const n = 500
	for i := range n {
		if err := s.SaveFeedback(ctx, bot.Feedback{Ref: fmt.Sprint(i), Verdict: bot.VerdictHelpful}); err != nil {
			t.Fatal(err)
		}
	}
	// MAXLEN ~ trims whole stream nodes (100 entries by default), so the
	// stream keeps at least 10 entries and far fewer than 500.
	got, err := s.Client().XLen(ctx, s.Keys().Feedback()).Result()
	if err != nil {
		t.Fatal(err)
	}
	if got < 10 || got >= n {
		t.Errorf("XLEN after %d entries with FeedbackMaxLen 10 = %d, want trimmed", n, got)
	}
}
