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

var _ bot.TimerStore = (*Store)(nil)

// MaxTakeDue is the most timers one TakeDue call returns; a larger limit is
// lowered to it. It keeps the script that takes them short, since Redis runs
// nothing else meanwhile.
const MaxTakeDue = 1000

// takenTTL is how long a TakeDue call's batch is kept for a retry of the
// same call.
const takenTTL = time.Minute

// timerRecord is bot.Timer as stored in the bodies hash.
type timerRecord struct {
	ID   string    `json:"id"`
	Due  time.Time `json:"due"`
	Kind string    `json:"kind"`
	Ref  string    `json:"ref,omitempty"`
}

// Schedule stores t, replacing any timer with the same ID: its id goes into
// the sorted set of due times (score: Due in unix milliseconds) and its body
// into the bodies hash, both in one MULTI transaction under the {timers}
// tag. It returns an EInvalid error when t has no ID or no Due time,
// EUnavailable if Redis cannot be reached.
func (s *Store) Schedule(ctx context.Context, t bot.Timer) error {
	if t.ID == "" || t.Due.IsZero() {
		return invalid("The timer has no id or no due time.")
	}
	b, err := json.Marshal(timerRecord{ID: t.ID, Due: t.Due.UTC(), Kind: t.Kind, Ref: t.Ref})
	if err != nil {
		return fmt.Errorf("encode timer %s: %w", t.ID, err)
	}
	_, err = s.client.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.ZAdd(ctx, s.keys.Timers(), redis.Z{Score: float64(t.Due.UnixMilli()), Member: t.ID})
		pipe.HSet(ctx, s.keys.TimerBodies(), t.ID, b)
		return nil
	})
	if err != nil {
		return fmt.Errorf("schedule timer %s: %w", t.ID, s.wrapRecords("MULTI", err))
	}
	return nil
}

// CancelTimer removes the timer with id, if there is one, in one MULTI
// transaction. It returns an EInvalid error for an empty id, EUnavailable
// if Redis cannot be reached.
func (s *Store) CancelTimer(ctx context.Context, id string) error {
	if id == "" {
		return invalid("The timer id is empty.")
	}
	_, err := s.client.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.ZRem(ctx, s.keys.Timers(), id)
		pipe.HDel(ctx, s.keys.TimerBodies(), id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("cancel timer %s: %w", id, s.wrapRecords("MULTI", err))
	}
	return nil
}

// TimerLease is how long a taken timer is held for its caller: unless the
// caller reschedules or cancels it by then, it is due again.
const TimerLease = 2 * time.Minute

// TakeDue leases and returns up to limit timers due at or before now,
// earliest first, at most MaxTakeDue. One script finds them
// (ZRANGEBYSCORE up to now, LIMIT), moves their due times TimerLease ahead
// and returns the bodies, so each timer goes to one caller only, however
// many replicas ask at once. Due times are compared in milliseconds, so a
// timer may be handed out up to a millisecond early.
//
// A taken timer stays stored: the caller reschedules it (the next step) or
// cancels it (done). If the caller crashes first, the timer is due again
// after the lease, so nothing is lost, only delayed. If the reply is lost,
// go-redis's retry of the call gets the same timers back, from the batch
// the script keeps for a minute.
//
// It returns an EInvalid error when limit is less than 1, EUnavailable if
// Redis cannot be reached. A stored body that cannot be decoded is an
// internal error, returned together with the timers that could be: they
// have been taken, and the caller should act on them.
func (s *Store) TakeDue(ctx context.Context, now time.Time, limit int) ([]bot.Timer, error) {
	if limit < 1 {
		return nil, invalid("TakeDue needs a limit of at least 1, not %d.", limit)
	}
	limit = min(limit, MaxTakeDue)
	keys := []string{s.keys.Timers(), s.keys.TimerBodies(), s.keys.TimerBatch(newOp())}
	pairs, err := takeDueScript.Run(ctx, s.client, keys, now.UnixMilli(), limit, takenTTL.Milliseconds(), TimerLease.Milliseconds()).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("take due timers: %w", s.wrapRecords("EVALSHA", err))
	}
	if len(pairs) == 0 {
		return nil, nil
	}
	ts := make([]bot.Timer, 0, len(pairs)/2)
	var errs []error
	for i := 0; i+1 < len(pairs); i += 2 {
		id, b := pairs[i], pairs[i+1]
		var rec timerRecord
		if err := json.Unmarshal([]byte(b), &rec); err != nil {
			// It can never fire; leased again and again it would only take
			// a place in every batch. Drop it, and say so.
			errs = append(errs, fmt.Errorf("decode due timer %s (dropped): %w", id, err))
			if cerr := s.CancelTimer(ctx, id); cerr != nil {
				errs = append(errs, cerr)
			}
			continue
		}
		ts = append(ts, bot.Timer(rec))
	}
	return ts, errors.Join(errs...)
}
