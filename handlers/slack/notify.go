package slack

import (
	"context"

	slackapi "github.com/slack-go/slack"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
)

// Notifier posts to Slack on the engine's initiative: new requests to a
// specialism's queue channel, escalation prompts to duty managers, notes to
// practitioners and specialists. It needs only the bot token, so it can be
// built before the engine that uses it.
type Notifier struct {
	api slackAPI
}

var _ bot.ThreadNotifier = (*Notifier)(nil)

// NewNotifier returns a Notifier using cfg's bot token and API URL.
func NewNotifier(cfg Config) (*Notifier, error) {
	if cfg.APIURL == "" {
		cfg.APIURL = slackapi.APIURL
	}
	if cfg.BotToken == "" {
		return nil, bot.Errorf(bot.EInvalid, "slack.bot_token is needed to post to Slack.")
	}
	return &Notifier{api: slackapi.New(cfg.BotToken,
		slackapi.OptionAPIURL(cfg.APIURL),
		slackapi.OptionHTTPClient(handlers.NewHTTPClient(apiTimeout)))}, nil
}

// Notify posts r to a channel, or as a direct message from the app to a
// user. Rate limits are waited out as for replies.
func (n *Notifier) Notify(ctx context.Context, t bot.Target, r bot.Reply) error {
	_, err := n.NotifyThread(ctx, t, r)
	return err
}

// NotifyThread posts like Notify and returns the message's thread: the
// conversation it landed in (a user's DM channel for a user) and its ts.
func (n *Notifier) NotifyThread(ctx context.Context, t bot.Target, r bot.Reply) (bot.Thread, error) {
	if t.Platform != bot.PlatformSlack {
		return bot.Thread{}, bot.Errorf(bot.EInvalid, "Slack cannot deliver to a %s target.", t.Platform)
	}
	if t.ID == "" {
		return bot.Thread{}, bot.Errorf(bot.EInvalid, "No Slack channel or user to deliver to.")
	}
	opts := []slackapi.MsgOption{
		slackapi.MsgOptionText(FallbackText(r), false),
		slackapi.MsgOptionBlocks(Blocks(r)...),
	}
	var channel, ts string
	err := retryRateLimited(ctx, func() error {
		var err error
		channel, ts, err = n.api.PostMessageContext(ctx, t.ID, opts...)
		return err
	})
	return bot.Thread{Platform: bot.PlatformSlack, TeamID: t.TeamID, ConversationID: channel, ThreadID: ts}, err
}
