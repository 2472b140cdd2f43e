// Package slack connects Waymark to Slack: the Events API (app mentions,
// direct messages, the App Home), the /waymark slash command and
// interactivity (the buttons of a reply, the booking form's modal), over
// HTTP or Socket Mode, and the Block Kit rendering of a bot.Reply.
//
// Slack wants an answer within three seconds, and retries when it gets none.
// So an HTTP request is verified with the app's signing secret, parsed,
// de-duplicated on its event_id and put on a bounded queue, and the adapter
// answers 200 at once; a pool of workers then calls the bot.Handler and posts
// the reply with the Web API (in the thread of the question, or to the slash
// command's response_url). Socket Mode acknowledges each envelope first and
// then hands it to the same queue.
//
// Two things cannot wait in that queue. A reply with a form (the booking
// form) opens as a modal, which Slack allows only within three seconds of
// the click or command that asked for it: such requests are answered at once
// on a goroutine of their own, after the acknowledgement, and when the modal
// cannot be opened the reply is posted with a button that opens it. And a
// modal's submission is answered in the HTTP response itself, so that a
// refusal (a request with identifying details) shows in the modal: the
// handler is called before Slack is answered, for at most a bounded time.
//
// The adapter never logs what practitioners write, only ids: event, team,
// channel and user.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
)

// Timeouts. Slack gives three seconds for the acknowledgement, so the work
// done before it is bounded well under that.
const (
	// queueWait is how long an HTTP request waits for room on a full queue
	// before Slack is told to retry later.
	queueWait = time.Second
	// jobTimeout bounds answering and posting one message.
	jobTimeout = 60 * time.Second
	// apiTimeout bounds one Web API call.
	apiTimeout = 15 * time.Second
	// queuePerWorker sizes the queue: this many waiting jobs per worker.
	queuePerWorker = 16
	// openTimeout bounds views.open: a trigger_id is good for three
	// seconds, so a later answer is of no use.
	openTimeout = 3 * time.Second
)

// slackAPI is the part of slack-go's client the adapter uses.
type slackAPI interface {
	PostMessageContext(ctx context.Context, channelID string, options ...slackapi.MsgOption) (string, string, error)
	PostEphemeralContext(ctx context.Context, channelID, userID string, options ...slackapi.MsgOption) (string, error)
	PublishViewContext(ctx context.Context, req slackapi.PublishViewContextRequest) (*slackapi.ViewResponse, error)
	OpenViewContext(ctx context.Context, triggerID string, view slackapi.ModalViewRequest) (*slackapi.ViewResponse, error)
	UpdateMessageContext(ctx context.Context, channelID, timestamp string, options ...slackapi.MsgOption) (string, string, string, error)
	GetUserInfoContext(ctx context.Context, user string, options ...slackapi.GetUserInfoOption) (*slackapi.User, error)
	AuthTestContext(ctx context.Context) (*slackapi.AuthTestResponse, error)
}

var _ slackAPI = (*slackapi.Client)(nil)

// Adapter answers Slack messages with a bot.Handler. It is safe for
// concurrent use.
type Adapter struct {
	names names // display names from users.info
	cfg   Config
	h     bot.Handler
	store bot.Store
	log   *slog.Logger
	// undelivered counts a reply that could not be posted; nil: nothing.
	undelivered func()
	api         slackAPI

	// queue holds the jobs accepted for the workers; forms and submissions
	// answered outside it run with queue.Go, so Close waits for them too.
	queue *handlers.Queue[job]
	// prompt holds a token per form being opened outside the queue (see
	// opensForm); when it is full, forms wait in the queue.
	prompt chan struct{}
}

// New validates cfg and returns an Adapter whose workers answer with h; store
// de-duplicates events and holds practitioners' profiles for the App Home.
// The workers start at once; Close stops them.
func New(cfg Config, h bot.Handler, store bot.Store, log *slog.Logger) (*Adapter, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if h == nil || store == nil {
		return nil, bot.Errorf(bot.EInvalid, "slack: a handler and a store are needed")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	api := slackapi.New(cfg.BotToken,
		slackapi.OptionAPIURL(cfg.APIURL),
		slackapi.OptionHTTPClient(handlers.NewHTTPClient(apiTimeout)),
		retryRateLimits)
	return newAdapter(cfg, h, store, log, api), nil
}

func newAdapter(cfg Config, h bot.Handler, store bot.Store, log *slog.Logger, api slackAPI) *Adapter {
	a := &Adapter{
		cfg: cfg, h: h, store: store, log: log.With("platform", bot.PlatformSlack), api: api,
		prompt: make(chan struct{}, cfg.Workers),
	}
	a.queue = handlers.NewQueue(cfg.Workers, cfg.Workers*queuePerWorker, a.run)
	return a
}

// Routes are the Slack endpoints: POST /slack/events (Events API),
// POST /slack/commands (the slash command) and POST /slack/interactions
// (buttons and modals). Every request must carry a valid Slack signature
// made with Config.SigningSecret within the last five minutes.
func (a *Adapter) Routes() []handlers.Route {
	return []handlers.Route{
		{Pattern: "POST /slack/events", Handler: a.serveEvents},
		{Pattern: "POST /slack/commands", Handler: a.serveCommands},
		{Pattern: "POST /slack/interactions", Handler: a.serveInteractions},
	}
}

// Open starts the workers that answer accepted work; New starts nothing.
// Work accepted before Open waits for it.
func (a *Adapter) Open() { a.queue.Open() }

// Close stops accepting work (HTTP requests then get 503, which Slack
// retries), lets the workers answer everything already accepted, and returns
// when they are done. It is safe to call more than once.
func (a *Adapter) Close() error {
	a.queue.Close()
	return nil
}

// job is one piece of work for the workers: a message to answer, or an App
// Home to publish.
type job struct {
	msg  bot.Message
	home bool // publish the App Home of msg's user instead of answering
	to   target
}

// target says where a reply goes.
type target struct {
	channel     string // the conversation; empty for the App Home
	thread      string // thread_ts to reply in, if any
	user        string // for ephemeral replies and direct messages
	responseURL string // a slash command's or button's response_url
	// ephemeral replies only to the user, whatever Reply.Ephemeral says.
	ephemeral bool
	// trigger is the trigger_id of a slash command or button: with it, a
	// reply's form opens as a modal.
	trigger string
}

// Conversation types, as an event's channel_type names them.
const (
	channelTypeIM      = "im"      // a direct message between one person and the app
	channelTypeMPIM    = "mpim"    // a direct message between several people
	channelTypeChannel = "channel" // a public channel
	channelTypeGroup   = "group"   // a private channel
)

// sharedConversation reports whether several people use a conversation, for
// bot.Message.Shared: by channelType when Slack gives one (message events
// do), else by the id's first letter. Public channels (ids starting with
// C), private channels (G, as are older multi-person direct messages) and
// multi-person direct messages are shared; a direct message with the app
// (D, "im") is not. A conversation that cannot be told (none, as for a
// modal's submission) counts as shared, so its context is kept per person
// rather than pooled with everyone's.
func sharedConversation(channelID, channelType string) bool {
	switch channelType {
	case channelTypeIM:
		return false
	case channelTypeMPIM, channelTypeChannel, channelTypeGroup:
		return true
	}
	return !strings.HasPrefix(channelID, "D")
}

// attrs are what a log line may say about a job: ids, never text.
func (j job) attrs() []any {
	return []any{"id", j.msg.ID, "team", j.msg.TeamID, "channel", j.msg.ConversationID, "user", j.msg.UserID}
}

var (
	errClosed = bot.Errorf(bot.EUnavailable, "Waymark is shutting down; Slack will retry.")
	errBusy   = bot.Errorf(bot.EUnavailable, "Waymark is busy; Slack will retry.")
)

// accept admits j: it reserves room on the queue, then, when eventID is not
// empty, checks with the store that this is the event's first delivery, then
// enqueues (handlers.Queue.Add). wait bounds the wait for room; a negative
// wait waits until ctx is done. When the store cannot say, the event is
// processed: better a rare double answer than a lost one. A job that opens
// a form (opensForm) skips the queue when there is room (startNow).
func (a *Adapter) accept(ctx context.Context, j job, eventID string, wait time.Duration) error {
	if opensForm(j) && a.startNow(j) {
		return nil
	}
	var first func(context.Context) (bool, error)
	if eventID != "" {
		first = func(ctx context.Context) (bool, error) {
			return a.store.FirstDelivery(ctx, bot.PlatformSlack, eventID)
		}
	}
	switch adm, err := a.queue.Add(ctx, j, wait, first); adm {
	case handlers.QueueClosed:
		return errClosed
	case handlers.QueueFull:
		a.log.WarnContext(ctx, "slack: queue full, asking Slack to retry", j.attrs()...)
		return errBusy
	case handlers.QueuedUnchecked:
		a.log.WarnContext(ctx, "slack: cannot de-duplicate, processing anyway", append(j.attrs(), "err", err)...)
	case handlers.Duplicate:
		a.log.InfoContext(ctx, "slack: duplicate delivery ignored", j.attrs()...)
	}
	return nil
}

// opensForm reports whether j asks for the booking form with a trigger_id
// that can open it as a modal: "consult" typed after /waymark, or a Book
// button. The trigger expires three seconds after the click, too soon to
// wait behind other answers in the queue.
func opensForm(j job) bool {
	if j.to.trigger == "" {
		return false
	}
	m := j.msg
	return m.Command == bot.CmdConsult || (m.Action != nil && m.Action.ID == bot.ActionConsult)
}

// startNow answers j on a goroutine of its own, at once, when the adapter
// is open and fewer than Config.Workers such jobs are running, and reports
// whether it did. Close waits for the goroutine.
func (a *Adapter) startNow(j job) bool {
	if !a.queue.Enter() {
		return false // accept then finds the queue closed
	}
	defer a.queue.Leave()
	select {
	case a.prompt <- struct{}{}:
	default:
		return false
	}
	a.queue.Go(func() {
		defer func() { <-a.prompt }()
		a.run(j)
	})
	return true
}

// run answers one job. A panic is logged, and the worker carries on.
func (a *Adapter) run(j job) {
	ctx, cancel := context.WithTimeout(context.Background(), jobTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			a.log.ErrorContext(ctx, "slack: job panicked", append(j.attrs(), "panic", fmt.Sprint(p))...)
		}
	}()
	if j.home {
		a.publishHome(ctx, j)
		return
	}
	j.msg = a.withName(ctx, j.msg)
	reply, err := a.h.Handle(ctx, j.msg)
	if err != nil {
		a.logRefusal(ctx, j, err)
		reply = bot.Reply{Text: bot.ErrorMessage(err), Ephemeral: true}
	}
	if reply.Form != nil && j.to.trigger != "" {
		err := a.openForm(ctx, j, *reply.Form)
		if err == nil {
			a.log.InfoContext(ctx, "slack: form opened", append(j.attrs(), "form", reply.Form.ID)...)
			return
		}
		// Expired, say: the reply's button opens it with a new trigger.
		a.log.WarnContext(ctx, "slack: opening the form failed, posting a button to open it", append(j.attrs(), "err", err)...)
	}
	a.reply(ctx, j, reply)
}

// logRefusal logs a handler's error by its kind, never its message's
// words: failures as errors, refusals (invalid, forbidden...) as info.
func (a *Adapter) logRefusal(ctx context.Context, j job, err error) {
	switch bot.ErrorKind(err) {
	case bot.EInternal, bot.EUnavailable:
		a.log.ErrorContext(ctx, "slack: handler failed", append(j.attrs(), "err", err)...)
	default:
		a.log.InfoContext(ctx, "slack: handler refused", append(j.attrs(), "kind", bot.ErrorKind(err))...)
	}
}

// reply delivers r for j, logging the outcome.
func (a *Adapter) reply(ctx context.Context, j job, r bot.Reply) {
	if isEmpty(r) {
		return
	}
	if err := a.deliver(ctx, j.to, r); err != nil {
		a.log.ErrorContext(ctx, "slack: posting the reply failed", append(j.attrs(), "err", err)...)
		if a.undelivered != nil {
			a.undelivered()
		}
		return
	}
	a.log.InfoContext(ctx, "slack: replied", append(j.attrs(), "thread", j.to.thread, "ref", r.Ref)...)
}

func isEmpty(r bot.Reply) bool {
	return r.Text == "" && len(r.Notices) == 0 && len(r.Answers) == 0 && len(r.Contacts) == 0 &&
		len(r.Buttons) == 0 && len(r.FollowUps) == 0 && r.Form == nil
}

// deliver posts r to t: ephemeral replies by the response_url when there is
// one, else chat.postEphemeral, else a direct message; others with
// chat.postMessage in the thread.
func (a *Adapter) deliver(ctx context.Context, t target, r bot.Reply) error {
	opts := []slackapi.MsgOption{
		slackapi.MsgOptionText(FallbackText(r), false),
		slackapi.MsgOptionBlocks(Blocks(r)...),
		slackapi.MsgOptionDisableLinkUnfurl(),
		slackapi.MsgOptionDisableMediaUnfurl(),
	}
	if t.ephemeral || r.Ephemeral {
		if t.responseURL != "" {
			_, _, err := a.api.PostMessageContext(ctx, "", append(opts, slackapi.MsgOptionResponseURL(t.responseURL, slackapi.ResponseTypeEphemeral))...)
			return err
		}
		if t.channel != "" && t.user != "" {
			eopts := slices.Clip(opts)
			if t.thread != "" {
				eopts = append(eopts, slackapi.MsgOptionTS(t.thread))
			}
			_, err := a.api.PostEphemeralContext(ctx, t.channel, t.user, eopts...)
			if err == nil {
				return nil
			}
			// Not in the channel, say: fall back to a direct message.
			a.log.WarnContext(ctx, "slack: ephemeral reply failed, sending a direct message", "channel", t.channel, "user", t.user, "err", err)
		}
		return a.post(ctx, t.user, "", opts)
	}
	channel := t.channel
	if channel == "" {
		channel = t.user // a direct message from the app
	}
	return a.post(ctx, channel, t.thread, opts)
}

func (a *Adapter) post(ctx context.Context, channel, thread string, opts []slackapi.MsgOption) error {
	if channel == "" {
		return errors.New("no channel or user to reply to")
	}
	if thread != "" {
		opts = append(opts, slackapi.MsgOptionTS(thread))
	}
	_, _, err := a.api.PostMessageContext(ctx, channel, opts...)
	return err
}

// retryRateLimits makes a Slack client wait out a rate limit (429) for as
// long as Slack asks, and try again, up to three tries in all; a
// request's context bounds the wait.
var retryRateLimits = slackapi.OptionRetryConfig(slackapi.RetryConfig{
	MaxRetries:         2,
	RetryAfterDuration: 5 * time.Second, // when Slack does not say
})

// CountUndelivered has the adapter tell m of every reply it could not
// post, and returns a. Call it before Open.
func (a *Adapter) CountUndelivered(m bot.Metrics) *Adapter {
	if m != nil {
		a.undelivered = func() { m.Undelivered(bot.PlatformSlack) }
	}
	return a
}
