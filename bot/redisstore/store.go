package redisstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/waymarkhq/waymark/bot"
)

var _ bot.Store = (*Store)(nil)

// unavailableMessage is the user-safe message of every EUnavailable error.
const unavailableMessage = "Conversation memory (Redis) is unavailable right now."

// Store is a bot.Store in Redis. It is safe for concurrent use.
type Store struct {
	client redis.UniversalClient
	keys   Keys
	cfg    Config // with defaults
}

// New validates cfg and returns a Store. It does not connect: Redis may be
// down when Waymark starts, and the Store works once Redis is reachable.
// Close it when done.
func New(cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("redis configuration: %w", err)
	}
	cfg = cfg.withDefaults()
	client, err := newClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("redis configuration: %w", err)
	}
	return &Store{client: client, keys: Keys{Prefix: cfg.Prefix}, cfg: cfg}, nil
}

// Close closes the connections. Methods called after Close return
// EUnavailable errors.
func (s *Store) Close() error {
	return s.client.Close()
}

// Client returns the go-redis client, for features built on this Store. Use
// Keys for key names.
func (s *Store) Client() redis.UniversalClient {
	return s.client
}

// Keys returns the Store's key layout.
func (s *Store) Keys() Keys {
	return s.keys
}

// Ping reports whether Redis answers, with an EUnavailable error if not.
func (s *Store) Ping(ctx context.Context) error {
	return s.wrap("PING", s.client.Ping(ctx).Err())
}

// wrap returns nil for nil, an EUnavailable *bot.Error when err says Redis
// could not be reached, and err with op for context otherwise. op names the
// command and ids, never values.
func (s *Store) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	err = fmt.Errorf("redis %s: %w", op, err)
	if !unavailable(err) {
		return err
	}
	return &bot.Error{Kind: bot.EUnavailable, Message: unavailableMessage, Err: err}
}

// unavailable reports whether err means that Redis could not be reached or
// cannot serve us now, as opposed to a reply that our command was wrong.
// Everything that is not an error reply from the server is a failure to
// reach it: network and timeout errors, a cancelled or expired context, a
// closed client, an exhausted connection pool.
func unavailable(err error) bool {
	var reply redis.Error
	if !errors.As(err, &reply) {
		return true
	}
	return redis.IsLoadingError(err) ||
		redis.IsReadOnlyError(err) ||
		redis.IsClusterDownError(err) ||
		redis.IsTryAgainError(err) ||
		redis.IsMasterDownError(err) ||
		redis.IsMaxClientsError(err) ||
		redis.IsAuthError(err) ||
		redis.IsPermissionError(err) ||
		redis.IsOOMError(err) ||
		redis.IsNoReplicasError(err) ||
		redis.HasErrorPrefix(err, "BUSY ")
}

// invalid returns an EInvalid error for a method called without an id.
func invalid(format string, args ...any) error {
	return bot.Errorf(bot.EInvalid, format, args...)
}
