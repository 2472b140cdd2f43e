package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// conversationRefTTL is how long a conversation reference is kept after it
// was last saved. Every message from the user or channel saves it again.
const conversationRefTTL = 365 * 24 * time.Hour

// ConversationRef is the key of what a platform adapter needs to message a
// user or channel first (a Teams ConversationReference):
// <prefix>:{convref:<platform>:<team>:<kind>:<id>}.
func (k Keys) ConversationRef(platform, teamID, kind, id string) string {
	return k.Prefix + ":{convref:" + platform + ":" + teamID + ":" + kind + ":" + id + "}"
}

// SaveConversationRef stores ref, the adapter's own fields (for Teams: the
// service URL, tenant, bot and conversation ids), as one JSON object for the
// user or channel id of kind on platform's team teamID, replacing what was
// there, for a year. The fields are the adapter's business: the store keeps
// them as they are.
//
// It returns EInvalid for an empty platform, kind or id or an empty ref,
// EUnavailable when Redis cannot be reached.
func (s *Store) SaveConversationRef(ctx context.Context, platform, teamID, kind, id string, ref map[string]string) error {
	if err := validConversationRef(platform, kind, id); err != nil {
		return err
	}
	if len(ref) == 0 {
		return invalid("The conversation reference to save is empty.")
	}
	b, err := json.Marshal(ref)
	if err != nil {
		return fmt.Errorf("encode a conversation reference: %w", err)
	}
	key := s.keys.ConversationRef(platform, teamID, kind, id)
	return s.wrapRecords("SET convref", s.client.Set(ctx, key, b, conversationRefTTL).Err())
}

// ConversationRef returns what SaveConversationRef last stored for the user
// or channel, or nil, nil when nothing is stored.
//
// It returns EInvalid for an empty platform, kind or id, EUnavailable when
// Redis cannot be reached, and an internal error for a stored value that
// cannot be decoded.
func (s *Store) ConversationRef(ctx context.Context, platform, teamID, kind, id string) (map[string]string, error) {
	if err := validConversationRef(platform, kind, id); err != nil {
		return nil, err
	}
	b, err := s.client.Get(ctx, s.keys.ConversationRef(platform, teamID, kind, id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, s.wrapRecords("GET convref", err)
	}
	var ref map[string]string
	if err := json.Unmarshal(b, &ref); err != nil {
		return nil, fmt.Errorf("decode a conversation reference: %w", err)
	}
	return ref, nil
}

// validConversationRef checks the parts of a conversation reference's key.
// None may hold '}', which would end the key's hash tag early.
func validConversationRef(platform, kind, id string) error {
	if platform == "" || kind == "" || id == "" {
		return invalid("The user or channel of a conversation reference is incomplete.")
	}
	if strings.ContainsAny(platform+kind+id, "{}") {
		return invalid("The user or channel of a conversation reference is not valid.")
	}
	return nil
}
