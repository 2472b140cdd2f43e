package slack_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// TestCommandsBecomeMessages posts /waymark with each subcommand and checks
// the bot.Message and that the answer goes, privately, to the response_url.
func TestCommandsBecomeMessages(t *testing.T) {
	cases := []struct {
		text      string
		command   string
		args      string
		mentioned []bot.Person
	}{
		{"", bot.CmdHelp, "", nil},
		{"help", bot.CmdHelp, "", nil},
		{"area Wyvern Vale", bot.CmdArea, "Wyvern Vale", nil},
		{"AREA", bot.CmdArea, "", nil},
		{"ask who is the LADO?", bot.CmdAsk, "who is the LADO?", nil},
		{"contacts psychology", bot.CmdContacts, "psychology", nil},
		{"consult prevent", bot.CmdConsult, "prevent", nil},
		{"feedback the EDT number was out of date", bot.CmdFeedback, "the EDT number was out of date", nil},
		{"who is the LADO?", bot.CmdAsk, "who is the LADO?", nil},
		// Consultation commands are passed on whole: the engine tells a
		// command from a question that starts with the same word.
		{"my", "", "my", nil},
		{"reply WM-000001 can we talk at 3?", "", "reply WM-000001 can we talk at 3?", nil},
		{"Cancel WM-000001", "", "Cancel WM-000001", nil},
		{"handover WM-000001 <@U0PSY49>", "", "handover WM-000001 @U0PSY49", []bot.Person{{Platform: "slack", TeamID: teamID, UserID: "U0PSY49"}}},
		{"handover WM-000001 <@U0PSY49|dr.achebe>", "", "handover WM-000001 @dr.achebe", []bot.Person{{Platform: "slack", TeamID: teamID, UserID: "U0PSY49"}}},
		{"close WM-000001 advice given", "", "close WM-000001 advice given", nil},
		{"escalate", "", "escalate", nil},
		{"my 15 year old says he is flying to syria tomorrow", "", "my 15 year old says he is flying to syria tomorrow", nil},
		{"  what does &amp; mean  ", bot.CmdAsk, "what does & mean", nil},
	}
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			rec := &recorder{}
			h := newHarness(t, rec, mustStore(t, redistest.Shared(t)))
			h.command(t, c.text, "13345224609.738474920.8088930838d88f008e0")
			h.drain(t)
			want := bot.Message{Platform: "slack", ID: "13345224609.738474920.8088930838d88f008e0", TeamID: teamID,
				ConversationID: channelID, Shared: true, UserID: userID, UserName: "sam.okafor", Command: c.command, Text: c.args,
				Mentioned: c.mentioned}
			msgs := rec.Messages()
			if len(msgs) != 1 || !reflect.DeepEqual(msgs[0], want) {
				t.Fatalf("messages %+v, want [%+v]", msgs, want)
			}
			replies := h.slack.Replies()
			if len(replies) != 1 || replies[0].Method != "response_url" || replies[0].ResponseType != "ephemeral" ||
				!strings.HasSuffix(replies[0].Channel, "/response/13345224609.738474920.8088930838d88f008e0") {
				t.Errorf("replies %+v, want one ephemeral post to the response_url", replies)
			}
		})
	}
}

// TestCommandsShared: a slash command in a channel, private or public, is
// in a shared conversation; in a direct message with the app it is not.
// A slash command has no thread.
func TestCommandsShared(t *testing.T) {
	for _, c := range []struct {
		channel, name string
		shared        bool
	}{
		{channelID, "safeguarding-advice", true},
		{"G0PRIV0001", "privategroup", true},
		{dmID, "directmessage", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{}
			h := newHarness(t, rec, mustStore(t, redistest.Shared(t)))
			body := commandBodyIn(c.channel, c.name, "who is the LADO?", h.slack.ResponseURL("trig-shared"), "trig-shared")
			if code, resp := h.do(t, request{path: "/slack/commands", body: body, form: true}); code != 200 {
				t.Fatalf("status %d %s", code, resp)
			}
			h.drain(t)
			want := bot.Message{Platform: "slack", ID: "trig-shared", TeamID: teamID, ConversationID: c.channel, Shared: c.shared,
				UserID: userID, UserName: "sam.okafor", Command: bot.CmdAsk, Text: "who is the LADO?"}
			if msgs := rec.Messages(); len(msgs) != 1 || !reflect.DeepEqual(msgs[0], want) {
				t.Fatalf("messages %+v, want [%+v]", msgs, want)
			}
		})
	}
}

// TestCommandWithoutResponseURL falls back to chat.postEphemeral, and to a
// direct message when the app is not in the channel.
func TestCommandWithoutResponseURL(t *testing.T) {
	rec := &recorder{}
	h := newHarness(t, rec, mustStore(t, redistest.Shared(t)))
	h.slack.fail["chat.postEphemeral"] = "not_in_channel"
	body := commandBody("who is the LADO?", "", "trig-1")
	if code, resp := h.do(t, request{path: "/slack/commands", body: body, form: true}); code != 200 {
		t.Fatalf("status %d %s", code, resp)
	}
	h.drain(t)
	calls := h.slack.Calls()
	if len(calls) != 2 || calls[0].Method != "chat.postEphemeral" || calls[0].Channel != channelID || calls[0].User != userID ||
		calls[1].Method != "chat.postMessage" || calls[1].Channel != userID {
		t.Errorf("calls %+v, want chat.postEphemeral then a direct message", calls)
	}
}

// TestCommandQuestionStartingWithACommandWord: "/waymark my 15 year old
// says..." is a question, answered as one (an immediate risk, here), not
// the list of the practitioner's consultations.
func TestCommandQuestionStartingWithACommandWord(t *testing.T) {
	h, _ := newEndToEnd(t, redistest.Shared(t))
	h.command(t, "my 15 year old says he is flying to syria tomorrow to join the fighters", "trig-my-question")
	r := h.slack.WaitCalls(t, 1, "response_url")[0]
	h.drain(t)
	if b := string(r.Blocks); !strings.Contains(b, `"type":"header"`) || !strings.Contains(b, "call <tel:999|999> now") {
		t.Errorf("answer %s, want the act-now steps", b)
	}
}
