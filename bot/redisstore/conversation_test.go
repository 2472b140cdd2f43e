package redisstore_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
)

func TestConversationRoundTrip(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	const key = "slack:T1:C1"

	got, err := s.Conversation(ctx, key)
	if err != nil || !reflect.DeepEqual(got, bot.Conversation{}) {
		t.Fatalf("before any save: %+v, %v; want a zero Conversation and no error", got, err)
	}

	want := bot.Conversation{
		LastQuestion: "who is the LADO",
		LastArea:     "Wyvern Vale",
		LastDocs:     []string{"wv-contact-lado", "wv-allegations"},
		UpdatedAt:    time.Date(2026, 11, 23, 12, 0, 0, 123, time.UTC),
	}
	if err := s.SaveConversation(ctx, key, want); err != nil {
		t.Fatal(err)
	}
	got, err = s.Conversation(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("UpdatedAt = %v, want %v", got.UpdatedAt, want.UpdatedAt)
	}
	got.UpdatedAt = want.UpdatedAt
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Conversation = %+v, want %+v", got, want)
	}

	// Another conversation is unaffected.
	other, err := s.Conversation(ctx, "slack:T1:C2")
	if err != nil || !reflect.DeepEqual(other, bot.Conversation{}) {
		t.Errorf("another conversation: %+v, %v", other, err)
	}

	// A save replaces the whole state.
	if err := s.SaveConversation(ctx, key, bot.Conversation{LastArea: "Northbridge"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Conversation(ctx, key); got.LastQuestion != "" || got.LastDocs != nil || got.LastArea != "Northbridge" {
		t.Errorf("after a second save: %+v", got)
	}
}

func TestConversationIsStoredAsJSON(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	c := bot.Conversation{LastQuestion: "q", LastArea: "a", LastDocs: []string{"d"}, UpdatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	if err := s.SaveConversation(ctx, "web::1", c); err != nil {
		t.Fatal(err)
	}
	raw, err := s.Client().Get(ctx, s.Keys().Conversation("web::1")).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("stored value %s is not JSON: %v", raw, err)
	}
	want := map[string]any{"last_question": "q", "last_area": "a", "last_docs": []any{"d"}, "updated_at": "2026-01-02T03:04:05Z"}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("stored %s, want the fields %v", raw, want)
	}
}

func TestConversationTTL(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	if err := s.SaveConversation(t.Context(), "slack:T1:C1", bot.Conversation{LastArea: "Wyvern Vale"}); err != nil {
		t.Fatal(err)
	}
	wantAbout(t, "conversation", mustTTL(t, s, s.Keys().Conversation("slack:T1:C1")), 24*time.Hour)
}

func TestConversationExpires(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{ConversationTTL: time.Second})
	ctx := t.Context()
	key := s.Keys().Conversation("slack:T1:C1")
	if err := s.SaveConversation(ctx, "slack:T1:C1", bot.Conversation{LastArea: "Wyvern Vale"}); err != nil {
		t.Fatal(err)
	}
	if ttl := s.Client().PTTL(ctx, key).Val(); ttl > time.Second {
		t.Errorf("PTTL = %v, want at most the configured 1s", ttl)
	}
	eventually(t, 10*time.Second, "the conversation expires", func() bool {
		c, err := s.Conversation(ctx, "slack:T1:C1")
		if err != nil {
			t.Fatal(err)
		}
		return c.LastArea == ""
	})
}

func TestConversationNeedsAKey(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	_, err := s.Conversation(t.Context(), "")
	wantKind(t, "Conversation(\"\")", err, bot.EInvalid)
	wantKind(t, "SaveConversation(\"\")", s.SaveConversation(t.Context(), "", bot.Conversation{}), bot.EInvalid)
}

func TestUndecodableConversationIsInternal(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	if err := s.Client().Set(ctx, s.Keys().Conversation("bad"), "not json", 0).Err(); err != nil {
		t.Fatal(err)
	}
	_, err := s.Conversation(ctx, "bad")
	wantKind(t, "an undecodable value", err, bot.EInternal)

	// A key of the wrong type is a bug, not an outage.
	if err := s.Client().HSet(ctx, s.Keys().Conversation("hash"), "f", "v").Err(); err != nil {
		t.Fatal(err)
	}
	_, err = s.Conversation(ctx, "hash")
	wantKind(t, "a WRONGTYPE reply", err, bot.EInternal)
}
