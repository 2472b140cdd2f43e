package slack_test

import (
	"cmp"
	"reflect"
	"testing"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// TestButtonsBecomeActions presses the buttons of a reply: the Action
// carries the button's action_id (without the suffix that keeps ids
// unique) and value, and the answer goes to the thread of the message, or
// privately when the message was ephemeral.
func TestButtonsBecomeActions(t *testing.T) {
	const thread = "1700000000.000100"
	cases := []struct {
		name       string
		actionID   string
		value      string
		channel    string // channelID when empty
		threadTS   string // of the message carrying the button
		ephemeral  bool
		reply      bot.Reply
		want       bot.Action
		wantThread string // the Message's ThreadID
		wantShared bool
		wantVia    string
	}{
		{"follow-up", "ask#2", "What about out of hours?", "", thread, false, bot.Reply{Text: "Out of hours, call the EDT."},
			bot.Action{ID: bot.ActionAsk, Value: "What about out of hours?"}, thread, true, "chat.postMessage"},
		{"helpful", bot.ActionHelpful, "ref-1", "", thread, false, bot.Reply{Text: "Thank you: noted.", Ephemeral: true},
			bot.Action{ID: bot.ActionHelpful, Value: "ref-1"}, thread, true, "response_url"},
		{"consult on an ephemeral answer in a thread", "consult#2", "psychology", "", thread, true, bot.Reply{Text: "To book a consultation..."},
			bot.Action{ID: bot.ActionConsult, Value: "psychology"}, thread, true, "response_url"},
		// A slash command's answer: ephemeral and in no thread, as the
		// command was, so the follow-up has the command's context.
		{"follow-up on a slash command's answer", "ask", "What about out of hours?", "", "", true, bot.Reply{Text: "Out of hours, call the EDT."},
			bot.Action{ID: bot.ActionAsk, Value: "What about out of hours?"}, "", true, "response_url"},
		{"follow-up in a direct message", "ask", "What about out of hours?", dmID, thread, false, bot.Reply{Text: "Out of hours, call the EDT."},
			bot.Action{ID: bot.ActionAsk, Value: "What about out of hours?"}, thread, false, "chat.postMessage"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{reply: func(bot.Message) (bot.Reply, error) { return c.reply, nil }}
			h := newHarness(t, rec, mustStore(t, redistest.Shared(t)))
			h.interaction(t, mustPayload(t, "block_actions", payload{
				EventID: "12466734323.1395872398.ad6a48f0", ActionID: c.actionID, Text: c.value, Channel: c.channel,
				ThreadTS: c.threadTS, Ephemeral: c.ephemeral, ResponseURL: h.slack.ResponseURL("click"),
			}))
			h.drain(t)
			channel := cmp.Or(c.channel, channelID)
			want := bot.Message{Platform: "slack", ID: "12466734323.1395872398.ad6a48f0", TeamID: teamID,
				ConversationID: channel, ThreadID: c.wantThread, Shared: c.wantShared, UserID: userID, UserName: "sam.okafor", Action: &c.want}
			msgs := rec.Messages()
			if len(msgs) != 1 || !reflect.DeepEqual(msgs[0], want) {
				t.Fatalf("messages %+v, want [%+v] with action %+v", msgs, want, c.want)
			}
			replies := h.slack.Replies()
			if len(replies) != 1 || replies[0].Method != c.wantVia {
				t.Fatalf("replies %+v, want one by %s", replies, c.wantVia)
			}
			if r := replies[0]; r.Method == "chat.postMessage" && (r.Channel != channel || r.ThreadTS != c.wantThread) {
				t.Errorf("reply in %s thread %q, want %s thread %s", r.Channel, r.ThreadTS, channel, c.wantThread)
			}
			if r := replies[0]; r.Method == "response_url" && r.ResponseType != "ephemeral" {
				t.Errorf("response_type %q, want ephemeral", r.ResponseType)
			}
		})
	}
}

// TestViewSubmission: a modal's submission is answered in Slack's
// response, which clears the modal, and the handler gets the view's
// callback_id, private_metadata (not a form's own) and values by block_id;
// the answer goes by direct message.
func TestViewSubmission(t *testing.T) {
	rec := &recorder{reply: func(bot.Message) (bot.Reply, error) { return bot.Reply{Text: "Thank you.", Ephemeral: true}, nil }}
	h := newHarness(t, rec, mustStore(t, redistest.Shared(t)))
	resp := h.submit(t, mustPayload(t, "view_submission", payload{EventID: "trig-view", ActionID: "feedback_comment", Text: "The EDT number is out of date"}))
	if resp != `{"response_action":"clear"}`+"\n" {
		t.Fatalf("response %q, want the modal cleared", resp)
	}
	h.drain(t)
	// No conversation: Shared, so any context is the practitioner's own.
	want := bot.Message{Platform: "slack", ID: "trig-view", TeamID: teamID, Shared: true, UserID: userID, UserName: "sam.okafor",
		Action: &bot.Action{ID: "feedback_comment", Value: "ref-1234"}, Form: map[string]string{"comment": "The EDT number is out of date"}}
	if msgs := rec.Messages(); len(msgs) != 1 || !reflect.DeepEqual(msgs[0], want) {
		t.Fatalf("messages %+v, want [%+v]", msgs, want)
	}
	if replies := h.slack.Replies(); len(replies) != 1 || replies[0].Method != "chat.postMessage" || replies[0].Channel != userID {
		t.Errorf("replies %+v, want a direct message", replies)
	}
}
