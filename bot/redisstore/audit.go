package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waymarkhq/waymark/bot"
)

// auditPage is how many entries AuditSince reads per XRANGE.
const auditPage = 256

// auditTimeout bounds the audit append that follows a state change. It runs
// on a context that the caller's cancellation does not reach, so a caller
// giving up just after the change does not leave it unaudited.
const auditTimeout = 2 * time.Second

// Audit appends e to the audit stream. The entry's stream id takes its time
// from e.At when that is later than the stream's last entry, and is the
// next id otherwise, so an entry's id is never earlier than its time;
// AuditSince relies on that. It returns an EInvalid error when e has no time
// or no action, EUnavailable if Redis cannot be reached. Entries are kept
// until deleted by hand: the stream is never trimmed.
func (s *Store) Audit(ctx context.Context, e bot.AuditEntry) error {
	if e.At.IsZero() || e.Action == "" {
		return invalid("The audit entry has no time or no action.")
	}
	if err := s.appendAudit(ctx, e); err != nil {
		return fmt.Errorf("audit %s %s: %w", e.Action, e.Ref, err)
	}
	return nil
}

func (s *Store) appendAudit(ctx context.Context, e bot.AuditEntry) error {
	ms := max(e.At.UnixMilli(), 0)
	err := auditScript.Run(ctx, s.client, []string{s.keys.Audit()},
		strconv.FormatInt(ms, 10),
		"at", formatTime(e.At),
		"ref", e.Ref,
		"actor", e.Actor,
		"action", e.Action,
		"detail", e.Detail,
	).Err()
	return s.wrapRecords("XADD", err)
}

// audit appends the entry recording a state change that a script has just
// made. In Redis Cluster a script may only touch keys of one slot, and the
// audit stream is in its own, so the entry cannot be appended by the script
// that made the change: it follows it here, on a context the caller cannot
// cancel. If Redis becomes unreachable between the two, the change stands
// and the entry is missing; the method then returns an EUnavailable error
// saying so, which the caller logs.
//
// It tries three times. The error it returns then wraps bot.ErrAuditMissing,
// and the methods return it together with the changed record, so callers
// still tell people what happened.
func (s *Store) audit(ctx context.Context, e bot.AuditEntry) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), auditTimeout)
	defer cancel()
	var err error
	for try := range 3 {
		if err = s.appendAudit(ctx, e); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(try+1) * 50 * time.Millisecond):
			continue
		}
		break
	}
	return fmt.Errorf("%s %s was recorded, but its audit entry was not: %w", e.Ref, e.Action, errors.Join(bot.ErrAuditMissing, err))
}

// AuditSince calls fn for every audit entry at or after since, oldest first,
// reading the stream in pages of XRANGE from the id for since (its unix
// milliseconds). An entry's id is never earlier than its time, so no entry
// at or after since is missed; entries whose id is later than their time
// (appended out of order, by a replica whose clock was behind) are filtered
// by their time. "Oldest first" is the order of appending, which is the
// order of the entries' times except for such entries. Entries appended
// while AuditSince runs may be included.
//
// It stops at fn's first error and returns it as it is. It returns
// EUnavailable if Redis cannot be reached; fn may by then have been called
// for some entries.
func (s *Store) AuditSince(ctx context.Context, since time.Time, fn func(bot.AuditEntry) error) error {
	start := "-"
	if !since.IsZero() {
		start = strconv.FormatInt(max(since.UnixMilli(), 0), 10) + "-0"
	}
	for {
		msgs, err := s.client.XRangeN(ctx, s.keys.Audit(), start, "+", auditPage).Result()
		if err != nil {
			return fmt.Errorf("audit since %s: %w", formatTime(since), s.wrapRecords("XRANGE", err))
		}
		for _, m := range msgs {
			e, err := auditEntry(m)
			if err != nil {
				return fmt.Errorf("audit entry %s: %w", m.ID, err)
			}
			if e.At.Before(since) {
				continue
			}
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(msgs) < auditPage {
			return nil
		}
		start = "(" + msgs[len(msgs)-1].ID
	}
}

func auditEntry(m redis.XMessage) (bot.AuditEntry, error) {
	str := func(name string) string {
		v, _ := m.Values[name].(string)
		return v
	}
	at, err := parseTime(str("at"))
	if err != nil {
		return bot.AuditEntry{}, fmt.Errorf("field at: %w", err)
	}
	return bot.AuditEntry{
		At:     at,
		Ref:    str("ref"),
		Actor:  str("actor"),
		Action: str("action"),
		Detail: str("detail"),
	}, nil
}
