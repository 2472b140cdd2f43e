package slack

import (
	"context"
	"strings"
	"sync"

	slackapi "github.com/slack-go/slack"

	"github.com/waymarkhq/waymark/bot"
)

// maxNames bounds the display-name cache; when it is full it starts again.
const maxNames = 10000

// names remembers the display names users.info gave, so that the desk
// names a Slack user on Teams and the web chat, where a Slack mention
// cannot render, and each user is looked up once. A failed lookup (the
// users:read scope missing, Slack unreachable) is remembered as no name,
// and the desk falls back to the mention and the id.
type names struct {
	mu       sync.Mutex
	by       map[string]string        // team:user -> name, "" when unknown
	inflight map[string]chan struct{} // lookups under way: others wait for them
}

// withName fills m.UserName from users.info when the event gave none.
// Concurrent messages from one person share one lookup.
func (a *Adapter) withName(ctx context.Context, m bot.Message) bot.Message {
	if m.UserName != "" || m.UserID == "" {
		return m
	}
	key := m.TeamID + ":" + m.UserID
	n := &a.names
	for {
		n.mu.Lock()
		if name, ok := n.by[key]; ok {
			n.mu.Unlock()
			m.UserName = name
			return m
		}
		wait, busy := n.inflight[key]
		if !busy {
			if n.inflight == nil {
				n.inflight = map[string]chan struct{}{}
			}
			done := make(chan struct{})
			n.inflight[key] = done
			n.mu.Unlock()
			name := a.lookUpName(ctx, m.UserID)
			n.mu.Lock()
			if n.by == nil || len(n.by) >= maxNames {
				n.by = map[string]string{}
			}
			n.by[key] = name
			delete(n.inflight, key)
			close(done)
			n.mu.Unlock()
			m.UserName = name
			return m
		}
		n.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return m
		}
	}
}

// lookUpName asks users.info for user's name, or "" when Slack will not
// say (the users:read scope missing, Slack unreachable).
func (a *Adapter) lookUpName(ctx context.Context, user string) string {
	u, err := a.api.GetUserInfoContext(ctx, user)
	if err != nil {
		a.log.WarnContext(ctx, "slack: users.info failed; naming the user by their id", "user", user, "err", err)
		return ""
	}
	return displayName(u)
}

// displayName is the name Slack shows for u: the display name, or the
// real name.
func displayName(u *slackapi.User) string {
	for _, n := range []string{u.Profile.DisplayName, u.Profile.RealName, u.RealName, u.Name} {
		if n = strings.TrimSpace(n); n != "" {
			return n
		}
	}
	return ""
}
