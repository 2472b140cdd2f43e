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
	mu sync.Mutex
	by map[string]string // team:user -> name, "" when unknown
}

// withName fills m.UserName from users.info when the event gave none.
func (a *Adapter) withName(ctx context.Context, m bot.Message) bot.Message {
	if m.UserName != "" || m.UserID == "" {
		return m
	}
	key := m.TeamID + ":" + m.UserID
	a.names.mu.Lock()
	name, ok := a.names.by[key]
	a.names.mu.Unlock()
	if !ok {
		if u, err := a.api.GetUserInfoContext(ctx, m.UserID); err == nil {
			name = displayName(u)
		} else {
			a.log.WarnContext(ctx, "slack: users.info failed; naming the user by their id", "user", m.UserID, "err", err)
		}
		a.names.mu.Lock()
		if a.names.by == nil || len(a.names.by) >= maxNames {
			a.names.by = map[string]string{}
		}
		a.names.by[key] = name
		a.names.mu.Unlock()
	}
	m.UserName = name
	return m
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
