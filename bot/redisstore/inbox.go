package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waymarkhq/waymark/bot"
)

var _ bot.Notifier = (*Store)(nil)

// The web inbox's bounds.
const (
	// InboxMax is the most notes an inbox keeps; older ones are dropped as
	// newer ones arrive.
	InboxMax = 100
	// InboxTTL is how long an inbox is kept after the last note put in it.
	InboxTTL = 7 * 24 * time.Hour
)

// Notify implements bot.Notifier for the web chat, which has no connection
// to push to: r is put in t's inbox, where the page finds it with TakeInbox
// when it next asks. RPUSH, LTRIM to the newest InboxMax and EXPIRE
// InboxTTL run as one MULTI transaction on the one key
// <prefix>:{inbox:web:<team>:<id>}.
//
// It returns an EInvalid error for a target on another platform, a channel
// or an empty id, EUnavailable if Redis cannot be reached. Errors never
// name the session: whoever knows a session id can read its inbox. go-redis
// retries a transaction whose reply was lost, so a note may, rarely, arrive
// twice.
func (s *Store) Notify(ctx context.Context, t bot.Target, r bot.Reply) error {
	key, err := s.inboxKey(t)
	if err != nil {
		return err
	}
	b, err := json.Marshal(newReplyRecord(r))
	if err != nil {
		return fmt.Errorf("encode a note: %w", err)
	}
	_, err = s.client.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.RPush(ctx, key, b)
		pipe.LTrim(ctx, key, -InboxMax, -1)
		pipe.Expire(ctx, key, InboxTTL)
		return nil
	})
	if err != nil {
		return fmt.Errorf("put a note in a web inbox: %w", s.wrapRecords("MULTI", err))
	}
	return nil
}

// TakeInbox removes and returns up to max of the notes in t's inbox, oldest
// first, or nil when there are none. It is one LPOP with a count (Redis 6.2
// or later), so of several callers at once each note goes to one only. If
// its reply is lost, the notes it took are lost with it.
//
// It returns an EInvalid error for a target Notify refuses or a max below
// 1, EUnavailable if Redis cannot be reached. A stored note that cannot be
// decoded is an internal error, returned together with the notes that
// could be: they have been taken.
func (s *Store) TakeInbox(ctx context.Context, t bot.Target, max int) ([]bot.Reply, error) {
	key, err := s.inboxKey(t)
	if err != nil {
		return nil, err
	}
	if max < 1 {
		return nil, invalid("TakeInbox needs a max of at least 1, not %d.", max)
	}
	bodies, err := s.client.LPopCount(ctx, key, max).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("take notes from a web inbox: %w", s.wrapRecords("LPOP", err))
	}
	if len(bodies) == 0 {
		return nil, nil
	}
	out := make([]bot.Reply, 0, len(bodies))
	var errs []error
	for _, b := range bodies {
		var rec replyRecord
		if err := json.Unmarshal([]byte(b), &rec); err != nil {
			errs = append(errs, fmt.Errorf("decode a note from a web inbox: %w", err))
			continue
		}
		out = append(out, rec.reply())
	}
	return out, errors.Join(errs...)
}

// inboxKey checks that t is a web chat user and returns its inbox's key.
func (s *Store) inboxKey(t bot.Target) (string, error) {
	if t.Platform != bot.PlatformWeb {
		return "", invalid("The inbox only delivers to the web chat.")
	}
	if t.Kind != "" && t.Kind != bot.TargetUser {
		return "", invalid("The web chat has no channels: the inbox delivers to sessions only.")
	}
	if t.ID == "" {
		return "", invalid("The web chat session to deliver to is empty.")
	}
	return s.keys.Inbox(t.Platform + ":" + t.TeamID + ":" + t.ID), nil
}

// replyRecord is bot.Reply as stored in an inbox, with snake_case names and
// times in UTC. Its parts are converted from the bot types, so a field
// added there fails to compile here until the stored form is considered;
// replyShape, formShape and fieldShape do the same for the types whose
// parts differ.
type replyRecord struct {
	Text      string          `json:"text,omitempty"`
	Notices   []noticeRecord  `json:"notices,omitempty"`
	Answers   []answerRecord  `json:"answers,omitempty"`
	Contacts  []contactRecord `json:"contacts,omitempty"`
	Buttons   []buttonRecord  `json:"buttons,omitempty"`
	FollowUps []string        `json:"follow_ups,omitempty"`
	Ephemeral bool            `json:"ephemeral,omitempty"`
	Ref       string          `json:"ref,omitempty"`
	Form      *formRecord     `json:"form,omitempty"`
}

// replyShape has bot.Reply's fields: the conversion below stops compiling
// when one is added or changed, so that newReplyRecord and reply are
// updated with it.
type replyShape struct {
	Text      string
	Notices   []bot.Notice
	Answers   []bot.AnswerCard
	Contacts  []bot.ContactCard
	Buttons   []bot.Button
	FollowUps []string
	Ephemeral bool
	Ref       string
	Form      *bot.Form
}

var _ = replyShape(bot.Reply{})

type noticeRecord struct {
	Kind  string `json:"kind,omitempty"`
	Title string `json:"title,omitempty"`
	Text  string `json:"text,omitempty"`
}

type answerRecord struct {
	DocID     string    `json:"doc_id,omitempty"`
	Title     string    `json:"title,omitempty"`
	Kind      string    `json:"kind,omitempty"`
	Area      string    `json:"area,omitempty"`
	Snippet   string    `json:"snippet,omitempty"`
	URL       string    `json:"url,omitempty"`
	Reviewed  time.Time `json:"reviewed,omitzero"`
	ReviewDue time.Time `json:"review_due,omitzero"`
	Stale     bool      `json:"stale,omitempty"`
}

type contactRecord struct {
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
}

type buttonRecord struct {
	ActionID string `json:"action_id,omitempty"`
	Label    string `json:"label,omitempty"`
	Value    string `json:"value,omitempty"`
	Style    string `json:"style,omitempty"`
}

type formRecord struct {
	ID          string        `json:"id,omitempty"`
	Title       string        `json:"title,omitempty"`
	SubmitLabel string        `json:"submit_label,omitempty"`
	Fields      []fieldRecord `json:"fields,omitempty"`
}

type fieldRecord struct {
	Name     string         `json:"name,omitempty"`
	Label    string         `json:"label,omitempty"`
	Kind     string         `json:"kind,omitempty"`
	Options  []optionRecord `json:"options,omitempty"`
	Value    string         `json:"value,omitempty"`
	Hint     string         `json:"hint,omitempty"`
	Required bool           `json:"required,omitempty"`
	MaxLen   int            `json:"max_len,omitempty"`
}

type optionRecord struct {
	Value string `json:"value,omitempty"`
	Label string `json:"label,omitempty"`
}

// fieldShape has bot.Field's fields, as replyShape has bot.Reply's.
type fieldShape struct {
	Name     string
	Label    string
	Kind     string
	Options  []bot.Option
	Value    string
	Hint     string
	Required bool
	MaxLen   int
}

var _ = fieldShape(bot.Field{})

// formShape has bot.Form's fields, as replyShape has bot.Reply's.
type formShape struct {
	ID          string
	Title       string
	SubmitLabel string
	Fields      []bot.Field
}

var _ = formShape(bot.Form{})

// convert maps each element of in with f; an empty slice is nil.
func convert[T, U any](in []T, f func(T) U) []U {
	if len(in) == 0 {
		return nil
	}
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

func newReplyRecord(r bot.Reply) replyRecord {
	rec := replyRecord{
		Text:      r.Text,
		Notices:   convert(r.Notices, func(n bot.Notice) noticeRecord { return noticeRecord(n) }),
		Answers:   convert(r.Answers, newAnswerRecord),
		Contacts:  convert(r.Contacts, func(c bot.ContactCard) contactRecord { return contactRecord(c) }),
		Buttons:   convert(r.Buttons, func(b bot.Button) buttonRecord { return buttonRecord(b) }),
		FollowUps: r.FollowUps,
		Ephemeral: r.Ephemeral,
		Ref:       r.Ref,
	}
	if f := r.Form; f != nil {
		rec.Form = &formRecord{ID: f.ID, Title: f.Title, SubmitLabel: f.SubmitLabel, Fields: convert(f.Fields, newFieldRecord)}
	}
	return rec
}

func newAnswerRecord(a bot.AnswerCard) answerRecord {
	a.Reviewed, a.ReviewDue = utc(a.Reviewed), utc(a.ReviewDue)
	return answerRecord(a)
}

func newFieldRecord(f bot.Field) fieldRecord {
	return fieldRecord{
		Name: f.Name, Label: f.Label, Kind: f.Kind,
		Options: convert(f.Options, func(o bot.Option) optionRecord { return optionRecord(o) }),
		Value:   f.Value, Hint: f.Hint, Required: f.Required, MaxLen: f.MaxLen,
	}
}

// utc returns t in UTC, and a zero t as it is.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

func (rec replyRecord) reply() bot.Reply {
	r := bot.Reply{
		Text:      rec.Text,
		Notices:   convert(rec.Notices, func(n noticeRecord) bot.Notice { return bot.Notice(n) }),
		Answers:   convert(rec.Answers, func(a answerRecord) bot.AnswerCard { return bot.AnswerCard(a) }),
		Contacts:  convert(rec.Contacts, func(c contactRecord) bot.ContactCard { return bot.ContactCard(c) }),
		Buttons:   convert(rec.Buttons, func(b buttonRecord) bot.Button { return bot.Button(b) }),
		FollowUps: rec.FollowUps,
		Ephemeral: rec.Ephemeral,
		Ref:       rec.Ref,
	}
	if f := rec.Form; f != nil {
		r.Form = &bot.Form{ID: f.ID, Title: f.Title, SubmitLabel: f.SubmitLabel, Fields: convert(f.Fields, fieldRecord.field)}
	}
	return r
}

func (f fieldRecord) field() bot.Field {
	return bot.Field{
		Name: f.Name, Label: f.Label, Kind: f.Kind,
		Options: convert(f.Options, func(o optionRecord) bot.Option { return bot.Option(o) }),
		Value:   f.Value, Hint: f.Hint, Required: f.Required, MaxLen: f.MaxLen,
	}
}
