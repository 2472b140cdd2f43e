package bot

import (
	"context"
	"log/slog"
	"strings"
)

// EngineOptions tune an Engine. The zero value is usable.
type EngineOptions struct {
	Clock       Clock
	Log         *slog.Logger
	DefaultArea string // the area of practitioners who have not chosen one
	Answers     int    // answer cards per reply; default 3
	Contacts    int    // contact cards per reply; default 3
	// Desk runs consultations and escalations; without one, consult shows
	// the bookable specialists' contact details.
	Desk *Desk
	// Gaps keeps the questions the corpus did not answer well, for the
	// console; none are kept when nil.
	Gaps GapStore
	// Usage counts questions and the documents shown; nothing is counted
	// when nil.
	Usage Usage
	// WebLinks makes one-time sign-in links to the web chat ("web");
	// without it, the command says the web chat has no such links.
	WebLinks WebLinker
	// Limits are the rate limits per person, counted by Counter; without
	// a Counter nothing is limited.
	Limits  Limits
	Counter Counter
	// Metrics counts questions and how long answers take; nothing is
	// counted when nil.
	Metrics Metrics
}

// Engine answers practitioners: it screens each question, searches the
// knowledge base with the conversation's context, remembers what it needs in
// the Store, and composes a platform-neutral Reply. It is safe for
// concurrent use, and any number of replicas can share one Store.
type Engine struct {
	kb    Knowledge
	store Store
	clock Clock
	log   *slog.Logger
	opts  EngineOptions
}

var _ Handler = (*Engine)(nil)

// NewEngine returns an Engine answering from kb and remembering in store.
func NewEngine(kb Knowledge, store Store, opts EngineOptions) *Engine {
	if opts.Clock == nil {
		opts.Clock = SystemClock{}
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Metrics == nil {
		opts.Metrics = NopMetrics{}
	}
	if opts.Answers <= 0 {
		opts.Answers = 3
	}
	if opts.Contacts <= 0 {
		opts.Contacts = 3
	}
	return &Engine{kb: kb, store: store, clock: opts.Clock, log: opts.Log, opts: opts}
}

// maxQuestion bounds a question's length; longer ones are refused.
const maxQuestion = 2000

// unavailableNotice tells the practitioner what does not work while the
// store is down.
var unavailableNotice = Notice{
	Kind:  NoticeUnavailable,
	Title: "Conversation memory is unavailable",
	Text:  "Answers still work, but follow-up questions, your saved area and feedback will not until it is back.",
}

// argumentCommands take words that are kept or shown, so they are screened
// for identifying details before anything else.
var argumentCommands = map[string]bool{CmdArea: true, CmdContacts: true, CmdConsult: true}

// Handle answers one message.
func (e *Engine) Handle(ctx context.Context, m Message) (Reply, error) {
	m = unmarked(m)
	if m.Action != nil {
		return e.action(ctx, m)
	}
	if m.Command == "" {
		// Written in the DM thread of a consultation: for the other side.
		if d := e.opts.Desk; d != nil {
			if ref := d.ThreadConsultation(ctx, m); ref != "" {
				if r, ok, err := d.ThreadCommand(ctx, m, ref); ok {
					return r, err
				}
				return d.RelayTo(ctx, m, ref, m.Text)
			}
		}
		if cmd, rest, ok := parseCommand(m.Text, len(m.Mentioned)); ok {
			m.Command, m.Text = cmd, rest
		}
	}
	if argumentCommands[m.Command] {
		if s := e.kb.Screen(m.Text); s.PersonalData {
			return Reply{}, Errorf(EInvalid, "That included %s, so I have not used or kept it. Please leave identifying details out.", describeKinds(s.PersonalKinds))
		}
	}
	if commandShapes[m.Command].desk {
		return e.deskCommand(ctx, m)
	}
	switch m.Command {
	case "", CmdAsk:
		return e.ask(ctx, m, m.Text)
	case CmdHelp:
		return e.help(ctx, m), nil
	case CmdArea:
		return e.area(ctx, m)
	case CmdContacts:
		return e.contacts(ctx, m)
	case CmdConsult:
		return e.consult(ctx, m, strings.TrimSpace(m.Text))
	case CmdFeedback:
		return e.feedback(ctx, m)
	case CmdWeb:
		return e.webLink(ctx, m)
	}
	return Reply{}, Errorf(EInvalid, "I don't know that command. Send \"help\" to see what I can do.")
}

func (e *Engine) action(ctx context.Context, m Message) (Reply, error) {
	switch m.Action.ID {
	case ActionHelpful, ActionNotHelpful:
		verdict := VerdictHelpful
		if m.Action.ID == ActionNotHelpful {
			verdict = VerdictNotHelpful
		}
		ref := strings.TrimSpace(m.Action.Value)
		if !refPattern.MatchString(ref) {
			return Reply{}, Errorf(EInvalid, "That feedback button is not one of mine.")
		}
		f := Feedback{Ref: ref, UserKey: pseudonym(m.UserKey()), Verdict: verdict, At: e.clock.Now()}
		// The documents shown, when the answer is the conversation's last.
		conv, err := e.store.Conversation(ctx, m.ConversationKey())
		if err == nil && conv.LastRef == ref {
			f.Docs = conv.LastDocs
		}
		if err := e.store.SaveFeedback(ctx, f); err != nil {
			return e.degraded(err, Reply{Text: "Thank you. I could not record your feedback just now.", Ephemeral: true})
		}
		if verdict == VerdictNotHelpful && conv.LastRef == ref {
			e.recordGap(ctx, GapNotHelpful, conv.LastArea, conv.LastQuestion, f.Docs)
		}
		e.log.InfoContext(ctx, "feedback", "platform", m.Platform, "message", m.ID, "ref", f.Ref, "verdict", verdict)
		text := "Thank you: noted."
		if verdict == VerdictNotHelpful {
			text = "Thank you: noted. If you still need help, book a consultation or ask your duty manager."
		}
		return Reply{Text: text, Ephemeral: true}, nil
	case ActionConsult:
		return e.consult(ctx, m, m.Action.Value)
	case ActionAsk:
		return e.ask(ctx, m, m.Action.Value)
	case ActionShowDoc:
		return e.showDocument(m.Action.Value)
	case ActionBook, ActionClaim, ActionUnclaim, ActionCancel, ActionAck, ActionShowReq:
		return e.deskAction(ctx, m)
	}
	return Reply{}, Errorf(EInvalid, "That button no longer does anything; please ask again.")
}

// noDesk is the answer to consultation commands when none are set up.
var noDesk = Errorf(EInvalid, "Consultations can't be booked here yet. Send \"consult\" to see the specialists' contact details.")

func (e *Engine) deskCommand(ctx context.Context, m Message) (Reply, error) {
	d := e.opts.Desk
	if d == nil {
		return Reply{}, noDesk
	}
	switch m.Command {
	case CmdMy:
		return d.Mine(ctx, m)
	case CmdEscalate:
		if err := e.allow(ctx, m, limitEscalation, e.opts.Limits.Escalations); err != nil {
			return Reply{}, err
		}
		return d.EscalateManual(ctx, m)
	case CmdReply:
		return d.Relay(ctx, m)
	case CmdClose:
		return d.CloseConsultation(ctx, m)
	case CmdHandOver:
		return d.HandOver(ctx, m)
	case CmdHandBack:
		ref, _, _ := parseRef(m.Text)
		return d.Unclaim(ctx, m, ref)
	default: // CmdCancel
		return d.Cancel(ctx, m, m.Text)
	}
}

func (e *Engine) deskAction(ctx context.Context, m Message) (Reply, error) {
	d := e.opts.Desk
	if d == nil {
		return Reply{}, noDesk
	}
	v := strings.TrimSpace(m.Action.Value)
	switch m.Action.ID {
	case ActionBook:
		if err := e.allow(ctx, m, limitBooking, e.opts.Limits.Bookings); err != nil {
			return Reply{}, err
		}
		return d.Book(ctx, m)
	case ActionClaim:
		return d.Claim(ctx, m, strings.ToUpper(v))
	case ActionUnclaim:
		return d.Unclaim(ctx, m, strings.ToUpper(v))
	case ActionCancel:
		return d.Cancel(ctx, m, v)
	case ActionShowReq:
		return d.ShowRequest(ctx, m, strings.ToUpper(v))
	default: // ActionAck
		return d.Acknowledge(ctx, m, v)
	}
}

// degraded turns a store error into a notice on reply, or returns it when
// it is not an outage.
func (e *Engine) degraded(err error, reply Reply) (Reply, error) {
	if ErrorKind(err) != EUnavailable {
		return Reply{}, err
	}
	e.log.Warn("store unavailable", "err", err)
	reply.Notices = appendNotice(reply.Notices, unavailableNotice)
	return reply, nil
}

func appendNotice(ns []Notice, n Notice) []Notice {
	for _, x := range ns {
		if x.Kind == n.Kind {
			return ns
		}
	}
	return append(ns, n)
}
