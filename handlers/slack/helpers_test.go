package slack_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"text/template"
	"time"

	internalgolden "github.com/waymarkhq/waymark/internal/golden"

	"github.com/slack-go/slack/slacktest"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/handlers"
	wslack "github.com/waymarkhq/waymark/handlers/slack"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// signingSecret is the example secret of Slack's request-signing guide.
const signingSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// Ids in the recorded payloads.
const (
	teamID    = "T061EG9R6"
	userID    = "U061F7AUR"
	botUserID = "U0LAN0Z89"
	channelID = "C0LAN2Q65"
	dmID      = "D0PNCRP9N"
)

// legacyToken is the verification token the recorded payloads carry, as
// Slack still sends it; the adapter must never trust it.
const legacyToken = "ZZZZZZWSxiZZZ2yIvs3peJ"

// payload fills testdata/payloads/NAME.json, a recorded Slack payload, with p.
type payload struct {
	EventID     string // event_id, or trigger_id for interactions
	Text        string
	TS          string
	ThreadTS    string
	ResponseURL string
	ActionID    string
	Ephemeral   bool
	User        string // who (app_mention, message_im, block_actions, view_submission_booking); userID when empty
	UserName    string // their handle (block_actions, view_submission_booking); sam.okafor when empty
	Channel     string // the conversation (app_mention, message_im, block_actions); channelID, or dmID for message_im, when empty
	// Form and Meta are a submitted booking form's values by field name
	// and its private_metadata (view_submission_booking).
	Form map[string]string
	Meta string
}

func mustPayload(tb testing.TB, name string, p payload) []byte {
	tb.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "payloads", name+".json"))
	if err != nil {
		tb.Fatal(err)
	}
	tmpl, err := template.New(name).Funcs(template.FuncMap{"json": func(s string) (string, error) {
		b, err := json.Marshal(s)
		return string(b), err
	}}).Parse(string(src))
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, p); err != nil {
		tb.Fatal(err)
	}
	if !json.Valid(buf.Bytes()) {
		tb.Fatalf("payload %s is not valid JSON:\n%s", name, buf.String())
	}
	return buf.Bytes()
}

// interactionBody is the form Slack posts to the interactivity URL.
func interactionBody(payload []byte) []byte {
	return []byte(url.Values{"payload": {string(payload)}}.Encode())
}

// commandBody is the form Slack posts for "/waymark TEXT" in
// #safeguarding-advice.
func commandBody(text, responseURL, triggerID string) []byte {
	return commandBodyIn(channelID, "safeguarding-advice", text, responseURL, triggerID)
}

// commandBodyIn is the form Slack posts for "/waymark TEXT" in the
// channel; Slack names a direct message's channel "directmessage".
func commandBodyIn(channel, channelName, text, responseURL, triggerID string) []byte {
	return []byte(url.Values{
		"token":                 {legacyToken},
		"team_id":               {teamID},
		"team_domain":           {"wyvernvale"},
		"channel_id":            {channel},
		"channel_name":          {channelName},
		"user_id":               {userID},
		"user_name":             {"sam.okafor"},
		"command":               {"/waymark"},
		"text":                  {text},
		"api_app_id":            {"A0MDYCDME"},
		"is_enterprise_install": {"false"},
		"response_url":          {responseURL},
		"trigger_id":            {triggerID},
	}.Encode())
}

// signature signs body as Slack does: v0=HMAC-SHA256("v0:ts:body").
func signature(secret string, ts time.Time, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%d:%s", ts.Unix(), body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// request is one HTTP request to the adapter.
type request struct {
	path     string
	body     []byte
	secret   string    // signing secret; signingSecret when empty
	ts       time.Time // signature time; now when zero
	unsigned bool      // no signature headers at all
	form     bool      // a form body, not JSON
	header   http.Header
	// timeout, when not zero, fails the request if it is not answered in
	// time; zero waits as long as the server takes.
	timeout time.Duration
}

// fakeSlack is slacktest's server with the Web API methods the adapter
// calls recorded, and views.publish, views.open and a response_url endpoint
// added.
type fakeSlack struct {
	*slacktest.Server
	mu    sync.Mutex
	calls []apiCall
	fail  map[string]string // method -> Slack error to answer with
	hold  chan struct{}     // when not nil, posts wait for it to close
}

// apiCall is one recorded Web API call or response_url post.
type apiCall struct {
	Method       string // chat.postMessage, chat.postEphemeral, views.publish, views.open, response_url
	Channel      string
	User         string
	ThreadTS     string
	Text         string // views.open: the view's callback_id
	ResponseType string
	Blocks       json.RawMessage
	Trigger      string          // views.open: the trigger_id
	View         json.RawMessage // views.open: the whole view
	TS           string          // chat.postMessage, chat.postEphemeral: the ts the fake gave the message
}

// startFakeSlack starts the fake; extra binders add or replace endpoints.
func startFakeSlack(tb testing.TB, extra ...slacktest.Binder) *fakeSlack {
	tb.Helper()
	f := &fakeSlack{fail: map[string]string{}}
	// slacktest keeps the first handler registered for a pattern, and
	// binders run before its defaults: these replace its chat.postMessage,
	// which would otherwise only forward the message to its RTM websocket.
	binders := append(extra, func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", f.chat("chat.postMessage"))
		c.Handle("/chat.postEphemeral", f.chat("chat.postEphemeral"))
		c.Handle("/chat.update", f.chat("chat.update"))
		c.Handle("/users.info", f.usersInfo)
		c.Handle("/views.publish", f.viewsPublish)
		c.Handle("/views.open", f.viewsOpen)
		c.Handle("/response/", f.responseURL)
	})
	f.Server = slacktest.NewTestServer(binders...)
	f.Start()
	tb.Cleanup(f.Stop)
	return f
}

// slackName is the display name the fake's users.info gives a user.
func slackName(user string) string { return "Name of " + user }

// usersInfo answers users.info with slackName, recording the call.
func (f *fakeSlack) usersInfo(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	user := r.Form.Get("user")
	if e := f.record(apiCall{Method: "users.info", User: user}); e != "" {
		fmt.Fprintf(w, `{"ok":false,"error":%q}`, e)
		return
	}
	fmt.Fprintf(w, `{"ok":true,"user":{"id":%q,"name":"handle","profile":{"display_name":%q}}}`, user, slackName(user))
}

func (f *fakeSlack) record(c apiCall) (failWith string) {
	_, failWith = f.recordPost(c)
	return failWith
}

// recordPost records c, giving it a ts of its own, as Slack gives each
// message.
func (f *fakeSlack) recordPost(c apiCall) (ts, failWith string) {
	c.Blocks = readable(c.Blocks)
	f.mu.Lock()
	defer f.mu.Unlock()
	c.TS = fmt.Sprintf("1700009999.%06d", len(f.calls)+1)
	f.calls = append(f.calls, c)
	return c.TS, f.fail[c.Method]
}

// Hold makes posted messages (chat.postMessage, chat.postEphemeral and
// response_url posts) wait, once recorded, until release is called, as a
// slow Slack would: the adapter's workers stay busy while the test looks
// at the adapter. release is also called when tb ends, before the adapter
// is closed.
func (f *fakeSlack) Hold(tb testing.TB) (release func()) {
	ch := make(chan struct{})
	f.mu.Lock()
	f.hold = ch
	f.mu.Unlock()
	var once sync.Once
	release = func() { once.Do(func() { close(ch) }) }
	tb.Cleanup(release)
	return release
}

// wait blocks while Hold holds posts, or until r is abandoned.
func (f *fakeSlack) wait(r *http.Request) {
	f.mu.Lock()
	hold := f.hold
	f.mu.Unlock()
	if hold == nil {
		return
	}
	select {
	case <-hold:
	case <-r.Context().Done():
	}
}

func (f *fakeSlack) chat(method string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		c := apiCall{
			Method:   method,
			Channel:  r.PostForm.Get("channel"),
			User:     r.PostForm.Get("user"),
			ThreadTS: r.PostForm.Get("thread_ts"),
			Text:     r.PostForm.Get("text"),
			Blocks:   json.RawMessage(r.PostForm.Get("blocks")),
		}
		ts, e := f.recordPost(c)
		f.wait(r)
		if e != "" {
			fmt.Fprintf(w, `{"ok":false,"error":%q}`, e)
			return
		}
		// Like Slack: each message has its own ts, and one posted to a
		// user lands in their direct messages with the app.
		channel := c.Channel
		if strings.HasPrefix(channel, "U") {
			channel = dmOf(channel)
		}
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q,"message_ts":%q}`, channel, ts, ts)
	}
}

// dmOf is the direct-message channel between user and the app: dmID for
// the practitioner of the recorded payloads, D and the rest of the id for
// anyone else.
func dmOf(user string) string {
	if user == userID {
		return dmID
	}
	return "D" + strings.TrimPrefix(user, "U")
}

func (f *fakeSlack) viewsPublish(w http.ResponseWriter, r *http.Request) {
	var req struct {
		UserID string `json:"user_id"`
		View   struct {
			Type   string          `json:"type"`
			Blocks json.RawMessage `json:"blocks"`
		} `json:"view"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if e := f.record(apiCall{Method: "views.publish", User: req.UserID, Text: req.View.Type, Blocks: req.View.Blocks}); e != "" {
		fmt.Fprintf(w, `{"ok":false,"error":%q}`, e)
		return
	}
	fmt.Fprint(w, `{"ok":true,"view":{"id":"V0HOME123","type":"home"}}`)
}

func (f *fakeSlack) viewsOpen(w http.ResponseWriter, r *http.Request) {
	var req struct {
		TriggerID string          `json:"trigger_id"`
		View      json.RawMessage `json:"view"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var view struct {
		CallbackID string          `json:"callback_id"`
		Blocks     json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal(req.View, &view); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if e := f.record(apiCall{Method: "views.open", Trigger: req.TriggerID, Text: view.CallbackID, Blocks: view.Blocks, View: readable(req.View)}); e != "" {
		fmt.Fprintf(w, `{"ok":false,"error":%q}`, e)
		return
	}
	fmt.Fprint(w, `{"ok":true,"view":{"id":"V0BOOK0001","type":"modal"}}`)
}

func (f *fakeSlack) responseURL(w http.ResponseWriter, r *http.Request) {
	var msg struct {
		Text         string          `json:"text"`
		ThreadTS     string          `json:"thread_ts"`
		ResponseType string          `json:"response_type"`
		Blocks       json.RawMessage `json:"blocks"`
	}
	if err := json.NewDecoder(r.Body).Decode(&msg); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.record(apiCall{Method: "response_url", Channel: r.URL.Path, ThreadTS: msg.ThreadTS, Text: msg.Text, ResponseType: msg.ResponseType, Blocks: msg.Blocks})
	f.wait(r)
	fmt.Fprint(w, `{"ok":true}`)
}

// ResponseURL returns a response_url on the fake server.
func (f *fakeSlack) ResponseURL(id string) string {
	return strings.TrimSuffix(f.GetAPIURL(), "/") + "/response/" + id
}

// Calls returns the calls recorded so far, those of the given methods only
// when methods are given.
func (f *fakeSlack) Calls(methods ...string) []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []apiCall
	for _, c := range f.calls {
		if len(methods) == 0 || slices.Contains(methods, c.Method) {
			out = append(out, c)
		}
	}
	return out
}

// Replies are the messages posted: chat.postMessage, chat.postEphemeral and
// response_url posts.
func (f *fakeSlack) Replies() []apiCall {
	return f.Calls("chat.postMessage", "chat.postEphemeral", "response_url")
}

// PostsTo returns the chat.postMessage calls to channel (a channel, or a
// user for a direct message from the app) so far.
func (f *fakeSlack) PostsTo(channel string) []apiCall {
	var out []apiCall
	for _, c := range f.Calls("chat.postMessage") {
		// A user's messages: to them, or into their DM channel's threads.
		if c.Channel == channel || (strings.HasPrefix(channel, "U") && c.Channel == dmOf(channel)) {
			out = append(out, c)
		}
	}
	return out
}

// WaitPostWith polls until a message containing text (in its fallback
// text or blocks) is posted to channel, and returns it; it fails tb after
// a generous deadline, as WaitCalls does.
func (f *fakeSlack) WaitPostWith(tb testing.TB, channel, text string) apiCall {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		for _, p := range f.PostsTo(channel) {
			if strings.Contains(p.Text, text) || strings.Contains(string(p.Blocks), text) {
				return p
			}
		}
		if time.Now().After(deadline) {
			var texts []string
			for _, p := range f.PostsTo(channel) {
				texts = append(texts, p.Text)
			}
			tb.Fatalf("waited for a post to %s with %q; it has %q", channel, text, texts)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// WaitPosts polls until at least n messages are posted to channel, and
// fails tb after a generous deadline, as WaitCalls does.
func (f *fakeSlack) WaitPosts(tb testing.TB, channel string, n int) []apiCall {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		posts := f.PostsTo(channel)
		if len(posts) >= n {
			return posts
		}
		if time.Now().After(deadline) {
			tb.Fatalf("waited for %d posts to %s, got %d: %+v", n, channel, len(posts), f.Calls())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// WaitCalls polls until at least n calls of the methods are recorded, and
// fails tb after a generous deadline. It never asserts on speed: the
// deadline is only there so a broken test ends.
func (f *fakeSlack) WaitCalls(tb testing.TB, n int, methods ...string) []apiCall {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		calls := f.Calls(methods...)
		if len(calls) >= n {
			return calls
		}
		if time.Now().After(deadline) {
			tb.Fatalf("waited for %d calls of %v, got %d: %+v", n, methods, len(calls), f.Calls())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// harness is an Adapter mounted on a handlers.Server, answering through a
// fake Slack.
type harness struct {
	slack   *fakeSlack
	adapter *wslack.Adapter
	srv     *httptest.Server
	logs    *syncBuffer
}

// syncBuffer is a bytes.Buffer safe for the adapter's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newHarness(tb testing.TB, h bot.Handler, store bot.Store, mod ...func(*wslack.Config)) *harness {
	tb.Helper()
	return newHarnessOn(tb, startFakeSlack(tb), h, store, mod...)
}

// newHarnessOn is newHarness answering through fs, which the handler may
// also post to (the desk's notifier).
func newHarnessOn(tb testing.TB, fs *fakeSlack, h bot.Handler, store bot.Store, mod ...func(*wslack.Config)) *harness {
	tb.Helper()
	cfg := wslack.Config{BotToken: "xoxb-test-token", SigningSecret: signingSecret, APIURL: fs.GetAPIURL(), Workers: 2}
	for _, m := range mod {
		m(&cfg)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := wslack.New(cfg, h, store, log)
	if err != nil {
		tb.Fatal(err)
	}
	a.Open()
	s := handlers.NewServer(log, nil)
	s.Mount(a.Routes()...)
	srv := httptest.NewServer(s)
	tb.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	return &harness{slack: fs, adapter: a, srv: srv, logs: logs}
}

// do sends req and returns the status and body.
func (h *harness) do(tb testing.TB, req request) (int, string) {
	tb.Helper()
	r, err := http.NewRequest(http.MethodPost, h.srv.URL+req.path, bytes.NewReader(req.body))
	if err != nil {
		tb.Fatal(err)
	}
	if req.form {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r.Header.Set("Content-Type", "application/json")
	}
	r.Header.Set("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
	if !req.unsigned {
		secret, ts := req.secret, req.ts
		if secret == "" {
			secret = signingSecret
		}
		if ts.IsZero() {
			ts = time.Now()
		}
		r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts.Unix(), 10))
		r.Header.Set("X-Slack-Signature", signature(secret, ts, req.body))
	}
	for k, vs := range req.header {
		for _, v := range vs {
			r.Header.Add(k, v)
		}
	}
	client := http.DefaultClient
	if req.timeout > 0 {
		client = &http.Client{Timeout: req.timeout}
	}
	resp, err := client.Do(r)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// event posts a signed Events API payload and expects 200.
func (h *harness) event(tb testing.TB, body []byte, header ...string) {
	tb.Helper()
	req := request{path: "/slack/events", body: body, header: http.Header{}}
	for i := 0; i+1 < len(header); i += 2 {
		req.header.Set(header[i], header[i+1])
	}
	if code, resp := h.do(tb, req); code != http.StatusOK {
		tb.Fatalf("POST /slack/events = %d %s, want 200", code, resp)
	}
}

// command posts a signed "/waymark text" and expects 200.
func (h *harness) command(tb testing.TB, text, triggerID string) {
	tb.Helper()
	body := commandBody(text, h.slack.ResponseURL(triggerID), triggerID)
	if code, resp := h.do(tb, request{path: "/slack/commands", body: body, form: true}); code != http.StatusOK {
		tb.Fatalf("POST /slack/commands = %d %s, want 200", code, resp)
	}
}

// interaction posts a signed interaction payload and expects 200.
func (h *harness) interaction(tb testing.TB, payload []byte) {
	tb.Helper()
	if code, resp := h.do(tb, request{path: "/slack/interactions", body: interactionBody(payload), form: true}); code != http.StatusOK {
		tb.Fatalf("POST /slack/interactions = %d %s, want 200", code, resp)
	}
}

// submit posts a signed view_submission payload, expects 200 and returns
// the response body: empty, or what becomes of the modal.
func (h *harness) submit(tb testing.TB, payload []byte) string {
	tb.Helper()
	code, resp := h.do(tb, request{path: "/slack/interactions", body: interactionBody(payload), form: true})
	if code != http.StatusOK {
		tb.Fatalf("POST /slack/interactions (view_submission) = %d %s, want 200", code, resp)
	}
	return resp
}

// drain closes the adapter, so every accepted job has been answered and the
// recorded calls are final.
func (h *harness) drain(tb testing.TB) {
	tb.Helper()
	if err := h.adapter.Close(); err != nil {
		tb.Fatal(err)
	}
}

// recorder is a test-only bot.Handler for the mapping and rendering tests
// (STYLE.md item 12): it records the messages the adapter makes of a
// recorded payload and answers with a fixed reply (or with reply(m) when
// set). Every other test answers with the real engine.
type recorder struct {
	mu    sync.Mutex
	msgs  []bot.Message
	reply func(bot.Message) (bot.Reply, error)
}

var _ bot.Handler = (*recorder)(nil)

func (r *recorder) Handle(_ context.Context, m bot.Message) (bot.Reply, error) {
	r.mu.Lock()
	r.msgs = append(r.msgs, m)
	reply := r.reply
	r.mu.Unlock()
	if reply != nil {
		return reply(m)
	}
	return bot.Reply{Text: "Here is what Wyvern Vale's guidance says:", Ref: "ref-1"}, nil
}

func (r *recorder) Messages() []bot.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Message(nil), r.msgs...)
}

// mustStore is a Store on srv (redistest.Shared for most tests, one of the
// test's own from redistest.Start to stop it) with keys of the test's own.
func mustStore(tb testing.TB, srv *redistest.Server) *redisstore.Store {
	tb.Helper()
	store, err := redisstore.New(redisstore.Config{URL: srv.URL(), Prefix: redistest.Prefix(tb)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	return store
}

// storedKeys returns every key the store holds, under its test's prefix:
// de-duplicated events, conversations, profiles, feedback.
func storedKeys(tb testing.TB, store *redisstore.Store) []string {
	tb.Helper()
	keys, err := store.Client().Keys(context.Background(), store.Keys().Prefix+":*").Result()
	if err != nil {
		tb.Fatal(err)
	}
	slices.Sort(keys)
	return keys
}

// delivered reports whether the store has recorded the Slack event's
// delivery.
func delivered(tb testing.TB, store *redisstore.Store, eventID string) bool {
	tb.Helper()
	n, err := store.Client().Exists(context.Background(), store.Keys().Event(bot.PlatformSlack, eventID)).Result()
	if err != nil {
		tb.Fatal(err)
	}
	return n == 1
}

// golden compares got with testdata/NAME.golden, or rewrites it with -update.
func golden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	internalgolden.Check(tb, filepath.Join("testdata", name+".golden"), got)
}

// mustJSON renders v as indented JSON for golden files.
func mustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	return internalgolden.JSON(tb, v)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// waitFor polls cond until it holds, failing tb after a generous deadline.
func waitFor(tb testing.TB, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatal("condition not met before the deadline")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// readable re-encodes JSON with <, > and & as themselves, not \u003c..., so
// tests can look for mrkdwn in it.
func readable(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return raw
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return raw
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return raw
	}
	return bytes.TrimSpace(buf.Bytes())
}
