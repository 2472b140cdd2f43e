package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/waymarkhq/waymark/bot"
)

var _ bot.Board = (*Store)(nil)

// The console lists every consultation and escalation kept. Each is in an
// index (a sorted set by creation time) beside its own hash: written when
// it is created, removed when retention deletes it, and rebuilt from the
// records by Reindex, which serve runs at start so that records made
// before the index existed are listed too. A reference in an index whose
// record is gone is skipped.

// boardChunk is how many records one pipeline reads.
const boardChunk = 1000

// index adds ref, created at ms, to the index at key. It runs after the
// record is stored, and finishes even if the caller gives up.
func (s *Store) index(ctx context.Context, key, ref string, ms int64) error {
	ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), auditTimeout)
	defer cancel()
	return s.wrapRecords("ZADD index", s.client.ZAdd(ictx, key, redis.Z{Score: float64(ms), Member: ref}).Err())
}

// Consultations returns every consultation kept, newest first. It returns
// EUnavailable when Redis cannot be reached.
func (s *Store) Consultations(ctx context.Context) ([]bot.Consultation, error) {
	var out []bot.Consultation
	err := s.readIndex(ctx, s.keys.ConsultationIndex(), s.keys.Consultation, func(m map[string]string) {
		if c, err := decodeConsultation(m); err == nil {
			out = append(out, c)
		}
	})
	return out, err
}

// Escalations returns every escalation kept, newest first. It returns
// EUnavailable when Redis cannot be reached.
func (s *Store) Escalations(ctx context.Context) ([]bot.Escalation, error) {
	var out []bot.Escalation
	err := s.readIndex(ctx, s.keys.EscalationIndex(), s.keys.Escalation, func(m map[string]string) {
		if e, err := decodeEscalation(m); err == nil && e.ID != "" {
			out = append(out, e)
		}
	})
	return out, err
}

// readIndex reads the records an index lists, newest first, boardChunk at
// a time in one pipeline each, the chunks at once (reading and decoding a
// reply is most of the cost), and calls fn with each that exists, in the
// index's order.
func (s *Store) readIndex(ctx context.Context, index string, key func(string) string, fn func(map[string]string)) error {
	refs, err := s.client.ZRevRange(ctx, index, 0, -1).Result()
	if err != nil {
		return fmt.Errorf("list %s: %w", index, s.wrapRecords("ZREVRANGE", err))
	}
	chunks := make([][]*redis.MapStringStringCmd, (len(refs)+boardChunk-1)/boardChunk)
	errs := make([]error, len(chunks))
	var wg sync.WaitGroup
	for i := range chunks {
		chunk := refs[i*boardChunk : min((i+1)*boardChunk, len(refs))]
		wg.Go(func() {
			cmds := make([]*redis.MapStringStringCmd, len(chunk))
			_, errs[i] = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
				for j, ref := range chunk {
					cmds[j] = p.HGetAll(ctx, key(ref))
				}
				return nil
			})
			chunks[i] = cmds
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("read %s: %w", index, s.wrapRecords("HGETALL", err))
	}
	for _, cmds := range chunks {
		for _, c := range cmds {
			if m := c.Val(); len(m) > 0 {
				fn(m)
			}
		}
	}
	return nil
}

// Reindex adds every consultation and escalation record to its index and
// returns how many it found. It may be run at any time, by any replica: an
// index entry is only ever added again with the same score.
func (s *Store) Reindex(ctx context.Context) (int, error) {
	n := 0
	for _, kind := range []struct {
		glob, index string
	}{
		{":{cons:*}", s.keys.ConsultationIndex()},
		{":{esc:*}", s.keys.EscalationIndex()},
	} {
		err := s.scan(ctx, globEscape(s.keys.Prefix)+kind.glob, func(key string) error {
			v, err := s.client.HMGet(ctx, key, "created_at").Result()
			if err != nil {
				return s.wrap("HMGET record", err)
			}
			created, _ := v[0].(string)
			h := hash{m: map[string]string{"created_at": created}}
			at := h.time("created_at")
			if h.err != nil || at.IsZero() {
				return nil // not one we can read: left out
			}
			ref := key[strings.LastIndex(key, ":{")+2 : len(key)-1]
			ref = ref[strings.Index(ref, ":")+1:]
			n++
			return s.index(ctx, kind.index, ref, at.UnixMilli())
		})
		if err != nil {
			return n, fmt.Errorf("reindex: %w", err)
		}
	}
	return n, nil
}
