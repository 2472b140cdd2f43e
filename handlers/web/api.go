package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
)

// MaxTextChars is the longest message, in characters, the chat accepts;
// it bounds each value of a submitted form too.
const MaxTextChars = 2000

// MaxFormFields is the most values a submitted form may carry.
const MaxFormFields = 10

// Request is the body of POST /api/chat, sent as application/json:
//
//	{"session": "k3Jx9_Qe2mB7", "text": "/area Wyvern Vale"}
//	{"session": "k3Jx9_Qe2mB7", "text": "who is the LADO"}
//	{"session": "k3Jx9_Qe2mB7", "action": {"id": "feedback_helpful", "value": "r-123"}}
//	{"session": "k3Jx9_Qe2mB7", "action": {"id": "consult_submit"}, "form": {"specialism": "psychology", "question": "..."}}
//
// Session is required. A request carries text, a command, an action, or a
// combination the engine understands; it must carry at least one of them. A
// form's values come with the form's action.
//
// A successful request is answered with a Reply. A failed one is answered
// with {"error": "<a sentence to show the practitioner>"} and the status of
// its kind, as handlers.StatusOf maps them: 400 for an invalid request (a bad
// session id, text over MaxTextChars characters, malformed JSON, a content
// type other than application/json, an unknown command, a form without an
// action, with over MaxFormFields fields, a field name not 1 to 32 of a-z
// and _, or a value over MaxTextChars characters), 403 for a request from
// another site's page, 413 for a body over handlers.MaxBodyBytes, and the
// status of the handler's bot.Error kind otherwise (400 with the reason for
// a form the engine refuses, such as a booking that identifies a child; 500,
// with a generic sentence, for anything internal). A method other than POST
// is a 405.
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
	// consult, feedback), for a client that separates it from the text. The
	// consultation commands (my, escalate, reply, close, cancel) are passed
	// to the engine with their text, typed or here, and it tells a command
	// from a question that starts with the same word.
	Command string `json:"command"`
	// Action is a button the practitioner pressed: a Reply's Button's
	// action_id and value, or {"id": "ask", "value": <a follow-up>}, or a
	// submitted form: {"id": <the Form's id>}.
	Action *Action `json:"action"`
	// Form is a submitted form's values by field name; it comes with the
	// form's action. At most MaxFormFields fields, each name 1 to 32 of a-z
	// and _, each value at most MaxTextChars characters.
	Form map[string]string `json:"form"`
}

// Action is a button press in a Request.
type Action struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}

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
	if err := c.allowAddress(r); err != nil {
		return err
	}
	sess, err := c.who(r)
	if err != nil {
		return err
	}
	m, err := decode(r, sess)
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
	fieldPattern   = regexp.MustCompile(`^[a-z_]{1,32}$`)
)

// badSession is the error for a session id that does not match
// sessionPattern.
const badSession = "The session id must be 8 to 64 letters, digits, '-' or '_'. Reload the page to start a new session."

const unknownCommand = "Unknown command. The commands are /help, /area, /ask, /contacts, /consult, /feedback, " +
	"and for consultations /my, /reply, /close, /cancel and /escalate."

// decode reads and validates a Request and maps it to a bot.Message without
// an ID. Every error is an EInvalid *bot.Error with a message for the
// practitioner, or the body limit's *http.MaxBytesError.
// Signed in (sess not nil), the person is the session's and the body's
// session is ignored.
func decode(r *http.Request, sess *session) (bot.Message, error) {
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

	m := bot.Message{Platform: bot.PlatformWeb, Text: strings.TrimSpace(req.Text)}
	switch {
	case sess != nil:
		m.ConversationID, m.UserID, m.UserName = sess.User, sess.User, sess.Name
	case !sessionPattern.MatchString(req.Session):
		return bot.Message{}, bot.Errorf(bot.EInvalid, badSession)
	default:
		m.ConversationID, m.UserID, m.UserName = req.Session, req.Session, webName(req.Session)
	}
	if n := utf8.RuneCountInString(m.Text); n > MaxTextChars {
		return bot.Message{}, bot.Errorf(bot.EInvalid,
			"Your message is %s characters long; the limit is %s. Please shorten it.", thousands(n), thousands(MaxTextChars))
	}
	// Commands are read by bot's one table; the desk's are passed on as
	// text ("reply WM-000042 ..."): whether they are a command depends on
	// what follows.
	given := strings.TrimPrefix(strings.TrimSpace(req.Command), "/")
	switch cmd, desk, ok := bot.CommandWord(given); {
	case given == "":
	case !ok:
		return bot.Message{}, bot.Errorf(bot.EInvalid, unknownCommand)
	case desk:
		m.Text = strings.TrimSpace(cmd + " " + m.Text)
	default:
		m.Command = cmd
	}
	if given == "" && isSlashCommand(m.Text) {
		word, rest := m.Text[1:], ""
		if i := strings.IndexFunc(word, unicode.IsSpace); i >= 0 {
			word, rest = word[:i], word[i:]
		}
		switch cmd, desk, ok := bot.CommandWord(word); {
		case !ok:
			return bot.Message{}, bot.Errorf(bot.EInvalid, unknownCommand)
		case desk:
			m.Text = strings.TrimSpace(cmd + " " + strings.TrimSpace(rest))
		default:
			m.Command, m.Text = cmd, strings.TrimSpace(rest)
		}
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
	if req.Form != nil {
		form, err := decodeForm(req.Form, m.Action)
		if err != nil {
			return bot.Message{}, err
		}
		m.Form = form
	}
	if m.Text == "" && m.Command == "" && m.Action == nil {
		return bot.Message{}, bot.Errorf(bot.EInvalid, "Type a question, or /help to see what Waymark can do.")
	}
	return m, nil
}

// decodeForm checks a submitted form's values: they come with an action,
// at most MaxFormFields of them, each named by 1 to 32 of a-z and _, each
// at most MaxTextChars characters. An empty form is nil.
func decodeForm(values map[string]string, action *bot.Action) (map[string]string, error) {
	if action == nil {
		return nil, bot.Errorf(bot.EInvalid, "A form's values must be sent with the form's action.")
	}
	if len(values) > MaxFormFields {
		return nil, bot.Errorf(bot.EInvalid, "A form has at most %d fields; this one has %d.", MaxFormFields, len(values))
	}
	if len(values) == 0 {
		return nil, nil
	}
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if !fieldPattern.MatchString(name) {
			return nil, bot.Errorf(bot.EInvalid, "A form field's name must be 1 to 32 of a-z and '_'.")
		}
		if n := utf8.RuneCountInString(values[name]); n > MaxTextChars {
			return nil, bot.Errorf(bot.EInvalid, "The form's %q is %s characters long; the limit is %s. Please shorten it.", name, thousands(n), thousands(MaxTextChars))
		}
	}
	return maps.Clone(values), nil
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
// webName is how the desk names a web chat practitioner to others (a duty
// manager, a specialist): the page knows no name, and the session id must
// never be shown, since whoever has it can read the session's inbox. It
// is a short one-way digest, so that two sessions read differently.
func webName(session string) string {
	sum := sha256.Sum256([]byte("waymark-web-name:" + session))
	return "web chat user " + hex.EncodeToString(sum[:3])
}

func newID() string {
	b := make([]byte, 8)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b)
}
