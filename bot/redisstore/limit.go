package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waymarkhq/waymark/bot"
)

var _ bot.Counter = (*Store)(nil)

// Limit is the key of one window's count of an action:
// <prefix>:{rl:<key>}:<window>, the window the Unix time divided by its
// length, so that every replica counts in the same one.
func (k Keys) Limit(key string, per time.Duration, now time.Time) string {
	return fmt.Sprintf("%s:{rl:%s}:%d", k.Prefix, key, now.Unix()/int64(per/time.Second))
}

// CountIn adds one to key's count in the window of length per (at least
// a second) that holds now and returns the count so far; the window's key
// expires two windows later. It returns EInvalid for a window under a
// second and EUnavailable when Redis cannot be reached.
func (s *Store) CountIn(ctx context.Context, key string, per time.Duration, now time.Time) (int64, error) {
	if per < time.Second || key == "" {
		return 0, invalid("A rate limit needs a key and a window of at least a second, not %s.", per)
	}
	k := s.keys.Limit(key, per, now)
	var incr *redis.IntCmd
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		incr = p.Incr(ctx, k)
		p.Expire(ctx, k, 2*per)
		return nil
	})
	if err != nil {
		return 0, s.wrap("INCR limit", err)
	}
	return incr.Val(), nil
}
