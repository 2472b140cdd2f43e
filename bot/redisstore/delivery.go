package redisstore

import (
	"context"
	"fmt"
	"strings"
)

// FirstDelivery records that platform delivered the event id and reports
// whether this is the first delivery within DedupeTTL. It is one SET NX EX,
// so of concurrent deliveries of one event exactly one is first. Ids are
// per platform: the same id from two platforms is two events. It returns an
// EInvalid error for an empty platform or id or a platform containing ':',
// EUnavailable if Redis cannot be reached; the caller then cannot tell a
// retry from a first delivery.
func (s *Store) FirstDelivery(ctx context.Context, platform, id string) (bool, error) {
	if platform == "" || id == "" {
		return false, invalid("The platform or the event id is empty.")
	}
	if strings.Contains(platform, ":") {
		return false, invalid("The platform name %q contains ':'.", platform)
	}
	first, err := s.client.SetNX(ctx, s.keys.Event(platform, id), "1", s.cfg.DedupeTTL).Result()
	if err != nil {
		return false, fmt.Errorf("first delivery %s %s: %w", platform, id, s.wrap("SET NX", err))
	}
	return first, nil
}
