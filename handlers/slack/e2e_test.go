package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	wslack "github.com/waymarkhq/waymark/handlers/slack"
	"github.com/waymarkhq/waymark/internal/redistest"
	"github.com/waymarkhq/waymark/knowledge"
	"github.com/waymarkhq/waymark/knowledge/sample"
)

func TestMain(m *testing.M) { redistest.Main(m) }

type fixedClock struct{}

func (fixedClock) Now() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }

// sampleKnowledge is the embedded Wyvern Vale corpus, indexed once for the
// package's tests; it is read-only.
var sampleKnowledge = sync.OnceValues(func() (*knowledge.Base, error) {
	c, err := knowledge.Load(sample.FS(), "sample")
	if err != nil {
		return nil, err
	}
	return knowledge.New(c, knowledge.Options{Clock: fixedClock{}})
})

// newEndToEnd is the adapter over the real engine, the sample corpus and a
// Redis store on srv with keys of the test's own.
func newEndToEnd(tb testing.TB, srv *redistest.Server) (*harness, *redisstore.Store) {
	tb.Helper()
	kb, err := sampleKnowledge()
	if err != nil {
		tb.Fatal(err)
	}
	return newEngineHarness(tb, kb, srv)
}

// newEngineHarness is newEndToEnd answering from kb, with the adapter's
// configuration changed by mod.
func newEngineHarness(tb testing.TB, kb bot.Knowledge, srv *redistest.Server, mod ...func(*wslack.Config)) (*harness, *redisstore.Store) {
	tb.Helper()
	store := mustStore(tb, srv)
	engine := bot.NewEngine(kb, store, bot.EngineOptions{Clock: fixedClock{}, DefaultArea: "Wyvern Vale"})
	return newHarness(tb, engine, store, mod...), store
}

// mention is a recorded app_mention of the app in #safeguarding-advice.
func mention(tb testing.TB, eventID, question, ts, threadTS string) []byte {
	return mustPayload(tb, "app_mention", payload{EventID: eventID, Text: "<@U0LAN0Z89> " + question, TS: ts, ThreadTS: threadTS})
}

// withoutRef replaces the answer's random reference in the feedback
// buttons, so the blocks can be compared with a golden file.
func withoutRef(tb testing.TB, raw json.RawMessage) []any {
	tb.Helper()
	var blocks []any
	if err := json.Unmarshal(raw, &blocks); err != nil {
		tb.Fatalf("%v in %s", err, raw)
	}
	for _, b := range blocks {
		m := b.(map[string]any)
		if m["type"] != "actions" {
			continue
		}
		for _, e := range m["elements"].([]any) {
			el := e.(map[string]any)
			if id := el["action_id"].(string); id == bot.ActionHelpful || id == bot.ActionNotHelpful {
				el["value"] = "REF"
			}
		}
	}
	return blocks
}

// TestEndToEndMention: a signed app_mention gets exactly one reply, in the
// thread of the question, with the answer's blocks.
func TestEndToEndMention(t *testing.T) {
	h, _ := newEndToEnd(t, redistest.Shared(t))
	h.event(t, mention(t, "Ev0E2E0001", "how do I make a prevent referral?", "1700000000.000100", ""))
	h.slack.WaitCalls(t, 1, "chat.postMessage")
	h.drain(t)
	replies := h.slack.Replies()
	if len(replies) != 1 {
		t.Fatalf("%d replies, want 1: %+v", len(replies), replies)
	}
	r := replies[0]
	if r.Method != "chat.postMessage" || r.Channel != channelID || r.ThreadTS != "1700000000.000100" {
		t.Errorf("reply %s in %s thread %q, want chat.postMessage in %s thread 1700000000.000100", r.Method, r.Channel, r.ThreadTS, channelID)
	}
	blocks := string(r.Blocks)
	for _, want := range []string{
		"Here is what Wyvern Vale's guidance says:",
		"|Making a Prevent referral in office hours>*", // the first card, linked
		"Process · Wyvern Vale · Reviewed",
		`"action_id":"consult"`, `"action_id":"consult#2"`,
		`"action_id":"feedback_helpful"`, `"action_id":"ask"`,
	} {
		if !strings.Contains(blocks, want) {
			t.Errorf("blocks lack %q:\n%s", want, blocks)
		}
	}
	if strings.Contains(blocks, "**") {
		t.Errorf("Markdown bold left in the blocks:\n%s", blocks)
	}
	golden(t, "e2e_prevent_referral", mustJSON(t, map[string]any{"text": r.Text, "blocks": withoutRef(t, r.Blocks)}))
}

// TestEndToEndAnswers: direct messages get the blocks their answers call
// for: a contact card, a past-review warning, an act-now header first.
func TestEndToEndAnswers(t *testing.T) {
	for _, c := range []struct {
		question string
		want     []string // in the blocks
		first    string   // the first block's text starts with it
	}{
		{"who is the LADO?", []string{"*Bronwen Hale*\\nLocal Authority Designated Officer (LADO)", "*Phone*\\n<tel:01632961250|01632 961 250>"}, "Here is what"},
		{"a child is sharing extremist content online, what is the pathway",
			[]string{":warning: *Past its review date (due 29 August 2026): check with Prevent Education Officer that it still applies.*"}, "Here is what"},
		{"my 15 year old says he is flying to syria tomorrow to join the fighters",
			[]string{`"type":"header"`, "call <tel:999|999> now", "Immediate risk"}, ":rotating_light: "},
	} {
		t.Run(c.question, func(t *testing.T) {
			h, _ := newEndToEnd(t, redistest.Shared(t))
			h.event(t, mustPayload(t, "message_im", payload{EventID: "Ev0E2E0101", Text: c.question, TS: "1700000000.000100"}))
			h.slack.WaitCalls(t, 1, "chat.postMessage")
			h.drain(t)
			replies := h.slack.Replies()
			if len(replies) != 1 || replies[0].Channel != dmID || replies[0].ThreadTS != "1700000000.000100" {
				t.Fatalf("replies %+v, want one in the DM's thread", replies)
			}
			b := string(replies[0].Blocks)
			for _, w := range c.want {
				if !strings.Contains(b, w) {
					t.Errorf("blocks lack %q:\n%s", w, b)
				}
			}
			var blocks []struct {
				Text struct {
					Text string `json:"text"`
				} `json:"text"`
			}
			if err := json.Unmarshal(replies[0].Blocks, &blocks); err != nil || len(blocks) == 0 || !strings.HasPrefix(blocks[0].Text.Text, c.first) {
				t.Errorf("first block %+v, want it to start with %q", blocks, c.first)
			}
		})
	}
}

// TestEndToEndRetriesAnsweredOnce delivers one event three times, as Slack
// does after a timeout: one reply, de-duplicated in Redis.
func TestEndToEndRetriesAnsweredOnce(t *testing.T) {
	h, store := newEndToEnd(t, redistest.Shared(t))
	body := mention(t, "Ev0E2E0201", "who is the LADO?", "1700000000.000100", "")
	h.event(t, body)
	h.event(t, body, "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout")
	h.event(t, body, "X-Slack-Retry-Num", "2", "X-Slack-Retry-Reason", "http_timeout")
	h.slack.WaitCalls(t, 1, "chat.postMessage")
	h.drain(t)
	if n := len(h.slack.Replies()); n != 1 {
		t.Errorf("%d replies to three deliveries, want 1", n)
	}
	n, err := store.Client().Exists(context.Background(), store.Keys().Event(bot.PlatformSlack, "Ev0E2E0201")).Result()
	if err != nil || n != 1 {
		t.Errorf("event key in Redis: %d, %v", n, err)
	}
}

// TestEndToEndFollowUpInThread: a follow-up in the thread, by mention or by
// the reply's follow-up button, is answered with the previous question's
// context, as is the follow-up button of a slash command's private answer. Asked about psychology consultations, "what about out of hours?"
// leads with booking psychology; asked alone, with the Prevent out-of-hours
// process.
func TestEndToEndFollowUpInThread(t *testing.T) {
	kb, err := sampleKnowledge()
	if err != nil {
		t.Fatal(err)
	}
	title := func(id string) string {
		d, err := kb.Document(id)
		if err != nil {
			t.Fatal(err)
		}
		return d.Title
	}
	psychology, outOfHours := title("wv-book-psychology"), title("wv-prevent-out-of-hours")
	const (
		root     = "1700000000.000100"
		first    = "how do I book a psychology consultation?"
		followUp = "what about out of hours?"
	)

	// ask asks first in the channel and waits for the answer.
	ask := func(t *testing.T, h *harness, eventID string) apiCall {
		h.event(t, mention(t, eventID, first, root, ""))
		r := h.slack.WaitCalls(t, 1, "chat.postMessage")[0]
		if card := firstCard(t, r); !strings.Contains(card, psychology) {
			t.Fatalf("first answer leads with %q, want %q", card, psychology)
		}
		return r
	}
	// remembered is what Redis holds of the practitioner's thread.
	remembered := func(t *testing.T, store *redisstore.Store) string {
		key := bot.Message{Platform: bot.PlatformSlack, TeamID: teamID, ConversationID: channelID,
			Shared: true, ThreadID: root, UserID: userID}.ConversationKey()
		c, err := store.Conversation(context.Background(), key)
		if err != nil {
			t.Fatal(err)
		}
		return c.LastQuestion
	}

	t.Run("mention in the thread", func(t *testing.T) {
		h, store := newEndToEnd(t, redistest.Shared(t))
		ask(t, h, "Ev0E2E0301")
		h.event(t, mention(t, "Ev0E2E0302", followUp, "1700000060.000200", root))
		r := h.slack.WaitCalls(t, 2, "chat.postMessage")[1]
		h.drain(t)
		if r.Channel != channelID || r.ThreadTS != root {
			t.Errorf("follow-up answered in %s thread %q, want the thread %s", r.Channel, r.ThreadTS, root)
		}
		if card := firstCard(t, r); !strings.Contains(card, psychology) {
			t.Errorf("follow-up leads with %q, want %q (the previous question's context)", card, psychology)
		}
		if q := remembered(t, store); !strings.Contains(q, first) || !strings.Contains(q, followUp) {
			t.Errorf("Redis remembers %q, want both questions", q)
		}
	})
	t.Run("follow-up button", func(t *testing.T) {
		h, _ := newEndToEnd(t, redistest.Shared(t))
		answer := ask(t, h, "Ev0E2E0311")
		if !strings.Contains(string(answer.Blocks), `"value":"What about out of hours?"`) {
			t.Fatalf("the answer offers no out-of-hours follow-up:\n%s", answer.Blocks)
		}
		h.interaction(t, mustPayload(t, "block_actions", payload{
			EventID: "12466734323.1395872398.e2e", ActionID: bot.ActionAsk, Text: "What about out of hours?",
			ThreadTS: root, ResponseURL: h.slack.ResponseURL("e2e-click"),
		}))
		r := h.slack.WaitCalls(t, 2, "chat.postMessage")[1]
		h.drain(t)
		if r.ThreadTS != root || !strings.Contains(firstCard(t, r), psychology) {
			t.Errorf("button follow-up in thread %q leads with %q; want thread %s and %q", r.ThreadTS, firstCard(t, r), root, psychology)
		}
	})
	t.Run("follow-up button on a slash command's private answer", func(t *testing.T) {
		h, _ := newEndToEnd(t, redistest.Shared(t))
		h.command(t, first, "trig-e2e-cmd")
		answer := h.slack.WaitCalls(t, 1, "response_url")[0]
		if !strings.Contains(firstCard(t, answer), psychology) || !strings.Contains(string(answer.Blocks), `"value":"What about out of hours?"`) {
			t.Fatalf("the command's answer leads with %q and offers no out-of-hours follow-up:\n%s", firstCard(t, answer), answer.Blocks)
		}
		// The answer was ephemeral and in no thread, as was the command.
		h.interaction(t, mustPayload(t, "block_actions", payload{
			EventID: "12466734323.1395872398.e2ecmd", ActionID: bot.ActionAsk, Text: "What about out of hours?",
			Ephemeral: true, ResponseURL: h.slack.ResponseURL("e2e-cmd-click"),
		}))
		r := h.slack.WaitCalls(t, 2, "response_url")[1]
		h.drain(t)
		if card := firstCard(t, r); r.ResponseType != "ephemeral" || !strings.Contains(card, psychology) {
			t.Errorf("button follow-up (%s) leads with %q, want %q privately", r.ResponseType, card, psychology)
		}
	})
	t.Run("without context", func(t *testing.T) {
		h, _ := newEndToEnd(t, redistest.Shared(t))
		ask(t, h, "Ev0E2E0321")
		// The same words in a direct message: another conversation.
		h.event(t, mustPayload(t, "message_im", payload{EventID: "Ev0E2E0322", Text: followUp, TS: "1700000060.000200"}))
		r := h.slack.WaitCalls(t, 2, "chat.postMessage")[1]
		h.drain(t)
		if card := firstCard(t, r); r.Channel != dmID || !strings.Contains(card, outOfHours) {
			t.Errorf("in another conversation %q leads with %q, want %q", followUp, card, outOfHours)
		}
	})
}

// TestEndToEndContextIsPerPersonAndThread: in a channel, context belongs to
// one practitioner's thread. After "how do I book a psychology
// consultation?", "what about out of hours?" asked in the same thread by the
// same practitioner leads with booking psychology; asked by someone else in
// the channel, even in that thread, or by the same practitioner in another
// thread, it leads with the Prevent out-of-hours process, as it does when
// nothing was asked before.
func TestEndToEndContextIsPerPersonAndThread(t *testing.T) {
	kb, err := sampleKnowledge()
	if err != nil {
		t.Fatal(err)
	}
	title := func(id string) string {
		d, err := kb.Document(id)
		if err != nil {
			t.Fatal(err)
		}
		return d.Title
	}
	psychology, outOfHours := title("wv-book-psychology"), title("wv-prevent-out-of-hours")
	const (
		root     = "1700000000.000100" // the first question, at the top of the channel
		ts       = "1700000060.000200" // the follow-up
		other    = "U0CTX2ND1"         // another practitioner in the channel
		first    = "how do I book a psychology consultation?"
		followUp = "what about out of hours?"
	)
	// key is the context of user's thread in the channel.
	key := func(user, thread string) string {
		return bot.Message{Platform: bot.PlatformSlack, TeamID: teamID, ConversationID: channelID,
			Shared: true, ThreadID: thread, UserID: user}.ConversationKey()
	}
	cases := []struct {
		name       string
		alone      bool    // nothing asked before the follow-up
		p          payload // the follow-up's mention: who, where
		wantThread string  // the follow-up's answer is in this thread
		want       string  // and its first card has this title
	}{
		{"same practitioner in the reply's thread", false, payload{TS: ts, ThreadTS: root}, root, psychology},
		{"nothing asked before", true, payload{TS: ts}, ts, outOfHours},
		{"another practitioner in the same thread", false, payload{User: other, TS: ts, ThreadTS: root}, root, outOfHours},
		{"another practitioner at the top of the channel", false, payload{User: other, TS: ts}, ts, outOfHours},
		{"same practitioner at the top of the channel", false, payload{TS: ts}, ts, outOfHours},
		{"same practitioner in another thread", false, payload{TS: ts, ThreadTS: "1700000030.000300"}, "1700000030.000300", outOfHours},
	}
	if psychology == outOfHours {
		t.Fatalf("both answers lead with %q: the test cannot tell context from none", psychology)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, store := newEndToEnd(t, redistest.Shared(t))
			replies := 0
			if !c.alone {
				h.event(t, mention(t, "Ev0CTX0001", first, root, ""))
				r := h.slack.WaitCalls(t, 1, "chat.postMessage")[0]
				if card := firstCard(t, r); r.ThreadTS != root || !strings.Contains(card, psychology) {
					t.Fatalf("first question answered in thread %q leading with %q, want thread %s and %q", r.ThreadTS, card, root, psychology)
				}
				replies++
			}
			c.p.EventID, c.p.Text = "Ev0CTX0002", "<@U0LAN0Z89> "+followUp
			h.event(t, mustPayload(t, "app_mention", c.p))
			r := h.slack.WaitCalls(t, replies+1, "chat.postMessage")[replies]
			h.drain(t)
			if r.Channel != channelID || r.ThreadTS != c.wantThread {
				t.Errorf("follow-up answered in %s thread %q, want %s thread %s", r.Channel, r.ThreadTS, channelID, c.wantThread)
			}
			if card := firstCard(t, r); !strings.Contains(card, c.want) {
				t.Errorf("follow-up leads with %q, want %q", card, c.want)
			}

			// Redis: the first question's context grew only with its own
			// follow-up; nothing is kept for the channel as a whole.
			conv := func(key string) string {
				t.Helper()
				cv, err := store.Conversation(context.Background(), key)
				if err != nil {
					t.Fatal(err)
				}
				return cv.LastQuestion
			}
			switch asked := conv(key(userID, root)); {
			case c.alone:
			case c.want == psychology && (!strings.Contains(asked, first) || !strings.Contains(asked, followUp)):
				t.Errorf("the thread's context is %q, want both questions", asked)
			case c.want != psychology && asked != first:
				t.Errorf("the first thread's context is %q, want only %q", asked, first)
			}
			if whole := conv(bot.Message{Platform: bot.PlatformSlack, TeamID: teamID, ConversationID: channelID}.ConversationKey()); whole != "" {
				t.Errorf("context %q kept for the whole channel", whole)
			}
		})
	}
}

// firstCard returns the text of a reply's first answer card: the first
// section that starts with a linked title.
func firstCard(t *testing.T, c apiCall) string {
	t.Helper()
	var blocks []struct {
		Type string `json:"type"`
		Text struct {
			Text string `json:"text"`
		} `json:"text"`
	}
	if err := json.Unmarshal(c.Blocks, &blocks); err != nil {
		t.Fatal(err)
	}
	for _, b := range blocks {
		if b.Type == "section" && strings.HasPrefix(b.Text.Text, "*<") {
			return b.Text.Text
		}
	}
	return ""
}

// TestEndToEndRedisOutage stops Redis in the middle: answers continue (with
// a notice), the App Home says the area is unknown, and once Redis is back
// the area can be set and is shown again.
func TestEndToEndRedisOutage(t *testing.T) {
	srv := redistest.Start(t)
	h, store := newEndToEnd(t, srv)
	userKey := bot.Message{Platform: bot.PlatformSlack, TeamID: teamID, UserID: userID}.UserKey()
	replies := 0
	expect := func(methods ...string) apiCall {
		t.Helper()
		replies++
		return h.slack.WaitCalls(t, replies, "chat.postMessage", "chat.postEphemeral", "response_url")[replies-1]
	}

	h.command(t, "area Wyvern Vale", "trig-area-1")
	if r := expect(); !strings.HasPrefix(r.Text, "Done") {
		t.Fatalf("setting the area: %+v", r)
	}

	srv.Stop(t)
	h.event(t, mention(t, "Ev0E2E0401", "who is the LADO?", "1700000000.000100", ""))
	r := expect()
	if r.Method != "chat.postMessage" || r.ThreadTS != "1700000000.000100" || !strings.Contains(string(r.Blocks), "*Phone*") {
		t.Errorf("during the outage, reply %+v %s: want the LADO card in the thread", r, r.Blocks)
	}
	if !strings.Contains(string(r.Blocks), "Conversation memory is unavailable") {
		t.Errorf("during the outage the reply does not say memory is unavailable:\n%s", r.Blocks)
	}
	h.event(t, mustPayload(t, "app_home_opened", payload{EventID: "Ev0E2E0402", Text: "home"}))
	views := h.slack.WaitCalls(t, 1, "views.publish")
	if !strings.Contains(string(views[0].Blocks), "can't reach your saved settings") {
		t.Errorf("App Home during the outage:\n%s", views[0].Blocks)
	}
	if !strings.Contains(h.logs.String(), "cannot de-duplicate") {
		t.Error("the de-duplication outage is not logged")
	}

	srv.Start(t) // empty: the area set before the outage is gone
	deadline := time.Now().Add(20 * time.Second)
	for i := 2; ; i++ {
		h.command(t, "area Wyvern Vale", fmt.Sprintf("trig-area-%d", i))
		r := expect()
		if strings.HasPrefix(r.Text, "Done") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("setting the area did not recover after Redis restarted: %+v", r)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if p, err := store.Profile(context.Background(), userKey); err != nil || p.Area != "Wyvern Vale" {
		t.Errorf("profile after recovery: %+v, %v", p, err)
	}
	h.event(t, mustPayload(t, "app_home_opened", payload{EventID: "Ev0E2E0403", Text: "home"}))
	views = h.slack.WaitCalls(t, 2, "views.publish")
	if !strings.Contains(string(views[1].Blocks), "*Your area:* Wyvern Vale") {
		t.Errorf("App Home after recovery:\n%s", views[1].Blocks)
	}
	h.event(t, mention(t, "Ev0E2E0404", "who is the LADO?", "1700000100.000100", ""))
	r = expect()
	if strings.Contains(string(r.Blocks), "Conversation memory is unavailable") {
		t.Errorf("after recovery the reply still says memory is unavailable:\n%s", r.Blocks)
	}
	h.drain(t)
}

// TestEndToEndActNowFlagsAStaleContact: a question describing immediate
// risk gets the act-now box first; a contact in it that is past its review
// date says so, and who keeps it, there and on its card.
func TestEndToEndActNowFlagsAStaleContact(t *testing.T) {
	h, _ := newEndToEnd(t, redistest.Shared(t))
	h.event(t, mention(t, "Ev0E2E0ACT", "a boy says he will stab someone at school tomorrow and has a knife, what do I do", "1700000000.000200", ""))
	h.slack.WaitCalls(t, 1, "chat.postMessage")
	h.drain(t)
	replies := h.slack.Replies()
	if len(replies) != 1 {
		t.Fatalf("%d replies, want 1: %+v", len(replies), replies)
	}
	blocks := string(replies[0].Blocks)
	for _, want := range []string{"call <tel:999|999> now", "Police Prevent: ", "Past its review date (due 15 October 2026): check these details with"} {
		if !strings.Contains(blocks, want) {
			t.Errorf("blocks lack %q:\n%s", want, blocks)
		}
	}
	golden(t, "e2e_act_now", mustJSON(t, map[string]any{"text": replies[0].Text, "blocks": withoutRef(t, replies[0].Blocks)}))
}
