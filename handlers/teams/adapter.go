package teams

// This file holds the Bot Framework endpoint: POST /api/messages. Every
// activity is parsed and its JWT verified before anything else. Messages and
// the bot's own arrival in a conversation are de-duplicated on the activity
// id and acknowledged at once; a bounded pool of workers then calls the
// bot.Handler and posts the reply through the Connector. Adaptive Card
// actions (invoke adaptiveCard/action) are answered in the HTTP response
// itself, so the card is refreshed in place; a retried one gets the first
// answer, and one that takes longer than Teams waits finishes anyway and
// posts its answer to the chat. Only Teams activities are served (not Web
// Chat or Direct Line, whose clients choose who they are). Message text is
// never logged, only ids.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
)

const (
	// workers answer messages concurrently.
	workers = 4
	// queueSize is how many accepted messages may wait for a worker.
	queueSize = workers * 16
	// queueWait is how long a request waits for room on a full queue
	// before the Bot Framework is told to retry later.
	queueWait = time.Second
	// jobTimeout bounds answering and posting one message.
	jobTimeout = 60 * time.Second
	// invokeTimeout bounds answering an invoke, which Teams waits for.
	invokeTimeout = 4 * time.Second // Teams gives up on an invoke response after a few seconds

	// invokeCard and invokeMessage are the types of an invoke response.
	invokeCard    = ContentType
	invokeMessage = "application/vnd.microsoft.activity.message"
)

// Activity types and invoke names the adapter handles; others are
// acknowledged and ignored.
const (
	typeMessage            = "message"
	typeConversationUpdate = "conversationUpdate"
	typeInvoke             = "invoke"
	invokeAdaptiveAction   = "adaptiveCard/action"

	// channelTeams is the only Bot Framework channel served.
	channelTeams = "msteams"
)

// Adapter answers Teams activities with a bot.Handler. It is safe for
// concurrent use.
type Adapter struct {
	v     *Verifier
	c     *Connector
	h     bot.Handler
	store bot.Store
	refs  RefStore // nil: conversation references are not recorded
	// undelivered counts a reply that could not be posted; nil: nothing.
	undelivered func()
	invokes     InvokeStore // nil: card actions are not de-duplicated
	log         *slog.Logger

	// queue holds the messages accepted for the workers; card actions
	// still being answered run with queue.Go, so Close waits for them too.
	queue *handlers.Queue[job]
}

// New returns an Adapter that verifies activities with v, answers them with
// h and posts replies with c; store de-duplicates deliveries. Its workers
// start at once; Close stops them. It returns bot.EInvalid when a
// dependency is missing.
func New(v *Verifier, c *Connector, h bot.Handler, store bot.Store, log *slog.Logger) (*Adapter, error) {
	if v == nil || c == nil || h == nil || store == nil {
		return nil, bot.Errorf(bot.EInvalid, "teams: a verifier, a connector, a handler and a store are needed")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &Adapter{
		v: v, c: c, h: h, store: store, log: log.With("platform", bot.PlatformTeams),
	}
	a.invokes, _ = store.(InvokeStore)
	a.queue = handlers.NewQueue(workers, queueSize, a.run)
	return a, nil
}

// InvokeStore remembers card actions (invokes), which are answered in the
// HTTP response rather than queued, so that a retried delivery gets the
// first answer instead of doing the action twice. bot/redisstore.Store
// implements it; New uses the store it is given when it does.
type InvokeStore interface {
	// BeginInvoke reports whether this is the invoke's first delivery;
	// for a retry it returns the saved answer, or nil while the first is
	// being answered.
	BeginInvoke(ctx context.Context, platform, id string) (first bool, answer []byte, err error)
	// FinishInvoke saves the answer for retries.
	FinishInvoke(ctx context.Context, platform, id string, answer []byte) error
}

// Routes are POST /api/messages, the Bot Framework messaging endpoint.
func (a *Adapter) Routes() []handlers.Route {
	return []handlers.Route{{Pattern: "POST /api/messages", Handler: a.serve}}
}

// Open starts the workers that answer accepted activities; New starts
// nothing. Activities accepted before Open wait for it.
func (a *Adapter) Open() { a.queue.Open() }

// Close stops accepting activities (requests then get 503, which the Bot
// Framework retries), lets the workers answer everything already accepted,
// and returns when they are done. It is safe to call more than once.
func (a *Adapter) Close() error {
	a.queue.Close()
	return nil
}

// activity is the part of a Bot Framework activity the adapter reads.
type activity struct {
	Type         string       `json:"type"`
	ID           string       `json:"id"`
	Name         string       `json:"name"`
	ChannelID    string       `json:"channelId"`
	ServiceURL   string       `json:"serviceUrl"`
	ReplyToID    string       `json:"replyToId"`
	Text         string       `json:"text"`
	TextFormat   string       `json:"textFormat"`
	Attachments  []attachment `json:"attachments"`
	From         account      `json:"from"`
	Recipient    account      `json:"recipient"`
	MembersAdded []account    `json:"membersAdded"`
	Entities     []entity     `json:"entities"`
	Conversation struct {
		ID               string `json:"id"`
		ConversationType string `json:"conversationType"`
		IsGroup          bool   `json:"isGroup"`
		TenantID         string `json:"tenantId"`
	} `json:"conversation"`
	ChannelData struct {
		Tenant struct {
			ID string `json:"id"`
		} `json:"tenant"`
		Channel struct {
			ID string `json:"id"`
		} `json:"channel"`
	} `json:"channelData"`
	Value json.RawMessage `json:"value"`
}

type account struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	AADObjectID string `json:"aadObjectId"`
}

type entity struct {
	Type        string  `json:"type"`
	Text        string  `json:"text"`
	Mentioned   account `json:"mentioned"`
	QuotedReply struct {
		MessageID  string `json:"messageId"`
		Preview    string `json:"preview"`
		SenderName string `json:"senderName"`
	} `json:"quotedReply"`
}

// adaptiveAction is the value of an adaptiveCard/action invoke.
type adaptiveAction struct {
	Action struct {
		Type string         `json:"type"`
		Verb string         `json:"verb"`
		Data map[string]any `json:"data"`
	} `json:"action"`
}

// job is a message to answer, or a welcome to send.
type job struct {
	msg        bot.Message
	serviceURL string
	replyTo    string // the activity answered; empty to post a new message
	welcome    bool
	// botID and fromID are the bot's and the writer's Bot Framework ids,
	// to open the writer's own chat when a shared conversation refuses
	// the reply.
	botID, fromID string
}

// attrs are what a log line may say about a job: ids, never text.
func (j job) attrs() []any {
	return []any{"id", j.msg.ID, "tenant", j.msg.TeamID, "conversation", j.msg.ConversationID, "user", j.msg.UserID}
}

var (
	errClosed = bot.Errorf(bot.EUnavailable, "Waymark is shutting down; the Bot Framework will retry.")
	errBusy   = bot.Errorf(bot.EUnavailable, "Waymark is busy; the Bot Framework will retry.")
)

func (a *Adapter) serve(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return &bot.Error{Kind: bot.EInvalid, Message: "The request body could not be read.", Err: err}
	}
	var act activity
	if err := json.Unmarshal(body, &act); err != nil {
		return &bot.Error{Kind: bot.EInvalid, Message: "The request body is not a valid Bot Framework activity.", Err: err}
	}
	tenant := act.tenant()
	if _, err := a.v.Verify(r.Context(), r.Header.Get("Authorization"), act.ChannelID, act.ServiceURL, tenant); err != nil {
		a.log.InfoContext(r.Context(), "teams: activity refused", "id", act.ID, "tenant", tenant, "kind", bot.ErrorKind(err))
		return err
	}
	if act.ChannelID != channelTeams {
		// Other channels of the same Azure Bot (Web Chat, Direct Line) let
		// their clients say who is writing; only Teams vouches for it.
		a.log.InfoContext(r.Context(), "teams: activity from another channel refused", "id", act.ID, "channel", act.ChannelID)
		return bot.Errorf(bot.EForbidden, "Only Microsoft Teams activities are accepted here.")
	}
	if act.ID == "" || act.Conversation.ID == "" {
		return bot.Errorf(bot.EInvalid, "The activity has no id or conversation.")
	}

	// Remember how to reach whoever writes, adds the bot or presses a
	// button, so the desk can tell them what happens next.
	if act.Type == typeMessage || act.Type == typeConversationUpdate || act.Type == typeInvoke {
		a.saveRefs(r.Context(), act)
	}

	switch act.Type {
	case typeMessage:
		if err := a.accept(r.Context(), job{msg: act.message(), serviceURL: act.ServiceURL, replyTo: act.ID, botID: act.Recipient.ID, fromID: act.From.ID}); err != nil {
			return err
		}
	case typeConversationUpdate:
		if act.botAdded() {
			j := job{msg: act.message(), serviceURL: act.ServiceURL, welcome: true}
			j.msg.Text = ""
			if err := a.accept(r.Context(), j); err != nil {
				return err
			}
		}
	case typeInvoke:
		if act.Name == invokeAdaptiveAction {
			return a.invoke(w, r, act)
		}
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

// tenant is the activity's Teams tenant, in lower case: tenant ids are
// GUIDs, and configured targets are compared with it.
func (act activity) tenant() string {
	if act.ChannelData.Tenant.ID != "" {
		return strings.ToLower(act.ChannelData.Tenant.ID)
	}
	return strings.ToLower(act.Conversation.TenantID)
}

// botAdded reports whether the bot is among the members added.
func (act activity) botAdded() bool {
	for _, m := range act.MembersAdded {
		if m.ID != "" && m.ID == act.Recipient.ID {
			return true
		}
	}
	return false
}

// message maps the activity to a bot.Message, without the bot's own
// mention in its text. Its thread is the message it answers: the one it
// replies to in a channel, or quotes in a chat, or else itself.
func (act activity) message() bot.Message {
	shared := act.shared()
	text, quoted := act.text()
	thread := act.ID
	switch {
	case act.ReplyToID != "":
		thread = act.ReplyToID
	case quoted != "":
		thread = quoted
	}
	user := userID(act.From)
	return bot.Message{
		Platform:       bot.PlatformTeams,
		ID:             act.ID,
		TeamID:         act.tenant(),
		ConversationID: act.Conversation.ID,
		ThreadID:       thread,
		Shared:         shared,
		UserID:         user,
		UserName:       act.From.Name,
		Text:           text,
		Mentioned:      act.mentioned(),
	}
}

// mentioned are the people the activity's mention entities name, in
// order, the bot left out: "handover WM-000042 @Dr Achebe" names them by
// their Teams user, not by the words of their name.
func (act activity) mentioned() []bot.Person {
	var out []bot.Person
	for _, e := range act.Entities {
		if e.Type != "mention" || e.Mentioned.ID == "" || e.Mentioned.ID == act.Recipient.ID {
			continue
		}
		out = append(out, bot.Person{Platform: bot.PlatformTeams, TeamID: act.tenant(), UserID: userID(e.Mentioned), Name: e.Mentioned.Name})
	}
	return out
}

// accept admits j: it reserves room on the queue, checks with the store
// that this is the activity's first delivery, and enqueues j
// (handlers.Queue.Add). When the store cannot say, the activity is
// processed: better a rare double answer than a lost one.
func (a *Adapter) accept(ctx context.Context, j job) error {
	first := func(ctx context.Context) (bool, error) {
		// Teams ids are times in milliseconds, unique only within their
		// conversation: two chats can send in the same millisecond.
		return a.store.FirstDelivery(ctx, bot.PlatformTeams, j.msg.ConversationID+"|"+j.msg.ID)
	}
	switch adm, err := a.queue.Add(ctx, j, queueWait, first); adm {
	case handlers.QueueClosed:
		return errClosed
	case handlers.QueueFull:
		a.log.WarnContext(ctx, "teams: queue full, asking the Bot Framework to retry", j.attrs()...)
		return errBusy
	case handlers.QueuedUnchecked:
		a.log.WarnContext(ctx, "teams: cannot de-duplicate, processing anyway", append(j.attrs(), "err", err)...)
	case handlers.Duplicate:
		a.log.InfoContext(ctx, "teams: duplicate delivery ignored", j.attrs()...)
	}
	return nil
}

// run answers one job. A panic is logged, and the worker carries on.
func (a *Adapter) run(j job) {
	ctx, cancel := context.WithTimeout(context.Background(), jobTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			a.log.ErrorContext(ctx, "teams: job panicked", append(j.attrs(), "panic", fmt.Sprint(p))...)
		}
	}()
	m := j.msg
	if j.welcome {
		m.Command = bot.CmdHelp
	}
	reply, err := a.h.Handle(ctx, m)
	switch {
	case err != nil && j.welcome:
		a.logRefusal(ctx, j, err)
		reply = bot.Reply{Text: welcomeText}
	case err != nil:
		a.logRefusal(ctx, j, err)
		reply = bot.Reply{Text: bot.ErrorMessage(err)}
	case j.welcome:
		reply.Text = strings.TrimSpace(welcomeText + "\n\n" + reply.Text)
	}
	_, err = a.c.Reply(ctx, j.serviceURL, m.ConversationID, j.replyTo, Activity(reply))
	if st := Status(err); j.replyTo != "" && (st == http.StatusBadRequest || st == http.StatusNotFound) {
		// The Connector refused the reply to the activity (it may be
		// gone, or not one that can be replied to) and posted nothing;
		// post the answer as a new message in the conversation instead.
		// Any other failure might have posted it, or would fail again.
		a.log.WarnContext(ctx, "teams: reply refused, posting as a new message", append(j.attrs(), "status", st)...)
		_, err = a.c.Send(ctx, j.serviceURL, m.ConversationID, Activity(reply))
	}
	if err != nil {
		a.log.ErrorContext(ctx, "teams: posting the reply failed", append(j.attrs(), "err", err)...)
		if a.undelivered != nil {
			a.undelivered()
		}
		if st := Status(err); j.msg.Shared && !j.welcome && st >= 400 && st < 500 && st != http.StatusUnauthorized && st != http.StatusTooManyRequests {
			a.tellPersonally(ctx, j, reply)
		}
		return
	}
	a.log.InfoContext(ctx, "teams: replied", append(j.attrs(), "welcome", j.welcome, "ref", reply.Ref)...)
}

// tellPersonally posts reply in the writer's own chat with the bot, saying
// why, when the channel or group chat they asked in refused it (the bot
// removed, or no longer allowed to post there): refused, not failed, so
// nothing was posted and the person would otherwise wait for an answer
// that never comes.
func (a *Adapter) tellPersonally(ctx context.Context, j job, reply bot.Reply) {
	if j.botID == "" || j.fromID == "" {
		return
	}
	conv, err := a.c.CreateConversation(ctx, j.serviceURL, j.msg.TeamID, j.botID, j.fromID)
	if err == nil {
		reply.Text = strings.TrimSpace(undeliveredNote + "\n\n" + reply.Text)
		_, err = a.c.Send(ctx, j.serviceURL, conv, Activity(reply))
	}
	if err != nil {
		a.log.ErrorContext(ctx, "teams: telling the person in their own chat failed", append(j.attrs(), "err", err)...)
		return
	}
	a.log.InfoContext(ctx, "teams: reply posted in the person's own chat instead", j.attrs()...)
}

// undeliveredNote opens a reply posted in a person's own chat because the
// conversation they asked in refused it.
const undeliveredNote = "I could not post my answer where you asked (I may have been removed from that conversation), so here it is."

// welcomeText opens the help the bot sends when it is added to a conversation.
const welcomeText = "Hello, I'm *Waymark*. Ask me about safeguarding processes, referral pathways and who to contact."

// logRefusal logs a handler's error by its kind, never its message's
// words: failures as errors, refusals (invalid, forbidden...) as info.
func (a *Adapter) logRefusal(ctx context.Context, j job, err error) {
	switch bot.ErrorKind(err) {
	case bot.EInternal, bot.EUnavailable:
		a.log.ErrorContext(ctx, "teams: handler failed", append(j.attrs(), "err", err)...)
	default:
		a.log.InfoContext(ctx, "teams: handler refused", append(j.attrs(), "kind", bot.ErrorKind(err))...)
	}
}

// CountUndelivered has the adapter tell m of every reply it could not
// post, and returns a. Call it before Open.
func (a *Adapter) CountUndelivered(m bot.Metrics) *Adapter {
	if m != nil {
		a.undelivered = func() { m.Undelivered(bot.PlatformTeams) }
	}
	return a
}
