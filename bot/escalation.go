package bot

import (
	"context"
	"time"
)

// What starts an escalation.
const (
	TriggerClaimSLA = "claim_sla" // an urgent or routine request no one claimed in time
	TriggerRisk     = "risk"      // a question screened as immediate risk
	TriggerManual   = "manual"    // a practitioner's own escalate command
)

// Escalation states.
const (
	EscalationOpen         = "open"         // prompting, level by level
	EscalationAcknowledged = "acknowledged" // someone has it; the ladder stopped
	EscalationExhausted    = "exhausted"    // every level prompted, no one acknowledged
)

// Target is where a prompt goes: a person or a channel on a platform.
type Target struct {
	Platform string // slack, teams, web
	TeamID   string
	Kind     string // user or channel
	ID       string
}

// Target kinds.
const (
	TargetUser    = "user"
	TargetChannel = "channel"
)

// EscalationLevel is one rung of the ladder, like an on-call tool's: its
// targets are prompted, then again every RepeatEvery up to Repeat more
// times, and after that the next level is.
type EscalationLevel struct {
	Name        string // "duty manager", "service manager"
	Targets     []Target
	Repeat      int           // extra prompts at this level before moving on
	RepeatEvery time.Duration // between prompts at this level
	// Acknowledgers may acknowledge this level's prompts, besides its user
	// targets, written as DeskOptions.Specialists are (a Person key,
	// platform:user, or a user group); a channel target lets no one
	// acknowledge by being in it.
	Acknowledgers []string
}

// EscalationPolicy says, for one urgency, how long a request may wait to be
// claimed and who is prompted after that.
type EscalationPolicy struct {
	Urgency string
	// ClaimWithin is the claim SLA in clock time (urgent: 30m). When
	// ClaimWithinWorkingDays is set instead, the SLA ends that many working
	// days later (routine: 2), by the working calendar.
	ClaimWithin            time.Duration
	ClaimWithinWorkingDays int
	Levels                 []EscalationLevel
}

// Escalation is a prompt to duty managers that must be acknowledged.
type Escalation struct {
	ID                    string // ESC-000007
	Trigger               string
	ConsultationRef       string // for claim SLA breaches
	Urgency               string // the policy whose ladder it climbs
	Requester             Person
	RequesterConversation string
	// Summary is short and never identifying: a risk escalation carries
	// the kinds of risk, not the practitioner's words.
	Summary   string
	Level     int // the level prompted last, from 0
	Prompt    int // prompts sent at that level, from 1
	State     string
	AckBy     Person
	CreatedAt time.Time
	AckAt     time.Time
}

// EscalationStore keeps escalations durably. Acknowledge and Advance are
// atomic, so two replicas can never both move a ladder, and a timer that
// fires late after an outage cannot prompt twice.
type EscalationStore interface {
	// CreateEscalation gives e the next id, stores it and audits it.
	CreateEscalation(ctx context.Context, e Escalation) (Escalation, error)
	// CreateEscalationOnce creates e unless an escalation was already
	// created under key, in which case it returns that one and false: a
	// timer that fires again after a crash or an error finds the
	// escalation it started instead of starting another.
	CreateEscalationOnce(ctx context.Context, key string, e Escalation) (Escalation, bool, error)
	// Escalation returns the escalation with id, or ENotFound.
	Escalation(ctx context.Context, id string) (Escalation, error)
	// Acknowledge stops an open escalation's ladder: p has it. EConflict,
	// naming who, when someone already acknowledged it.
	Acknowledge(ctx context.Context, id string, p Person, at time.Time) (Escalation, error)
	// Advance records that prompt number prompt of level was sent, if the
	// escalation is open and that step is after the last one recorded. It
	// reports false, changing nothing, otherwise. exhausted marks the end of
	// the ladder.
	Advance(ctx context.Context, id string, level, prompt int, exhausted bool) (Escalation, bool, error)
	// AddPrompt records a prompt posted for the escalation id, so that it
	// can be changed once someone acknowledges.
	AddPrompt(ctx context.Context, id string, p PromptPost) error
	// Prompts returns the prompts recorded for the escalation id, oldest
	// first.
	Prompts(ctx context.Context, id string) ([]PromptPost, error)
}

// PromptPost is a prompt the desk posted: to whom, and where it landed.
type PromptPost struct {
	Target Target
	Thread Thread
}

// Notifier sends prompts and notes to people and channels on the chat
// platforms. Each platform adapter implements it for its own targets.
type Notifier interface {
	// Notify sends r to t.
	Notify(ctx context.Context, t Target, r Reply) error
}

// Thread is a message a Notifier posted, which replies can thread under.
type Thread struct {
	Platform       string
	TeamID         string
	ConversationID string // the DM or channel it landed in
	ThreadID       string // what replies in its thread carry as Message.ThreadID
}

// ThreadNotifier is a Notifier that can say where its message landed, so
// the desk can connect specialist and practitioner through the thread.
type ThreadNotifier interface {
	Notifier
	// NotifyThread sends r to t and returns the thread replies will use.
	NotifyThread(ctx context.Context, t Target, r Reply) (Thread, error)
}

// ReplyHinter is a Notifier that says, in its platform's words, how the
// person it delivers to writes back to the other side of a consultation:
// in the thread, by replying to the message. Without one the desk gives
// the command every platform has: reply WM-000001 <message>.
type ReplyHinter interface {
	// ReplyHint tells p how to write to whom about ref, or is "".
	ReplyHint(p Person, ref, whom string) string
}

// ThreadReplier is a Notifier that can post into a thread it started, so
// that a consultation's notes to one person continue one thread.
type ThreadReplier interface {
	// NotifyInThread posts r as a reply in th, which the notifier posted
	// to t. It returns EInvalid for a thread that is not its platform's.
	NotifyInThread(ctx context.Context, t Target, th Thread, r Reply) error
}

// Updater changes a message a ThreadNotifier posted: a queue card that
// now says who claimed the request, so no one else tries to.
type Updater interface {
	// Update replaces the message th, posted to t by NotifyThread, with
	// r. It returns EInvalid for a thread or target it cannot have posted,
	// ENotFound when the message is gone, EUnavailable when the platform
	// cannot be reached.
	Update(ctx context.Context, t Target, th Thread, r Reply) error
}

// Directory answers who belongs to a platform's user group, so that
// specialists can be configured as a group (platform:group:id) and stay
// right as people join and leave.
type Directory interface {
	// MemberOf reports whether p is in the group with id on p's platform.
	MemberOf(ctx context.Context, p Person, groupID string) (bool, error)
}

// MultiDirectory looks groups up with the directory of the person's
// platform.
type MultiDirectory map[string]Directory

// MemberOf asks p's platform's directory; a platform without one has no
// groups (EInvalid).
func (m MultiDirectory) MemberOf(ctx context.Context, p Person, groupID string) (bool, error) {
	d, ok := m[p.Platform]
	if !ok {
		return false, Errorf(EInvalid, "Nothing here can look up %s groups.", p.Platform)
	}
	return d.MemberOf(ctx, p, groupID)
}

// Board lists what the stores keep, for the safeguarding lead's console:
// every consultation and escalation not yet removed by retention, newest
// first. redisstore.Store is the one implementation. Both return
// EUnavailable when the store cannot be reached.
type Board interface {
	Consultations(ctx context.Context) ([]Consultation, error)
	Escalations(ctx context.Context) ([]Escalation, error)
}
