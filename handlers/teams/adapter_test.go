package teams_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/handlers"
	"github.com/waymarkhq/waymark/handlers/metrics"
	"github.com/waymarkhq/waymark/handlers/teams"
	"github.com/waymarkhq/waymark/internal/redistest"
	"github.com/waymarkhq/waymark/knowledge"
	"github.com/waymarkhq/waymark/knowledge/sample"
)

// adapterTenant is the tenant of the recorded activities in testdata.
const adapterTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"

type adapterClock struct{}

func (adapterClock) Now() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }

// sampleKnowledge is the embedded sample corpus, indexed once for the
// package's tests; it is read-only.
var sampleKnowledge = sync.OnceValues(func() (*knowledge.Base, error) {
	c, err := knowledge.Load(sample.FS(), "sample")
	if err != nil {
		return nil, err
	}
	return knowledge.New(c, knowledge.Options{Clock: adapterClock{}})
})

// mustEngine is the real engine over the sample corpus and a Redis store
// with keys of the test's own.
func mustEngine(tb testing.TB) (bot.Handler, bot.Store) {
	tb.Helper()
	kb, err := sampleKnowledge()
	if err != nil {
		tb.Fatal(err)
	}
	store := mustRedisStore(tb)
	return bot.NewEngine(kb, store, bot.EngineOptions{Clock: adapterClock{}, DefaultArea: "Wyvern Vale"}), store
}

func mustRedisStore(tb testing.TB) *redisstore.Store {
	tb.Helper()
	store, err := redisstore.New(redisstore.Config{URL: redistest.Shared(tb).URL(), Prefix: redistest.Prefix(tb)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	return store
}

// teamsHarness is the adapter mounted on a handlers.Server, with a local
// OpenID/JWKS server, a fake Connector that records posts, and a signing key
// endorsed for msteams.
type teamsHarness struct {
	srv     *handlers.Server
	adapter *teams.Adapter
	auth    *fixture
	conn    *connFixture
	key     *testKey
	logs    *lockedBuf // what the adapter logged
}

func newTeamsHarness(tb testing.TB, h bot.Handler, store bot.Store, keys ...*testKey) *teamsHarness {
	tb.Helper()
	key := mustKey(tb, "key-1", "msteams")
	auth := newFixture(tb, append([]*testKey{key}, keys...)...)
	conn := newConnFixture(tb)
	logs := &lockedBuf{}
	a, srv := mountAdapter(tb, auth, conn, h, store, slog.New(slog.NewTextHandler(logs, nil)))
	th := &teamsHarness{srv: srv, adapter: a, auth: auth, conn: conn, key: key, logs: logs}
	tb.Cleanup(func() {
		if s := logs.String(); strings.Contains(s, "LADO") || strings.Contains(s, "out of hours") {
			tb.Errorf("logs carry message text:\n%s", s)
		}
	})
	return th
}

// mountAdapter opens an adapter trusting auth's keys (the harness's
// tenant allowed) and posting through conn, mounted on a server of its own.
func mountAdapter(tb testing.TB, auth *fixture, conn *connFixture, h bot.Handler, store bot.Store, log *slog.Logger) (*teams.Adapter, *handlers.Server) {
	tb.Helper()
	cfg := auth.config()
	cfg.AllowedTenants = []string{adapterTenant}
	a, err := teams.New(mustVerifier(tb, cfg), mustConnector(tb, conn.config()), h, store, log)
	if err != nil {
		tb.Fatal(err)
	}
	a.Open()
	tb.Cleanup(func() { a.Close() })
	srv := handlers.NewServer(slog.New(slog.DiscardHandler), nil)
	srv.Mount(a.Routes()...)
	return a, srv
}

type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// claims are valid claims for the fake Connector's service URL.
func (th *teamsHarness) claims() map[string]any {
	return with(validClaims(), "serviceurl", th.conn.serviceURL())
}

// mustActivity reads testdata/activities/<name>.json, pointed at the fake
// Connector, and changed by mod.
func (th *teamsHarness) mustActivity(tb testing.TB, name string, mod ...func(map[string]any)) map[string]any {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "activities", name+".json"))
	if err != nil {
		tb.Fatal(err)
	}
	var act map[string]any
	if err := json.Unmarshal(raw, &act); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	act["serviceUrl"] = th.conn.serviceURL()
	for _, m := range mod {
		m(act)
	}
	return act
}

// post sends act to POST /api/messages with the Authorization header auth.
func (th *teamsHarness) post(tb testing.TB, act any, auth string) (int, string) {
	tb.Helper()
	var body []byte
	switch b := act.(type) {
	case []byte:
		body = b
	default:
		var err error
		if body, err = json.Marshal(act); err != nil {
			tb.Fatal(err)
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/api/messages", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	th.srv.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// drain waits for the workers to answer everything accepted.
func (th *teamsHarness) drain(tb testing.TB) {
	tb.Helper()
	if err := th.adapter.Close(); err != nil {
		tb.Fatal(err)
	}
}

// activityPosts are the activities posted to the fake Connector.
func (th *teamsHarness) activityPosts() []recorded {
	var out []recorded
	for _, r := range th.conn.requests() {
		if strings.Contains(r.Path, "/activities") {
			out = append(out, r)
		}
	}
	return out
}

func convPath(conversationID, activityID string) string {
	p := "/amer/v3/conversations/" + url.PathEscape(conversationID) + "/activities"
	if activityID != "" {
		p += "/" + url.PathEscape(activityID)
	}
	return p
}

// TestAdapterPersonalMessage: a signed personal message gets exactly one
// reply, to the activity, with an Adaptive Card naming the LADO's number.
func TestAdapterPersonalMessage(t *testing.T) {
	h, store := mustEngine(t)
	th := newTeamsHarness(t, h, store)
	act := th.mustActivity(t, "personal_message")
	if code, body := th.post(t, act, mustSign(t, th.key, th.claims())); code != http.StatusAccepted && code != http.StatusOK {
		t.Fatalf("status %d %s", code, body)
	}
	th.drain(t)
	posts := th.activityPosts()
	if len(posts) != 1 {
		t.Fatalf("%d posts, want 1: %+v", len(posts), posts)
	}
	p := posts[0]
	if want := convPath("a:1Xy2Zw3Vu4Ts5Rq6Po7Nm8Lk9Ji0Hg", "1772442000000"); p.Method != http.MethodPost || p.Path != want {
		t.Errorf("%s %s, want POST %s", p.Method, p.Path, want)
	}
	if !strings.HasPrefix(p.Auth, "Bearer token-") {
		t.Errorf("Authorization %q, want the app token", p.Auth)
	}
	var sent struct {
		Type        string `json:"type"`
		Attachments []struct {
			ContentType string          `json:"contentType"`
			Content     json.RawMessage `json:"content"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(p.Body, &sent); err != nil {
		t.Fatal(err)
	}
	if sent.Type != "message" || len(sent.Attachments) != 1 || sent.Attachments[0].ContentType != teams.ContentType {
		t.Fatalf("activity %s, want a message with one Adaptive Card", p.Body)
	}
	if card := string(sent.Attachments[0].Content); !strings.Contains(card, "01632 961 250") {
		t.Errorf("card lacks the LADO's number:\n%s", card)
	}
}

// TestAdapterDuplicateDelivery: the same activity delivered twice is
// answered once.
func TestAdapterDuplicateDelivery(t *testing.T) {
	h, store := mustEngine(t)
	th := newTeamsHarness(t, h, store)
	act := th.mustActivity(t, "personal_message")
	for i := range 2 {
		if code, body := th.post(t, act, mustSign(t, th.key, th.claims())); code >= 300 {
			t.Fatalf("delivery %d: status %d %s", i+1, code, body)
		}
	}
	th.drain(t)
	if posts := th.activityPosts(); len(posts) != 1 {
		t.Errorf("%d posts, want 1", len(posts))
	}
}

// TestAdapterRefuses: an activity whose token fails a check gets 401 or
// 403, and nothing is answered.
func TestAdapterRefuses(t *testing.T) {
	for _, c := range []struct {
		name   string
		status int
		sign   func(th *teamsHarness, t *testing.T) string
		mod    func(map[string]any)
	}{
		{"wrong issuer", http.StatusUnauthorized, func(th *teamsHarness, t *testing.T) string {
			return mustSign(t, th.key, with(th.claims(), "iss", "https://evil.example"))
		}, nil},
		{"wrong audience", http.StatusUnauthorized, func(th *teamsHarness, t *testing.T) string {
			return mustSign(t, th.key, with(th.claims(), "aud", "another-bot"))
		}, nil},
		{"expired", http.StatusUnauthorized, func(th *teamsHarness, t *testing.T) string {
			return mustSign(t, th.key, with(th.claims(), "exp", testEpoch.Add(-10*time.Minute)))
		}, nil},
		{"unknown key", http.StatusUnauthorized, func(th *teamsHarness, t *testing.T) string {
			return mustSign(t, mustKey(t, "key-unknown", "msteams"), th.claims())
		}, nil},
		{"no token", http.StatusUnauthorized, func(*teamsHarness, *testing.T) string { return "" }, nil},
		{"key not endorsed", http.StatusForbidden, func(th *teamsHarness, t *testing.T) string {
			return mustSign(t, th.auth.keys[1], th.claims())
		}, nil},
		{"service URL mismatch", http.StatusForbidden, func(th *teamsHarness, t *testing.T) string {
			return mustSign(t, th.key, with(th.claims(), "serviceurl", "https://smba.trafficmanager.net/other/"))
		}, nil},
		{"another channel", http.StatusForbidden, func(th *teamsHarness, t *testing.T) string {
			// A Web Chat activity, properly signed by a key endorsed for
			// webchat: its client chose who it is from.
			return mustSign(t, th.auth.keys[1], th.claims())
		}, func(act map[string]any) {
			act["channelId"] = "webchat"
		}},
		{"tenant not allowed", http.StatusForbidden, func(th *teamsHarness, t *testing.T) string {
			return mustSign(t, th.key, th.claims())
		}, func(act map[string]any) {
			act["channelData"] = map[string]any{"tenant": map[string]any{"id": "another-tenant"}}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := &recordingHandler{}
			th := newTeamsHarness(t, h, mustRedisStore(t), mustKey(t, "key-webchat", "webchat"))
			var mods []func(map[string]any)
			if c.mod != nil {
				mods = append(mods, c.mod)
			}
			code, body := th.post(t, th.mustActivity(t, "personal_message", mods...), c.sign(th, t))
			if code != c.status {
				t.Errorf("status %d %s, want %d", code, body, c.status)
			}
			th.drain(t)
			if n := len(th.conn.requests()); n != 0 {
				t.Errorf("%d connector requests, want none", n)
			}
			if n := len(h.Messages()); n != 0 {
				t.Errorf("%d messages handled, want none", n)
			}
		})
	}
}

// TestAdapterMalformed: a body that is not an activity gets a clear 400.
func TestAdapterMalformed(t *testing.T) {
	th := newTeamsHarness(t, &recordingHandler{}, mustRedisStore(t))
	code, body := th.post(t, []byte("{not json"), mustSign(t, th.key, th.claims()))
	if code != http.StatusBadRequest || !strings.Contains(body, "not a valid Bot Framework activity") {
		t.Errorf("status %d %s, want 400 saying so", code, body)
	}
}

// TestAdapterInvokeAction: an Action.Execute "ask" is answered with a card
// in the response body.
func TestAdapterInvokeAction(t *testing.T) {
	h, store := mustEngine(t)
	th := newTeamsHarness(t, h, store)
	code, body := th.post(t, th.mustActivity(t, "invoke_action"), mustSign(t, th.key, th.claims()))
	if code != http.StatusOK {
		t.Fatalf("status %d %s", code, body)
	}
	var resp struct {
		StatusCode int            `json:"statusCode"`
		Type       string         `json:"type"`
		Value      map[string]any `json:"value"`
	}
	if err := json.Unmarshal([]byte(body), &resp); err != nil {
		t.Fatalf("%v in %s", err, body)
	}
	if resp.StatusCode != 200 || resp.Type != "application/vnd.microsoft.card.adaptive" || resp.Value["type"] != "AdaptiveCard" {
		t.Errorf("response %s, want an Adaptive Card", body)
	}
	if b, _ := resp.Value["body"].([]any); len(b) == 0 {
		t.Errorf("card has no body: %s", body)
	}
	th.drain(t)
	if n := len(th.activityPosts()); n != 0 {
		t.Errorf("%d posts, want none: the invoke is answered in the response", n)
	}
}

// TestAdapterInvokeError: a handler's refusal is answered as a message.
func TestAdapterInvokeError(t *testing.T) {
	h := &recordingHandler{err: bot.Errorf(bot.EInvalid, "That button has expired.")}
	th := newTeamsHarness(t, h, mustRedisStore(t))
	code, body := th.post(t, th.mustActivity(t, "invoke_action"), mustSign(t, th.key, th.claims()))
	want := `{"statusCode":200,"type":"application/vnd.microsoft.activity.message","value":"That button has expired."}`
	if code != http.StatusOK || strings.TrimSpace(body) != want {
		t.Errorf("status %d %s, want 200 %s", code, body, want)
	}
}

// TestAdapterMapping: recorded activities become the bot.Message the engine
// is given.
func TestAdapterMapping(t *testing.T) {
	user := "6f1e2d3c-4b5a-4978-8877-665544332211"
	quoteHTML := `<blockquote itemscope="" itemtype="http://schema.skype.com/Reply" itemid="act-7">` +
		`<strong itemprop="mri" itemid="28:00000000-aaaa-bbbb-cccc-000000000001">Waymark</strong>` +
		`<span itemprop="time" itemid="act-7"></span><p itemprop="preview">Bethan Rees has your consultation request WM-000001.</p>` +
		`</blockquote><p>Thanks,&nbsp;Tuesday <b>suits</b></p>`
	for _, c := range []struct {
		name string
		mod  func(map[string]any)
		want bot.Message
		file string // the recorded activity, when not name
	}{
		{"personal_message", nil, bot.Message{
			Platform: "teams", ID: "1772442000000", TeamID: adapterTenant,
			ConversationID: "a:1Xy2Zw3Vu4Ts5Rq6Po7Nm8Lk9Ji0Hg", ThreadID: "1772442000000",
			UserID: user, UserName: "Priya Shah", Text: "who is the LADO",
		}, ""},
		{"channel_mention", nil, bot.Message{
			Platform: "teams", ID: "1772442300000", TeamID: adapterTenant,
			ConversationID: "19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2;messageid=1772442300000", ThreadID: "1772442300000",
			Shared: true, UserID: user, UserName: "Priya Shah", Text: "who is the LADO",
		}, ""},
		{"plain text keeps angle brackets", func(act map[string]any) {
			act["text"] = "Is it ok to contact <Mum> directly? See <https://wyvern.example/a> if a<b"
		}, bot.Message{
			Platform: "teams", ID: "1772442000000", TeamID: adapterTenant,
			ConversationID: "a:1Xy2Zw3Vu4Ts5Rq6Po7Nm8Lk9Ji0Hg", ThreadID: "1772442000000",
			UserID: user, UserName: "Priya Shah", Text: "Is it ok to contact <Mum> directly? See <https://wyvern.example/a> if a<b",
		}, "personal_message"},
		{"quoted reply in a chat", func(act map[string]any) {
			// text squashes the quote in; the HTML says what was quoted.
			act["text"] = "WaymarkBethan Rees has your consultation request WM-000001.Thanks, Tuesday suits"
			act["attachments"] = []any{map[string]any{"contentType": "text/html", "content": quoteHTML}}
		}, bot.Message{
			Platform: "teams", ID: "1772442000000", TeamID: adapterTenant,
			ConversationID: "a:1Xy2Zw3Vu4Ts5Rq6Po7Nm8Lk9Ji0Hg", ThreadID: "act-7",
			UserID: user, UserName: "Priya Shah", Text: "Thanks, Tuesday suits",
		}, "personal_message"},
		{"quotedReply entity", func(act map[string]any) {
			act["text"] = `<quoted messageId="act-9"/>Thanks, Tuesday suits`
			act["entities"] = []any{map[string]any{"type": "quotedReply", "quotedReply": map[string]any{"messageId": "act-9", "preview": "Bethan Rees has"}}}
		}, bot.Message{
			Platform: "teams", ID: "1772442000000", TeamID: adapterTenant,
			ConversationID: "a:1Xy2Zw3Vu4Ts5Rq6Po7Nm8Lk9Ji0Hg", ThreadID: "act-9",
			UserID: user, UserName: "Priya Shah", Text: "Thanks, Tuesday suits",
		}, "personal_message"},
		{"other mentions keep their names", func(act map[string]any) {
			act["text"] = "<at>Waymark</at> should I ask <at>Owen &amp; Co</at> first?"
		}, bot.Message{
			Platform: "teams", ID: "1772442300000", TeamID: adapterTenant,
			ConversationID: "19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2;messageid=1772442300000", ThreadID: "1772442300000",
			Shared: true, UserID: user, UserName: "Priya Shah", Text: "should I ask Owen & Co first?",
		}, "channel_mention"},
		{"another person mentioned", func(act map[string]any) {
			// "handover WM-000001 @Owen Price": the colleague named by
			// their mention entity, not by the words of their name.
			act["text"] = "<at>Waymark</at> handover WM-000001 <at>Owen Price</at>"
			act["entities"] = append(act["entities"].([]any), map[string]any{
				"type": "mention", "text": "<at>Owen Price</at>",
				"mentioned": map[string]any{"id": "29:1owenPRICE", "name": "Owen Price", "aadObjectId": "0a1b2c3d-0000-4000-8000-00000000a0b1"},
			})
		}, bot.Message{
			Platform: "teams", ID: "1772442300000", TeamID: adapterTenant,
			ConversationID: "19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2;messageid=1772442300000", ThreadID: "1772442300000",
			Shared: true, UserID: user, UserName: "Priya Shah", Text: "handover WM-000001 Owen Price",
			Mentioned: []bot.Person{{Platform: "teams", TeamID: adapterTenant, UserID: "0a1b2c3d-0000-4000-8000-00000000a0b1", Name: "Owen Price"}},
		}, "channel_mention"},
		{"upper-case tenant", func(act map[string]any) {
			act["channelData"].(map[string]any)["tenant"] = map[string]any{"id": strings.ToUpper(adapterTenant)}
		}, bot.Message{
			Platform: "teams", ID: "1772442300000", TeamID: adapterTenant,
			ConversationID: "19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2;messageid=1772442300000", ThreadID: "1772442300000",
			Shared: true, UserID: user, UserName: "Priya Shah", Text: "who is the LADO",
		}, "channel_mention"},
		{"channel HTML entities", func(act map[string]any) {
			act["text"] = "<at>Waymark</at>&nbsp;who is the&nbsp;LADO<p></p>"
		}, bot.Message{
			Platform: "teams", ID: "1772442300000", TeamID: adapterTenant,
			ConversationID: "19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2;messageid=1772442300000", ThreadID: "1772442300000",
			Shared: true, UserID: user, UserName: "Priya Shah", Text: "who is the LADO",
		}, "channel_mention"},
		{"channel HTML markup", func(act map[string]any) {
			act["text"] = "<p><at>Waymark</at> who is the <b>LA</b>DO?</p><p>in&nbsp;Wyvern&amp;Vale &lt;now&gt;</p>"
		}, bot.Message{
			Platform: "teams", ID: "1772442300000", TeamID: adapterTenant,
			ConversationID: "19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2;messageid=1772442300000", ThreadID: "1772442300000",
			Shared: true, UserID: user, UserName: "Priya Shah", Text: "who is the LADO? in Wyvern&Vale <now>",
		}, "channel_mention"},
		{"invoke_action", nil, bot.Message{
			Platform: "teams", ID: "f:2b7e1c3a-9d8f-4e6b-a5c4-3b2a1f0e9d8c", TeamID: adapterTenant,
			ConversationID: "a:1Xy2Zw3Vu4Ts5Rq6Po7Nm8Lk9Ji0Hg", ThreadID: "1772442000123",
			UserID: user, UserName: "Priya Shah",
			Action: &bot.Action{ID: "ask", Value: "what about out of hours?"},
		}, ""},
		{"invoke_action", func(act map[string]any) {
			act["value"].(map[string]any)["action"].(map[string]any)["verb"] = bot.ActionBook
			act["value"].(map[string]any)["action"].(map[string]any)["data"] = map[string]any{"specialism": "prevent", "details": "call me", "value": "x"}
		}, bot.Message{
			Platform: "teams", ID: "f:2b7e1c3a-9d8f-4e6b-a5c4-3b2a1f0e9d8c", TeamID: adapterTenant,
			ConversationID: "a:1Xy2Zw3Vu4Ts5Rq6Po7Nm8Lk9Ji0Hg", ThreadID: "1772442000123",
			UserID: user, UserName: "Priya Shah",
			Action: &bot.Action{ID: bot.ActionBook, Value: "x"},
			Form:   map[string]string{"specialism": "prevent", "details": "call me"},
		}, ""},
		{"members_added", nil, bot.Message{
			Platform: "teams", ID: "f:8c6a1b2e-3d4f-5a6b-7c8d-9e0f1a2b3c4d", TeamID: adapterTenant,
			ConversationID: "a:1Xy2Zw3Vu4Ts5Rq6Po7Nm8Lk9Ji0Hg", ThreadID: "f:8c6a1b2e-3d4f-5a6b-7c8d-9e0f1a2b3c4d",
			UserID: user, Command: bot.CmdHelp,
		}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := &recordingHandler{}
			th := newTeamsHarness(t, h, mustRedisStore(t))
			var mods []func(map[string]any)
			if c.mod != nil {
				mods = append(mods, c.mod)
			}
			file := c.file
			if file == "" {
				file = c.name
			}
			if code, body := th.post(t, th.mustActivity(t, file, mods...), mustSign(t, th.key, th.claims())); code >= 300 {
				t.Fatalf("status %d %s", code, body)
			}
			th.drain(t)
			got := h.Messages()
			if len(got) != 1 {
				t.Fatalf("%d messages, want 1: %+v", len(got), got)
			}
			if !equalMessage(got[0], c.want) {
				t.Errorf("message\n got %+v %+v\nwant %+v %+v", got[0], got[0].Action, c.want, c.want.Action)
			}
		})
	}
}

// TestAdapterReplyFallback: when the Connector refuses the reply to the
// activity (400), the answer is posted once as a new message in the
// conversation.
func TestAdapterReplyFallback(t *testing.T) {
	h := &recordingHandler{}
	th := newTeamsHarness(t, h, mustRedisStore(t))
	th.conn.answer(answer{status: http.StatusBadRequest})
	if code, body := th.post(t, th.mustActivity(t, "personal_message"), mustSign(t, th.key, th.claims())); code >= 300 {
		t.Fatalf("status %d %s", code, body)
	}
	th.drain(t)
	posts := th.activityPosts()
	if len(posts) != 2 {
		t.Fatalf("%d posts, want 2: %+v", len(posts), posts)
	}
	conv := "a:1Xy2Zw3Vu4Ts5Rq6Po7Nm8Lk9Ji0Hg"
	if want := convPath(conv, "1772442000000"); posts[0].Path != want {
		t.Errorf("reply posted to %s, want %s", posts[0].Path, want)
	}
	if want := convPath(conv, ""); posts[1].Method != http.MethodPost || posts[1].Path != want {
		t.Errorf("fallback %s %s, want POST %s", posts[1].Method, posts[1].Path, want)
	}
	if body := string(posts[1].Body); !strings.Contains(body, `"text":"ok"`) || strings.Contains(body, "replyToId") {
		t.Errorf("fallback is not the answer as a new message: %s", body)
	}
}

// TestAdapterNoFallback: a reply the Connector accepted (even with a body
// that cannot be read), or refused for a reason a new message would share,
// is not posted again.
func TestAdapterNoFallback(t *testing.T) {
	for _, a := range []answer{
		{status: http.StatusCreated, body: "Created"},
		{status: http.StatusForbidden},
	} {
		t.Run(strconv.Itoa(a.status), func(t *testing.T) {
			th := newTeamsHarness(t, &recordingHandler{}, mustRedisStore(t))
			th.conn.answer(a)
			if code, body := th.post(t, th.mustActivity(t, "personal_message"), mustSign(t, th.key, th.claims())); code >= 300 {
				t.Fatalf("status %d %s", code, body)
			}
			th.drain(t)
			if posts := th.activityPosts(); len(posts) != 1 {
				t.Errorf("%d posts, want only the reply: %+v", len(posts), posts)
			}
		})
	}
}

// TestAdapterReplyFallbackOnce: a refused fallback is not
// retried again.
func TestAdapterReplyFallbackOnce(t *testing.T) {
	h := &recordingHandler{}
	th := newTeamsHarness(t, h, mustRedisStore(t))
	th.conn.answer(answer{status: http.StatusBadRequest}, answer{status: http.StatusBadRequest})
	if code, body := th.post(t, th.mustActivity(t, "personal_message"), mustSign(t, th.key, th.claims())); code >= 300 {
		t.Fatalf("status %d %s", code, body)
	}
	th.drain(t)
	if posts := th.activityPosts(); len(posts) != 2 {
		t.Fatalf("%d posts, want 2: %+v", len(posts), posts)
	}
}

// TestAdapterWelcome: adding the bot to a conversation posts a welcome as a
// new message in it.
func TestAdapterWelcome(t *testing.T) {
	h, store := mustEngine(t)
	th := newTeamsHarness(t, h, store)
	if code, body := th.post(t, th.mustActivity(t, "members_added"), mustSign(t, th.key, th.claims())); code >= 300 {
		t.Fatalf("status %d %s", code, body)
	}
	th.drain(t)
	posts := th.activityPosts()
	if len(posts) != 1 {
		t.Fatalf("%d posts, want 1", len(posts))
	}
	if want := convPath("a:1Xy2Zw3Vu4Ts5Rq6Po7Nm8Lk9Ji0Hg", ""); posts[0].Path != want {
		t.Errorf("posted to %s, want %s", posts[0].Path, want)
	}
	if !strings.Contains(string(posts[0].Body), "Waymark") {
		t.Errorf("welcome lacks the bot's name: %s", posts[0].Body)
	}
}

// TestAdapterOtherMemberAdded: someone else joining gets no welcome.
func TestAdapterOtherMemberAdded(t *testing.T) {
	h := &recordingHandler{}
	th := newTeamsHarness(t, h, mustRedisStore(t))
	act := th.mustActivity(t, "members_added", func(act map[string]any) {
		act["membersAdded"] = []any{map[string]any{"id": "29:someone-else"}}
	})
	if code, body := th.post(t, act, mustSign(t, th.key, th.claims())); code >= 300 {
		t.Fatalf("status %d %s", code, body)
	}
	th.drain(t)
	if n := len(th.conn.requests()) + len(h.Messages()); n != 0 {
		t.Errorf("%d calls, want none", n)
	}
}

func equalMessage(a, b bot.Message) bool { return reflect.DeepEqual(a, b) }

// recordingHandler records the messages it is given and answers with a
// short reply, or err.
type recordingHandler struct {
	mu   sync.Mutex
	msgs []bot.Message
	err  error
}

func (r *recordingHandler) Handle(_ context.Context, m bot.Message) (bot.Reply, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, m)
	if r.err != nil {
		return bot.Reply{}, r.err
	}
	return bot.Reply{Text: "ok"}, nil
}

func (r *recordingHandler) Messages() []bot.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Message(nil), r.msgs...)
}

// countingHandler answers with a reply naming how many times it was called.
type countingHandler struct {
	mu sync.Mutex
	n  int
}

func (c *countingHandler) Handle(context.Context, bot.Message) (bot.Reply, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return bot.Reply{Text: fmt.Sprintf("answer number %d", c.n)}, nil
}

// TestAdapterInvokeRetried: a card action delivered twice (the Bot
// Framework retrying) is done once; the retry gets the first answer.
func TestAdapterInvokeRetried(t *testing.T) {
	h := &countingHandler{}
	th := newTeamsHarness(t, h, mustRedisStore(t))
	act := th.mustActivity(t, "invoke_action")
	var bodies []string
	for i := range 2 {
		code, body := th.post(t, act, mustSign(t, th.key, th.claims()))
		if code != http.StatusOK {
			t.Fatalf("delivery %d: status %d %s", i+1, code, body)
		}
		bodies = append(bodies, body)
	}
	if h.n != 1 {
		t.Errorf("handler called %d times, want once", h.n)
	}
	if !strings.Contains(bodies[0], "answer number 1") || bodies[1] != bodies[0] {
		t.Errorf("answers differ:\n%s\n%s", bodies[0], bodies[1])
	}
	// Another press of the button is another action.
	act["id"] = "f:another-press"
	if _, body := th.post(t, act, mustSign(t, th.key, th.claims())); !strings.Contains(body, "answer number 2") {
		t.Errorf("a new action was not done: %s", body)
	}
}

// blockingHandler waits for release before answering, and records whether
// its context was still live when it did.
type blockingHandler struct {
	started, release chan struct{}
	ctxErr           chan error
	err              error // returned instead of the reply, when set
	calls            atomic.Int32
}

func newBlockingHandler() *blockingHandler {
	return &blockingHandler{started: make(chan struct{}), release: make(chan struct{}), ctxErr: make(chan error, 1)}
}

func (b *blockingHandler) Handle(ctx context.Context, _ bot.Message) (bot.Reply, error) {
	if b.calls.Add(1) == 1 {
		close(b.started)
	}
	<-b.release
	select {
	case b.ctxErr <- ctx.Err():
	default:
	}
	if b.err != nil {
		return bot.Reply{}, b.err
	}
	return bot.Reply{Text: "booked as WM-000042"}, nil
}

// postInvoke posts act as the Bot Framework would, giving up when ctx ends,
// and returns the recorded response once the handler has answered it.
func (th *teamsHarness) postInvoke(tb testing.TB, ctx context.Context, act map[string]any) <-chan *httptest.ResponseRecorder {
	tb.Helper()
	raw, err := json.Marshal(act)
	if err != nil {
		tb.Fatal(err)
	}
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/api/messages", bytes.NewReader(raw))
	req.Header.Set("Authorization", mustSign(tb, th.key, th.claims()))
	out := make(chan *httptest.ResponseRecorder, 1)
	go func() {
		rec := httptest.NewRecorder()
		th.srv.ServeHTTP(rec, req)
		out <- rec
	}()
	return out
}

// TestAdapterSlowInvoke: when Teams stops waiting for a card action, the
// action is not cut short: the request is told it is in hand, the handler
// finishes with a live context, and its answer is posted to the chat.
func TestAdapterSlowInvoke(t *testing.T) {
	h := newBlockingHandler()
	th := newTeamsHarness(t, h, mustRedisStore(t))
	ctx, cancel := context.WithCancel(t.Context())
	served := th.postInvoke(t, ctx, th.mustActivity(t, "invoke_action"))
	<-h.started
	cancel() // Teams gives up waiting
	rec := <-served
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Working on it") || strings.Contains(rec.Body.String(), "WM-000042") {
		t.Fatalf("status %d %s, want the in-hand message", rec.Code, rec.Body.String())
	}
	close(h.release)
	if err := <-h.ctxErr; err != nil {
		t.Errorf("the handler's context ended with the request: %v", err)
	}
	th.drain(t) // Close waits for the late answer
	posts := th.activityPosts()
	if len(posts) != 1 || posts[0].Path != convPath("a:1Xy2Zw3Vu4Ts5Rq6Po7Nm8Lk9Ji0Hg", "") || !strings.Contains(string(posts[0].Body), "WM-000042") {
		t.Errorf("posts %+v, want the answer posted to the chat", posts)
	}
}

// TestAdapterSlowInvokeInAChannel: a slow card action pressed in a channel
// (a Claim on a queue card, say) sends its answer, which may hold the
// request's details, to the presser's own chat with the bot, never to the
// channel.
func TestAdapterSlowInvokeInAChannel(t *testing.T) {
	channelConv := "19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2;messageid=1772442300000"
	for name, conv := range map[string]map[string]any{
		"channel":                     {"conversationType": "channel", "id": channelConv, "tenantId": adapterTenant},
		"no type, but a channel's id": {"id": channelConv, "tenantId": adapterTenant},
	} {
		t.Run(name, func(t *testing.T) {
			h := newBlockingHandler()
			store := mustRedisStore(t)
			th := newTeamsHarness(t, h, store)
			th.adapter.WithRefs(store)
			act := th.mustActivity(t, "invoke_action", func(act map[string]any) { act["conversation"] = conv })
			ctx, cancel := context.WithCancel(t.Context())
			served := th.postInvoke(t, ctx, act)
			<-h.started
			cancel()
			if rec := <-served; !strings.Contains(rec.Body.String(), "I will send you the answer in our chat") {
				t.Fatalf("status %d %s, want word that the answer comes privately", rec.Code, rec.Body.String())
			}
			close(h.release)
			th.drain(t)
			var private bool
			for _, p := range th.activityPosts() {
				if strings.Contains(string(p.Body), "WM-000042") {
					if p.Path != convPath("a:conv-1", "") { // the chat the fake Connector opens
						t.Errorf("the answer went to %s, want the user's own chat", p.Path)
					}
					private = true
				}
			}
			if !private {
				t.Errorf("the answer was not sent: %+v", th.conn.requests())
			}
		})
	}
}

// TestAdapterSlowInvokeRefused: a slow card action that is refused says so
// in the chat, as promised, rather than leaving the user waiting.
func TestAdapterSlowInvokeRefused(t *testing.T) {
	h := newBlockingHandler()
	h.err = bot.Errorf(bot.EForbidden, "Only the psychology specialists can claim WM-000042.")
	th := newTeamsHarness(t, h, mustRedisStore(t))
	ctx, cancel := context.WithCancel(t.Context())
	served := th.postInvoke(t, ctx, th.mustActivity(t, "invoke_action"))
	<-h.started
	cancel()
	<-served
	close(h.release)
	th.drain(t)
	posts := th.activityPosts()
	if len(posts) != 1 || !strings.Contains(string(posts[0].Body), "Only the psychology specialists can claim") {
		t.Errorf("posts %+v, want the refusal in the chat", posts)
	}
}

// TestAdapterInvokeRetriedWhileAnswered: a retry that arrives while the
// first delivery is still being answered waits for that answer and gets
// it; the action is done once.
func TestAdapterInvokeRetriedWhileAnswered(t *testing.T) {
	h := newBlockingHandler()
	th := newTeamsHarness(t, h, mustRedisStore(t))
	act := th.mustActivity(t, "invoke_action")
	first := th.postInvoke(t, t.Context(), act)
	<-h.started
	retry := th.postInvoke(t, t.Context(), act)
	close(h.release)
	a, b := <-first, <-retry
	if !strings.Contains(a.Body.String(), "WM-000042") || b.Body.String() != a.Body.String() {
		t.Errorf("first %s\nretry %s\nwant the same answer", a.Body.String(), b.Body.String())
	}
	if n := h.calls.Load(); n != 1 {
		t.Errorf("handler called %d times, want once", n)
	}
}

// TestAdapterSameIDInTwoChats: Teams message ids are times, unique only
// within a conversation; two chats' messages with one id are both answered.
func TestAdapterSameIDInTwoChats(t *testing.T) {
	h := &recordingHandler{}
	th := newTeamsHarness(t, h, mustRedisStore(t))
	for _, conv := range []string{"a:chat-one", "a:chat-two"} {
		act := th.mustActivity(t, "personal_message", func(act map[string]any) {
			act["conversation"].(map[string]any)["id"] = conv
		})
		if code, body := th.post(t, act, mustSign(t, th.key, th.claims())); code >= 300 {
			t.Fatalf("%s: status %d %s", conv, code, body)
		}
	}
	th.drain(t)
	if n := len(h.Messages()); n != 2 {
		t.Errorf("%d messages answered, want both", n)
	}
}

// TestAdapterInvokeRetriedDuringOutage: a retry that has seen the first
// delivery under way never does the action itself, even when Redis goes
// away while it waits for the first answer.
func TestAdapterInvokeRetriedDuringOutage(t *testing.T) {
	srv := redistest.Start(t)
	store, err := redisstore.New(redisstore.Config{URL: srv.URL(), Prefix: redistest.Prefix(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	h := newBlockingHandler()
	th := newTeamsHarness(t, h, store)
	act := th.mustActivity(t, "invoke_action")
	first := th.postInvoke(t, t.Context(), act)
	<-h.started
	retry := th.postInvoke(t, t.Context(), act)
	for !strings.Contains(th.logs.String(), "retried while under way") { // it polls
		time.Sleep(time.Millisecond)
	}
	srv.Stop(t) // and then Redis is gone
	if rec := <-retry; !strings.Contains(rec.Body.String(), "Still working on that") {
		t.Errorf("retry: %s, want word that it is in hand", rec.Body.String())
	}
	close(h.release)
	if rec := <-first; !strings.Contains(rec.Body.String(), "WM-000042") {
		t.Errorf("first: %s, want the answer", rec.Body.String())
	}
	if n := h.calls.Load(); n != 1 {
		t.Errorf("handler called %d times, want once", n)
	}
}

// TestUndeliveredReplyCounted: a reply the Connector refuses, and refuses
// again as a new message, is logged and counted in the metrics.
func TestUndeliveredReplyCounted(t *testing.T) {
	h, store := mustEngine(t)
	th := newTeamsHarness(t, h, store)
	m := metrics.New()
	th.adapter.CountUndelivered(m)
	th.conn.answer(answer{status: http.StatusForbidden}, answer{status: http.StatusForbidden})
	act := th.mustActivity(t, "personal_message")
	if code, body := th.post(t, act, mustSign(t, th.key, th.claims())); code >= 300 {
		t.Fatalf("status %d %s", code, body)
	}
	th.drain(t)
	rr := httptest.NewRecorder()
	m.Handler().ServeHTTP(rr, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if !strings.Contains(rr.Body.String(), `waymark_replies_undelivered_total{platform="teams"} 1`) {
		t.Errorf("the refused reply is not counted")
	}
	if !strings.Contains(th.logs.String(), "teams: posting the reply failed") {
		t.Errorf("the failure is not logged:\n%s", th.logs.String())
	}
}

// TestRefusedChannelReplyToldPersonally: when a channel refuses the reply
// (the bot removed from it: 403), the person who asked gets the answer in
// their own chat with the bot, saying why, once; a failure that may have
// posted (5xx) does not, since that could show the answer twice.
func TestRefusedChannelReplyToldPersonally(t *testing.T) {
	for _, tc := range []struct {
		status int
		told   bool
	}{{http.StatusForbidden, true}, {http.StatusInternalServerError, false}} {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			th := newTeamsHarness(t, &recordingHandler{}, mustRedisStore(t))
			th.conn.answer(answer{status: tc.status})
			if code, body := th.post(t, th.mustActivity(t, "channel_mention"), mustSign(t, th.key, th.claims())); code >= 300 {
				t.Fatalf("status %d %s", code, body)
			}
			th.drain(t)
			var created []recorded
			var personal []recorded
			for _, r := range th.conn.requests() {
				switch {
				case r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/v3/conversations"):
					created = append(created, r)
				case r.Method == http.MethodPost && r.Path == convPath("a:conv-1", ""):
					personal = append(personal, r)
				}
			}
			if !tc.told {
				if len(created)+len(personal) != 0 {
					t.Errorf("told personally after a %d: %+v %+v", tc.status, created, personal)
				}
				return
			}
			if len(created) != 1 || len(personal) != 1 {
				t.Fatalf("%d chats opened, %d posts to it; want 1 and 1", len(created), len(personal))
			}
			var conv map[string]any
			if err := json.Unmarshal(created[0].Body, &conv); err != nil {
				t.Fatal(err)
			}
			members, _ := conv["members"].([]any)
			if len(members) != 1 || members[0].(map[string]any)["id"] != "29:1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijklmnopqrstuvwxyz" {
				t.Errorf("chat opened with %v, want the person who asked", conv["members"])
			}
			if body := string(personal[0].Body); !strings.Contains(body, "could not post my answer where you asked") || !strings.Contains(body, `ok`) {
				t.Errorf("personal post is not the answer with why: %s", body)
			}
		})
	}
}
