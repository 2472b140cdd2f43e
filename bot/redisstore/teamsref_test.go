package redisstore_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/internal/redistest"
)

const refTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"

func TestConversationRefRoundTrip(t *testing.T) {
	t.Parallel()
	prefix := redistest.Prefix(t)
	s := mustStore(t, redisstore.Config{Prefix: prefix})
	ctx := t.Context()

	got, err := s.ConversationRef(ctx, bot.PlatformTeams, refTenant, bot.TargetUser, "6f1e2d3c")
	if err != nil || got != nil {
		t.Fatalf("before saving: %v, %v; want nil, nil", got, err)
	}

	user := map[string]string{"service_url": "https://smba.trafficmanager.net/emea/", "tenant_id": refTenant, "bot_id": "28:bot"}
	channel := map[string]string{"service_url": "https://smba.trafficmanager.net/emea/", "conversation_id": "19:abc@thread.tacv2"}
	if err := s.SaveConversationRef(ctx, bot.PlatformTeams, refTenant, bot.TargetUser, "6f1e2d3c", user); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveConversationRef(ctx, bot.PlatformTeams, refTenant, bot.TargetChannel, "6f1e2d3c", channel); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ConversationRef(ctx, bot.PlatformTeams, refTenant, bot.TargetUser, "6f1e2d3c"); err != nil || !reflect.DeepEqual(got, user) {
		t.Errorf("user ref = %v, %v; want %v", got, err, user)
	}
	if got, err := s.ConversationRef(ctx, bot.PlatformTeams, refTenant, bot.TargetChannel, "6f1e2d3c"); err != nil || !reflect.DeepEqual(got, channel) {
		t.Errorf("channel ref = %v, %v; want %v", got, err, channel)
	}
	if got, err := s.ConversationRef(ctx, bot.PlatformTeams, "other-tenant", bot.TargetUser, "6f1e2d3c"); err != nil || got != nil {
		t.Errorf("another tenant's ref = %v, %v; want nil, nil", got, err)
	}

	// Saving again replaces the reference.
	user["conversation_id"] = "a:1Xy2"
	if err := s.SaveConversationRef(ctx, bot.PlatformTeams, refTenant, bot.TargetUser, "6f1e2d3c", user); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ConversationRef(ctx, bot.PlatformTeams, refTenant, bot.TargetUser, "6f1e2d3c"); err != nil || !reflect.DeepEqual(got, user) {
		t.Errorf("user ref after update = %v, %v; want %v", got, err, user)
	}

	key := redisstore.Keys{Prefix: prefix}.ConversationRef(bot.PlatformTeams, refTenant, bot.TargetUser, "6f1e2d3c")
	if want := prefix + ":{convref:teams:" + refTenant + ":user:6f1e2d3c}"; key != want {
		t.Errorf("key = %q, want %q", key, want)
	}
	wantAbout(t, "conversation ref", mustTTL(t, s, key), 365*24*time.Hour)
}

func TestConversationRefInvalid(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	ref := map[string]string{"service_url": "https://example.com/"}
	for _, tc := range []struct{ name, platform, kind, id string }{
		{"no platform", "", bot.TargetUser, "u1"},
		{"no kind", bot.PlatformTeams, "", "u1"},
		{"no id", bot.PlatformTeams, bot.TargetUser, ""},
		{"brace in id", bot.PlatformTeams, bot.TargetUser, "u}1"},
	} {
		wantKind(t, tc.name+": save", s.SaveConversationRef(ctx, tc.platform, refTenant, tc.kind, tc.id, ref), bot.EInvalid)
		_, err := s.ConversationRef(ctx, tc.platform, refTenant, tc.kind, tc.id)
		wantKind(t, tc.name+": get", err, bot.EInvalid)
	}
	wantKind(t, "empty ref", s.SaveConversationRef(ctx, bot.PlatformTeams, refTenant, bot.TargetUser, "u1", nil), bot.EInvalid)
}

func TestConversationRefOutage(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	s := mustStore(t, redisstore.Config{URL: srv.URL()})
	srv.Stop(t)
	ctx := t.Context()
	err := s.SaveConversationRef(ctx, bot.PlatformTeams, refTenant, bot.TargetUser, "u1", map[string]string{"bot_id": "b"})
	wantKind(t, "SaveConversationRef", err, bot.EUnavailable)
	if got := bot.ErrorMessage(err); got != recordsUnavailableMessage {
		t.Errorf("message = %q, want %q", got, recordsUnavailableMessage)
	}
	_, err = s.ConversationRef(ctx, bot.PlatformTeams, refTenant, bot.TargetUser, "u1")
	wantKind(t, "ConversationRef", err, bot.EUnavailable)
}
