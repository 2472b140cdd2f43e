package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/handlers"
	"github.com/waymarkhq/waymark/handlers/slack"
	"github.com/waymarkhq/waymark/handlers/web"
	"github.com/waymarkhq/waymark/internal/redistest"
	"github.com/waymarkhq/waymark/knowledge"
	"github.com/waymarkhq/waymark/knowledge/sample"
)

// me is the session the tests' page has, as the desk addresses it.
var me = bot.Target{Platform: bot.PlatformWeb, Kind: bot.TargetUser, ID: session}

// mustInboxStore returns a Store on the package's redis-server, under keys
// of t's own.
func mustInboxStore(t testing.TB) *redisstore.Store {
	t.Helper()
	store, err := redisstore.New(redisstore.Config{URL: redistest.Shared(t).URL(), Prefix: redistest.Prefix(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// newInboxServer serves the chat, over a recorder, with inbox (none when
// nil).
func newInboxServer(t *testing.T, inbox web.Inbox) *testServer {
	t.Helper()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	s := handlers.NewServer(log, nil)
	h := &recorder{}
	chat := web.New(h, log)
	if inbox != nil {
		chat = chat.WithInbox(inbox)
	}
	s.Mount(chat.Routes()...)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &testServer{Server: srv, h: h, logs: &logs}
}

// notifications GETs /api/inbox for session and decodes the 200 answer.
func (s *testServer) notifications(t *testing.T, session string) (web.Notifications, response) {
	t.Helper()
	r := s.get(t, "/api/inbox?session="+session)
	if r.status != http.StatusOK {
		t.Fatalf("GET /api/inbox = %d %s, want 200", r.status, r.body)
	}
	var n web.Notifications
	if err := json.Unmarshal(r.body, &n); err != nil {
		t.Fatalf("body %s: %v", r.body, err)
	}
	return n, r
}

func mustNotify(t *testing.T, n bot.Notifier, to bot.Target, rs ...bot.Reply) {
	t.Helper()
	for _, r := range rs {
		if err := n.Notify(t.Context(), to, r); err != nil {
			t.Fatalf("Notify: %v", err)
		}
	}
}

// Notes put in the store's inbox come out of GET /api/inbox once, rendered
// as POST /api/chat renders a Reply, oldest first.
func TestInboxFromStore(t *testing.T) {
	store := mustInboxStore(t)
	s := newInboxServer(t, store)
	mustNotify(t, store, me, richReply(), bot.Reply{Text: "Dr Bethan Rees has your consultation request WM-000001."})

	n, r := s.notifications(t, session)
	if ct, cc := r.header.Get("Content-Type"), r.header.Get("Cache-Control"); ct != "application/json" || cc != "no-store" {
		t.Errorf("Content-Type %q, Cache-Control %q; want application/json, no-store", ct, cc)
	}
	if r.header.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id")
	}
	if len(n.Replies) != 2 {
		t.Fatalf("%d replies, want 2: %s", len(n.Replies), r.body)
	}
	// The first is exactly what POST /api/chat answers with richReply.
	var raw struct{ Replies []json.RawMessage }
	if err := json.Unmarshal(r.body, &raw); err != nil {
		t.Fatal(err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, raw.Replies[0], "", "  "); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("testdata", "reply.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(pretty.String()) != strings.TrimSpace(string(want)) {
		t.Errorf("the note is not rendered as testdata/reply.json:\n%s", pretty.String())
	}
	if got := n.Replies[1]; got.Text != "Dr Bethan Rees has your consultation request WM-000001." || got.Buttons == nil || got.Form != nil {
		t.Errorf("second note %+v", got)
	}

	// Taken: a second GET has nothing.
	if _, r := s.notifications(t, session); string(r.body) != `{"replies":[]}`+"\n" {
		t.Errorf("second GET = %s, want no replies", r.body)
	}
}

// At most 20 notes a request; the page gets the rest at its next poll.
// Another session's notes stay where they are.
func TestInboxPages(t *testing.T) {
	store := mustInboxStore(t)
	s := newInboxServer(t, store)
	for i := range 25 {
		mustNotify(t, store, me, bot.Reply{Text: fmt.Sprint("note ", i)})
	}
	other := me
	other.ID = "another-session-1"
	mustNotify(t, store, other, bot.Reply{Text: "theirs"})

	first, _ := s.notifications(t, session)
	second, _ := s.notifications(t, session)
	if len(first.Replies) != web.MaxInboxReplies || web.MaxInboxReplies != 20 || len(second.Replies) != 5 {
		t.Fatalf("took %d then %d, want 20 then 5", len(first.Replies), len(second.Replies))
	}
	if first.Replies[0].Text != "note 0" || second.Replies[4].Text != "note 24" {
		t.Errorf("order: %q ... %q, want note 0 first and note 24 last", first.Replies[0].Text, second.Replies[4].Text)
	}
	if theirs, _ := s.notifications(t, other.ID); len(theirs.Replies) != 1 || theirs.Replies[0].Text != "theirs" {
		t.Errorf("the other session's notes: %+v", theirs.Replies)
	}
}

func TestInboxNotConfigured(t *testing.T) {
	s := newInboxServer(t, nil)
	if _, r := s.notifications(t, session); string(r.body) != `{"replies":[]}`+"\n" || r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("without an inbox: %s (Cache-Control %q), want no replies, no-store", r.body, r.header.Get("Cache-Control"))
	}
	if r := s.get(t, "/api/inbox?session=bad"); r.status != http.StatusBadRequest {
		t.Errorf("bad session without an inbox = %d, want 400", r.status)
	}
}

// fakeInbox is an Inbox that records what it is asked and answers with
// fixed replies and error.
type fakeInbox struct {
	mu      sync.Mutex
	asked   []bot.Target
	max     int
	replies []bot.Reply
	err     error
}

func (f *fakeInbox) TakeInbox(_ context.Context, t bot.Target, max int) ([]bot.Reply, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, t)
	f.max = max
	return f.replies, f.err
}

func (f *fakeInbox) calls() []bot.Target {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bot.Target(nil), f.asked...)
}

func TestInboxAsksForTheSession(t *testing.T) {
	f := &fakeInbox{}
	s := newInboxServer(t, f)
	s.notifications(t, session)
	if got := f.calls(); len(got) != 1 || got[0] != me || f.max != web.MaxInboxReplies {
		t.Errorf("asked for %+v, max %d; want %+v, %d", got, f.max, me, web.MaxInboxReplies)
	}
}

func TestInboxInvalidRequests(t *testing.T) {
	ok := "/api/inbox?session=" + session
	for _, tc := range []struct {
		name, method, path string
		header             http.Header
		status             int
		message            string // a part of the error shown
	}{
		{"session missing", "GET", "/api/inbox", nil, 400, "session id must be 8 to 64"},
		{"session empty", "GET", "/api/inbox?session=", nil, 400, "session id must be 8 to 64"},
		{"session short", "GET", "/api/inbox?session=abc1234", nil, 400, "session id must be 8 to 64"},
		{"session long", "GET", "/api/inbox?session=" + strings.Repeat("a", 65), nil, 400, "session id must be 8 to 64"},
		{"session characters", "GET", "/api/inbox?session=abcd%20efgh%2F1", nil, 400, "session id must be 8 to 64"},
		{"session braces", "GET", "/api/inbox?session=abcd%7Befgh%7D", nil, 400, "session id must be 8 to 64"},
		{"cross-site", "GET", ok, http.Header{"Sec-Fetch-Site": {"cross-site"}}, 403, "only answers its own page"},
		{"same-site", "GET", ok, http.Header{"Sec-Fetch-Site": {"same-site"}}, 403, "only answers its own page"},
		{"other origin", "GET", ok, http.Header{"Origin": {"https://evil.example"}}, 403, "only answers its own page"},
		{"HEAD", "HEAD", ok, nil, 405, ""},
		{"POST", "POST", ok, nil, 405, ""},
		{"DELETE", "DELETE", ok, nil, 405, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeInbox{replies: []bot.Reply{{Text: "not for you"}}}
			s := newInboxServer(t, f)
			r := s.do(t, tc.method, tc.path, "", "", tc.header)
			if r.status != tc.status {
				t.Fatalf("status %d %s, want %d", r.status, r.body, tc.status)
			}
			if tc.message != "" {
				if msg := r.errorMessage(t); !strings.Contains(msg, tc.message) {
					t.Errorf("error %q, want it to contain %q", msg, tc.message)
				}
			}
			if n := len(f.calls()); n != 0 {
				t.Errorf("the inbox was asked %d times; want none for a refused request", n)
			}
		})
	}
}

func TestInboxSameOriginAllowed(t *testing.T) {
	f := &fakeInbox{replies: []bot.Reply{{Text: "yours"}}}
	s := newInboxServer(t, f)
	r := s.do(t, "GET", "/api/inbox?session="+session, "", "", http.Header{
		"Origin":         {s.URL},
		"Sec-Fetch-Site": {"same-origin"},
	})
	if r.status != http.StatusOK || !strings.Contains(string(r.body), "yours") {
		t.Errorf("same-origin request = %d %s, want 200 with the note", r.status, r.body)
	}
}

func TestInboxErrors(t *testing.T) {
	down := &bot.Error{Kind: bot.EUnavailable, Message: "Consultation records (Redis) are unavailable right now.", Err: errors.New("dial tcp: refused")}
	s := newInboxServer(t, &fakeInbox{err: down})
	r := s.get(t, "/api/inbox?session="+session)
	if r.status != http.StatusServiceUnavailable || r.errorMessage(t) != down.Message {
		t.Errorf("inbox down = %d %s, want 503 with its message", r.status, r.body)
	}

	// Notes taken are shown even when others could not be read.
	s = newInboxServer(t, &fakeInbox{replies: []bot.Reply{{Text: "readable"}}, err: errors.New("decode a note: bad JSON")})
	n, _ := s.notifications(t, session)
	if len(n.Replies) != 1 || n.Replies[0].Text != "readable" {
		t.Errorf("replies %+v, want the readable one", n.Replies)
	}
	if !strings.Contains(s.logs.String(), "bad JSON") {
		t.Errorf("the lost notes are not logged:\n%s", s.logs.String())
	}
}

// TestInboxLogsIDsOnly: requests are logged by id and status; the session,
// which is all it takes to read the inbox, and the notes never are.
func TestInboxLogsIDsOnly(t *testing.T) {
	const secret = "Dr Bethan Rees about WM-000001: can we talk at 3?"
	store := mustInboxStore(t)
	s := newInboxServer(t, store)
	mustNotify(t, store, me, bot.Reply{Text: secret})

	_, r := s.notifications(t, session)
	bad := s.get(t, "/api/inbox?session=bad")
	store.Close() // Redis unreachable: a 503, whose error is logged
	down := s.get(t, "/api/inbox?session="+session)
	if down.status != http.StatusServiceUnavailable {
		t.Fatalf("closed store = %d %s, want 503", down.status, down.body)
	}

	logs := s.logs.String()
	// A poll that went well is debug, not info: every open page polls.
	if strings.Contains(logs, "request_id="+r.header.Get("X-Request-Id")) {
		t.Errorf("a successful poll is logged at info:\n%s", logs)
	}
	for _, want := range []string{
		"request_id=" + bad.header.Get("X-Request-Id") + " status=400",
		"request_id=" + down.header.Get("X-Request-Id") + " status=503",
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
	for _, banned := range []string{session, "Bethan", "can we talk"} {
		if strings.Contains(logs, banned) {
			t.Errorf("log contains %q:\n%s", banned, logs)
		}
	}
}

// fakeSlackAPI is Slack's Web API as far as slack.Notifier uses it: it
// records each chat.postMessage and gives the message a ts.
type fakeSlackAPI struct {
	mu    sync.Mutex
	posts []slackPost
}

type slackPost struct{ channel, text string }

func startFakeSlackAPI(t *testing.T) (*fakeSlackAPI, string) {
	t.Helper()
	f := &fakeSlackAPI{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/chat.postMessage" || r.ParseForm() != nil {
			http.Error(w, `{"ok":false,"error":"unknown_method"}`, http.StatusNotFound)
			return
		}
		f.mu.Lock()
		f.posts = append(f.posts, slackPost{r.PostForm.Get("channel"), r.PostForm.Get("text")})
		ts := fmt.Sprintf("1700000000.%06d", len(f.posts))
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, r.PostForm.Get("channel"), ts)
	}))
	t.Cleanup(srv.Close)
	return f, srv.URL + "/"
}

func (f *fakeSlackAPI) to(channel string) []slackPost {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []slackPost
	for _, p := range f.posts {
		if p.channel == channel {
			out = append(out, p)
		}
	}
	return out
}

// TestWebPractitionerHearsOfClaim: a practitioner books on the web chat, a
// specialist claims the request on Slack, and the page's next poll of
// /api/inbox brings the note that the specialist has it. The desk's
// notifier is bot.MultiNotifier, as `waymark serve` wires it: Slack
// targets through slack.Notifier (to a fake Slack API), web sessions
// through the store's inbox.
func TestWebPractitionerHearsOfClaim(t *testing.T) {
	slackAPI, apiURL := startFakeSlackAPI(t)
	slackNotifier, err := slack.NewNotifier(slack.Config{BotToken: "xoxb-test", APIURL: apiURL})
	if err != nil {
		t.Fatal(err)
	}
	store := mustInboxStore(t)
	notifier := bot.MultiNotifier{bot.PlatformSlack: slackNotifier, bot.PlatformWeb: store}
	engine := mustDeskEngine(t, store, notifier)

	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	s := handlers.NewServer(log, nil)
	s.Mount(web.New(engine, log).WithInbox(store).Routes()...)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	page := &testServer{Server: srv}

	// The practitioner books through the page.
	form := page.post(t, map[string]any{"session": session, "text": "/consult psychology"})
	var r web.Reply
	if err := json.Unmarshal(form.body, &r); err != nil || form.status != http.StatusOK || r.Form == nil {
		t.Fatalf("/consult psychology = %d %s", form.status, form.body)
	}
	values := map[string]string{}
	for _, f := range r.Form.Fields {
		values[f.Name] = f.Value
	}
	values["question"] = "how do I talk to a withdrawn 15 year old about his new online friends?"
	booked := page.post(t, map[string]any{"session": session, "action": map[string]any{"id": r.Form.ID}, "form": values})
	if booked.status != http.StatusOK || !strings.Contains(string(booked.body), "WM-000001") {
		t.Fatalf("booking = %d %s", booked.status, booked.body)
	}
	if q := slackAPI.to("C0PSYQ001"); len(q) != 1 || !strings.Contains(q[0].text, "WM-000001") {
		t.Errorf("Slack queue posts %+v, want the new request", q)
	}
	if n, _ := page.notifications(t, session); len(n.Replies) != 0 {
		t.Errorf("before the claim the inbox has %+v", n.Replies)
	}

	// A psychologist claims it from the queue's button in Slack.
	claim := bot.Message{Platform: bot.PlatformSlack, TeamID: "T0WAYMARK", ConversationID: "C0PSYQ001", UserID: "U0PSY0001",
		UserName: "Dr Bethan Rees", Action: &bot.Action{ID: bot.ActionClaim, Value: "WM-000001"}}
	if _, err := engine.Handle(t.Context(), claim); err != nil {
		t.Fatalf("claim: %v", err)
	}
	if dm := slackAPI.to("U0PSY0001"); len(dm) != 1 || !strings.Contains(dm[0].text, "You have WM-000001") {
		t.Errorf("the specialist's Slack DMs %+v, want the request's details", dm)
	}

	// The page's next poll brings the note, once.
	n, _ := page.notifications(t, session)
	if len(n.Replies) != 1 || !strings.Contains(n.Replies[0].Text, "Dr Bethan Rees has your consultation request WM-000001") {
		t.Fatalf("inbox after the claim = %+v, want the claim note", n.Replies)
	}
	if n, _ := page.notifications(t, session); len(n.Replies) != 0 {
		t.Errorf("the note came twice: %+v", n.Replies)
	}
}

// mustDeskEngine is the real engine with a desk on the sample corpus, as
// in mustDeskChat, with notifier.
func mustDeskEngine(t *testing.T, store *redisstore.Store, notifier bot.Notifier) *bot.Engine {
	t.Helper()
	kb, area := mustSampleKnowledge(t)
	cal, err := bot.DefaultCalendar()
	if err != nil {
		t.Fatal(err)
	}
	duty := []bot.EscalationLevel{{Name: "duty manager", RepeatEvery: 10 * time.Minute,
		Targets: []bot.Target{{Platform: bot.PlatformSlack, Kind: bot.TargetChannel, ID: "C0DUTY001"}}}}
	desk, err := bot.NewDesk(kb, bot.DeskOptions{
		Consultations: store, Escalations: store, Timers: store, Notifier: notifier,
		Specialists: map[string][]string{"psychology": {"slack:U0PSY0001"}},
		Queues:      map[string]bot.Target{"psychology": {Platform: bot.PlatformSlack, Kind: bot.TargetChannel, ID: "C0PSYQ001"}},
		Policies: map[string]bot.EscalationPolicy{
			bot.UrgencyUrgent:  {Urgency: bot.UrgencyUrgent, ClaimWithin: 30 * time.Minute, Levels: duty},
			bot.UrgencyRoutine: {Urgency: bot.UrgencyRoutine, ClaimWithinWorkingDays: 2, Levels: duty},
		},
		Calendar: cal,
		Clock:    fixedClock{},
	})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	return bot.NewEngine(kb, store, bot.EngineOptions{Clock: fixedClock{}, Log: log, DefaultArea: area, Desk: desk})
}

// mustSampleKnowledge loads the embedded sample corpus, closed when t
// ends, and returns it with its area.
func mustSampleKnowledge(t testing.TB) (*knowledge.Base, string) {
	t.Helper()
	c, err := knowledge.Load(sample.FS(), "sample")
	if err != nil {
		t.Fatal(err)
	}
	return mustBaseOf(t, c), c.Area
}

// mustBaseOf is c's knowledge base on the tests' clock, closed when t
// ends.
func mustBaseOf(t testing.TB, c *knowledge.Corpus) *knowledge.Base {
	t.Helper()
	kb, err := knowledge.New(c, knowledge.Options{Clock: fixedClock{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kb.Close() })
	return kb
}

// The page asks for its notes every 10 seconds while it is visible, and
// marks them as notifications; the list they join is a live region.
func TestPageAsksForNotifications(t *testing.T) {
	s := newInboxServer(t, nil)
	js := string(s.get(t, "/static/chat.js").body)
	for _, want := range []string{`"/api/inbox?session=" + encodeURIComponent(session)`, `document.visibilityState !== "visible"`,
		`"visibilitychange"`, "INBOX_EVERY = 10000", `"Notification"`} {
		if !strings.Contains(js, want) {
			t.Errorf("chat.js lacks %s", want)
		}
	}
	if page := string(s.get(t, "/").body); !strings.Contains(page, `id="messages" class="messages" role="log" aria-live="polite"`) {
		t.Error("the message list is not a polite live region")
	}
}
