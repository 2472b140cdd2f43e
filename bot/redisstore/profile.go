package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/waymarkhq/waymark/bot"
)

// profileRecord is bot.Profile as stored.
type profileRecord struct {
	Area      string    `json:"area,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Profile returns the profile of userKey, or a zero Profile if there is none
// (never saved, or expired). It returns an EInvalid error for an empty
// userKey, EUnavailable if Redis cannot be reached.
func (s *Store) Profile(ctx context.Context, userKey string) (bot.Profile, error) {
	if userKey == "" {
		return bot.Profile{}, invalid("The user key is empty.")
	}
	var rec profileRecord
	if err := s.get(ctx, s.keys.Profile(userKey), &rec); err != nil {
		return bot.Profile{}, fmt.Errorf("profile %s: %w", userKey, err)
	}
	return bot.Profile(rec), nil
}

// SaveProfile stores p as the profile of userKey for ProfileTTL from now, so
// a practitioner who keeps asking keeps their profile. It returns an
// EInvalid error for an empty userKey, EUnavailable if Redis cannot be
// reached.
func (s *Store) SaveProfile(ctx context.Context, userKey string, p bot.Profile) error {
	if userKey == "" {
		return invalid("The user key is empty.")
	}
	if err := s.set(ctx, s.keys.Profile(userKey), profileRecord(p), s.cfg.ProfileTTL); err != nil {
		return fmt.Errorf("save profile %s: %w", userKey, err)
	}
	return nil
}
