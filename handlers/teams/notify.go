package teams

// This file holds proactive messages: the Adapter records, from the
// activities it receives, how to reach each user and channel again (a
// conversation reference), and the Notifier uses those references to post
// the desk's prompts and notes. Teams gives no way to message someone the
// bot has never heard from, so a target without a reference is refused.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/waymarkhq/waymark/bot"
)

// RefStore keeps conversation references: per platform, team (the Teams
// tenant), target kind (bot.TargetUser or bot.TargetChannel) and id, a map
// of the fields below. bot/redisstore.Store implements it.
type RefStore interface {
	// SaveConversationRef stores ref for the target, replacing what was
	// there. It returns bot.EInvalid for an incomplete target and
	// bot.EUnavailable when the store cannot be reached.
	SaveConversationRef(ctx context.Context, platform, teamID, kind, id string, ref map[string]string) error
	// ConversationRef returns the target's reference, or nil, nil when
	// there is none. It returns the same error kinds.
	ConversationRef(ctx context.Context, platform, teamID, kind, id string) (map[string]string, error)
}

// The fields of a stored conversation reference.
const (
	refServiceURL     = "service_url"
	refTenantID       = "tenant_id"
	refBotID          = "bot_id"
	refUserID         = "user_id" // the user's Teams id (29:...), for CreateConversation
	refConversationID = "conversation_id"
)

// refTimeout bounds recording an activity's references.
const refTimeout = time.Second

// errNoRef is the refusal for a target the bot has no reference for.
var errNoRef = bot.Errorf(bot.EUnavailable, "I have not talked to that Teams user or channel yet; they need to open a chat with the bot first.")

// WithRefs makes the Adapter record a conversation reference for the
// sender, and for the channel of channel and group conversations, on every
// verified message and conversationUpdate, so that a Notifier can reach them
// later. It returns a. Call it before the Adapter is mounted; by default no
// references are recorded.
func (a *Adapter) WithRefs(r RefStore) *Adapter {
	a.refs = r
	return a
}

// saveRefs records act's references under its tenant: a target finds them
// only by naming that tenant, so a user or channel of one tenant never
// receives what was meant for another's. A failure is logged and the
// activity is processed anyway: an answer matters more than a later
// notification.
func (a *Adapter) saveRefs(ctx context.Context, act activity) {
	if a.refs == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, refTimeout)
	defer cancel()
	tenant := act.tenant()
	attrs := []any{"id", act.ID, "tenant", tenant, "conversation", act.Conversation.ID}
	personal := !act.shared()

	if user := userID(act.From); user != "" && act.From.ID != act.Recipient.ID {
		ref := map[string]string{
			refServiceURL: act.ServiceURL,
			refTenantID:   tenant,
			refBotID:      act.Recipient.ID,
			refUserID:     act.From.ID,
		}
		if personal {
			ref[refConversationID] = act.Conversation.ID
		} else if err := a.keepConversation(ctx, tenant, user, ref); err != nil {
			a.log.WarnContext(ctx, "teams: cannot read a user's conversation reference", append(attrs, "user", user, "err", err)...)
		}
		if err := a.refs.SaveConversationRef(ctx, bot.PlatformTeams, tenant, bot.TargetUser, user, ref); err != nil {
			a.log.WarnContext(ctx, "teams: cannot record a user's conversation reference", append(attrs, "user", user, "err", err)...)
		}
	}
	if !personal {
		channel := act.channelID()
		ref := map[string]string{
			refServiceURL:     act.ServiceURL,
			refTenantID:       tenant,
			refBotID:          act.Recipient.ID,
			refConversationID: channel,
		}
		if err := a.refs.SaveConversationRef(ctx, bot.PlatformTeams, tenant, bot.TargetChannel, channel, ref); err != nil {
			a.log.WarnContext(ctx, "teams: cannot record a channel's conversation reference", append(attrs, "channel", channel, "err", err)...)
		}
	}
}

// keepConversation copies into ref, which comes from a channel or group
// chat, the personal conversation already stored for user with the same
// bot, so that a message in a channel does not make the Notifier open the
// 1:1 chat again.
func (a *Adapter) keepConversation(ctx context.Context, tenant, user string, ref map[string]string) error {
	old, err := a.refs.ConversationRef(ctx, bot.PlatformTeams, tenant, bot.TargetUser, user)
	if err != nil {
		return err
	}
	if c := old[refConversationID]; c != "" && old[refBotID] == ref[refBotID] {
		ref[refConversationID] = c
	}
	return nil
}

// userID is the id a user is known by in bot.Message and bot.Target: the
// Entra object id, or the Teams id when there is none.
func userID(from account) string {
	if from.AADObjectID != "" {
		return from.AADObjectID
	}
	return from.ID
}

// channelID is the channel (or group chat) of a shared conversation, to post
// new messages to: the channel's id, or the conversation's without the
// ";messageid=" of the thread the activity came in.
func (act activity) channelID() string {
	if act.ChannelData.Channel.ID != "" {
		return act.ChannelData.Channel.ID
	}
	id, _, _ := strings.Cut(act.Conversation.ID, ";messageid=")
	return id
}

// Notifier posts prompts and notes to Teams users and channels the Adapter
// has recorded conversation references for. It is safe for concurrent use.
type Notifier struct {
	c    *Connector
	refs RefStore
}

var (
	_ bot.ThreadNotifier = (*Notifier)(nil)
	_ bot.Updater        = (*Notifier)(nil)
)

// NewNotifier returns a Notifier that posts with c and finds its targets
// in refs.
func NewNotifier(c *Connector, refs RefStore) *Notifier {
	return &Notifier{c: c, refs: refs}
}

// Notify sends r to t, as NotifyThread does.
func (n *Notifier) Notify(ctx context.Context, t bot.Target, r bot.Reply) error {
	_, err := n.NotifyThread(ctx, t, r)
	return err
}

// NotifyThread posts r as an Adaptive Card into the conversation recorded
// for t, a Teams user (their 1:1 chat with the bot, opened first if the
// bot has only seen them in channels) or channel, and returns the posted
// message as the thread.
//
// It returns bot.EInvalid for a target that is not a Teams user or channel
// with an id; bot.EUnavailable when the bot has no reference for t (nobody
// there has talked to it yet), when the reference store cannot be reached,
// or when the Connector is down; and the Connector's other error kinds.
func (n *Notifier) NotifyThread(ctx context.Context, t bot.Target, r bot.Reply) (bot.Thread, error) {
	kind, err := targetKind(t)
	if err != nil {
		return bot.Thread{}, err
	}
	ref, err := n.refs.ConversationRef(ctx, bot.PlatformTeams, t.TeamID, kind, t.ID)
	if err != nil {
		return bot.Thread{}, fmt.Errorf("teams: find the conversation of a %s: %w", kind, err)
	}
	if ref == nil || ref[refServiceURL] == "" {
		return bot.Thread{}, errNoRef
	}
	conv := ref[refConversationID]
	if conv == "" {
		if kind != bot.TargetUser {
			return bot.Thread{}, errNoRef
		}
		user := ref[refUserID]
		if user == "" {
			user = t.ID
		}
		tenant := ref[refTenantID]
		if tenant == "" {
			tenant = t.TeamID
		}
		if conv, err = n.c.CreateConversation(ctx, ref[refServiceURL], tenant, ref[refBotID], user); err != nil {
			return bot.Thread{}, fmt.Errorf("teams: open a chat with a user: %w", err)
		}
		ref[refConversationID] = conv
		// A failure here only means the next notification opens the chat
		// again, which finds the same conversation.
		_ = n.refs.SaveConversationRef(ctx, bot.PlatformTeams, t.TeamID, kind, t.ID, ref)
	}
	id, err := n.c.Send(ctx, ref[refServiceURL], conv, Activity(r))
	if err != nil {
		return bot.Thread{}, fmt.Errorf("teams: post a notification: %w", err)
	}
	return bot.Thread{Platform: bot.PlatformTeams, TeamID: t.TeamID, ConversationID: conv, ThreadID: id}, nil
}

// Update replaces the message th, which NotifyThread posted to t, with r as
// an Adaptive Card, through the service URL recorded for t.
//
// It returns bot.EInvalid for a target NotifyThread refuses and for a
// thread that is not a Teams one with a conversation and a message;
// bot.EUnavailable when the bot has no reference for t, when the reference
// store cannot be reached, or when the Connector is down; bot.ENotFound
// when the message is gone; and the Connector's other error kinds.
func (n *Notifier) Update(ctx context.Context, t bot.Target, th bot.Thread, r bot.Reply) error {
	kind, err := targetKind(t)
	if err != nil {
		return err
	}
	switch {
	case th.Platform != "" && th.Platform != bot.PlatformTeams:
		return bot.Errorf(bot.EInvalid, "The Teams notifier only updates Teams messages.")
	case th.ConversationID == "" || th.ThreadID == "":
		return bot.Errorf(bot.EInvalid, "The Teams message to update has no conversation or message id.")
	}
	ref, err := n.refs.ConversationRef(ctx, bot.PlatformTeams, t.TeamID, kind, t.ID)
	if err != nil {
		return fmt.Errorf("teams: find the conversation of a %s: %w", kind, err)
	}
	if ref == nil || ref[refServiceURL] == "" {
		return errNoRef
	}
	if err := n.c.UpdateActivity(ctx, ref[refServiceURL], th.ConversationID, th.ThreadID, Activity(r)); err != nil {
		return fmt.Errorf("teams: update a notification: %w", err)
	}
	return nil
}

// targetKind checks that t is a Teams user or channel with an id, and
// returns its kind, a user when none is given.
func targetKind(t bot.Target) (string, error) {
	kind := t.Kind
	if kind == "" {
		kind = bot.TargetUser
	}
	switch {
	case t.Platform != bot.PlatformTeams:
		return "", bot.Errorf(bot.EInvalid, "The Teams notifier only delivers to Teams.")
	case kind != bot.TargetUser && kind != bot.TargetChannel:
		return "", bot.Errorf(bot.EInvalid, "A Teams target is a user or a channel, not %q.", kind)
	case t.ID == "":
		return "", bot.Errorf(bot.EInvalid, "The Teams user or channel to deliver to is empty.")
	}
	return kind, nil
}

var _ bot.ReplyHinter = (*Notifier)(nil)

// ReplyHint: Teams chats have no threads; a reply quotes the message.
func (n *Notifier) ReplyHint(_ bot.Person, ref, whom string) string {
	return fmt.Sprintf("Reply to this message to write to %s (or: reply %s <message>).", whom, ref)
}
