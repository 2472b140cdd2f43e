package redisstore_test

import (
	"testing"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
)

// TestPrompts: the prompts posted for an escalation are kept in order, each
// with its target and where it landed.
func TestPrompts(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	posts := []bot.PromptPost{
		{Target: bot.Target{Platform: bot.PlatformSlack, TeamID: "T1", Kind: bot.TargetChannel, ID: "CDUTY"},
			Thread: bot.Thread{Platform: bot.PlatformSlack, TeamID: "T1", ConversationID: "CDUTY", ThreadID: "1700000000.000001"}},
		{Target: bot.Target{Platform: bot.PlatformTeams, TeamID: "aaaaaaaa-1111-1111-1111-111111111111", Kind: bot.TargetUser, ID: "33333333-3333-3333-3333-333333333333"},
			Thread: bot.Thread{Platform: bot.PlatformTeams, TeamID: "aaaaaaaa-1111-1111-1111-111111111111", ConversationID: "a:duty", ThreadID: "1772442300000"}},
	}
	for _, p := range posts {
		if err := s.AddPrompt(ctx, "ESC-000001", p); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Prompts(ctx, "ESC-000001")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != posts[0] || got[1] != posts[1] {
		t.Errorf("prompts %+v, want %+v", got, posts)
	}
	if got, err := s.Prompts(ctx, "ESC-000002"); err != nil || len(got) != 0 {
		t.Errorf("another escalation's prompts: %+v, %v", got, err)
	}
	if err := s.AddPrompt(ctx, "ESC-000001", bot.PromptPost{Target: posts[0].Target}); bot.ErrorKind(err) != bot.EInvalid {
		t.Errorf("a prompt without a thread: %v, want invalid", err)
	}
	if _, err := s.Prompts(ctx, "WM-000001"); bot.ErrorKind(err) != bot.EInvalid {
		t.Errorf("a consultation reference: %v, want invalid", err)
	}
}
