package web

import (
	"time"

	"github.com/waymarkhq/waymark/bot"
)

// Reply is the body of a successful POST /api/chat: bot.Reply, field for
// field, with every list present (empty, never null) and dates as
// YYYY-MM-DD ("" when unknown). bot.Reply's Ephemeral is not rendered: a
// web chat session is seen only by the practitioner who owns it.
// testdata/reply.json shows a Reply with every field.
type Reply struct {
	// Text is the message itself: plain text, *bold* between asterisks,
	// paragraphs separated by blank lines.
	Text string `json:"text"`
	// Notices come first, in the order the engine gives them.
	Notices  []Notice  `json:"notices"`
	Answers  []Answer  `json:"answers"`
	Contacts []Contact `json:"contacts"`
	Buttons  []Button  `json:"buttons"`
	// FollowUps are suggested next questions; the page sends one back as
	// the action {"id": "ask", "value": <the question>}.
	FollowUps []string `json:"follow_ups"`
	// Ref identifies the answer for feedback; it carries no question text.
	Ref string `json:"ref"`
	// Form, when not null, asks for details (the booking form): the page
	// shows it as a card and sends the values back as {"action": {"id":
	// form.id}, "form": {<name>: <value>, ...}}.
	Form *Form `json:"form"`
}

// Form is a set of fields to fill in, bot.Form field for field.
type Form struct {
	ID          string  `json:"id"` // the action its submission carries
	Title       string  `json:"title"`
	SubmitLabel string  `json:"submit_label"`
	Fields      []Field `json:"fields"`
}

// Field is one input of a Form. Kind is text (one line), textarea
// (several lines) or select (one of Options, an empty list for the other
// kinds). Value is the initial value (for a select, the chosen option's
// value). MaxLen is the most characters, 0 for no limit of its own
// (MaxTextChars still holds).
type Field struct {
	Name     string   `json:"name"`
	Label    string   `json:"label"`
	Kind     string   `json:"kind"`
	Options  []Option `json:"options"`
	Value    string   `json:"value"`
	Hint     string   `json:"hint"`
	Required bool     `json:"required"`
	MaxLen   int      `json:"max_len"`
}

// Option is a choice in a select: the value sent, the label shown.
type Option struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Notice is a highlighted message above the answer. Kind is one of
// act_now, personal_data, unavailable and info (the bot.Notice constants).
type Notice struct {
	Kind  string `json:"kind"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// Answer cites one document.
type Answer struct {
	DocID     string `json:"doc_id"`
	Title     string `json:"title"`
	Kind      string `json:"kind"` // process, pathway, contact, guidance, training, practice
	Area      string `json:"area"` // a council's area, or "national"
	Snippet   string `json:"snippet"`
	URL       string `json:"url"`
	Reviewed  string `json:"reviewed"`   // YYYY-MM-DD, "" when unknown
	ReviewDue string `json:"review_due"` // YYYY-MM-DD, "" when unknown
	Stale     bool   `json:"stale"`      // past its review date: may be out of date
	// Warning says so, and who keeps the document ("" when not stale).
	Warning string `json:"warning"`
	// Full is true when snippet is the whole document (the "Show the
	// steps" button's answer): Markdown with headings and lists.
	Full bool `json:"full"`
}

// Contact is someone to reach, every field of bot.ContactCard, with the
// review date as a day.
type Contact struct {
	DocID        string `json:"doc_id"`
	Name         string `json:"name"`
	Role         string `json:"role"`
	Team         string `json:"team"`
	Organisation string `json:"organisation"`
	Phone        string `json:"phone"`
	Email        string `json:"email"`
	Hours        string `json:"hours"`
	OutOfHours   string `json:"out_of_hours"`
	Specialism   string `json:"specialism"`
	Bookable     bool   `json:"bookable"`
	// Stale contacts are past their review date (review_due, YYYY-MM-DD):
	// the number may no longer answer. Warning says so and who keeps it.
	Stale     bool   `json:"stale"`
	ReviewDue string `json:"review_due"`
	Warning   string `json:"warning"`
}

// Button is an action the practitioner can take; pressing it sends
// {"action": {"id": action_id, "value": value}}. Style is "", "primary"
// or "danger".
type Button struct {
	ActionID string `json:"action_id"`
	Label    string `json:"label"`
	Value    string `json:"value"`
	Style    string `json:"style"`
}

// render turns the engine's reply into the API's.
func render(r bot.Reply) Reply {
	out := Reply{
		Text:      bot.PlainText(r.Text),
		Notices:   make([]Notice, 0, len(r.Notices)),
		Answers:   make([]Answer, 0, len(r.Answers)),
		Contacts:  make([]Contact, 0, len(r.Contacts)),
		Buttons:   make([]Button, 0, len(r.Buttons)),
		FollowUps: append(make([]string, 0, len(r.FollowUps)), r.FollowUps...),
		Ref:       r.Ref,
	}
	for _, n := range r.Notices {
		out.Notices = append(out.Notices, Notice{Kind: n.Kind, Title: n.Title, Text: bot.PlainText(n.Text)})
	}
	for _, a := range r.Answers {
		out.Answers = append(out.Answers, Answer{
			DocID:     a.DocID,
			Title:     a.Title,
			Kind:      a.Kind,
			Area:      a.Area,
			Snippet:   a.Snippet,
			URL:       a.URL,
			Reviewed:  date(a.Reviewed),
			ReviewDue: date(a.ReviewDue),
			Stale:     a.Stale,
			Warning:   a.StaleWarning(),
			Full:      a.Full,
		})
	}
	for _, c := range r.Contacts {
		out.Contacts = append(out.Contacts, Contact{
			DocID: c.DocID, Name: c.Name, Role: c.Role, Team: c.Team, Organisation: c.Organisation,
			Phone: c.Phone, Email: c.Email, Hours: c.Hours, OutOfHours: c.OutOfHours,
			Specialism: c.Specialism, Bookable: c.Bookable,
			Stale: c.Stale, ReviewDue: date(c.ReviewDue), Warning: c.StaleWarning(),
		})
	}
	for _, b := range r.Buttons {
		out.Buttons = append(out.Buttons, Button(b))
	}
	if r.Form != nil {
		out.Form = renderForm(*r.Form)
	}
	return out
}

func renderForm(f bot.Form) *Form {
	out := &Form{ID: f.ID, Title: f.Title, SubmitLabel: f.SubmitLabel, Fields: make([]Field, 0, len(f.Fields))}
	for _, fd := range f.Fields {
		field := Field{Name: fd.Name, Label: fd.Label, Kind: fd.Kind, Options: make([]Option, 0, len(fd.Options)),
			Value: fd.Value, Hint: fd.Hint, Required: fd.Required, MaxLen: fd.MaxLen}
		for _, o := range fd.Options {
			field.Options = append(field.Options, Option(o))
		}
		out.Fields = append(out.Fields, field)
	}
	return out
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// chat answers POST /api/chat.
