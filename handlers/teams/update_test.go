package teams_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers/teams"
)

// postedID is the id the fake Connector gives the queue card: it holds a
// "/" and a ";" so that the update's path shows whether it was escaped.
const postedID = "1:17000/42;x"

var (
	channelTarget = bot.Target{Platform: bot.PlatformTeams, TeamID: adapterTenant, Kind: bot.TargetChannel, ID: channelTeamID}
	queueCard     = bot.Reply{
		Text:    "A consultation is waiting: WM-000042.",
		Ref:     "WM-000042",
		Buttons: []bot.Button{{ActionID: bot.ActionClaim, Label: "Claim WM-000042", Value: "WM-000042", Style: bot.StylePrimary}},
	}
	claimedCard = bot.Reply{Text: "Dr Bethan Rees has claimed WM-000042.", Ref: "WM-000042"}
)

// postedCard is a channel the bot has heard from, and the queue card a
// Notifier posted there: the Notifier, its thread, and the fake Connector
// with the number of requests it had received by then.
type postedCard struct {
	conn   *connFixture
	n      *teams.Notifier
	thread bot.Thread
	before int
}

func mustPostCard(tb testing.TB, mod ...func(*teams.ConnectorConfig)) postedCard {
	tb.Helper()
	store := mustRedisStore(tb)
	th := deliver(tb, store, "channel_mention")
	cfg := th.conn.config()
	n := teams.NewNotifier(mustConnector(tb, cfg), store)
	th.conn.answer(answer{status: http.StatusCreated, body: `{"id":"` + postedID + `"}`})
	thread, err := n.NotifyThread(tb.Context(), channelTarget, queueCard)
	if err != nil {
		tb.Fatal(err)
	}
	if thread.ConversationID != channelTeamID || thread.ThreadID != postedID {
		tb.Fatalf("thread = %+v, want %s in %s", thread, postedID, channelTeamID)
	}
	if len(mod) > 0 {
		for _, m := range mod {
			m(&cfg)
		}
		n = teams.NewNotifier(mustConnector(tb, cfg), store)
	}
	return postedCard{conn: th.conn, n: n, thread: thread, before: len(th.conn.requests())}
}

// updates are the requests the fake Connector received after the card
// was posted.
func (p postedCard) updates() []recorded { return p.conn.requests()[p.before:] }

func TestNotifierUpdate(t *testing.T) {
	p := mustPostCard(t)
	if _, card := sentCard(t, p.conn.requests()[p.before-1]); !strings.Contains(card, "Claim WM-000042") {
		t.Fatalf("queue card lacks its button:\n%s", card)
	}

	if err := p.n.Update(t.Context(), channelTarget, p.thread, claimedCard); err != nil {
		t.Fatal(err)
	}
	reqs := p.updates()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1: %+v", len(reqs), reqs)
	}
	r := reqs[0]
	want := "/amer/v3/conversations/19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2/activities/1:17000%2F42%3Bx"
	if r.Method != http.MethodPut || r.Path != want || r.Path != convPath(channelTeamID, postedID) {
		t.Errorf("%s %s, want PUT %s", r.Method, r.Path, want)
	}
	if !strings.HasPrefix(r.Auth, "Bearer token-") {
		t.Errorf("Authorization %q, want the bot's token", r.Auth)
	}
	typ, card := sentCard(t, r)
	if typ != "message" {
		t.Errorf("type %q, want message", typ)
	}
	if !strings.Contains(card, "Dr Bethan Rees has claimed WM-000042.") {
		t.Errorf("updated card lacks the new text:\n%s", card)
	}
	if strings.Contains(card, "Claim WM-000042") || strings.Contains(card, "Action.Execute") || strings.Contains(string(r.Body), `"verb":"`+bot.ActionClaim+`"`) {
		t.Errorf("updated card still offers the claim button:\n%s", card)
	}
	var body struct{ ID string }
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.ID != postedID {
		t.Errorf("body id %q, want %q", body.ID, postedID)
	}
}

func TestNotifierUpdateConnectorAnswers(t *testing.T) {
	tests := []struct {
		name     string
		answers  []answer
		kind     string
		status   int
		requests int
		sleeps   []time.Duration
	}{
		{name: "accepted", requests: 1},
		{name: "accepted without a body", answers: []answer{{status: http.StatusOK}}, requests: 1},
		{name: "gone", answers: []answer{{status: http.StatusNotFound}}, kind: bot.ENotFound, status: 404, requests: 1},
		{name: "429 then 200", answers: []answer{{status: http.StatusTooManyRequests, retryAfter: "1"}}, requests: 2, sleeps: []time.Duration{time.Second}},
		{name: "401 refreshes the token once", answers: []answer{{status: http.StatusUnauthorized}}, requests: 2},
		{name: "403 is refused", answers: []answer{{status: http.StatusForbidden}}, kind: bot.EInternal, status: 403, requests: 1},
		{
			// An update done twice leaves the same message: sent again.
			name:     "500 then 200: an update is sent again",
			answers:  []answer{{status: 500}},
			requests: 2,
			sleeps:   []time.Duration{200 * time.Millisecond},
		},
		{
			name:     "503 until retries are exhausted",
			answers:  []answer{{status: 503}, {status: 503}, {status: 503}, {status: 503}},
			kind:     bot.EUnavailable,
			status:   503,
			requests: 4,
			sleeps:   []time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustPostCard(t)
			sleptBefore := len(p.conn.slept())
			p.conn.answer(tt.answers...)
			err := p.n.Update(t.Context(), channelTarget, p.thread, claimedCard)
			if got := bot.ErrorKind(err); got != tt.kind {
				t.Fatalf("kind = %q (%v), want %q", got, err, tt.kind)
			}
			if got := teams.Status(err); got != tt.status {
				t.Errorf("Status = %d, want %d", got, tt.status)
			}
			if err != nil {
				checkSafe(t, err)
				if strings.Contains(err.Error(), "Bethan") {
					t.Errorf("error quotes the message: %v", err)
				}
			}
			reqs := p.updates()
			if len(reqs) != tt.requests {
				t.Fatalf("%d requests, want %d: %+v", len(reqs), tt.requests, reqs)
			}
			for _, r := range reqs {
				if r.Method != http.MethodPut || r.Path != convPath(channelTeamID, postedID) {
					t.Errorf("%s %s, want PUT %s", r.Method, r.Path, convPath(channelTeamID, postedID))
				}
			}
			if len(reqs) == 2 && tt.answers[0].status == http.StatusUnauthorized && reqs[0].Auth == reqs[1].Auth {
				t.Errorf("retried with the same token %q after a 401", reqs[1].Auth)
			}
			if got := p.conn.slept()[sleptBefore:]; !reflect.DeepEqual(got, tt.sleeps) && (len(got) != 0 || len(tt.sleeps) != 0) {
				t.Errorf("slept %v, want %v", got, tt.sleeps)
			}
		})
	}
}

// A service URL outside the allow-list is refused before the token is
// sent anywhere.
func TestNotifierUpdateRefusesServiceURL(t *testing.T) {
	p := mustPostCard(t, func(c *teams.ConnectorConfig) { c.AllowedServiceURLs = nil })
	fetches := p.conn.tokenFetches()
	err := p.n.Update(t.Context(), channelTarget, p.thread, claimedCard)
	if bot.ErrorKind(err) != bot.EForbidden {
		t.Errorf("err = %v, want %s", err, bot.EForbidden)
	}
	if reqs := p.updates(); len(reqs) != 0 {
		t.Errorf("requests %+v, want none", reqs)
	}
	if n := p.conn.tokenFetches(); n != fetches {
		t.Errorf("%d token fetches, want none", n-fetches)
	}
}

func TestNotifierUpdateRefuses(t *testing.T) {
	p := mustPostCard(t)
	th := p.thread
	with := func(f func(*bot.Thread)) bot.Thread {
		c := th
		f(&c)
		return c
	}
	otherTenant := channelTarget
	otherTenant.TeamID = "00000000-0000-0000-0000-0000000000aa"
	unknownChannel := channelTarget
	unknownChannel.ID = "19:unknown@thread.tacv2"
	unknownUser := priyaTarget
	unknownUser.ID = "0a0b0c0d-0000-4000-8000-000000000099"
	for _, c := range []struct {
		name   string
		target bot.Target
		thread bot.Thread
		kind   string
		msg    string
	}{
		{"no conversation", channelTarget, with(func(t *bot.Thread) { t.ConversationID = "" }), bot.EInvalid, ""},
		{"no message", channelTarget, with(func(t *bot.Thread) { t.ThreadID = "" }), bot.EInvalid, ""},
		{"empty thread", channelTarget, bot.Thread{}, bot.EInvalid, ""},
		{"slack thread", channelTarget, with(func(t *bot.Thread) { t.Platform = bot.PlatformSlack }), bot.EInvalid, ""},
		{"slack target", bot.Target{Platform: bot.PlatformSlack, TeamID: "T1", Kind: bot.TargetChannel, ID: "C1"}, th, bot.EInvalid, ""},
		{"no target id", bot.Target{Platform: bot.PlatformTeams, TeamID: adapterTenant, Kind: bot.TargetChannel}, th, bot.EInvalid, ""},
		{"bad kind", bot.Target{Platform: bot.PlatformTeams, TeamID: adapterTenant, Kind: "group", ID: channelTeamID}, th, bot.EInvalid, ""},
		{"unknown channel", unknownChannel, th, bot.EUnavailable, "I have not talked to that Teams user or channel yet; they need to open a chat with the bot first."},
		{"other tenant", otherTenant, th, bot.EUnavailable, "I have not talked to that Teams user or channel yet; they need to open a chat with the bot first."},
		{"unknown user", unknownUser, th, bot.EUnavailable, "I have not talked to that Teams user or channel yet; they need to open a chat with the bot first."},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := p.n.Update(t.Context(), c.target, c.thread, claimedCard)
			if got := bot.ErrorKind(err); got != c.kind {
				t.Errorf("error %v has kind %q, want %q", err, got, c.kind)
			}
			if c.msg != "" && bot.ErrorMessage(err) != c.msg {
				t.Errorf("message %q, want %q", bot.ErrorMessage(err), c.msg)
			}
		})
	}
	if reqs := p.updates(); len(reqs) != 0 {
		t.Errorf("requests %+v, want none", reqs)
	}
}

func TestConnectorUpdateActivity(t *testing.T) {
	f := newConnFixture(t)
	c := mustConnector(t, f.config())
	activity := teams.Activity(claimedCard)
	if err := c.UpdateActivity(t.Context(), strings.TrimSuffix(f.serviceURL(), "/"), "19:abc@thread.skype;messageid=7", "1/2", activity); err != nil {
		t.Fatal(err)
	}
	if _, ok := activity["id"]; ok {
		t.Error("UpdateActivity changed the caller's activity")
	}
	reqs := f.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	if want := "/amer/v3/conversations/19:abc@thread.skype%3Bmessageid=7/activities/1%2F2"; reqs[0].Method != http.MethodPut || reqs[0].Path != want {
		t.Errorf("%s %s, want PUT %s", reqs[0].Method, reqs[0].Path, want)
	}
	var got map[string]any
	if err := json.Unmarshal(reqs[0].Body, &got); err != nil {
		t.Fatal(err)
	}
	want := decode(t, activity)
	want["id"] = "1/2"
	if !reflect.DeepEqual(got, want) {
		t.Errorf("body = %v, want %v", got, want)
	}

	for _, tc := range []struct {
		conv, id string
		activity any
	}{{"", "1", activity}, {"a:conv", "", activity}, {"a:conv", "1", nil}, {"a:conv", "1", map[string]any(nil)}} {
		if err := c.UpdateActivity(t.Context(), f.serviceURL(), tc.conv, tc.id, tc.activity); bot.ErrorKind(err) != bot.EInvalid {
			t.Errorf("UpdateActivity(%q, %q, %v): err = %v, want %s", tc.conv, tc.id, tc.activity, err, bot.EInvalid)
		}
	}
	if err := c.UpdateActivity(t.Context(), "https://evil.example/", "a:conv", "1", activity); bot.ErrorKind(err) != bot.EForbidden {
		t.Errorf("evil service URL: err = %v, want %s", err, bot.EForbidden)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("%d requests, want only the first", n)
	}
}
