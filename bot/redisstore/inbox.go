package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waymarkhq/waymark/bot"
)

var _ bot.Notifier = (*Store)(nil)

// The web inbox's bounds.
const (
	// InboxMax is the most notes an inbox keeps; older ones are dropped as
	// newer ones arrive.
	InboxMax = 100
	// InboxTTL is how long an inbox is kept after the last note put in it.
	InboxTTL = 7 * 24 * time.Hour
)

// Notify implements bot.Notifier for the web chat, which has no connection
// to push to: r is put in t's inbox, where the page finds it with TakeInbox
// when it next asks. RPUSH, LTRIM to the newest InboxMax and EXPIRE
// InboxTTL run as one MULTI transaction on the one key
// <prefix>:{inbox:web:<team>:<id>}.
//
// It returns an EInvalid error for a target on another platform, a channel
// or an empty id, EUnavailable if Redis cannot be reached. Errors never
// name the session: whoever knows a session id can read its inbox. go-redis
// retries a transaction whose reply was lost, so a note may, rarely, arrive
// twice.
func (s *Store) Notify(ctx context.Context, t bot.Target, r bot.Reply) error {
	key, err := s.inboxKey(t)
	if err != nil {
		return err
	}
	b, err := json.Marshal(stored(r))
	if err != nil {
		return fmt.Errorf("encode a note: %w", err)
	}
	_, err = s.client.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.RPush(ctx, key, b)
		pipe.LTrim(ctx, key, -InboxMax, -1)
		pipe.Expire(ctx, key, InboxTTL)
		return nil
	})
	if err != nil {
		return fmt.Errorf("put a note in a web inbox: %w", s.wrapRecords("MULTI", err))
	}
	return nil
}

// TakeInbox removes and returns up to max of the notes in t's inbox, oldest
// first, or nil when there are none. It is one LPOP with a count (Redis 6.2
// or later), so of several callers at once each note goes to one only. If
// its reply is lost, the notes it took are lost with it.
//
// It returns an EInvalid error for a target Notify refuses or a max below
// 1, EUnavailable if Redis cannot be reached. A stored note that cannot be
// decoded is an internal error, returned together with the notes that
// could be: they have been taken.
func (s *Store) TakeInbox(ctx context.Context, t bot.Target, max int) ([]bot.Reply, error) {
	key, err := s.inboxKey(t)
	if err != nil {
		return nil, err
	}
	if max < 1 {
		return nil, invalid("TakeInbox needs a max of at least 1, not %d.", max)
	}
	bodies, err := s.client.LPopCount(ctx, key, max).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("take notes from a web inbox: %w", s.wrapRecords("LPOP", err))
	}
	if len(bodies) == 0 {
		return nil, nil
	}
	out := make([]bot.Reply, 0, len(bodies))
	var errs []error
	for _, b := range bodies {
		var r bot.Reply
		if err := json.Unmarshal([]byte(b), &r); err != nil {
			errs = append(errs, fmt.Errorf("decode a note from a web inbox: %w", err))
			continue
		}
		out = append(out, r)
	}
	return out, errors.Join(errs...)
}

// inboxKey checks that t is a web chat user and returns its inbox's key.
func (s *Store) inboxKey(t bot.Target) (string, error) {
	if t.Platform != bot.PlatformWeb {
		return "", invalid("The inbox only delivers to the web chat.")
	}
	if t.Kind != "" && t.Kind != bot.TargetUser {
		return "", invalid("The web chat has no channels: the inbox delivers to sessions only.")
	}
	if t.ID == "" {
		return "", invalid("The web chat session to deliver to is empty.")
	}
	return s.keys.Inbox(t.Platform + ":" + t.TeamID + ":" + t.ID), nil
}

// stored is r as an inbox keeps it: bot.Reply's JSON, with times in UTC.
func stored(r bot.Reply) bot.Reply {
	if len(r.Answers) > 0 {
		answers := make([]bot.AnswerCard, len(r.Answers))
		for i, a := range r.Answers {
			a.Reviewed, a.ReviewDue = utc(a.Reviewed), utc(a.ReviewDue)
			answers[i] = a
		}
		r.Answers = answers
	}
	return r
}

// utc returns t in UTC, and a zero t as it is.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}
