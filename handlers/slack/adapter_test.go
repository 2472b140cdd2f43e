package slack_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	wslack "github.com/waymarkhq/waymark/handlers/slack"
	"github.com/waymarkhq/waymark/internal/redistest"
	"github.com/waymarkhq/waymark/knowledge"
	"github.com/waymarkhq/waymark/knowledge/sample"
)

// The de-duplication of retried deliveries is TestEndToEndRetriesAnsweredOnce.

// TestStoreDownStillAnswers: when de-duplication cannot be checked (Redis
// is down), each delivery is answered anyway (a rare double beats a lost
// answer), the answer says memory is unavailable, and the outage is
// logged.
func TestStoreDownStillAnswers(t *testing.T) {
	srv := redistest.Start(t)
	h, _ := newEndToEnd(t, srv)
	srv.Stop(t)
	body := mention(t, "Ev0DWN0001", "who is the LADO?", "1700000000.000100", "")
	h.event(t, body)
	h.event(t, body, "X-Slack-Retry-Num", "1")
	h.drain(t)
	replies := h.slack.Replies()
	if len(replies) != 2 {
		t.Fatalf("%d replies, want 2 (each delivery answered while the store is down)", len(replies))
	}
	for _, r := range replies {
		if b := string(r.Blocks); r.ThreadTS != "1700000000.000100" || !strings.Contains(b, "*Phone*") || !strings.Contains(b, "Conversation memory is unavailable") {
			t.Errorf("reply in thread %q: %s; want the LADO's card and the unavailable notice", r.ThreadTS, b)
		}
	}
	if logs := h.logs.String(); !strings.Contains(logs, "cannot de-duplicate") || !strings.Contains(logs, "Ev0DWN0001") {
		t.Errorf("the outage is not logged with the event id:\n%s", logs)
	}
}

// TestAckBeforeWork: Slack gets its 200 while the answer is still being
// delivered. Slack (the fake) holds every post until the test lets it go,
// so an adapter that answered before acknowledging would not acknowledge
// at all, and the request would time out.
func TestAckBeforeWork(t *testing.T) {
	h, _ := newEndToEnd(t, redistest.Shared(t))
	release := h.slack.Hold(t)
	const wait = 10 * time.Second // generous: only a broken adapter waits for the held post
	event := mention(t, "Ev0ACK0001", "who is the LADO?", "1700000000.000100", "")
	if code, resp := h.do(t, request{path: "/slack/events", body: event, timeout: wait}); code != http.StatusOK {
		t.Fatalf("event = %d %s, want 200", code, resp)
	}
	command := commandBody("who is the LADO?", h.slack.ResponseURL("trig-ack"), "trig-ack")
	if code, resp := h.do(t, request{path: "/slack/commands", body: command, form: true, timeout: wait}); code != http.StatusOK {
		t.Fatalf("command = %d %s, want 200", code, resp)
	}
	// Both answers reach Slack after the acknowledgements, and wait there.
	h.slack.WaitCalls(t, 2, "chat.postMessage", "response_url")
	release()
	h.drain(t)
	replies := h.slack.Replies()
	if len(replies) != 2 {
		t.Fatalf("%d replies, want 2: %+v", len(replies), replies)
	}
	for _, r := range replies {
		if !strings.Contains(string(r.Blocks), "*Phone*") {
			t.Errorf("%s reply without the LADO's card: %s", r.Method, r.Blocks)
		}
	}
}

// TestQueueFull: with the one worker busy (Slack holds its post) and the
// queue full, Slack is told to retry (503) and the event is not marked
// delivered, so the retry is answered.
func TestQueueFull(t *testing.T) {
	h, store := newEngineHarness(t, mustKnowledge(t), redistest.Shared(t), func(c *wslack.Config) { c.Workers = 1 })
	release := h.slack.Hold(t)
	const capacity = 16 // queuePerWorker waiting, with the one worker busy
	id := func(i int) string { return fmt.Sprintf("Ev0Q%06d", i) }
	send := func(i int, header ...string) int {
		body := mention(t, id(i), "who is the LADO?", fmt.Sprintf("1700000000.%06d", i), "")
		req := request{path: "/slack/events", body: body, header: http.Header{}}
		for j := 0; j+1 < len(header); j += 2 {
			req.header.Set(header[j], header[j+1])
		}
		code, _ := h.do(t, req)
		return code
	}
	for i := range capacity + 1 {
		if code := send(i); code != http.StatusOK {
			t.Fatalf("event %d = %d, want 200", i, code)
		}
		if i == 0 {
			// Wait until the worker is posting the first answer, so the
			// queue is empty.
			h.slack.WaitCalls(t, 1, "chat.postMessage")
		}
	}
	if code := send(capacity + 1); code != http.StatusServiceUnavailable {
		t.Fatalf("event over capacity = %d, want 503", code)
	}
	if delivered(t, store, id(capacity+1)) {
		t.Fatal("the refused event is marked delivered: Slack's retry would be ignored")
	}
	release()
	h.slack.WaitCalls(t, capacity+1, "chat.postMessage")
	if code := send(capacity+1, "X-Slack-Retry-Num", "1"); code != http.StatusOK {
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
	h, store := newEndToEnd(t, redistest.Shared(t))
	release := h.slack.Hold(t)
	for i := range 5 {
		h.event(t, mention(t, fmt.Sprintf("Ev0CLS%04d", i), "who is the LADO?", fmt.Sprintf("1700000000.%06d", i), ""))
	}
	closed := make(chan struct{})
	go func() {
		h.adapter.Close()
		close(closed)
	}()
	h.slack.WaitCalls(t, 1, "chat.postMessage") // at least one worker is busy
	release()
	<-closed
	if n := len(h.slack.Replies()); n != 5 {
		t.Errorf("%d replies after Close, want 5", n)
	}
	body := mention(t, "Ev0CLS9999", "who is the LADO?", "1700000000.000100", "")
	if code, _ := h.do(t, request{path: "/slack/events", body: body}); code != http.StatusServiceUnavailable {
		t.Errorf("after Close = %d, want 503", code)
	}
	if delivered(t, store, "Ev0CLS9999") {
		t.Error("an event refused after Close was marked delivered")
	}
}

// mustKnowledge is the sample corpus, shared by the package's tests.
func mustKnowledge(tb testing.TB) *knowledge.Base {
	tb.Helper()
	kb, err := sampleKnowledge()
	if err != nil {
		tb.Fatal(err)
	}
	return kb
}

// TestHandlerErrors: an error a practitioner can act on is shown to them
// privately; an internal one (the engine's index closed under it) is
// logged and replaced by a generic sentence.
func TestHandlerErrors(t *testing.T) {
	closedKnowledge := func(t *testing.T) bot.Knowledge {
		c, err := knowledge.Load(sample.FS(), "sample")
		if err != nil {
			t.Fatal(err)
		}
		kb, err := knowledge.New(c, knowledge.Options{Clock: fixedClock{}})
		if err != nil {
			t.Fatal(err)
		}
		if err := kb.Close(); err != nil {
			t.Fatal(err)
		}
		return kb
	}
	for _, c := range []struct {
		name     string
		kb       func(*testing.T) bot.Knowledge
		question string
		wantText string
		wantLog  string
	}{
		{"invalid", func(t *testing.T) bot.Knowledge { return mustKnowledge(t) },
			strings.Repeat("who is the LADO? ", 130), "That question is too long", "handler refused"},
		{"internal", closedKnowledge, "who is the LADO?", "Something went wrong on our side.", "handler failed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, _ := newEngineHarness(t, c.kb(t), redistest.Shared(t))
			h.event(t, mention(t, "Ev0ERR0001", c.question, "1700000000.000100", ""))
			h.drain(t)
			replies := h.slack.Replies()
			if len(replies) != 1 || replies[0].Method != "chat.postEphemeral" || replies[0].User != userID ||
				replies[0].ThreadTS != "1700000000.000100" || !strings.HasPrefix(replies[0].Text, c.wantText) {
				t.Errorf("replies %+v, want an ephemeral %q in the thread", replies, c.wantText)
			}
			logs := h.logs.String()
			if !strings.Contains(logs, c.wantLog) || !strings.Contains(logs, "Ev0ERR0001") {
				t.Errorf("logs do not say %q with the event id:\n%s", c.wantLog, logs)
			}
			if strings.Contains(logs, "LADO") {
				t.Errorf("logs carry the question:\n%s", logs)
			}
		})
	}
}

// TestHandlerPanic: a panicking handler is logged and the worker carries
// on. The engine cannot be made to panic, so this one handler is the
// test's.
func TestHandlerPanic(t *testing.T) {
	rec := &recorder{reply: func(m bot.Message) (bot.Reply, error) {
		if m.ID == "Ev0PAN0001" {
			panic("boom")
		}
		return bot.Reply{Text: "ok"}, nil
	}}
	h := newHarness(t, rec, mustStore(t, redistest.Shared(t)), func(c *wslack.Config) { c.Workers = 1 })
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

// TestAppHome publishes the Home tab with the practitioner's area from
// Redis, and a note instead when Redis is down.
func TestAppHome(t *testing.T) {
	srv := redistest.Start(t)
	h, store := newEndToEnd(t, srv)
	userKey := bot.Message{Platform: bot.PlatformSlack, TeamID: teamID, UserID: userID}.UserKey()
	if err := store.SaveProfile(t.Context(), userKey, bot.Profile{Area: "Wyvern Vale"}); err != nil {
		t.Fatal(err)
	}
	h.event(t, mustPayload(t, "app_home_opened", payload{EventID: "Ev0HOM0001", Text: "home"}))
	h.slack.WaitCalls(t, 1, "views.publish")
	srv.Stop(t)
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
	store := mustStore(t, redistest.Shared(t))
	engine := bot.NewEngine(mustKnowledge(t), store, bot.EngineOptions{})
	if _, err := wslack.New(wslack.Config{}, engine, store, nil); err == nil {
		t.Error("New accepted an empty Config")
	}
	if _, err := wslack.New(wslack.Config{BotToken: "xoxb-1", SigningSecret: "s"}, nil, store, nil); err == nil {
		t.Error("New accepted a nil handler")
	}
	if _, err := wslack.New(wslack.Config{BotToken: "xoxb-1", SigningSecret: "s"}, engine, nil, nil); err == nil {
		t.Error("New accepted a nil store")
	}
}
