package web

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
)

// MaxTextChars is the longest message, in characters, the chat accepts.
const MaxTextChars = 2000

// Request is the body of POST /api/chat, sent as application/json:
//
//	{"session": "k3Jx9_Qe2mB7", "text": "/area Wyvern Vale"}
//	{"session": "k3Jx9_Qe2mB7", "text": "who is the LADO"}
//	{"session": "k3Jx9_Qe2mB7", "action": {"id": "feedback_helpful", "value": "r-123"}}
//
// Session is required. A request carries text, a command, an action, or a
// combination the engine understands; it must carry at least one of them.
//
// A successful request is answered with a Reply. A failed one is answered
// with {"error": "<a sentence to show the practitioner>"} and the status of
// its kind, as handlers.StatusOf maps them: 400 for an invalid request (a bad
// session id, text over MaxTextChars characters, malformed JSON, a content
// type other than application/json, an unknown command), 403 for a request
// from another site's page, 413 for a body over handlers.MaxBodyBytes, and
// the status of the handler's bot.Error kind otherwise (500, with a generic
// sentence, for anything internal). A method other than POST is a 405.
// Every response carries an X-Request-Id header: the id that is logged and
// given to the handler as bot.Message.ID, which the page shows beside an
// error as its reference.
type Request struct {
	// Session is the page's random id, 8 to 64 of A-Z a-z 0-9 _ -. It is
	// both the conversation and the user.
	Session string `json:"session"`
	// Text is what the practitioner typed, at most MaxTextChars characters.
	// When Command is empty and Text starts with a slash ("/area Wyvern
	// Vale", "/help"), the first word is the command and the rest its text.
	Text string `json:"text"`
	// Command is one of the bot.Cmd constants (help, area, ask, contacts,
	// consult, feedback), for a client that separates it from the text.
	Command string `json:"command"`
	// Action is a button the practitioner pressed: a Reply's Button's
	// action_id and value, or {"id": "ask", "value": <a follow-up>}.
	Action *Action `json:"action"`
}

// Action is a button press in a Request.
type Action struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}

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
}

// Contact is someone to reach, every field of bot.ContactCard.
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
		Text:      r.Text,
		Notices:   make([]Notice, 0, len(r.Notices)),
		Answers:   make([]Answer, 0, len(r.Answers)),
		Contacts:  make([]Contact, 0, len(r.Contacts)),
		Buttons:   make([]Button, 0, len(r.Buttons)),
		FollowUps: append(make([]string, 0, len(r.FollowUps)), r.FollowUps...),
		Ref:       r.Ref,
	}
	for _, n := range r.Notices {
		out.Notices = append(out.Notices, Notice{Kind: n.Kind, Title: n.Title, Text: n.Text})
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
		})
	}
	for _, c := range r.Contacts {
		out.Contacts = append(out.Contacts, Contact(c))
	}
	for _, b := range r.Buttons {
		out.Buttons = append(out.Buttons, Button(b))
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
func (c *Chat) chat(w http.ResponseWriter, r *http.Request) (err error) {
	id := newID()
	w.Header().Set("X-Request-Id", id)
	w.Header().Set("Cache-Control", "no-store")
	defer func() {
		status := http.StatusOK
		if err != nil {
			status = handlers.StatusOf(err)
		}
		// The request id and status only: never the session or the text.
		c.log.LogAttrs(r.Context(), slog.LevelInfo, "web chat", slog.String("request_id", id), slog.Int("status", status))
	}()

	if err := crossOrigin.Check(r); err != nil {
		return &bot.Error{Kind: bot.EForbidden, Message: "The chat only answers its own page.", Err: err}
	}
	m, err := decode(r)
	if err != nil {
		return err
	}
	m.ID = id
	reply, err := c.h.Handle(r.Context(), m)
	if err != nil {
		return fmt.Errorf("web chat request %s: %w", id, err)
	}
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(render(reply))
}

// crossOrigin refuses requests another web site's page makes (CSRF), by the
// standard library's checks of Sec-Fetch-Site, or Origin against Host. The
// JSON content type already makes a browser ask first (a CORS preflight,
// which the chat never grants); this is the second lock.
var crossOrigin = http.NewCrossOriginProtection()

var (
	sessionPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)
	actionPattern  = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,64}$`)
	commands       = map[string]bool{
		bot.CmdHelp: true, bot.CmdArea: true, bot.CmdAsk: true,
		bot.CmdContacts: true, bot.CmdConsult: true, bot.CmdFeedback: true,
	}
)

const unknownCommand = "Unknown command. The commands are /help, /area, /ask, /contacts, /consult and /feedback."

// decode reads and validates a Request and maps it to a bot.Message without
// an ID. Every error is an EInvalid *bot.Error with a message for the
// practitioner, or the body limit's *http.MaxBytesError.
func decode(r *http.Request) (bot.Message, error) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return bot.Message{}, bot.Errorf(bot.EInvalid, "Send the message as JSON, with Content-Type: application/json.")
	}
	var req Request
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(&req); err != nil {
		return bot.Message{}, jsonError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return bot.Message{}, err
		}
		return bot.Message{}, bot.Errorf(bot.EInvalid, "The request body must be one JSON object.")
	}

	if !sessionPattern.MatchString(req.Session) {
		return bot.Message{}, bot.Errorf(bot.EInvalid,
			"The session id must be 8 to 64 letters, digits, '-' or '_'. Reload the page to start a new session.")
	}
	m := bot.Message{
		Platform:       bot.PlatformWeb,
		ConversationID: req.Session,
		UserID:         req.Session,
		Text:           strings.TrimSpace(req.Text),
	}
	if n := utf8.RuneCountInString(m.Text); n > MaxTextChars {
		return bot.Message{}, bot.Errorf(bot.EInvalid,
			"Your message is %s characters long; the limit is %s. Please shorten it.", thousands(n), thousands(MaxTextChars))
	}
	switch cmd := strings.ToLower(strings.TrimSpace(req.Command)); {
	case cmd != "":
		if !commands[strings.TrimPrefix(cmd, "/")] {
			return bot.Message{}, bot.Errorf(bot.EInvalid, unknownCommand)
		}
		m.Command = strings.TrimPrefix(cmd, "/")
	case isSlashCommand(m.Text):
		word, rest := m.Text[1:], ""
		if i := strings.IndexFunc(word, unicode.IsSpace); i >= 0 {
			word, rest = word[:i], word[i:]
		}
		word = strings.ToLower(word)
		if !commands[word] {
			return bot.Message{}, bot.Errorf(bot.EInvalid, unknownCommand)
		}
		m.Command, m.Text = word, strings.TrimSpace(rest)
	}
	if req.Action != nil {
		if !actionPattern.MatchString(req.Action.ID) {
			return bot.Message{}, bot.Errorf(bot.EInvalid, "The button pressed has no valid action id.")
		}
		if utf8.RuneCountInString(req.Action.Value) > MaxTextChars {
			return bot.Message{}, bot.Errorf(bot.EInvalid, "The button's value is longer than %s characters.", thousands(MaxTextChars))
		}
		m.Action = &bot.Action{ID: req.Action.ID, Value: req.Action.Value}
	}
	if m.Text == "" && m.Command == "" && m.Action == nil {
		return bot.Message{}, bot.Errorf(bot.EInvalid, "Type a question, or /help to see what Waymark can do.")
	}
	return m, nil
}

// isSlashCommand reports whether text starts with a slash and a letter:
// "/help" is a command, "/ " and "/2" are not.
func isSlashCommand(text string) bool {
	return len(text) > 1 && text[0] == '/' &&
		(text[1] >= 'a' && text[1] <= 'z' || text[1] >= 'A' && text[1] <= 'Z')
}

// jsonError explains a decoding error without quoting the body.
func jsonError(err error) error {
	var (
		mbe *http.MaxBytesError
		ute *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &mbe):
		return err
	case errors.As(err, &ute) && ute.Field != "":
		return bot.Errorf(bot.EInvalid, "The field %q has the wrong type: see the chat API.", ute.Field)
	case errors.Is(err, io.EOF):
		return bot.Errorf(bot.EInvalid, "The request body is empty: send a JSON object.")
	default:
		return bot.Errorf(bot.EInvalid, "The request body is not valid JSON.")
	}
}

// thousands formats n with commas: 2000 is "2,000".
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// newID returns a random request id, 16 hex digits.
func newID() string {
	b := make([]byte, 8)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b)
}
