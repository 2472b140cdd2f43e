package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waymarkhq/waymark/bot"
)

var _ bot.GapStore = (*Store)(nil)

// SaveGap appends g to the gaps stream, trimmed as feedback is to about
// FeedbackMaxLen entries. It returns EUnavailable if Redis cannot be
// reached.
func (s *Store) SaveGap(ctx context.Context, g bot.Gap) error {
	docs, _ := json.Marshal(g.Docs)
	err := s.client.XAdd(ctx, &redis.XAddArgs{
		Stream: s.keys.Gaps(), MaxLen: s.cfg.FeedbackMaxLen, Approx: true, ID: "*",
		Values: []string{
			"at", g.At.UTC().Format(time.RFC3339Nano),
			"kind", g.Kind,
			"area", g.Area,
			"terms", strings.Join(g.Terms, " "),
			"docs", string(docs),
		},
	}).Err()
	if err != nil {
		return fmt.Errorf("save a knowledge gap: %w", s.wrap("XADD", err))
	}
	return nil
}

// Gaps returns the gaps kept, oldest first; an entry it cannot read is
// left out. It returns EUnavailable if Redis cannot be reached.
func (s *Store) Gaps(ctx context.Context) ([]bot.Gap, error) {
	entries, err := s.client.XRange(ctx, s.keys.Gaps(), "-", "+").Result()
	if err != nil {
		return nil, fmt.Errorf("knowledge gaps: %w", s.wrap("XRANGE", err))
	}
	out := make([]bot.Gap, 0, len(entries))
	for _, m := range entries {
		if g, ok := decodeGap(m.Values); ok {
			out = append(out, g)
		}
	}
	return out, nil
}

func decodeGap(v map[string]any) (bot.Gap, bool) {
	str := func(k string) string { s, _ := v[k].(string); return s }
	at, err := time.Parse(time.RFC3339Nano, str("at"))
	if err != nil {
		return bot.Gap{}, false
	}
	g := bot.Gap{At: at, Kind: str("kind"), Area: str("area"), Terms: strings.Fields(str("terms"))}
	_ = json.Unmarshal([]byte(str("docs")), &g.Docs)
	return g, true
}

// sweepGaps removes the gaps recorded before cutoff and returns how many.
func (s *Store) sweepGaps(ctx context.Context, cutoff time.Time) (int64, error) {
	entries, err := s.client.XRange(ctx, s.keys.Gaps(), "-", "+").Result()
	if err != nil {
		return 0, s.wrap("XRANGE gaps", err)
	}
	entries = slices.DeleteFunc(entries, func(m redis.XMessage) bool {
		g, ok := decodeGap(m.Values)
		return ok && !g.At.Before(cutoff)
	})
	if len(entries) == 0 {
		return 0, nil
	}
	ids := make([]string, len(entries))
	for i, m := range entries {
		ids[i] = m.ID
	}
	n, err := s.client.XDel(ctx, s.keys.Gaps(), ids...).Result()
	return n, s.wrap("XDEL gaps", err)
}
