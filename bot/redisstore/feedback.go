package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waymarkhq/waymark/bot"
)

// SaveFeedback appends f to the feedback stream, which is trimmed to about
// FeedbackMaxLen entries (XADD MAXLEN ~, so Redis trims whole nodes when
// cheap). It returns EUnavailable if Redis cannot be reached.
func (s *Store) SaveFeedback(ctx context.Context, f bot.Feedback) error {
	docs, err := json.Marshal(f.Docs)
	if err != nil {
		return fmt.Errorf("encode feedback %s: %w", f.Ref, err)
	}
	if f.Docs == nil {
		docs = []byte("[]")
	}
	err = s.client.XAdd(ctx, &redis.XAddArgs{
		Stream: s.keys.Feedback(),
		MaxLen: s.cfg.FeedbackMaxLen,
		Approx: true,
		ID:     "*",
		Values: []string{
			"ref", f.Ref,
			"user", f.UserKey,
			"verdict", f.Verdict,
			"comment", f.Comment,
			"docs", string(docs),
			"at", f.At.UTC().Format(time.RFC3339Nano),
		},
	}).Err()
	if err != nil {
		return fmt.Errorf("save feedback %s: %w", f.Ref, s.wrap("XADD", err))
	}
	return nil
}
