package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// InvokeTTL is how long an invoke's answer is kept for a retried delivery.
// The Bot Framework retries within seconds; the answer may carry a
// practitioner's words, so it is not kept longer than it can be needed.
const InvokeTTL = 10 * time.Minute

// invokePending marks an invoke being answered. An answer is JSON, so it
// never starts with this byte.
const invokePending = "\x00pending"

// Invoke is the key of an invoke's answer: <prefix>:{inv:<platform>:<id>}.
func (k Keys) Invoke(platform, id string) string {
	return k.Prefix + ":{inv:" + platform + ":" + id + "}"
}

// BeginInvoke records the delivery of the invoke (a card action answered
// in the HTTP response) with id. For its first delivery it returns true;
// for a retry it returns false and the answer FinishInvoke saved, or nil
// while the first delivery is still being answered. It is one SET NX, then
// a GET for a retry. It returns EInvalid for an empty platform or id or a
// platform containing ':', and EUnavailable when Redis cannot be reached.
func (s *Store) BeginInvoke(ctx context.Context, platform, id string) (first bool, answer []byte, err error) {
	if platform == "" || id == "" || strings.Contains(platform, ":") {
		return false, nil, invalid("The platform or the invoke id is empty or malformed.")
	}
	key := s.keys.Invoke(platform, id)
	first, err = s.client.SetNX(ctx, key, invokePending, InvokeTTL).Result()
	if err != nil {
		return false, nil, fmt.Errorf("begin invoke %s %s: %w", platform, id, s.wrap("SET NX", err))
	}
	if first {
		return true, nil, nil
	}
	got, err := s.client.Get(ctx, key).Result()
	switch {
	case errors.Is(err, redis.Nil): // expired between the two calls
		return false, nil, nil
	case err != nil:
		return false, nil, fmt.Errorf("read invoke %s %s: %w", platform, id, s.wrap("GET", err))
	case got == invokePending:
		return false, nil, nil
	}
	return false, []byte(got), nil
}

// FinishInvoke saves the answer to the invoke with id, for retries of it,
// for InvokeTTL. It returns the errors BeginInvoke does.
func (s *Store) FinishInvoke(ctx context.Context, platform, id string, answer []byte) error {
	if platform == "" || id == "" || strings.Contains(platform, ":") {
		return invalid("The platform or the invoke id is empty or malformed.")
	}
	if err := s.client.Set(ctx, s.keys.Invoke(platform, id), answer, InvokeTTL).Err(); err != nil {
		return fmt.Errorf("finish invoke %s %s: %w", platform, id, s.wrap("SET", err))
	}
	return nil
}
