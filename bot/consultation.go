package bot

import (
	"context"
	"errors"
	"time"
)

// ErrAuditMissing is returned, wrapped, with a change that was made but
// whose audit entry could not be written (Redis went away between the two).
// The change stands and the record returned with the error is the changed
// one: callers carry on (telling people) and log the gap in the trail.
var ErrAuditMissing = errors.New("the change was made but its audit entry was not written")

// Urgencies a consultation request can have.
const (
	UrgencyUrgent  = "urgent"
	UrgencyRoutine = "routine"
)

// Consultation states. A request is queued until a specialist claims it,
// claimed until it is closed; the requester can cancel it until it is
// closed.
const (
	StateQueued    = "queued"
	StateClaimed   = "claimed"
	StateClosed    = "closed"
	StateCancelled = "cancelled"
)

// Audit actions.
const (
	AuditCreated      = "created"
	AuditClaimed      = "claimed"
	AuditUnclaimed    = "unclaimed"
	AuditHandedOver   = "handed_over"
	AuditReplied      = "replied"
	AuditClosed       = "closed"
	AuditCancelled    = "cancelled"
	AuditEscalated    = "escalated"
	AuditPrompted     = "prompted"  // a level of the ladder was prompted
	AuditExhausted    = "exhausted" // every level prompted, no one acknowledged
	AuditAcknowledged = "acknowledged"
)

// Person is someone on a chat platform.
type Person struct {
	Platform string
	TeamID   string
	UserID   string
	Name     string // a display handle, may be empty
}

// Key identifies the person across platforms, as Message.UserKey does.
func (p Person) Key() string { return p.Platform + ":" + p.TeamID + ":" + p.UserID }

// Display is the person's name, or their id when the name is unknown.
func (p Person) Display() string {
	if p.Name != "" {
		return p.Name
	}
	return p.UserID
}

// Sender is the person who sent m.
func (m Message) Sender() Person {
	return Person{Platform: m.Platform, TeamID: m.TeamID, UserID: m.UserID, Name: m.UserName}
}

// Consultation is a practitioner's request to talk a case through with a
// specialist. Question never holds identifying details: the engine refuses
// a booking that carries them.
type Consultation struct {
	Ref            string // WM-000042
	Specialism     string // a queue: psychology, prevent, ...
	Urgency        string
	Question       string
	Area           string
	PreferredTimes string
	Requester      Person
	// RequesterConversation is where the requester is told of progress.
	RequesterConversation string
	State                 string
	Claimant              Person // zero until claimed
	CreatedAt             time.Time
	ClaimBy               time.Time // the claim SLA: unclaimed past this, the ladder starts
	ClaimedAt             time.Time
	ClosedAt              time.Time
	Outcome               string // the specialist's closing note
	// QueuePost is the card announcing the request in its queue, when the
	// platform said where it landed; it is updated as the request moves.
	QueuePost Thread
}

// AuditEntry is one state change, kept append-only.
type AuditEntry struct {
	At     time.Time
	Ref    string // the consultation or escalation
	Actor  string // Person.Key of who did it, or "system"
	Action string // an Audit constant
	Detail string // never identifying
}

// ConsultationStore keeps consultations durably, so that any replica can
// serve any step and a crash loses nothing. Methods return EUnavailable when
// the store cannot be reached, ENotFound for an unknown reference, and
// EConflict when the state does not allow the change (the message says why,
// e.g. who has already claimed it).
type ConsultationStore interface {
	// CreateConsultation gives c the next reference, stores it and audits it.
	CreateConsultation(ctx context.Context, c Consultation) (Consultation, error)
	// Consultation returns the consultation with ref.
	Consultation(ctx context.Context, ref string) (Consultation, error)
	// Claim moves a queued consultation to claimed by p, atomically: of any
	// number of concurrent claims exactly one wins.
	Claim(ctx context.Context, ref string, p Person, at time.Time) (Consultation, error)
	// Unclaim returns a consultation claimed by p to the queue.
	Unclaim(ctx context.Context, ref string, p Person, at time.Time) (Consultation, error)
	// HandOver gives a consultation claimed by from to another specialist,
	// atomically.
	HandOver(ctx context.Context, ref string, from, to Person, at time.Time) (Consultation, error)
	// CloseConsultation closes a consultation claimed by p, with an
	// outcome note. (Not Close: a store's Close releases its connections.)
	CloseConsultation(ctx context.Context, ref string, p Person, outcome string, at time.Time) (Consultation, error)
	// Cancel cancels a consultation the requester p made, unless closed.
	Cancel(ctx context.Context, ref string, p Person, at time.Time) (Consultation, error)
	// ConsultationsOf lists the consultations a person requested, newest first.
	ConsultationsOf(ctx context.Context, requester Person) ([]Consultation, error)
	// Audit appends an entry to the audit trail.
	Audit(ctx context.Context, e AuditEntry) error
	// AuditSince calls fn for every entry at or after since, oldest first.
	AuditSince(ctx context.Context, since time.Time, fn func(AuditEntry) error) error
	// SetQueuePost records where the request's queue card was posted.
	SetQueuePost(ctx context.Context, ref string, th Thread) error
	// LinkThread records that replies in thread th are about consultation
	// ref, until the link expires.
	LinkThread(ctx context.Context, th Thread, ref string) error
	// SetPersonThread records th as p's thread about consultation ref,
	// unless p has one already: the first is kept.
	SetPersonThread(ctx context.Context, ref string, p Person, th Thread) error
	// PersonThread returns p's thread about consultation ref, or a zero
	// Thread when there is none.
	PersonThread(ctx context.Context, ref string, p Person) (Thread, error)
	// ThreadConsultation returns the consultation a thread is linked to, or
	// "" when it is linked to none.
	ThreadConsultation(ctx context.Context, th Thread) (string, error)
}

// Timer is a durable reminder: something the engine must do at Due even if
// every replica restarts in between.
type Timer struct {
	ID   string // unique; scheduling the same ID again moves it
	Due  time.Time
	Kind string // what to do: TimerClaimSLA, TimerEscalate
	Ref  string // the consultation or escalation it is about
}

// Timer kinds.
const (
	TimerClaimSLA = "claim_sla" // a consultation's claim deadline
	TimerEscalate = "escalate"  // an escalation's next level or repeat
)

// TimerStore keeps timers durably and hands each due timer to exactly one
// caller, whichever replica asks first.
type TimerStore interface {
	// Schedule stores t, replacing any timer with the same ID.
	Schedule(ctx context.Context, t Timer) error
	// Cancel removes the timer with id, if any.
	CancelTimer(ctx context.Context, id string) error
	// TakeDue leases and returns up to limit timers due at or before now.
	// A timer is returned to one caller only, even across replicas; it stays
	// stored, due again after a lease, until the caller reschedules or
	// cancels it, so a caller that dies mid-way loses nothing.
	TakeDue(ctx context.Context, now time.Time, limit int) ([]Timer, error)
}
