package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waymarkhq/waymark/bot"
)

var _ bot.Usage = (*Store)(nil)

// RecordAnswer counts one question for at's UTC day, answered when docs is
// not empty, and records at as when each of docs was last shown: one
// round trip (both keys share the {usage} slot).
func (s *Store) RecordAnswer(ctx context.Context, at time.Time, docs []string) error {
	day, field := at.UTC().Format(time.DateOnly), "answered"
	if len(docs) == 0 {
		field = "unanswered"
	}
	stamp := at.UTC().Format(time.RFC3339)
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HIncrBy(ctx, s.keys.Usage(), day+":"+field, 1)
		p.HSetNX(ctx, s.keys.Usage(), "since", stamp)
		if len(docs) > 0 {
			kv := make([]any, 0, 2*len(docs))
			for _, d := range docs {
				kv = append(kv, d, stamp)
			}
			p.HSet(ctx, s.keys.UsageShown(), kv...)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("count an answer: %w", s.wrap("HINCRBY usage", err))
	}
	return nil
}

// QuestionsByDay returns the question counts by UTC day.
func (s *Store) QuestionsByDay(ctx context.Context) (map[string]bot.DayCount, error) {
	m, err := s.client.HGetAll(ctx, s.keys.Usage()).Result()
	if err != nil {
		return nil, fmt.Errorf("question counts: %w", s.wrap("HGETALL usage", err))
	}
	out := map[string]bot.DayCount{}
	for k, v := range m {
		day, field, ok := strings.Cut(k, ":")
		n, err := strconv.Atoi(v)
		if !ok || err != nil {
			continue
		}
		c := out[day]
		switch field {
		case "answered":
			c.Answered = n
		case "unanswered":
			c.Unanswered = n
		default:
			continue
		}
		out[day] = c
	}
	return out, nil
}

// LastShown returns when each document was last shown, and since when.
func (s *Store) LastShown(ctx context.Context) (map[string]time.Time, time.Time, error) {
	m, err := s.client.HGetAll(ctx, s.keys.UsageShown()).Result()
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("documents shown: %w", s.wrap("HGETALL usage", err))
	}
	out := make(map[string]time.Time, len(m))
	for k, v := range m {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			out[k] = t
		}
	}
	sinceStr, err := s.client.HGet(ctx, s.keys.Usage(), "since").Result()
	if err != nil && err != redis.Nil {
		return nil, time.Time{}, fmt.Errorf("documents shown: %w", s.wrap("HGET usage", err))
	}
	since, _ := time.Parse(time.RFC3339, sinceStr)
	return out, since, nil
}
