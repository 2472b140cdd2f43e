package redisstore

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waymarkhq/waymark/bot"
)

// onceTTL is how long the link from a key to the escalation it started is
// kept: far longer than any ladder.
const onceTTL = 30 * 24 * time.Hour

// EscalationOnce links a caller's key to the escalation created under it:
// <prefix>:{esconce:<key>}.
func (k Keys) EscalationOnce(key string) string {
	return k.Prefix + ":{esconce:" + key + "}"
}

// CreateEscalationOnce creates e unless an escalation was already created
// under key; then it returns that one and false. The link is set with SET
// NX after the escalation is created, so of two concurrent callers one
// wins and the other gets the winner's escalation; the loser's record is
// left unprompted (its audit entry says it was created). It returns
// EUnavailable when Redis cannot be reached.
func (s *Store) CreateEscalationOnce(ctx context.Context, key string, e bot.Escalation) (bot.Escalation, bool, error) {
	if key == "" {
		return bot.Escalation{}, false, invalid("The escalation key is empty.")
	}
	link := s.keys.EscalationOnce(key)
	existing := func() (bot.Escalation, bool, error) {
		id, err := s.client.Get(ctx, link).Result()
		if err != nil {
			return bot.Escalation{}, false, s.wrapRecords("GET escalation link", err)
		}
		got, err := s.Escalation(ctx, id)
		return got, false, err
	}
	switch _, err := s.client.Get(ctx, link).Result(); {
	case err == nil:
		return existing()
	case !errors.Is(err, redis.Nil):
		return bot.Escalation{}, false, s.wrapRecords("GET escalation link", err)
	}
	created, err := s.CreateEscalation(ctx, e)
	if err != nil && !errors.Is(err, bot.ErrAuditMissing) {
		return bot.Escalation{}, false, err
	}
	auditErr := err
	won, err := s.client.SetNX(ctx, link, created.ID, onceTTL).Result()
	if err != nil {
		return bot.Escalation{}, false, s.wrapRecords("SETNX escalation link", err)
	}
	if !won {
		return existing()
	}
	return created, true, auditErr
}
