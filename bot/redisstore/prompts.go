package redisstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/waymarkhq/waymark/bot"
)

// maxPrompts bounds the prompts kept for one escalation: far more than any
// ladder sends (levels × repeats × targets).
const maxPrompts = 200

// EscalationPrompts is the list of an escalation's posted prompts:
// <prefix>:{esc:<id>}:prompts, in the escalation's slot.
func (k Keys) EscalationPrompts(id string) string {
	return k.Escalation(id) + ":prompts"
}

// promptJSON is a PromptPost as stored.
type promptJSON struct {
	Platform       string `json:"platform"`
	TeamID         string `json:"team_id,omitempty"`
	Kind           string `json:"kind"`
	ID             string `json:"id"`
	ConversationID string `json:"conversation"`
	ThreadID       string `json:"thread"`
}

// AddPrompt records p, a prompt posted for the escalation id, keeping the
// newest maxPrompts. It returns EInvalid for a bad id or an incomplete
// prompt, EUnavailable if Redis cannot be reached.
func (s *Store) AddPrompt(ctx context.Context, id string, p bot.PromptPost) error {
	id, err := escalationID(id)
	if err != nil {
		return err
	}
	if p.Target.Platform == "" || p.Target.ID == "" || !validThread(p.Thread) {
		return invalid("The prompt to record is incomplete.")
	}
	b, err := json.Marshal(promptJSON{
		Platform: p.Target.Platform, TeamID: p.Target.TeamID, Kind: p.Target.Kind, ID: p.Target.ID,
		ConversationID: p.Thread.ConversationID, ThreadID: p.Thread.ThreadID,
	})
	if err != nil {
		return err
	}
	key := s.keys.EscalationPrompts(id)
	pipe := s.client.TxPipeline()
	pipe.RPush(ctx, key, b)
	pipe.LTrim(ctx, key, -maxPrompts, -1)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("prompts of %s: %w", id, s.wrapRecords("RPUSH", err))
	}
	return nil
}

// Prompts returns the prompts recorded for the escalation id, oldest first.
// A stored entry that cannot be read is skipped. It returns EInvalid for a
// bad id, EUnavailable if Redis cannot be reached.
func (s *Store) Prompts(ctx context.Context, id string) ([]bot.PromptPost, error) {
	id, err := escalationID(id)
	if err != nil {
		return nil, err
	}
	raw, err := s.client.LRange(ctx, s.keys.EscalationPrompts(id), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("prompts of %s: %w", id, s.wrapRecords("LRANGE", err))
	}
	out := make([]bot.PromptPost, 0, len(raw))
	for _, r := range raw {
		var p promptJSON
		if json.Unmarshal([]byte(r), &p) != nil {
			continue
		}
		out = append(out, bot.PromptPost{
			Target: bot.Target{Platform: p.Platform, TeamID: p.TeamID, Kind: p.Kind, ID: p.ID},
			Thread: bot.Thread{Platform: p.Platform, TeamID: p.TeamID, ConversationID: p.ConversationID, ThreadID: p.ThreadID},
		})
	}
	return out, nil
}
