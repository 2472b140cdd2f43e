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

// conversationRecord is bot.Conversation as stored. It has bot.Conversation's
// fields, so a change there fails to compile here until the stored form is
// considered.
type conversationRecord struct {
	LastQuestion string    `json:"last_question,omitempty"`
	LastArea     string    `json:"last_area,omitempty"`
	LastDocs     []string  `json:"last_docs,omitempty"`
	LastRef      string    `json:"last_ref,omitempty"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Conversation returns the state of the conversation key, or a zero
// Conversation if there is none (never saved, or expired). It returns an
// EInvalid error for an empty key, EUnavailable if Redis cannot be reached.
func (s *Store) Conversation(ctx context.Context, key string) (bot.Conversation, error) {
	if key == "" {
		return bot.Conversation{}, invalid("The conversation key is empty.")
	}
	var rec conversationRecord
	if err := s.get(ctx, s.keys.Conversation(key), &rec); err != nil {
		return bot.Conversation{}, fmt.Errorf("conversation %s: %w", key, err)
	}
	return bot.Conversation(rec), nil
}

// SaveConversation stores c as the state of the conversation key for
// ConversationTTL from now. It returns an EInvalid error for an empty key,
// EUnavailable if Redis cannot be reached.
func (s *Store) SaveConversation(ctx context.Context, key string, c bot.Conversation) error {
	if key == "" {
		return invalid("The conversation key is empty.")
	}
	if err := s.set(ctx, s.keys.Conversation(key), conversationRecord(c), s.cfg.ConversationTTL); err != nil {
		return fmt.Errorf("save conversation %s: %w", key, err)
	}
	return nil
}

// get decodes the JSON value of key into v, leaving v alone if key does not
// exist.
func (s *Store) get(ctx context.Context, key string, v any) error {
	b, err := s.client.Get(ctx, key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil
	}
	if err != nil {
		return s.wrap("GET", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode %s: %w", key, err)
	}
	return nil
}

// set stores v as JSON in key for ttl.
func (s *Store) set(ctx context.Context, key string, v any, ttl time.Duration) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return s.wrap("SET", s.client.Set(ctx, key, b, ttl).Err())
}
