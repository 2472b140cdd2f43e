package bot

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Notice kinds, in the order a Reply shows them.
const (
	NoticeActNow       = "act_now"       // immediate risk: what to do now
	NoticePersonalData = "personal_data" // the question carried identifying details
	NoticeUnavailable  = "unavailable"   // a feature is down (Redis), answers still work
	NoticeInfo         = "info"
)

// Button styles.
const (
	StylePrimary = "primary"
	StyleDanger  = "danger"
)

// Reply is what the engine says back, for any platform to render: Slack
// renders Block Kit, Teams Adaptive Cards, the web chat HTML. Its JSON
// (snake_case names, empty parts left out) is how the web inbox keeps it.
type Reply struct {
	Text      string        `json:"text,omitempty"` // the message itself, plain text with *bold*; also the notification fallback
	Notices   []Notice      `json:"notices,omitempty"`
	Answers   []AnswerCard  `json:"answers,omitempty"`
	Contacts  []ContactCard `json:"contacts,omitempty"`
	Buttons   []Button      `json:"buttons,omitempty"`
	FollowUps []string      `json:"follow_ups,omitempty"` // suggested next questions, offered as buttons
	// Ephemeral replies are shown only to the practitioner (Slack), where
	// the platform can.
	Ephemeral bool `json:"ephemeral,omitempty"`
	// Ref identifies this answer for feedback; it carries no question text.
	Ref string `json:"ref,omitempty"`
	// Form asks for details (the booking form): Slack opens it as a modal,
	// other platforms show it as a card. Its submission comes back as a
	// Message whose Action.ID is the form's ID and whose Form holds the
	// values.
	Form *Form `json:"form,omitempty"`
}

// Form is a set of fields to fill in.
type Form struct {
	ID          string  `json:"id,omitempty"` // the action a submission carries
	Title       string  `json:"title,omitempty"`
	SubmitLabel string  `json:"submit_label,omitempty"`
	Fields      []Field `json:"fields,omitempty"`
}

// Field kinds.
const (
	FieldText     = "text"     // one line
	FieldTextArea = "textarea" // several lines
	FieldSelect   = "select"   // one of Options
)

// Field is one input of a Form.
type Field struct {
	Name     string   `json:"name,omitempty"`
	Label    string   `json:"label,omitempty"`
	Kind     string   `json:"kind,omitempty"`
	Options  []Option `json:"options,omitempty"` // for selects
	Value    string   `json:"value,omitempty"`   // initial value
	Hint     string   `json:"hint,omitempty"`
	Required bool     `json:"required,omitempty"`
	MaxLen   int      `json:"max_len,omitempty"`
}

// Option is a choice in a select.
type Option struct {
	Value string `json:"value,omitempty"`
	Label string `json:"label,omitempty"`
}

// noticeOrder is the order notices are shown in, on every platform.
var noticeOrder = map[string]int{NoticeActNow: 0, NoticePersonalData: 1, NoticeUnavailable: 2, NoticeInfo: 3}

// SortNotices orders notices as every platform shows them: act now first,
// then personal data, unavailable, info; unknown kinds last.
func SortNotices(ns []Notice) {
	rank := func(k string) int {
		if r, ok := noticeOrder[k]; ok {
			return r
		}
		return len(noticeOrder)
	}
	slices.SortStableFunc(ns, func(a, b Notice) int { return rank(a.Kind) - rank(b.Kind) })
}

// kindNames are document kinds as a practitioner reads them.
var kindNames = map[string]string{
	KindProcess:  "Process",
	KindPathway:  "Referral pathway",
	KindContact:  "Contact",
	KindGuidance: "Guidance",
	KindTraining: "Training",
	KindPractice: "Practice example",
}

// KindName is a document kind as a practitioner reads it ("Referral
// pathway"); an unknown kind is shown as it is.
func KindName(kind string) string {
	if n, ok := kindNames[kind]; ok {
		return n
	}
	return kind
}

// Notice is a highlighted message above the answer.
type Notice struct {
	Kind  string `json:"kind,omitempty"`
	Title string `json:"title,omitempty"`
	Text  string `json:"text,omitempty"`
}

// AnswerCard cites one document.
type AnswerCard struct {
	DocID     string    `json:"doc_id,omitempty"`
	Title     string    `json:"title,omitempty"`
	Kind      string    `json:"kind,omitempty"`
	Area      string    `json:"area,omitempty"`
	Snippet   string    `json:"snippet,omitempty"` // Markdown with **bold**
	URL       string    `json:"url,omitempty"`
	Reviewed  time.Time `json:"reviewed,omitzero"` // zero when unknown
	ReviewDue time.Time `json:"review_due,omitzero"`
	Stale     bool      `json:"stale,omitempty"` // past review: the card warns it may be out of date
	Owner     string    `json:"owner,omitempty"` // the role or team that keeps the document
	// Full cards show the whole document: Snippet is its body, Markdown
	// with headings and lists, which platforms show in full.
	Full bool `json:"full,omitempty"`
}

// ContactCard is someone to reach.
type ContactCard struct {
	DocID        string `json:"doc_id,omitempty"`
	Name         string `json:"name,omitempty"`
	Role         string `json:"role,omitempty"`
	Team         string `json:"team,omitempty"`
	Organisation string `json:"organisation,omitempty"`
	Phone        string `json:"phone,omitempty"`
	Email        string `json:"email,omitempty"`
	Hours        string `json:"hours,omitempty"`
	OutOfHours   string `json:"out_of_hours,omitempty"`
	Specialism   string `json:"specialism,omitempty"`
	Bookable     bool   `json:"bookable,omitempty"`
	// Stale contacts are past their review date: a number that may no
	// longer answer, which every platform flags where it shows it.
	Stale     bool      `json:"stale,omitempty"`
	ReviewDue time.Time `json:"review_due,omitzero"`
	Owner     string    `json:"owner,omitempty"` // the role or team that keeps the contact
}

// StaleDateLayout is how a review date reads in a stale warning.
const StaleDateLayout = "2 January 2006"

// staleWarning is the warning of a card past its review date, naming who
// keeps it.
func staleWarning(due time.Time, owner, check string) string {
	s := "Past its review date"
	if !due.IsZero() {
		s += " (due " + due.Format(StaleDateLayout) + ")"
	}
	if owner == "" {
		owner = "the owner"
	}
	return s + ": " + strings.ReplaceAll(check, "OWNER", owner) + "."
}

// StaleWarning is what a stale answer card says, or "".
func (a AnswerCard) StaleWarning() string {
	if !a.Stale {
		return ""
	}
	return staleWarning(a.ReviewDue, a.Owner, "check with OWNER that it still applies")
}

// StaleWarning is what a stale contact card says, or "".
func (c ContactCard) StaleWarning() string {
	if !c.Stale {
		return ""
	}
	return staleWarning(c.ReviewDue, c.Owner, "check these details with OWNER before relying on them")
}

// Button is an action the practitioner can take.
type Button struct {
	ActionID string `json:"action_id,omitempty"`
	Label    string `json:"label,omitempty"`
	Value    string `json:"value,omitempty"`
	Style    string `json:"style,omitempty"`
}

// Handler answers messages. The Engine is the one implementation; platform
// adapters depend on this interface.
type Handler interface {
	// Handle answers m. Errors are *Error values; EInvalid ones carry a
	// message to show the practitioner.
	Handle(ctx context.Context, m Message) (Reply, error)
}
