package bot

import (
	"context"
	"slices"
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
// renders Block Kit, Teams Adaptive Cards, the web chat HTML.
type Reply struct {
	Text      string // the message itself, plain text with *bold*; also the notification fallback
	Notices   []Notice
	Answers   []AnswerCard
	Contacts  []ContactCard
	Buttons   []Button
	FollowUps []string // suggested next questions, offered as buttons
	// Ephemeral replies are shown only to the practitioner (Slack), where
	// the platform can.
	Ephemeral bool
	// Ref identifies this answer for feedback; it carries no question text.
	Ref string
	// Form asks for details (the booking form): Slack opens it as a modal,
	// other platforms show it as a card. Its submission comes back as a
	// Message whose Action.ID is the form's ID and whose Form holds the
	// values.
	Form *Form
}

// Form is a set of fields to fill in.
type Form struct {
	ID          string // the action a submission carries
	Title       string
	SubmitLabel string
	Fields      []Field
}

// Field kinds.
const (
	FieldText     = "text"     // one line
	FieldTextArea = "textarea" // several lines
	FieldSelect   = "select"   // one of Options
)

// Field is one input of a Form.
type Field struct {
	Name     string
	Label    string
	Kind     string
	Options  []Option // for selects
	Value    string   // initial value
	Hint     string
	Required bool
	MaxLen   int
}

// Option is a choice in a select.
type Option struct {
	Value string
	Label string
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
	Kind  string
	Title string
	Text  string
}

// AnswerCard cites one document.
type AnswerCard struct {
	DocID     string
	Title     string
	Kind      string
	Area      string
	Snippet   string // Markdown with **bold**
	URL       string
	Reviewed  time.Time // zero when unknown
	ReviewDue time.Time
	Stale     bool // past review: the card warns it may be out of date
}

// ContactCard is someone to reach.
type ContactCard struct {
	DocID        string
	Name         string
	Role         string
	Team         string
	Organisation string
	Phone        string
	Email        string
	Hours        string
	OutOfHours   string
	Specialism   string
	Bookable     bool
}

// Button is an action the practitioner can take.
type Button struct {
	ActionID string
	Label    string
	Value    string
	Style    string
}

// Handler answers messages. The Engine is the one implementation; platform
// adapters depend on this interface.
type Handler interface {
	// Handle answers m. Errors are *Error values; EInvalid ones carry a
	// message to show the practitioner.
	Handle(ctx context.Context, m Message) (Reply, error)
}
