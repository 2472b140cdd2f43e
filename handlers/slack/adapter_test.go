package slack_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/waymarkhq/waymark/bot"
	wslack "github.com/waymarkhq/waymark/handlers/slack"
)

// TestRetriesAnsweredOnce delivers the same event three times, as Slack
// does when it thinks the first went unanswered: one answer.
func TestRetriesAnsweredOnce(t *testing.T) {
	rec := &recorder{}
	store := newMemStore()
	h := newHarness(t, rec, store)
	body := mustPayload(t, "app_mention", payload{EventID: "Ev0DUP0001", Text: "<@U0LAN0Z89> who is the LADO?", TS: "1700000000.000100"})
	h.event(t, body)
	h.event(t, body, "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout")
	h.event(t, body, "X-Slack-Retry-Num", "2", "X-Slack-Retry-Reason", "http_timeout")
	h.drain(t)
	if n := len(rec.Messages()); n != 1 {
		t.Errorf("handler called %d times, want 1", n)
	}
	if n := len(h.slack.Replies()); n != 1 {
		t.Errorf("%d replies, want 1", n)
	}
	if n := store.Deliveries(); n != 3 {
		t.Errorf("FirstDelivery called %d times, want 3", n)
	}
}

// TestStoreDownStillAnswers: when de-duplication cannot be checked, the
// event is answered anyway (a rare double beats a lost answer) and the
// outage is logged.
func TestStoreDownStillAnswers(t *testing.T) {
	rec := &recorder{}
	store := newMemStore()
	store.setDown(true)
	h := newHarness(t, rec, store)
	body := mustPayload(t, "app_mention", payload{EventID: "Ev0DWN0001", Text: "<@U0LAN0Z89> who is the LADO?", TS: "1700000000.000100"})
	h.event(t, body)
	h.event(t, body, "X-Slack-Retry-Num", "1")
	h.drain(t)
	if n := len(h.slack.Replies()); n != 2 {
		t.Errorf("%d replies, want 2 (each delivery answered while the store is down)", n)
	}
	if logs := h.logs.String(); !strings.Contains(logs, "cannot de-duplicate") || !strings.Contains(logs, "Ev0DWN0001") {
		t.Errorf("the outage is not logged with the event id:\n%s", logs)
	}
}

// TestAckBeforeWork: the request is answered while the handler is still
// working (it is blocked until the test lets it go), and the reply follows.
func TestAckBeforeWork(t *testing.T) {
	gate := make(chan struct{})
	rec := &recorder{gate: gate}
	h := newHarness(t, rec, newMemStore())
	h.event(t, mustPayload(t, "app_mention", payload{EventID: "Ev0ACK0001", Text: "<@U0LAN0Z89> who is the LADO?", TS: "1700000000.000100"}))
	h.command(t, "who is the LADO?", "trig-ack")
	if n := len(h.slack.Replies()); n != 0 {
		t.Fatalf("%d replies before the handler finished", n)
	}
	close(gate)
	h.slack.WaitCalls(t, 2, "chat.postMessage", "response_url")
}

// TestQueueFull: with the one worker busy and the queue full, Slack is told
// to retry (503) and the event is not marked delivered, so the retry is
// answered.
func TestQueueFull(t *testing.T) {
	gate := make(chan struct{})
	rec := &recorder{gate: gate}
	store := newMemStore()
	h := newHarness(t, rec, store, func(c *wslack.Config) { c.Workers = 1 })
	const capacity = 16 // queuePerWorker waiting, with the one worker blocked
	send := func(i int, header ...string) int {
		body := mustPayload(t, "app_mention", payload{EventID: fmt.Sprintf("Ev0Q%06d", i), Text: "<@U0LAN0Z89> who is the LADO?", TS: fmt.Sprintf("1700000000.%06d", i)})
		req := request{path: "/slack/events", body: body, header: http.Header{}}
		for j := 0; j+1 < len(header); j += 2 {
			req.header.Set(header[j], header[j+1])
		}
		code, _ := h.do(t, req)
		return code
	}
	for i := range capacity + 1 {
		if code := send(i); code != 200 {
			t.Fatalf("event %d = %d, want 200", i, code)
		}
		if i == 0 {
			// Wait until the worker holds the first job, so the queue is empty.
			waitFor(t, func() bool { return len(rec.Messages()) == 1 })
		}
	}
	if code := send(capacity + 1); code != http.StatusServiceUnavailable {
		t.Fatalf("event over capacity = %d, want 503", code)
	}
	close(gate)
	h.slack.WaitCalls(t, capacity+1, "chat.postMessage")
	if code := send(capacity+1, "X-Slack-Retry-Num", "1"); code != 200 {
		t.Fatalf("retry = %d, want 200", code)
	}
	h.drain(t)
	if n := len(h.slack.Replies()); n != capacity+2 {
		t.Errorf("%d replies, want %d: the retried event must be answered", n, capacity+2)
	}
}

// TestCloseDrains answers everything accepted before Close, and refuses
// (503) what comes after, without marking it delivered.
func TestCloseDrains(t *testing.T) {
	gate := make(chan struct{})
	rec := &recorder{gate: gate}
	store := newMemStore()
	h := newHarness(t, rec, store)
	for i := range 5 {
		h.event(t, mustPayload(t, "app_mention", payload{EventID: fmt.Sprintf("Ev0CLS%04d", i), Text: "<@U0LAN0Z89> who is the LADO?", TS: "1700000000.000100"}))
	}
	closed := make(chan struct{})
	go func() {
		h.adapter.Close()
		close(closed)
	}()
	close(gate)
	<-closed
	if n := len(h.slack.Replies()); n != 5 {
		t.Errorf("%d replies after Close, want 5", n)
	}
	before := store.Deliveries()
	body := mustPayload(t, "app_mention", payload{EventID: "Ev0CLS9999", Text: "<@U0LAN0Z89> who is the LADO?", TS: "1700000000.000100"})
	if code, _ := h.do(t, request{path: "/slack/events", body: body}); code != http.StatusServiceUnavailable {
		t.Errorf("after Close = %d, want 503", code)
	}
	if store.Deliveries() != before {
		t.Error("an event refused after Close was marked delivered")
	}
}

// TestHandlerErrors: an error a practitioner can act on is shown to them
// privately; an internal one is logged and replaced by a generic sentence.
func TestHandlerErrors(t *testing.T) {
	for _, c := range []struct {
		err      error
		wantText string
		wantLog  string
	}{
		{bot.Errorf(bot.EInvalid, "That question is too long."), "That question is too long.", "handler refused"},
		{errors.New("index corrupted"), "Something went wrong on our side.", "index corrupted"},
	} {
		t.Run(c.wantText, func(t *testing.T) {
			rec := &recorder{reply: func(bot.Message) (bot.Reply, error) { return bot.Reply{}, c.err }}
			h := newHarness(t, rec, newMemStore())
			h.event(t, mustPayload(t, "app_mention", payload{EventID: "Ev0ERR0001", Text: "<@U0LAN0Z89> who is the LADO?", TS: "1700000000.000100"}))
			h.drain(t)
			replies := h.slack.Replies()
			if len(replies) != 1 || replies[0].Method != "chat.postEphemeral" || replies[0].User != userID ||
				replies[0].ThreadTS != "1700000000.000100" || !strings.HasPrefix(replies[0].Text, c.wantText) {
				t.Errorf("replies %+v, want an ephemeral %q in the thread", replies, c.wantText)
			}
			if !strings.Contains(h.logs.String(), c.wantLog) {
				t.Errorf("logs do not say %q:\n%s", c.wantLog, h.logs.String())
			}
		})
	}
}

// TestHandlerPanic: a panicking handler is logged and the worker carries on.
func TestHandlerPanic(t *testing.T) {
	rec := &recorder{reply: func(m bot.Message) (bot.Reply, error) {
		if m.ID == "Ev0PAN0001" {
			panic("boom")
		}
		return bot.Reply{Text: "ok"}, nil
	}}
	h := newHarness(t, rec, newMemStore(), func(c *wslack.Config) { c.Workers = 1 })
	h.event(t, mustPayload(t, "app_mention", payload{EventID: "Ev0PAN0001", Text: "<@U0LAN0Z89> a", TS: "1700000000.000100"}))
	h.event(t, mustPayload(t, "app_mention", payload{EventID: "Ev0PAN0002", Text: "<@U0LAN0Z89> b", TS: "1700000000.000200"}))
	h.drain(t)
	if replies := h.slack.Replies(); len(replies) != 1 || replies[0].ThreadTS != "1700000000.000200" {
		t.Errorf("replies %+v, want the second event answered", replies)
	}
	if !strings.Contains(h.logs.String(), "panicked") {
		t.Error("the panic is not logged")
	}
}

// TestAppHome publishes the Home tab with the practitioner's area from the
// store, and a note instead when the store is down.
func TestAppHome(t *testing.T) {
	store := newMemStore()
	store.profiles["slack:"+teamID+":"+userID] = bot.Profile{Area: "Wyvern Vale"}
	h := newHarness(t, &recorder{}, store)
	h.event(t, mustPayload(t, "app_home_opened", payload{EventID: "Ev0HOM0001", Text: "home"}))
	h.slack.WaitCalls(t, 1, "views.publish")
	store.setDown(true)
	h.event(t, mustPayload(t, "app_home_opened", payload{EventID: "Ev0HOM0002", Text: "home"}))
	h.drain(t)
	views := h.slack.Calls("views.publish")
	if len(views) != 2 {
		t.Fatalf("%d views published, want 2", len(views))
	}
	if v := views[0]; v.User != userID || v.Text != "home" || !strings.Contains(string(v.Blocks), "*Your area:* Wyvern Vale") {
		t.Errorf("first view for %s (%s): %s, want the home tab of %s with the area", v.User, v.Text, v.Blocks, userID)
	}
	if v := views[1]; !strings.Contains(string(v.Blocks), "can't reach your saved settings") {
		t.Errorf("second view %s, want the unavailable note", v.Blocks)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []struct {
		cfg  wslack.Config
		want []string // substrings of the error; none means valid
	}{
		{wslack.Config{BotToken: "xoxb-1", SigningSecret: "s"}, nil},
		{wslack.Config{BotToken: "xoxb-1", AppToken: "xapp-1", Workers: 3, APIURL: "http://proxy.council.example/slack/api"}, nil},
		{wslack.Config{}, []string{"slack.bot_token is needed", "slack.signing_secret"}},
		{wslack.Config{BotToken: "xapp-1", SigningSecret: "s", AppToken: "xoxb-1", APIURL: "ftp://x", Workers: -1},
			[]string{"Bot User OAuth Token", "slack.app_token must be", "slack.api_url", "slack.workers"}},
	} {
		err := c.cfg.Validate()
		if len(c.want) == 0 {
			if err != nil {
				t.Errorf("Validate(%+v) = %v, want nil", c.cfg, err)
			}
			continue
		}
		if bot.ErrorKind(err) != bot.EInvalid {
			t.Errorf("Validate(%+v) = %v, want an EInvalid error", c.cfg, err)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Validate(%+v) = %v, want it to mention %q", c.cfg, err, w)
			}
		}
	}
	if _, err := wslack.New(wslack.Config{}, &recorder{}, newMemStore(), nil); err == nil {
		t.Error("New accepted an empty Config")
	}
	if _, err := wslack.New(wslack.Config{BotToken: "xoxb-1", SigningSecret: "s"}, nil, newMemStore(), nil); err == nil {
		t.Error("New accepted a nil handler")
	}
}
