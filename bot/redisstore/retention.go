package redisstore

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waymarkhq/waymark/bot"
)

// Retention: how long each kind of record is kept. Conversation context,
// profiles, delivery marks, web inboxes, relay threads and sign-in tokens
// expire by their own TTLs in Redis; the records below are kept until a
// sweep removes them, which any replica may run at any time: each removal
// is idempotent, and a lock lets one replica sweep per interval.

// Retention is how long finished records are kept. A zero duration keeps
// that kind for ever.
type Retention struct {
	// Consultations closed or cancelled this long ago are removed, with
	// their place in the requester's list and their relay threads.
	Consultations time.Duration
	// Escalations acknowledged (or exhausted) this long ago are removed,
	// with their posted prompts' ids. Open ones are kept.
	Escalations time.Duration
	Feedback    time.Duration // feedback given longer ago than this
	Audit       time.Duration // audit entries recorded longer ago than this (by stream id)
	Gaps        time.Duration // knowledge gaps recorded longer ago than this
}

// SweepReport says what a sweep removed.
type SweepReport struct {
	Consultations, Escalations int
	Feedback, Audit, Gaps      int64
	Skipped                    bool // another replica holds this interval's lock
}

// SweepLock is the key of the retention sweep's lock: <prefix>:{sweep}.
func (k Keys) SweepLock() string { return k.Prefix + ":{sweep}" }

// Sweep removes the records r says are past keeping at now. With every
// above zero, it first takes a lock for that long (SET NX), and returns a
// report with Skipped set when another replica has it; with every zero it
// always sweeps. It returns EUnavailable when Redis cannot be reached, with
// what it removed before that.
func (s *Store) Sweep(ctx context.Context, now time.Time, r Retention, every time.Duration) (SweepReport, error) {
	var rep SweepReport
	if every > 0 {
		ok, err := s.client.SetNX(ctx, s.keys.SweepLock(), now.UTC().Format(time.RFC3339), every).Result()
		if err != nil {
			return rep, s.wrap("SET sweep lock", err)
		}
		if !ok {
			rep.Skipped = true
			return rep, nil
		}
	}
	if r.Feedback > 0 {
		n, err := s.sweepFeedback(ctx, now.Add(-r.Feedback))
		rep.Feedback = n
		if err != nil {
			return rep, err
		}
	}
	if r.Gaps > 0 {
		n, err := s.sweepGaps(ctx, now.Add(-r.Gaps))
		rep.Gaps = n
		if err != nil {
			return rep, err
		}
	}
	if r.Audit > 0 {
		n, err := s.client.XTrimMinID(ctx, s.keys.Audit(), strconv.FormatInt(now.Add(-r.Audit).UnixMilli(), 10)).Result()
		if err != nil {
			return rep, s.wrap("XTRIM audit", err)
		}
		rep.Audit = n
	}
	if r.Consultations > 0 {
		cutoff := now.Add(-r.Consultations)
		err := s.scan(ctx, globEscape(s.keys.Prefix)+":{cons:*}", func(key string) error {
			c, err := s.consultationAt(ctx, key)
			if err != nil || (c.State != bot.StateClosed && c.State != bot.StateCancelled) || c.ClosedAt.IsZero() || !c.ClosedAt.Before(cutoff) {
				return err
			}
			keys := []string{key}
			for _, p := range []bot.Person{c.Requester, c.Claimant} {
				if p.UserID == "" {
					continue
				}
				// The person's thread, and the link from it back here.
				if th, err := s.PersonThread(ctx, c.Ref, p); err == nil && th.ThreadID != "" {
					keys = append(keys, s.keys.Thread(th))
				}
				keys = append(keys, s.keys.PersonThread(c.Ref, p))
			}
			if c.QueuePost.ThreadID != "" {
				keys = append(keys, s.keys.Thread(c.QueuePost))
			}
			for _, k := range keys {
				if err := s.client.Del(ctx, k).Err(); err != nil {
					return s.wrap("DEL consultation", err)
				}
			}
			if err := s.client.ZRem(ctx, s.keys.ConsultationsOf(c.Requester.Key()), c.Ref).Err(); err != nil {
				return s.wrap("ZREM consultations", err)
			}
			if err := s.client.ZRem(ctx, s.keys.ConsultationIndex(), c.Ref).Err(); err != nil {
				return s.wrap("ZREM consultation index", err)
			}
			rep.Consultations++
			return nil
		})
		if err != nil {
			return rep, err
		}
	}
	if r.Escalations > 0 {
		cutoff := now.Add(-r.Escalations)
		err := s.scan(ctx, globEscape(s.keys.Prefix)+":{esc:*}", func(key string) error {
			m, err := s.client.HGetAll(ctx, key).Result()
			if err != nil {
				return s.wrap("HGETALL escalation", err)
			}
			e, err := decodeEscalation(m)
			if err != nil || e.State == bot.EscalationOpen || e.ID == "" {
				return nil // undecodable or still prompting: kept
			}
			ended := e.AckAt
			if ended.IsZero() {
				ended = e.CreatedAt
			}
			if ended.IsZero() || !ended.Before(cutoff) {
				return nil
			}
			if err := s.client.Del(ctx, key, s.keys.EscalationPrompts(e.ID)).Err(); err != nil {
				return s.wrap("DEL escalation", err)
			}
			if err := s.client.ZRem(ctx, s.keys.EscalationIndex(), e.ID).Err(); err != nil {
				return s.wrap("ZREM escalation index", err)
			}
			rep.Escalations++
			return nil
		})
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// sweepFeedback removes feedback given before cutoff, by its own time
// (the stream is bounded, so reading it whole is cheap).
func (s *Store) sweepFeedback(ctx context.Context, cutoff time.Time) (int64, error) {
	return s.deleteFeedback(ctx, func(v map[string]any) bool {
		at, _ := v["at"].(string)
		t, err := time.Parse(time.RFC3339Nano, at)
		return err == nil && t.Before(cutoff)
	})
}

// feedbackWhere returns the feedback entries for which match is true.
func (s *Store) feedbackWhere(ctx context.Context, match func(map[string]any) bool) ([]redis.XMessage, error) {
	entries, err := s.client.XRange(ctx, s.keys.Feedback(), "-", "+").Result()
	if err != nil {
		return nil, s.wrap("XRANGE feedback", err)
	}
	return slices.DeleteFunc(entries, func(m redis.XMessage) bool { return !match(m.Values) }), nil
}

// deleteFeedback removes the feedback entries for which match is true and
// returns how many it removed.
func (s *Store) deleteFeedback(ctx context.Context, match func(map[string]any) bool) (int64, error) {
	entries, err := s.feedbackWhere(ctx, match)
	if err != nil || len(entries) == 0 {
		return 0, err
	}
	ids := make([]string, len(entries))
	for i, m := range entries {
		ids[i] = m.ID
	}
	n, err := s.client.XDel(ctx, s.keys.Feedback(), ids...).Result()
	return n, s.wrap("XDEL feedback", err)
}

// consultationAt reads the consultation hash at key.
func (s *Store) consultationAt(ctx context.Context, key string) (bot.Consultation, error) {
	m, err := s.client.HGetAll(ctx, key).Result()
	if err != nil {
		return bot.Consultation{}, s.wrap("HGETALL consultation", err)
	}
	c, err := decodeConsultation(m)
	if err != nil {
		return bot.Consultation{}, nil // not one we can read: kept
	}
	return c, nil
}

// scan calls fn with every record key matching pattern (one of a record's
// own hashes: not its :prompts or other keys beside it), on every master
// of a Cluster.
func (s *Store) scan(ctx context.Context, pattern string, fn func(key string) error) error {
	return s.scanAll(ctx, pattern, func(k string) error {
		if strings.Contains(k[strings.Index(k, "}")+1:], ":") {
			return nil // a key beside the record, such as :prompts
		}
		return fn(k)
	})
}

// QueueDepth counts the consultations waiting to be claimed, per
// specialism, and when the oldest of each was made, by scanning the
// records: for metrics, every minute or so, not for every request. It
// returns EUnavailable when Redis cannot be reached.
func (s *Store) QueueDepth(ctx context.Context) (map[string]int, map[string]time.Time, error) {
	depth, oldest := map[string]int{}, map[string]time.Time{}
	err := s.scan(ctx, globEscape(s.keys.Prefix)+":{cons:*}", func(key string) error {
		v, err := s.client.HMGet(ctx, key, "state", "specialism", "created_at").Result()
		if err != nil {
			return s.wrap("HMGET consultation", err)
		}
		state, _ := v[0].(string)
		specialism, _ := v[1].(string)
		if state != bot.StateQueued || specialism == "" {
			return nil
		}
		depth[specialism]++
		if created, _ := v[2].(string); created != "" {
			if t, err := time.Parse(time.RFC3339Nano, created); err == nil && (oldest[specialism].IsZero() || t.Before(oldest[specialism])) {
				oldest[specialism] = t
			}
		}
		return nil
	})
	return depth, oldest, err
}
