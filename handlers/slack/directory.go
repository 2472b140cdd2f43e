package slack

import (
	"context"
	"slices"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
)

// groupsAPI is the one call the Directory makes.
type groupsAPI interface {
	GetUserGroupMembersContext(ctx context.Context, group string, options ...slackapi.GetUserGroupMembersOption) ([]string, error)
}

// groupTTL is how long a user group's members are remembered.
const groupTTL = 5 * time.Minute

// Directory looks up Slack user-group membership, so specialists can be
// configured as a group ("slack:group:S0123"). Members are cached for five
// minutes. It needs the usergroups:read scope.
type Directory struct {
	api   groupsAPI
	now   func() time.Time
	mu    sync.Mutex
	cache map[string]groupEntry
}

type groupEntry struct {
	members []string
	at      time.Time
}

var _ bot.Directory = (*Directory)(nil)

// NewDirectory returns a Directory using cfg's bot token and API URL.
func NewDirectory(cfg Config) (*Directory, error) {
	if cfg.APIURL == "" {
		cfg.APIURL = slackapi.APIURL
	}
	if cfg.BotToken == "" {
		return nil, bot.Errorf(bot.EInvalid, "slack.bot_token is needed to look up user groups.")
	}
	api := slackapi.New(cfg.BotToken, slackapi.OptionAPIURL(cfg.APIURL), slackapi.OptionHTTPClient(handlers.NewHTTPClient(apiTimeout)))
	return &Directory{api: api, now: time.Now, cache: map[string]groupEntry{}}, nil
}

// MemberOf reports whether p is in the Slack user group groupID.
func (d *Directory) MemberOf(ctx context.Context, p bot.Person, groupID string) (bool, error) {
	if p.Platform != bot.PlatformSlack {
		return false, nil
	}
	d.mu.Lock()
	e, ok := d.cache[groupID]
	d.mu.Unlock()
	if !ok || d.now().Sub(e.at) > groupTTL {
		members, err := d.api.GetUserGroupMembersContext(ctx, groupID)
		if err != nil {
			return false, &bot.Error{Kind: bot.EUnavailable, Message: "Slack did not say who is in the user group.", Err: err}
		}
		e = groupEntry{members: members, at: d.now()}
		d.mu.Lock()
		d.cache[groupID] = e
		d.mu.Unlock()
	}
	return slices.Contains(e.members, p.UserID), nil
}
