package redisstore

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waymarkhq/waymark/bot"
)

// threadTTL is how long a DM thread stays connected to its consultation.
const threadTTL = 30 * 24 * time.Hour

// Thread is the key linking a platform thread to a consultation:
// <prefix>:{thread:<platform>:<team>:<conversation>:<thread>}.
func (k Keys) Thread(th bot.Thread) string {
	return k.Prefix + ":{thread:" + th.Platform + ":" + th.TeamID + ":" + th.ConversationID + ":" + th.ThreadID + "}"
}

func validThread(th bot.Thread) bool {
	return th.Platform != "" && th.ConversationID != "" && th.ThreadID != ""
}

// LinkThread records that replies in th are about consultation ref, for 30
// days. It returns EInvalid for an incomplete thread, EUnavailable when Redis
// cannot be reached.
func (s *Store) LinkThread(ctx context.Context, th bot.Thread, ref string) error {
	if !validThread(th) || ref == "" {
		return invalid("The thread or consultation to link is incomplete.")
	}
	return s.wrapRecords("SET thread", s.client.Set(ctx, s.keys.Thread(th), ref, threadTTL).Err())
}

// ThreadConsultation returns the consultation th is linked to, or "".
func (s *Store) ThreadConsultation(ctx context.Context, th bot.Thread) (string, error) {
	if !validThread(th) {
		return "", nil
	}
	ref, err := s.client.Get(ctx, s.keys.Thread(th)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	return ref, s.wrapRecords("GET thread", err)
}
