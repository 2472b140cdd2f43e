package slack

import (
	"cmp"
	"context"
	"errors"
	"fmt"

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

var (
	_ bot.ThreadNotifier = (*Notifier)(nil)
	_ bot.Updater        = (*Notifier)(nil)
)

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
		slackapi.OptionHTTPClient(handlers.NewHTTPClient(apiTimeout)),
		retryRateLimits)}, nil
}

// AuthTest asks Slack whether the bot token is good (auth.test). It
// returns EUnauthorized when Slack refuses it and EUnavailable when Slack
// cannot be reached.
func (n *Notifier) AuthTest(ctx context.Context) error {
	_, err := n.api.AuthTestContext(ctx)
	var se slackapi.SlackErrorResponse
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se) && se.Err != "ratelimited":
		return &bot.Error{Kind: bot.EUnauthorized, Message: "Slack refused the bot token (" + se.Err + "): check slack.bot_token", Err: err}
	default:
		return &bot.Error{Kind: bot.EUnavailable, Message: "Slack's API did not answer", Err: err}
	}
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
	channel, ts, err := n.api.PostMessageContext(ctx, t.ID, opts...)
	return bot.Thread{Platform: bot.PlatformSlack, TeamID: t.TeamID, ConversationID: channel, ThreadID: ts}, err
}

// Update replaces the message th, which NotifyThread posted to t, with r,
// by chat.update: the same text and blocks NotifyThread would post. Rate
// limits are waited out as for replies. It returns EInvalid for a thread or
// target that is not Slack's or lacks a channel or ts, for a message the
// app did not post (Slack's cant_update_message) and for blocks Slack
// refuses; ENotFound when the message or its channel is gone; EForbidden
// when the app may not post there any more (archived channel, missing
// scope); EUnavailable when Slack cannot be reached or keeps rate
// limiting. Other Slack errors are wrapped, of kind EInternal.
func (n *Notifier) Update(ctx context.Context, t bot.Target, th bot.Thread, r bot.Reply) error {
	if t.Platform != bot.PlatformSlack || th.Platform != bot.PlatformSlack {
		return bot.Errorf(bot.EInvalid, "Slack cannot change a message on %s.", cmp.Or(th.Platform, t.Platform))
	}
	if th.ConversationID == "" || th.ThreadID == "" {
		return bot.Errorf(bot.EInvalid, "The Slack message to change has no channel or timestamp.")
	}
	opts := []slackapi.MsgOption{
		slackapi.MsgOptionText(FallbackText(r), false),
		slackapi.MsgOptionBlocks(Blocks(r)...),
	}
	_, _, _, err := n.api.UpdateMessageContext(ctx, th.ConversationID, th.ThreadID, opts...)
	return updateError(err)
}

// updateError gives a chat.update error its bot error kind, keeping the
// cause for logs. The Slack error codes carry no message text.
func updateError(err error) error {
	if err == nil {
		return nil
	}
	var se slackapi.SlackErrorResponse
	if errors.As(err, &se) {
		switch se.Err {
		case "message_not_found", "channel_not_found", "thread_not_found":
			return &bot.Error{Kind: bot.ENotFound, Message: "The Slack message to change is gone.", Err: err}
		case "cant_update_message":
			return &bot.Error{Kind: bot.EInvalid, Message: "Waymark did not post that Slack message, so cannot change it.", Err: err}
		case "invalid_blocks", "invalid_blocks_format", "msg_too_long", "no_text":
			return &bot.Error{Kind: bot.EInvalid, Message: "Slack refused the changed message.", Err: err}
		case "edit_window_closed", "is_archived", "not_in_channel", "restricted_action", "missing_scope", "not_allowed_token_type":
			return &bot.Error{Kind: bot.EForbidden, Message: "Slack does not let Waymark change that message.", Err: err}
		case "ratelimited", "service_unavailable", "fatal_error", "internal_error", "request_timeout":
			return &bot.Error{Kind: bot.EUnavailable, Message: "Slack could not change the message just now.", Err: err}
		}
		return fmt.Errorf("slack: chat.update: %w", err)
	}
	return &bot.Error{Kind: bot.EUnavailable, Message: "Slack could not be reached to change the message.", Err: err}
}

var _ bot.ReplyHinter = (*Notifier)(nil)

// ReplyHint: in Slack, the desk's messages open threads that relay.
func (n *Notifier) ReplyHint(_ bot.Person, ref, whom string) string {
	return fmt.Sprintf("Reply in this thread to write to %s (or: reply %s <message>).", whom, ref)
}

var _ bot.ThreadReplier = (*Notifier)(nil)

// NotifyInThread posts r as a reply in th, a message the app posted: a
// consultation's notes to one person continue one thread.
func (n *Notifier) NotifyInThread(ctx context.Context, t bot.Target, th bot.Thread, r bot.Reply) error {
	if t.Platform != bot.PlatformSlack || th.Platform != bot.PlatformSlack || th.ConversationID == "" || th.ThreadID == "" {
		return bot.Errorf(bot.EInvalid, "Slack cannot post into that thread.")
	}
	_, _, err := n.api.PostMessageContext(ctx, th.ConversationID,
		slackapi.MsgOptionText(FallbackText(r), false),
		slackapi.MsgOptionBlocks(Blocks(r)...),
		slackapi.MsgOptionTS(th.ThreadID))
	return err
}
