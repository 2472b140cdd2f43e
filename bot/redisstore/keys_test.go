package redisstore_test

import (
	"testing"

	"github.com/waymarkhq/waymark/bot/redisstore"
)

func TestKeyLayout(t *testing.T) {
	k := redisstore.Keys{Prefix: "wm"}
	tests := []struct {
		got, want, tag string
	}{
		{k.Conversation("slack:T1:C1"), "wm:{conv:slack:T1:C1}", "conv:slack:T1:C1"},
		{k.Profile("slack:T1:U1"), "wm:{user:slack:T1:U1}:profile", "user:slack:T1:U1"},
		{k.Event("slack", "Ev1"), "wm:{evt:slack:Ev1}", "evt:slack:Ev1"},
		{k.Feedback(), "wm:{feedback}", "feedback"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("key = %q, want %q", tt.got, tt.want)
		}
		if tag := redisstore.HashTag(tt.got); tag != tt.tag {
			t.Errorf("HashTag(%q) = %q, want %q", tt.got, tag, tt.tag)
		}
	}
}

func TestStoreUsesPrefix(t *testing.T) {
	s, err := redisstore.New(redisstore.Config{URL: "redis://127.0.0.1:1/0"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.Keys().Conversation("c"); got != "wm:{conv:c}" {
		t.Errorf("default prefix: %q", got)
	}
	s2, err := redisstore.New(redisstore.Config{URL: "redis://127.0.0.1:1/0", Prefix: "t:x:1"})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got := s2.Keys().Feedback(); got != "t:x:1:{feedback}" {
		t.Errorf("custom prefix: %q", got)
	}
}

// Keys a later feature may touch in one script or transaction share a slot;
// unrelated keys spread.
func TestKeysAreClusterSafe(t *testing.T) {
	k := redisstore.Keys{Prefix: "wm"}
	same := [][]string{
		// one conversation's state and what a later feature adds beside it
		{k.Conversation("slack:T1:C1"), k.Conversation("slack:T1:C1") + ":consultation", k.Conversation("slack:T1:C1") + ":lock"},
		// one practitioner's keys
		{k.Profile("slack:T1:U1"), "wm:{user:slack:T1:U1}:consultations"},
		// the feedback stream and its bookkeeping
		{k.Feedback(), k.Feedback() + ":summary"},
		// odd characters in an id do not split a conversation's keys
		{k.Conversation("web::a}b{c"), k.Conversation("web::a}b{c") + ":lock"},
	}
	for _, keys := range same {
		for _, key := range keys[1:] {
			if redisstore.Slot(key) != redisstore.Slot(keys[0]) {
				t.Errorf("%q (slot %d) and %q (slot %d) must share a slot", keys[0], redisstore.Slot(keys[0]), key, redisstore.Slot(key))
			}
		}
	}

	// The prefix does not change the slot: it is outside the tag.
	if a, b := redisstore.Slot(k.Conversation("c")), redisstore.Slot(redisstore.Keys{Prefix: "other"}.Conversation("c")); a != b {
		t.Errorf("prefix changes the slot: %d and %d", a, b)
	}

	// Different conversations, users and events spread over many slots.
	slots := map[string]map[int]bool{"conversations": {}, "profiles": {}, "events": {}}
	for i := range 200 {
		id := string(rune('a'+i%26)) + string(rune('a'+i/26))
		slots["conversations"][redisstore.Slot(k.Conversation("slack:T1:"+id))] = true
		slots["profiles"][redisstore.Slot(k.Profile("slack:T1:"+id))] = true
		slots["events"][redisstore.Slot(k.Event("slack", id))] = true
	}
	for what, s := range slots {
		if len(s) < 150 {
			t.Errorf("200 %s use only %d slots", what, len(s))
		}
	}
}

func TestHashTag(t *testing.T) {
	tests := []struct{ key, want string }{
		{"plain", "plain"},
		{"{user1000}.following", "user1000"},
		{"foo{}{bar}", "foo{}{bar}"}, // an empty tag means the whole key
		{"foo{{bar}}zap", "{bar"},
		{"foo{bar}{zap}", "bar"},
		{"{unclosed", "{unclosed"},
	}
	for _, tt := range tests {
		if got := redisstore.HashTag(tt.key); got != tt.want {
			t.Errorf("HashTag(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}

// The slots Redis's documentation and CLUSTER KEYSLOT give.
func TestSlot(t *testing.T) {
	tests := []struct {
		key  string
		want int
	}{
		{"123456789", 0x31C3}, // the CRC-16/XMODEM check value
		{"foo", 12182},
		{"somekey", 11058},
		{"{user1000}.following", 3443},
		{"{user1000}.followers", 3443},
		{"", 0},
		{"wm:{conv:slack:T1:C1}", 9350},
	}
	for _, tt := range tests {
		if got := redisstore.Slot(tt.key); got != tt.want {
			t.Errorf("Slot(%q) = %d, want %d", tt.key, got, tt.want)
		}
	}
}
