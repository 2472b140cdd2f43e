package redisstore_test

import (
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
)

func mustEmbedded(tb testing.TB) *redisstore.Embedded {
	tb.Helper()
	e, err := redisstore.StartEmbedded()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { e.Close() })
	return e
}

func TestEmbedded(t *testing.T) {
	t.Parallel()
	e := mustEmbedded(t)
	if e.URL() != "redis://"+e.Addr()+"/0" {
		t.Errorf("URL() = %q, Addr() = %q", e.URL(), e.Addr())
	}
	s := mustStore(t, redisstore.Config{URL: e.URL()})
	ctx := t.Context()

	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveConversation(ctx, "web::1", bot.Conversation{LastQuestion: "who is the LADO", LastDocs: []string{"wv-contact-lado"}}); err != nil {
		t.Fatal(err)
	}
	if c, err := s.Conversation(ctx, "web::1"); err != nil || c.LastQuestion != "who is the LADO" || len(c.LastDocs) != 1 {
		t.Errorf("Conversation = %+v, %v", c, err)
	}
	wantAbout(t, "conversation", mustTTL(t, s, s.Keys().Conversation("web::1")), 24*time.Hour)
	if err := s.SaveProfile(ctx, "web::u", bot.Profile{Area: "Wyvern Vale"}); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Profile(ctx, "web::u"); err != nil || p.Area != "Wyvern Vale" {
		t.Errorf("Profile = %+v, %v", p, err)
	}
	wantAbout(t, "profile", mustTTL(t, s, s.Keys().Profile("web::u")), 30*24*time.Hour)
	for i, want := range []bool{true, false} {
		if first, err := s.FirstDelivery(ctx, bot.PlatformWeb, "m1"); err != nil || first != want {
			t.Errorf("delivery %d: FirstDelivery = %v, %v; want %v", i+1, first, err, want)
		}
	}
	if err := s.SaveFeedback(ctx, bot.Feedback{Ref: "r1", Verdict: bot.VerdictHelpful, Docs: []string{"d"}}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Client().XLen(ctx, s.Keys().Feedback()).Result(); err != nil || n != 1 {
		t.Errorf("XLEN = %d, %v; want 1", n, err)
	}
}

// miniredis counts TTLs down only when told to; the embedded server counts
// them down by the wall clock.
func TestEmbeddedExpiresByTheClock(t *testing.T) {
	t.Parallel()
	e := mustEmbedded(t)
	s := mustStore(t, redisstore.Config{URL: e.URL(), ConversationTTL: time.Second, DedupeTTL: time.Second})
	ctx := t.Context()
	if err := s.SaveConversation(ctx, "web::1", bot.Conversation{LastArea: "Wyvern Vale"}); err != nil {
		t.Fatal(err)
	}
	if first, err := s.FirstDelivery(ctx, bot.PlatformWeb, "m1"); err != nil || !first {
		t.Fatalf("FirstDelivery = %v, %v", first, err)
	}
	eventually(t, 10*time.Second, "the conversation expires", func() bool {
		c, err := s.Conversation(ctx, "web::1")
		if err != nil {
			t.Fatal(err)
		}
		return c.LastArea == ""
	})
	eventually(t, 10*time.Second, "the delivery is forgotten", func() bool {
		first, err := s.FirstDelivery(ctx, bot.PlatformWeb, "m1")
		if err != nil {
			t.Fatal(err)
		}
		return first
	})
}

func TestEmbeddedClosed(t *testing.T) {
	t.Parallel()
	e, err := redisstore.StartEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	s := mustStore(t, redisstore.Config{URL: e.URL()})
	if err := s.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	wantUnavailable(t, s, 5*time.Second)
}
