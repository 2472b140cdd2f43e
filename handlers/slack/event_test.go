package slack_test

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers/metrics"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// TestEventsBecomeMessages feeds recorded Events API payloads and checks the
// bot.Message the handler gets and where the reply is posted. Shared is
// true in channels (C, G) and false in a direct message with the app (D,
// channel_type im); ThreadID is the thread the reply goes to, so a
// follow-up in it has the question's ThreadID.
func TestEventsBecomeMessages(t *testing.T) {
	cases := []struct {
		name       string
		file       string
		p          payload
		want       bot.Message
		wantThread string // thread_ts of the reply
		wantIn     string // channel of the reply
	}{
		{
			name: "mention in a channel starts a thread under the question",
			file: "app_mention",
			p:    payload{EventID: "Ev0MAP0001", Text: "<@U0LAN0Z89> who is the LADO?", TS: "1700000000.000100"},
			want: bot.Message{Platform: "slack", ID: "Ev0MAP0001", TeamID: teamID, ConversationID: channelID,
				ThreadID: "1700000000.000100", Shared: true, UserID: userID, Text: "who is the LADO?"},
			wantThread: "1700000000.000100", wantIn: channelID,
		},
		{
			name: "mention inside a thread answers in that thread",
			file: "app_mention",
			p:    payload{EventID: "Ev0MAP0002", Text: "<@U0LAN0Z89> what about out of hours?", TS: "1700000050.000200", ThreadTS: "1700000000.000100"},
			want: bot.Message{Platform: "slack", ID: "Ev0MAP0002", TeamID: teamID, ConversationID: channelID,
				ThreadID: "1700000000.000100", Shared: true, UserID: userID, Text: "what about out of hours?"},
			wantThread: "1700000000.000100", wantIn: channelID,
		},
		{
			name: "mention in the middle, Slack markup and entities",
			file: "app_mention",
			p:    payload{EventID: "Ev0MAP0003", Text: "hi <@U0LAN0Z89>, does &lt;this&gt; apply to <#C0KEST01|kestrel> &amp; <https://wyvernvale.example/mash|the MASH>? cc <@U0OTHER1>", TS: "1700000000.000300"},
			want: bot.Message{Platform: "slack", ID: "Ev0MAP0003", TeamID: teamID, ConversationID: channelID,
				ThreadID: "1700000000.000300", Shared: true, UserID: userID, Text: "hi, does <this> apply to #kestrel & the MASH? cc @U0OTHER1",
				// The other person mentioned, not the app's bot user.
				Mentioned: []bot.Person{{Platform: "slack", TeamID: teamID, UserID: "U0OTHER1"}}},
			wantThread: "1700000000.000300", wantIn: channelID,
		},
		{
			name: "mention by another practitioner in the same thread",
			file: "app_mention",
			p:    payload{EventID: "Ev0MAP0006", User: "U0CTX2ND1", Text: "<@U0LAN0Z89> what about out of hours?", TS: "1700000050.000200", ThreadTS: "1700000000.000100"},
			want: bot.Message{Platform: "slack", ID: "Ev0MAP0006", TeamID: teamID, ConversationID: channelID,
				ThreadID: "1700000000.000100", Shared: true, UserID: "U0CTX2ND1", Text: "what about out of hours?"},
			wantThread: "1700000000.000100", wantIn: channelID,
		},
		{
			name: "mention in a private channel",
			file: "app_mention",
			p:    payload{EventID: "Ev0MAP0007", Channel: "G0PRIV0001", Text: "<@U0LAN0Z89> who is the LADO?", TS: "1700000000.000700"},
			want: bot.Message{Platform: "slack", ID: "Ev0MAP0007", TeamID: teamID, ConversationID: "G0PRIV0001",
				ThreadID: "1700000000.000700", Shared: true, UserID: userID, Text: "who is the LADO?"},
			wantThread: "1700000000.000700", wantIn: "G0PRIV0001",
		},
		{
			name: "mention in a direct message with the app",
			file: "app_mention",
			p:    payload{EventID: "Ev0MAP0008", Channel: dmID, Text: "<@U0LAN0Z89> who is the LADO?", TS: "1700000000.000800"},
			want: bot.Message{Platform: "slack", ID: "Ev0MAP0008", TeamID: teamID, ConversationID: dmID,
				ThreadID: "1700000000.000800", UserID: userID, Text: "who is the LADO?"},
			wantThread: "1700000000.000800", wantIn: dmID,
		},
		{
			name: "direct message",
			file: "message_im",
			p:    payload{EventID: "Ev0MAP0004", Text: "how do I make a prevent referral?", TS: "1700000000.000400"},
			want: bot.Message{Platform: "slack", ID: "Ev0MAP0004", TeamID: teamID, ConversationID: dmID,
				ThreadID: "1700000000.000400", UserID: userID, Text: "how do I make a prevent referral?"},
			wantThread: "1700000000.000400", wantIn: dmID,
		},
		{
			name: "direct message in a thread",
			file: "message_im",
			p:    payload{EventID: "Ev0MAP0009", Text: "what about out of hours?", TS: "1700000060.000900", ThreadTS: "1700000000.000400"},
			want: bot.Message{Platform: "slack", ID: "Ev0MAP0009", TeamID: teamID, ConversationID: dmID,
				ThreadID: "1700000000.000400", UserID: userID, Text: "what about out of hours?"},
			wantThread: "1700000000.000400", wantIn: dmID,
		},
		{
			name: "help in a direct message is the help command",
			file: "message_im",
			p:    payload{EventID: "Ev0MAP0005", Text: "Help", TS: "1700000000.000500"},
			want: bot.Message{Platform: "slack", ID: "Ev0MAP0005", TeamID: teamID, ConversationID: dmID,
				ThreadID: "1700000000.000500", UserID: userID, Command: bot.CmdHelp},
			wantThread: "1700000000.000500", wantIn: dmID,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{}
			h := newHarness(t, rec, mustStore(t, redistest.Shared(t)))
			h.event(t, mustPayload(t, c.file, c.p))
			h.drain(t)
			msgs := rec.Messages()
			if len(msgs) != 1 {
				t.Fatalf("handler got %d messages, want 1", len(msgs))
			}
			// An event names no one: the adapter asks users.info.
			if c.want.UserName == "" {
				c.want.UserName = slackName(c.want.UserID)
			}
			if !reflect.DeepEqual(msgs[0], c.want) {
				t.Errorf("message\n got %+v\nwant %+v", msgs[0], c.want)
			}
			if got := msgs[0].UserKey(); got != "slack:"+teamID+":"+c.want.UserID {
				t.Errorf("UserKey = %q", got)
			}
			posts := h.slack.Replies()
			if len(posts) != 1 || posts[0].Method != "chat.postMessage" {
				t.Fatalf("replies %+v, want one chat.postMessage", posts)
			}
			if posts[0].Channel != c.wantIn || posts[0].ThreadTS != c.wantThread {
				t.Errorf("reply in %s thread %q, want %s thread %q", posts[0].Channel, posts[0].ThreadTS, c.wantIn, c.wantThread)
			}
			if posts[0].Text != "Here is what Wyvern Vale's guidance says:" || len(posts[0].Blocks) == 0 {
				t.Errorf("reply text %q, blocks %s", posts[0].Text, posts[0].Blocks)
			}
			if strings.Contains(h.logs.String(), c.p.Text) {
				t.Errorf("logs carry the message text:\n%s", h.logs.String())
			}
		})
	}
}

// TestEventsIgnored: the bot never answers itself, other bots, edits or
// channel messages without a mention, and acknowledges events it does not
// handle.
func TestEventsIgnored(t *testing.T) {
	cases := []struct {
		name string
		file string
		p    payload
	}{
		{"its own reply in a DM", "message_im_own_reply", payload{EventID: "Ev0IGN0001", Text: "Here is what Wyvern Vale's guidance says:", TS: "1700000000.000100"}},
		{"another bot's message", "message_im_bot_message", payload{EventID: "Ev0IGN0002", Text: "Reminder: supervision at 3pm"}},
		{"an edited message", "message_im_changed", payload{EventID: "Ev0IGN0003", Text: "who is the LADO now?", TS: "1700000000.000100"}},
		{"a channel message without a mention", "message_channel", payload{EventID: "Ev0IGN0004", Text: "who is the LADO?", TS: "1700000000.000100"}},
		{"the Messages tab opened", "app_home_opened", payload{EventID: "Ev0IGN0005", Text: "messages"}},
		{"a reaction", "reaction_added", payload{EventID: "Ev0IGN0006", TS: "1700000000.000100"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{}
			store := mustStore(t, redistest.Shared(t))
			h := newHarness(t, rec, store)
			h.event(t, mustPayload(t, c.file, c.p))
			h.drain(t)
			if n := len(rec.Messages()); n != 0 {
				t.Errorf("handler called %d times", n)
			}
			if calls := h.slack.Calls(); len(calls) != 0 {
				t.Errorf("Web API called: %+v", calls)
			}
			if keys := storedKeys(t, store); len(keys) != 0 {
				t.Errorf("an ignored event left keys in Redis: %v", keys)
			}
		})
	}
}

// TestMalformedEvent: a signed body that is not JSON is a 400, not a crash.
func TestMalformedEvent(t *testing.T) {
	h, store := newEndToEnd(t, redistest.Shared(t))
	if code, _ := h.do(t, request{path: "/slack/events", body: []byte(`{"type":"event_callback","event":`)}); code != http.StatusBadRequest {
		t.Errorf("status %d, want 400", code)
	}
	h.drain(t)
	if calls, keys := h.slack.Calls(), storedKeys(t, store); len(calls) != 0 || len(keys) != 0 {
		t.Errorf("a malformed event was processed: calls %+v, keys %v", calls, keys)
	}
}

// Slack's events name no one: the adapter asks users.info once per user
// and remembers, so that the desk can name them where a mention cannot
// render; without the scope, the message is still answered.
func TestDisplayNamesLookedUpOnce(t *testing.T) {
	rec := &recorder{}
	h := newHarness(t, rec, mustStore(t, redistest.Shared(t)))
	h.event(t, mustPayload(t, "message_im", payload{EventID: "Ev0NAME001", Text: "who is the LADO", TS: "1700000000.000700"}))
	h.event(t, mustPayload(t, "message_im", payload{EventID: "Ev0NAME002", Text: "and out of hours", TS: "1700000000.000800"}))
	h.drain(t)
	msgs := rec.Messages()
	if len(msgs) != 2 || msgs[0].UserName != slackName(userID) || msgs[1].UserName != slackName(userID) {
		t.Fatalf("messages %+v, want both named %q", msgs, slackName(userID))
	}
	if n := len(h.slack.Calls("users.info")); n != 1 {
		t.Errorf("users.info called %d times for one user, want once", n)
	}

	rec2 := &recorder{}
	h2 := newHarness(t, rec2, mustStore(t, redistest.Shared(t)))
	h2.slack.fail["users.info"] = "missing_scope"
	h2.event(t, mustPayload(t, "message_im", payload{EventID: "Ev0NAME003", Text: "who is the LADO", TS: "1700000000.000900"}))
	h2.drain(t)
	if msgs := rec2.Messages(); len(msgs) != 1 || msgs[0].UserName != "" {
		t.Errorf("without users:read: %+v, want the message answered, unnamed", msgs)
	}
}

// TestUndeliveredReplyCounted: a reply Slack refuses to post is logged
// with the reason and counted in the metrics.
func TestUndeliveredReplyCounted(t *testing.T) {
	rec := &recorder{reply: func(bot.Message) (bot.Reply, error) { return bot.Reply{Text: "The LADO is on 01632 961250."}, nil }}
	h := newHarness(t, rec, mustStore(t, redistest.Shared(t)))
	m := metrics.New()
	h.adapter.CountUndelivered(m)
	h.slack.fail["chat.postMessage"] = "channel_not_found"
	h.event(t, mention(t, "EvUNDELIVERED1", "who is the LADO?", "1700000000.000100", ""))
	h.drain(t)
	rr := httptest.NewRecorder()
	m.Handler().ServeHTTP(rr, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if !strings.Contains(rr.Body.String(), `waymark_replies_undelivered_total{platform="slack"} 1`) {
		t.Errorf("the refused reply is not counted:\n%s", rr.Body.String())
	}
	if !strings.Contains(h.logs.String(), "channel_not_found") {
		t.Errorf("the reason is not logged:\n%s", h.logs.String())
	}
}
