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

// PersonThread is the key of a person's thread about a consultation:
// <prefix>:{pthread:<ref>:<platform>:<team>:<user>}.
func (k Keys) PersonThread(ref string, p bot.Person) string {
	return k.Prefix + ":{pthread:" + ref + ":" + p.Key() + "}"
}

// SetPersonThread records th as p's thread about ref for 30 days, unless
// p has one already (SET NX). It returns EInvalid for an incomplete
// thread, EUnavailable when Redis cannot be reached.
func (s *Store) SetPersonThread(ctx context.Context, ref string, p bot.Person, th bot.Thread) error {
	if !validThread(th) || ref == "" || p.UserID == "" {
		return invalid("The thread or consultation to keep is incomplete.")
	}
	v, err := json.Marshal(th)
	if err != nil {
		return fmt.Errorf("encode a thread: %w", err)
	}
	return s.wrapRecords("SET pthread", s.client.SetNX(ctx, s.keys.PersonThread(ref, p), v, threadTTL).Err())
}

// PersonThread returns p's thread about ref, or a zero Thread.
func (s *Store) PersonThread(ctx context.Context, ref string, p bot.Person) (bot.Thread, error) {
	v, err := s.client.Get(ctx, s.keys.PersonThread(ref, p)).Bytes()
	if errors.Is(err, redis.Nil) {
		return bot.Thread{}, nil
	}
	if err != nil {
		return bot.Thread{}, s.wrapRecords("GET pthread", err)
	}
	var th bot.Thread
	if err := json.Unmarshal(v, &th); err != nil {
		return bot.Thread{}, fmt.Errorf("decode a thread: %w", err)
	}
	return th, nil
}
