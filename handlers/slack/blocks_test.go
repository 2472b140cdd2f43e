package slack_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/waymarkhq/waymark/internal/replytest"

	slackapi "github.com/slack-go/slack"

	"github.com/waymarkhq/waymark/bot"
	wslack "github.com/waymarkhq/waymark/handlers/slack"
)

func date(s string) time.Time { return replytest.Date(s) }

// fullReply uses every field of a Reply.
func fullReply() bot.Reply { return replytest.Full() }

// limitsReply goes over every Slack limit.
func limitsReply() bot.Reply {
	r := bot.Reply{
		Text:    strings.Repeat("Long text & more. ", 300),
		Notices: []bot.Notice{{Kind: bot.NoticeActNow, Title: strings.Repeat("Urgent ", 40), Text: strings.Repeat("Call 999. ", 400)}},
	}
	for i := range 60 {
		r.Answers = append(r.Answers, bot.AnswerCard{
			DocID: fmt.Sprintf("doc-%d", i), Title: fmt.Sprintf("Document %d", i), Kind: bot.KindProcess, Area: "Wyvern Vale",
			Snippet: strings.Repeat("**word** <tag> & ", 300), URL: "https://wyvernvale.example/doc", Reviewed: date("2026-01-01"),
		})
	}
	for i := range 30 {
		r.Buttons = append(r.Buttons, bot.Button{ActionID: bot.ActionConsult, Label: strings.Repeat("Book ", 30), Value: strings.Repeat("v", 2500+i)})
	}
	r.FollowUps = []string{strings.Repeat("What about out of hours? ", 120)}
	return r
}

func TestBlocksGolden(t *testing.T) {
	for _, c := range []struct {
		name  string
		reply bot.Reply
	}{
		{"reply_full", fullReply()},
		{"reply_act_now", bot.Reply{
			Notices: []bot.Notice{{Kind: bot.NoticeActNow, Title: "This sounds urgent: act now", Text: "If a child is in immediate danger, call 999 now."}},
			Text:    "Here is what Wyvern Vale's guidance says:",
			Answers: []bot.AnswerCard{{DocID: "wv-immediate-risk", Title: "Immediate risk procedure", Kind: bot.KindProcess, Area: "Wyvern Vale", Snippet: "Call **999**.", URL: "https://wyvernvale.example/immediate-risk"}},
		}},
		{"reply_text_only", bot.Reply{Text: "Thank you: noted.", Ephemeral: true}},
		{"reply_limits", limitsReply()},
		// Where it cannot open as a modal, a form is a button that opens it.
		{"reply_document", replytest.Document()},
		{"reply_form", bot.Reply{Text: "Tell the specialist what you would like to talk through.", Form: bookingForm(),
			Buttons: []bot.Button{{ActionID: bot.ActionHelpful, Label: "Helpful", Value: "0123456789abcdef"}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			blocks := wslack.Blocks(c.reply)
			golden(t, c.name, mustJSON(t, struct {
				Text   string           `json:"text"`
				Blocks []slackapi.Block `json:"blocks"`
			}{wslack.FallbackText(c.reply), blocks}))
		})
	}
	for _, c := range []struct {
		name        string
		area        string
		unavailable bool
	}{
		{"home_area", "Wyvern Vale", false},
		{"home_unset", "", false},
		{"home_unavailable", "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			golden(t, c.name, mustJSON(t, wslack.HomeView(c.area, c.unavailable)))
		})
	}
	t.Run("form_booking", func(t *testing.T) {
		golden(t, "form_booking", mustJSON(t, wslack.FormView(*bookingForm(), `{"channel":"C0LAN2Q65"}`)))
	})
}

// TestFormViewRespectsSlackLimits renders a form over every limit of a
// modal, which Slack enforces by refusing to open it.
func TestFormViewRespectsSlackLimits(t *testing.T) {
	f := bot.Form{ID: bot.ActionBook, Title: "Book a consultation with a specialist today", SubmitLabel: "Send this request to the specialists"}
	for i := range 120 {
		f.Fields = append(f.Fields, bot.Field{Name: fmt.Sprintf("f%d", i), Label: strings.Repeat("Label ", 400), Kind: bot.FieldText,
			Hint: strings.Repeat("Hint ", 500), Value: strings.Repeat("v", 5000), MaxLen: 5000})
	}
	sel := bot.Field{Name: "specialism", Label: "Specialist", Kind: bot.FieldSelect, Value: "s149"}
	for i := range 150 {
		sel.Options = append(sel.Options, bot.Option{Value: fmt.Sprintf("s%d", i), Label: strings.Repeat("Specialism ", 10)})
	}
	f.Fields = append([]bot.Field{sel, {Name: "empty", Label: "No options", Kind: bot.FieldSelect}}, f.Fields...)
	raw, err := json.Marshal(wslack.FormView(f, strings.Repeat("m", 4000)))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Title, Submit, Close struct{ Text string }
		PrivateMetadata      string `json:"private_metadata"`
		Blocks               []struct {
			Type, BlockID string
			Label, Hint   struct{ Text string }
			Element       struct {
				Type          string
				MaxLength     int                     `json:"max_length"`
				InitialValue  string                  `json:"initial_value"`
				InitialOption *struct{ Value string } `json:"initial_option"`
				Options       []struct {
					Text  struct{ Text string }
					Value string
				}
			}
		}
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	atMost := func(what, s string, n int) {
		if c := utf8.RuneCountInString(s); c > n || c == 0 {
			t.Errorf("%s has %d characters, want 1 to %d", what, c, n)
		}
	}
	atMost("title", v.Title.Text, 24)
	atMost("submit", v.Submit.Text, 24)
	atMost("close", v.Close.Text, 24)
	if v.PrivateMetadata != "" {
		t.Errorf("private_metadata of %d characters kept; Slack allows 3,000", len(v.PrivateMetadata))
	}
	if len(v.Blocks) != 100 {
		t.Errorf("%d blocks, want the first 100", len(v.Blocks))
	}
	for i, b := range v.Blocks {
		atMost(fmt.Sprintf("label %d", i), b.Label.Text, 2000)
		if b.Hint.Text != "" {
			atMost(fmt.Sprintf("hint %d", i), b.Hint.Text, 2000)
		}
		switch b.Element.Type {
		case "static_select":
			if n := len(b.Element.Options); n == 0 || n > 100 {
				t.Errorf("select %s has %d options", b.BlockID, n)
			}
			for _, o := range b.Element.Options {
				atMost("option", o.Text.Text, 75)
			}
			if b.Element.InitialOption != nil {
				t.Errorf("select %s starts at %s, which is not among its options", b.BlockID, b.Element.InitialOption.Value)
			}
		case "plain_text_input":
			n := utf8.RuneCountInString(b.Element.InitialValue)
			if b.Element.MaxLength > 3000 || n > 3000 || (b.Element.MaxLength > 0 && n > b.Element.MaxLength) {
				t.Errorf("input %s: max_length %d, initial value of %d", b.BlockID, b.Element.MaxLength, len(b.Element.InitialValue))
			}
		default:
			t.Errorf("block %s has a %q element", b.BlockID, b.Element.Type)
		}
	}
	if v.Blocks[1].Element.Type != "plain_text_input" {
		t.Errorf("a select without options is a %s, want a text input", v.Blocks[1].Element.Type)
	}
}

// TestBlocksRespectSlackLimits checks every rendered reply against Block
// Kit's limits, which Slack enforces by rejecting the whole message.
func TestBlocksRespectSlackLimits(t *testing.T) {
	for name, r := range map[string]bot.Reply{"full": fullReply(), "limits": limitsReply()} {
		t.Run(name, func(t *testing.T) {
			raw, err := json.Marshal(wslack.Blocks(r))
			if err != nil {
				t.Fatal(err)
			}
			checkBlockLimits(t, raw, wslack.MaxBlocks)
		})
	}
	raw, _ := json.Marshal(wslack.HomeView("Wyvern Vale", false).Blocks)
	checkBlockLimits(t, raw, 100)

	// What the limits cost: cards dropped with a note, text cut with an ellipsis.
	raw, _ = json.Marshal(wslack.Blocks(limitsReply()))
	for _, want := range []string{"more results not shown", "…"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("rendering over the limits does not say %q", want)
		}
	}
}

func checkBlockLimits(t *testing.T, raw []byte, maxBlocks int) {
	t.Helper()
	var blocks []map[string]any
	if err := json.Unmarshal(raw, &blocks); err != nil {
		t.Fatal(err)
	}
	if len(blocks) > maxBlocks {
		t.Errorf("%d blocks, over %d", len(blocks), maxBlocks)
	}
	text := func(v any) string {
		m, _ := v.(map[string]any)
		s, _ := m["text"].(string)
		return s
	}
	atMost := func(what, s string, n int) {
		if c := utf8.RuneCountInString(s); c > n {
			t.Errorf("%s has %d characters, over %d", what, c, n)
		}
		if s == "" {
			t.Errorf("%s is empty", what)
		}
	}
	for i, b := range blocks {
		switch b["type"] {
		case "header":
			atMost(fmt.Sprintf("header %d", i), text(b["text"]), 150)
		case "section":
			atMost(fmt.Sprintf("section %d", i), text(b["text"]), 3000)
			fields, _ := b["fields"].([]any)
			if len(fields) > 10 {
				t.Errorf("section %d has %d fields", i, len(fields))
			}
			for _, f := range fields {
				atMost(fmt.Sprintf("field of section %d", i), text(f), 2000)
			}
		case "context":
			for _, e := range b["elements"].([]any) {
				atMost(fmt.Sprintf("context %d", i), text(e), 2000)
			}
		case "actions":
			els := b["elements"].([]any)
			if len(els) > 25 {
				t.Errorf("actions %d has %d elements", i, len(els))
			}
			seen := map[string]bool{}
			for _, e := range els {
				m := e.(map[string]any)
				id, _ := m["action_id"].(string)
				if seen[id] {
					t.Errorf("action_id %q twice in block %d", id, i)
				}
				seen[id] = true
				atMost("button label", text(m["text"]), 75)
				v, _ := m["value"].(string)
				atMost("button value", v, 2000)
			}
		case "divider":
		default:
			t.Errorf("unexpected block type %v", b["type"])
		}
	}
}
