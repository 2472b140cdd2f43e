package redisstore_test

import (
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
)

func TestProfileRoundTrip(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()

	got, err := s.Profile(ctx, "slack:T1:U1")
	if err != nil || got != (bot.Profile{}) {
		t.Fatalf("before any save: %+v, %v; want a zero Profile and no error", got, err)
	}
	want := bot.Profile{Area: "Wyvern Vale", UpdatedAt: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	if err := s.SaveProfile(ctx, "slack:T1:U1", want); err != nil {
		t.Fatal(err)
	}
	got, err = s.Profile(ctx, "slack:T1:U1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Area != want.Area || !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("Profile = %+v, want %+v", got, want)
	}
	if other, err := s.Profile(ctx, "slack:T1:U2"); err != nil || other != (bot.Profile{}) {
		t.Errorf("another user: %+v, %v", other, err)
	}
}

func TestProfileTTL(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	if err := s.SaveProfile(t.Context(), "slack:T1:U1", bot.Profile{Area: "Wyvern Vale"}); err != nil {
		t.Fatal(err)
	}
	wantAbout(t, "profile", mustTTL(t, s, s.Keys().Profile("slack:T1:U1")), 30*24*time.Hour)
}

func TestProfileExpires(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{ProfileTTL: time.Second})
	ctx := t.Context()
	if err := s.SaveProfile(ctx, "slack:T1:U1", bot.Profile{Area: "Wyvern Vale"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the profile expires", func() bool {
		p, err := s.Profile(ctx, "slack:T1:U1")
		if err != nil {
			t.Fatal(err)
		}
		return p.Area == ""
	})
}

func TestProfileNeedsAKey(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	_, err := s.Profile(t.Context(), "")
	wantKind(t, "Profile(\"\")", err, bot.EInvalid)
	wantKind(t, "SaveProfile(\"\")", s.SaveProfile(t.Context(), "", bot.Profile{}), bot.EInvalid)
}
