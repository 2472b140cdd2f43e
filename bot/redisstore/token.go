package redisstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waymarkhq/waymark/bot"
)

// Tokens are short-lived secrets the web sign-in keeps: sessions, the
// state of a sign-in under way, one-time links. Each is stored under the
// SHA-256 of its secret, never the secret itself, so that a copy of Redis
// does not hold a working cookie or link, and expires in Redis at its TTL.
// The value is the caller's (JSON); the caller checks expiry against its
// own clock too, since Redis's is not the tests'.

// tokenKind is a kind's name: lower-case letters.
var tokenKind = regexp.MustCompile(`^[a-z]{1,16}$`)

// Token is the key of one secret of a kind: <prefix>:{tok:<kind>:<sha256>}.
func (k Keys) Token(kind, secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return k.Prefix + ":{tok:" + kind + ":" + hex.EncodeToString(sum[:]) + "}"
}

func (s *Store) tokenKey(kind, secret string) (string, error) {
	if !tokenKind.MatchString(kind) || len(secret) < 16 {
		return "", invalid("A token needs a kind of lower-case letters and a secret of at least 16 characters.")
	}
	return s.keys.Token(kind, secret), nil
}

// PutToken keeps value under kind and secret for ttl, replacing any value
// there. It returns EInvalid for a bad kind, a short secret or a ttl under
// a second, and EUnavailable when Redis cannot be reached.
func (s *Store) PutToken(ctx context.Context, kind, secret string, value []byte, ttl time.Duration) error {
	key, err := s.tokenKey(kind, secret)
	if err != nil {
		return err
	}
	if ttl < time.Second {
		return invalid("A token must live at least a second, not %s.", ttl)
	}
	return s.wrap("SET token "+kind, s.client.Set(ctx, key, value, ttl).Err())
}

// Token returns the value under kind and secret. It returns ENotFound when
// there is none (never kept, expired or taken), EInvalid as PutToken does,
// and EUnavailable when Redis cannot be reached.
func (s *Store) Token(ctx context.Context, kind, secret string) ([]byte, error) {
	key, err := s.tokenKey(kind, secret)
	if err != nil {
		return nil, err
	}
	v, err := s.client.Get(ctx, key).Bytes()
	return tokenValue(kind, v, s.wrap("GET token "+kind, err), err)
}

// TakeToken returns the value under kind and secret and removes it, in one
// step: of callers racing for one secret, one gets it and the others
// ENotFound. Errors are Token's.
func (s *Store) TakeToken(ctx context.Context, kind, secret string) ([]byte, error) {
	key, err := s.tokenKey(kind, secret)
	if err != nil {
		return nil, err
	}
	v, err := s.client.GetDel(ctx, key).Bytes()
	return tokenValue(kind, v, s.wrap("GETDEL token "+kind, err), err)
}

// DeleteToken removes the value under kind and secret, if any. It returns
// EInvalid as PutToken does and EUnavailable when Redis cannot be reached.
func (s *Store) DeleteToken(ctx context.Context, kind, secret string) error {
	key, err := s.tokenKey(kind, secret)
	if err != nil {
		return err
	}
	return s.wrap("DEL token "+kind, s.client.Del(ctx, key).Err())
}

func tokenValue(kind string, v []byte, wrapped, raw error) ([]byte, error) {
	if errors.Is(raw, redis.Nil) {
		return nil, &bot.Error{Kind: bot.ENotFound, Message: "That link or session has expired or was already used.", Err: fmt.Errorf("no %s token", kind)}
	}
	if wrapped != nil {
		return nil, wrapped
	}
	return v, nil
}
