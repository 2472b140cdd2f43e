package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
	"github.com/waymarkhq/waymark/handlers/web"
)

// session is a valid session id, as the page makes them.
const session = "k3Jx9_Qe2mB7-wvA"

// recorder is a test-only bot.Handler, a fake of the platform boundary: it
// records the Messages it receives and answers with a fixed Reply or error.
type recorder struct {
	mu    sync.Mutex
	got   []bot.Message
	reply bot.Reply
	err   error
}

var _ bot.Handler = (*recorder)(nil)

func (r *recorder) Handle(_ context.Context, m bot.Message) (bot.Reply, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, m)
	return r.reply, r.err
}

// messages returns the Messages received so far.
func (r *recorder) messages() []bot.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Message(nil), r.got...)
}

// richReply uses every field of bot.Reply, with text that must be escaped.
func richReply() bot.Reply {
	return bot.Reply{
		Text: "If a young person is *planning to travel*, call the police on 999 now.\n\nThen see below.",
		Notices: []bot.Notice{
			{Kind: bot.NoticeActNow, Title: "Act now", Text: "Call 999 and then the duty manager on 01632 961000."},
			{Kind: bot.NoticePersonalData, Title: "Personal details", Text: "Your message looked like it held a date of birth. Please do not post identifying details."},
			{Kind: bot.NoticeUnavailable, Title: "Consultations unavailable", Text: "Booking is down; answers still work."},
			{Kind: bot.NoticeInfo, Title: "Area", Text: "Answering for Wyvern Vale."},
		},
		Answers: []bot.AnswerCard{
			{
				DocID: "wv-prevent-referral", Title: "Making a Prevent referral <b>now</b>", Kind: bot.KindProcess,
				Area: "Wyvern Vale", Snippet: "Ring the **Prevent** team <script>alert(1)</script> first.",
				URL:      "https://wyvernvale.example/prevent-referral",
				Reviewed: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), ReviewDue: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC),
			},
			{
				DocID: "channel", Title: "Channel panels", Kind: bot.KindGuidance, Area: bot.AreaNational,
				Snippet: "The **Channel** panel meets monthly.", ReviewDue: time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC), Stale: true,
			},
		},
		Contacts: []bot.ContactCard{{
			DocID: "contacts-psychologist-rees", Name: "Dr Bethan Rees", Role: "Clinical psychologist",
			Team: "Kestrel Team", Organisation: "Wyvern Vale Council", Phone: "01632 961234",
			Email: "bethan.rees@wyvernvale.example", Hours: "Mon-Thu 9am-5pm", OutOfHours: "EDT on 01632 961999",
			Specialism: "psychology", Bookable: true,
		}},
		Buttons: []bot.Button{
			{ActionID: bot.ActionHelpful, Label: "Helpful", Value: "ref-42", Style: bot.StylePrimary},
			{ActionID: bot.ActionNotHelpful, Label: "Not helpful", Value: "ref-42"},
			{ActionID: bot.ActionConsult, Label: "Book a psychology consultation", Value: "psychology", Style: bot.StyleDanger},
		},
		FollowUps: []string{"What about out of hours?", "Who is the Prevent lead?"},
		Ephemeral: true,
		Ref:       "ref-42",
		Form: &bot.Form{ID: bot.ActionBook, Title: "Book a consultation", SubmitLabel: "Send request", Fields: []bot.Field{
			{Name: "specialism", Label: "Specialist", Kind: bot.FieldSelect, Value: "psychology", Required: true,
				Options: []bot.Option{{Value: "prevent", Label: "Prevent"}, {Value: "psychology", Label: "Psychology"}}},
			{Name: "question", Label: "Your question <b>now</b>", Kind: bot.FieldTextArea, Required: true, MaxLen: 2000,
				Hint: "Describe the child without name, date of birth or address."},
			{Name: "times", Label: "Times that suit you", Kind: bot.FieldText, MaxLen: 200, Hint: "e.g. Tuesday afternoon"},
		}},
	}
}

// testServer is the chat mounted on a handlers.Server, behind httptest.
type testServer struct {
	*httptest.Server
	h    *recorder
	logs *bytes.Buffer
}

func newTestServer(t testing.TB, h *recorder) *testServer {
	t.Helper()
	return newTestServerFor(t, h, h)
}

// newTestServerFor serves the chat over h; rec (may be nil) is what the
// tests inspect.
func newTestServerFor(t testing.TB, h bot.Handler, rec *recorder) *testServer {
	t.Helper()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	s := handlers.NewServer(log, nil)
	s.Mount(web.New(h, log).Routes()...)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &testServer{Server: srv, h: rec, logs: &logs}
}

// response is an HTTP response with its body read.
type response struct {
	status int
	header http.Header
	body   []byte
}

// errorMessage returns the "error" of a JSON error body.
func (r response) errorMessage(t *testing.T) string {
	t.Helper()
	var e struct{ Error string }
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("error body %q is not JSON: %v", r.body, err)
	}
	return e.Error
}

func (s *testServer) do(t testing.TB, method, path, contentType, body string, header http.Header) response {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func (s *testServer) get(t *testing.T, path string) response {
	t.Helper()
	return s.do(t, http.MethodGet, path, "", "", nil)
}

// post sends a chat request built from v.
func (s *testServer) post(t *testing.T, v any) response {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return s.do(t, http.MethodPost, "/api/chat", "application/json", string(b), nil)
}
