package slack_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/waymarkhq/waymark/internal/replytest"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// bookingForm is the booking form as the desk builds it.
func bookingForm() *bot.Form { return replytest.BookingForm() }

// formReply answers consult with the booking form, and everything else
// with thanks.
func formReply(m bot.Message) (bot.Reply, error) {
	if m.Command == bot.CmdConsult || (m.Action != nil && m.Action.ID == bot.ActionConsult) {
		return bot.Reply{Text: "Tell the specialist what you would like to talk through.", Form: bookingForm()}, nil
	}
	return bot.Reply{Text: "Thank you."}, nil
}

// view is the part of a views.open request the tests look at.
type view struct {
	Type            string `json:"type"`
	CallbackID      string `json:"callback_id"`
	PrivateMetadata string `json:"private_metadata"`
	Title           struct {
		Text string `json:"text"`
	} `json:"title"`
	Submit struct {
		Text string `json:"text"`
	} `json:"submit"`
	Blocks []struct {
		Type     string `json:"type"`
		BlockID  string `json:"block_id"`
		Optional bool   `json:"optional"`
		Element  struct {
			Type          string `json:"type"`
			ActionID      string `json:"action_id"`
			Multiline     bool   `json:"multiline"`
			MaxLength     int    `json:"max_length"`
			InitialValue  string `json:"initial_value"`
			InitialOption *struct {
				Value string `json:"value"`
			} `json:"initial_option"`
			Options []struct {
				Value string `json:"value"`
			} `json:"options"`
		} `json:"element"`
	} `json:"blocks"`
}

func mustView(tb testing.TB, c apiCall) view {
	tb.Helper()
	var v view
	if err := json.Unmarshal(c.View, &v); err != nil {
		tb.Fatalf("%v in %s", err, c.View)
	}
	return v
}

// inputs summarises a view's input blocks as "block_id:type" with
// markers: * required, ~ multiline, =initial.
func (v view) inputs() string {
	var out []string
	for _, b := range v.Blocks {
		s := b.BlockID + ":" + b.Element.Type
		if b.Element.ActionID != b.BlockID {
			s += "(action " + b.Element.ActionID + ")"
		}
		if !b.Optional {
			s += "*"
		}
		if b.Element.Multiline {
			s += "~"
		}
		if b.Element.InitialOption != nil {
			s += "=" + b.Element.InitialOption.Value
		}
		if b.Element.InitialValue != "" {
			s += "=" + b.Element.InitialValue
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

const bookingInputs = "specialism:static_select*=psychology urgency:static_select*=routine question:plain_text_input*~ area:plain_text_input=Wyvern Vale times:plain_text_input"

// TestFormOpensAsModal: a reply with a form, asked for with a trigger_id
// (a slash command, a button), opens as a modal with views.open; nothing is
// posted. Its private_metadata notes the conversation.
func TestFormOpensAsModal(t *testing.T) {
	for _, c := range []struct {
		name     string
		send     func(*harness)
		trigger  string
		wantMeta string
	}{
		{"slash command", func(h *harness) { h.command(t, "consult psychology", "trig-consult-cmd") },
			"trig-consult-cmd", `{"channel":"C0LAN2Q65"}`},
		{"Book button in a thread", func(h *harness) {
			h.interaction(t, mustPayload(t, "block_actions", payload{EventID: "trig-consult-click", ActionID: "consult#2", Text: "psychology",
				ThreadTS: "1700000000.000100", ResponseURL: h.slack.ResponseURL("consult-click")}))
		}, "trig-consult-click", `{"channel":"C0LAN2Q65","thread":"1700000000.000100"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{reply: formReply}
			h := newHarness(t, rec, mustStore(t, redistest.Shared(t)))
			c.send(h)
			h.drain(t)
			opened := h.slack.Calls("views.open")
			if len(opened) != 1 || opened[0].Trigger != c.trigger || opened[0].Text != bot.ActionBook {
				t.Fatalf("views.open calls %+v, want one with trigger %s and callback_id %s", opened, c.trigger, bot.ActionBook)
			}
			v := mustView(t, opened[0])
			if v.Type != "modal" || v.Title.Text != "Book a consultation" || v.Submit.Text != "Send request" || v.PrivateMetadata != c.wantMeta {
				t.Errorf("view %+v, want the booking modal with metadata %s", v, c.wantMeta)
			}
			if got := v.inputs(); got != bookingInputs {
				t.Errorf("inputs\n got %s\nwant %s", got, bookingInputs)
			}
			if r := h.slack.Replies(); len(r) != 0 {
				t.Errorf("replies %+v, want none: the modal is the answer", r)
			}
		})
	}
}

// TestFormWithoutModal: without a trigger_id (a direct message), or when
// views.open fails (the trigger expired), the reply is posted with a
// button that opens the form, carrying its specialism.
func TestFormWithoutModal(t *testing.T) {
	t.Run("direct message", func(t *testing.T) {
		h := newHarness(t, &recorder{reply: func(m bot.Message) (bot.Reply, error) {
			m.Command = bot.CmdConsult
			return formReply(m)
		}}, mustStore(t, redistest.Shared(t)))
		h.event(t, mustPayload(t, "message_im", payload{EventID: "Ev0FRM0001", Text: "consult psychology", TS: "1700000000.000100"}))
		h.drain(t)
		checkFormButton(t, h, "chat.postMessage")
	})
	t.Run("expired trigger", func(t *testing.T) {
		h := newHarness(t, &recorder{reply: formReply}, mustStore(t, redistest.Shared(t)))
		h.slack.fail["views.open"] = "expired_trigger_id"
		h.command(t, "consult", "trig-expired")
		h.drain(t)
		if n := len(h.slack.Calls("views.open")); n != 1 {
			t.Errorf("%d views.open calls, want 1", n)
		}
		checkFormButton(t, h, "response_url")
		if !strings.Contains(h.logs.String(), "opening the form failed") {
			t.Error("the failed views.open is not logged")
		}
	})
}

func checkFormButton(t *testing.T, h *harness, via string) {
	t.Helper()
	replies := h.slack.Replies()
	if len(replies) != 1 || replies[0].Method != via {
		t.Fatalf("replies %+v, want one by %s", replies, via)
	}
	b := string(replies[0].Blocks)
	for _, want := range []string{"Tell the specialist", `"action_id":"consult"`, `"value":"psychology"`, "Open the booking form"} {
		if !strings.Contains(b, want) {
			t.Errorf("blocks lack %s:\n%s", want, b)
		}
	}
}

// bookingSubmission is the booking form submitted with a question, from
// the form opened in #safeguarding-advice.
func bookingSubmission(tb testing.TB, triggerID, question string) []byte {
	return mustPayload(tb, "view_submission_booking", payload{EventID: triggerID, Meta: `{"channel":"C0LAN2Q65","thread":"1700000000.000100"}`,
		Form: map[string]string{"specialism": "psychology", "urgency": "urgent", "question": question, "area": "Wyvern Vale"}})
}

// TestBookingSubmissionBecomesMessage: the values of a submitted form reach
// the handler by field name (the empty optional one as ""), in the
// conversation the form was opened from; the modal is cleared and the
// answer goes by direct message.
func TestBookingSubmissionBecomesMessage(t *testing.T) {
	rec := &recorder{reply: func(bot.Message) (bot.Reply, error) {
		return bot.Reply{Text: "Request WM-000042 is with the psychology specialists."}, nil
	}}
	h := newHarness(t, rec, mustStore(t, redistest.Shared(t)))
	resp := h.submit(t, bookingSubmission(t, "trig-book", "how do I talk to a 13 year old about what he saw online?"))
	if resp != `{"response_action":"clear"}`+"\n" {
		t.Errorf("response %q, want the modal cleared", resp)
	}
	h.drain(t)
	want := bot.Message{Platform: "slack", ID: "trig-book", TeamID: teamID, ConversationID: channelID, ThreadID: "1700000000.000100", Shared: true,
		UserID: userID, UserName: "sam.okafor", Action: &bot.Action{ID: bot.ActionBook},
		Form: map[string]string{"specialism": "psychology", "urgency": "urgent", "question": "how do I talk to a 13 year old about what he saw online?", "area": "Wyvern Vale", "times": ""}}
	if msgs := rec.Messages(); len(msgs) != 1 || !reflect.DeepEqual(msgs[0], want) {
		t.Fatalf("messages\n got %+v\nwant %+v", msgs, want)
	}
	if r := h.slack.Replies(); len(r) != 1 || r[0].Method != "chat.postMessage" || r[0].Channel != userID || !strings.Contains(r[0].Text, "WM-000042") {
		t.Errorf("replies %+v, want the confirmation by direct message", r)
	}
}

// TestSubmissionOutcomes: what becomes of the modal, and what is posted,
// for each kind of answer.
func TestSubmissionOutcomes(t *testing.T) {
	for _, c := range []struct {
		name     string
		err      error
		wantResp string
		wantDM   string // "" for no direct message
	}{
		{"refused as invalid: the reason in the modal",
			bot.Errorf(bot.EInvalid, "Your request included a date of birth, so I have not sent or kept it."),
			`{"response_action":"errors","errors":{"question":"Your request included a date of birth, so I have not sent or kept it."}}` + "\n", ""},
		{"refused otherwise: closed, the reason by direct message",
			bot.Errorf(bot.EForbidden, "Only practitioners can book."), `{"response_action":"clear"}` + "\n", "Only practitioners can book."},
		{"failed: kept open with the words, to send again",
			bot.Errorf(bot.EUnavailable, "Consultations are unavailable just now."),
			`{"response_action":"errors","errors":{"question":"This did not go through just now; your words are still here. Please press Send again in a minute."}}` + "\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, &recorder{reply: func(bot.Message) (bot.Reply, error) { return bot.Reply{}, c.err }}, mustStore(t, redistest.Shared(t)))
			if resp := h.submit(t, bookingSubmission(t, "trig-outcome", "a question")); resp != c.wantResp {
				t.Errorf("response %q, want %q", resp, c.wantResp)
			}
			h.drain(t)
			replies := h.slack.Replies()
			switch {
			case c.wantDM == "" && len(replies) != 0:
				t.Errorf("replies %+v, want none", replies)
			case c.wantDM != "" && (len(replies) != 1 || replies[0].Channel != userID || replies[0].Text != c.wantDM):
				t.Errorf("replies %+v, want a direct message %q", replies, c.wantDM)
			}
		})
	}
}

// TestSlowSubmission: a handler still working when Slack must be answered
// does not keep the modal waiting: it is cleared, and the handler's answer,
// even a refusal, follows by direct message when it comes.
func TestSlowSubmission(t *testing.T) {
	release := make(chan struct{})
	rec := &recorder{reply: func(bot.Message) (bot.Reply, error) {
		<-release
		return bot.Reply{}, bot.Errorf(bot.EInvalid, "Please write your question.")
	}}
	h := newHarness(t, rec, mustStore(t, redistest.Shared(t)))
	if resp := h.submit(t, bookingSubmission(t, "trig-slow", "")); resp != `{"response_action":"clear"}`+"\n" {
		t.Errorf("response %q, want the modal cleared", resp)
	}
	if r := h.slack.Replies(); len(r) != 0 {
		t.Fatalf("replies %+v before the handler answered", r)
	}
	close(release)
	h.drain(t)
	if r := h.slack.Replies(); len(r) != 1 || r[0].Channel != userID || r[0].Text != "Please write your question." {
		t.Errorf("replies %+v, want the refusal by direct message", r)
	}
}

// TestSubmissionAfterClose: a closing adapter tells Slack to try again.
func TestSubmissionAfterClose(t *testing.T) {
	rec := &recorder{}
	h := newHarness(t, rec, mustStore(t, redistest.Shared(t)))
	h.drain(t)
	if code, _ := h.do(t, request{path: "/slack/interactions", body: interactionBody(bookingSubmission(t, "trig-closed", "q")), form: true}); code != 503 {
		t.Errorf("status %d, want 503", code)
	}
	if n := len(rec.Messages()); n != 0 {
		t.Errorf("the handler got %d messages after Close", n)
	}
}

// TestFormLaneDoesNotWaitForTheQueue: with every worker busy (Slack holds
// their posts), a Book button still opens its modal.
func TestFormLaneDoesNotWaitForTheQueue(t *testing.T) {
	h := newHarness(t, &recorder{reply: formReply}, mustStore(t, redistest.Shared(t)))
	release := h.slack.Hold(t)
	h.event(t, mention(t, "Ev0LANE001", "who is the LADO?", "1700000000.000100", ""))
	h.event(t, mention(t, "Ev0LANE002", "who is the LADO?", "1700000000.000200", ""))
	h.slack.WaitCalls(t, 2, "chat.postMessage") // both workers are posting, and held
	h.interaction(t, mustPayload(t, "block_actions", payload{EventID: "trig-lane", ActionID: bot.ActionConsult, Text: "psychology",
		ResponseURL: h.slack.ResponseURL("lane")}))
	if opened := h.slack.WaitCalls(t, 1, "views.open"); opened[0].Trigger != "trig-lane" {
		t.Errorf("views.open %+v", opened)
	}
	release()
	h.drain(t)
}
