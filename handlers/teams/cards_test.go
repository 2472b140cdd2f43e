package teams_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/internal/replytest"

	internalgolden "github.com/waymarkhq/waymark/internal/golden"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers/teams"
)

func date(s string) time.Time { return replytest.Date(s) }

func bookingForm() *bot.Form { return replytest.BookingForm() }

// fullReply uses every field of a Reply, the booking form included.
func fullReply() bot.Reply {
	r := replytest.Full()
	r.Text = "Here is what *Wyvern Vale*'s guidance says: (1 of these documents is past its review date: check it with the owner.)"
	r.Ephemeral = true
	r.Form = bookingForm()
	return r
}

// hugeReply is far over Teams' size limit.
func hugeReply() bot.Reply {
	r := bot.Reply{
		Text:    strings.Repeat("Long text & more. ", 300),
		Notices: []bot.Notice{{Kind: bot.NoticeActNow, Title: strings.Repeat("Urgent ", 40), Text: strings.Repeat("Call 999. ", 400)}},
	}
	for i := range 50 {
		r.Answers = append(r.Answers, bot.AnswerCard{
			DocID: fmt.Sprintf("doc-%d", i), Title: fmt.Sprintf("Document %d", i), Kind: bot.KindProcess, Area: "Wyvern Vale",
			Snippet: strings.Repeat("**word** <tag> & ", 3000/17+1)[:3000], URL: "https://wyvernvale.example/doc", Reviewed: date("2026-01-01"),
		})
	}
	for i := range 10 {
		r.Contacts = append(r.Contacts, bot.ContactCard{Name: fmt.Sprintf("Contact %d", i), Phone: "01632 960000", Hours: strings.Repeat("Mon-Fri ", 50)})
	}
	for i := range 15 {
		r.Buttons = append(r.Buttons, bot.Button{ActionID: bot.ActionConsult, Label: strings.Repeat("Book ", 30), Value: fmt.Sprintf("s%d", i)})
	}
	for i := range 8 {
		r.FollowUps = append(r.FollowUps, fmt.Sprintf("Question %d? ", i)+strings.Repeat("More ", 100))
	}
	return r
}

func TestCardGolden(t *testing.T) {
	for _, c := range []struct {
		name  string
		reply bot.Reply
	}{
		{"reply_full", fullReply()},
		{"reply_dont_know", bot.Reply{
			Text: "I don't know: nothing in Wyvern Vale's guidance answers that with confidence. Try other words, ask one of these contacts, or book a consultation.",
			Contacts: []bot.ContactCard{{DocID: "wv-mash", Name: "Multi-Agency Safeguarding Hub", Team: "MASH", Organisation: "Wyvern Vale Council",
				Phone: "01632 960000", Email: "mash@wyvernvale.example", Hours: "Mon-Fri 08:30-17:00", OutOfHours: "01632 961999"}},
			Buttons: []bot.Button{{ActionID: bot.ActionConsult, Label: "Book a consultation", Value: "", Style: bot.StylePrimary}},
		}},
		{"reply_act_now", bot.Reply{
			Notices: []bot.Notice{{Kind: bot.NoticeActNow, Title: "This sounds urgent: act now", Text: "If a child is in immediate danger, call 999 now."}},
			Text:    "Here is what Wyvern Vale's guidance says:",
			Answers: []bot.AnswerCard{{DocID: "wv-immediate-risk", Title: "Immediate risk procedure", Kind: bot.KindProcess, Area: "Wyvern Vale", Snippet: "Call **999**.", URL: "https://wyvernvale.example/immediate-risk"}},
		}},
		{"reply_document", replytest.Document()},
		{"reply_form", bot.Reply{Text: "Tell the specialist what you would like to talk through.", Form: bookingForm()}},
	} {
		t.Run(c.name, func(t *testing.T) {
			golden(t, c.name, mustJSON(t, teams.Activity(c.reply)))
		})
	}
}

func TestCardShape(t *testing.T) {
	c := decode(t, teams.Card(fullReply()))
	for k, want := range map[string]string{"type": "AdaptiveCard", "version": "1.5", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json"} {
		if c[k] != want {
			t.Errorf("%s = %v, want %s", k, c[k], want)
		}
	}
	body := c["body"].([]any)
	first := body[0].(map[string]any)
	if first["style"] != "attention" {
		t.Errorf("first element has style %v, want the act-now notice's attention", first["style"])
	}
	var verbs []string
	walk(c, func(m map[string]any) {
		if m["type"] == "Action.Execute" {
			verbs = append(verbs, m["verb"].(string))
		}
	})
	want := []string{bot.ActionBook, bot.ActionConsult, bot.ActionConsult, bot.ActionHelpful, bot.ActionNotHelpful, bot.ActionAsk, bot.ActionAsk}
	if strings.Join(verbs, ",") != strings.Join(want, ",") {
		t.Errorf("verbs %v, want %v", verbs, want)
	}
	raw, _ := json.Marshal(c)
	for _, s := range []string{`"isMultiline":true`, `"maxLength":2000`, `"isRequired":true`, `"Input.ChoiceSet"`, `"value":"psychology"`,
		`check with Prevent Coordinator that it still applies`, `[01632 961234](tel:01632961234)`, `call [999](tel:999) now`, `check these details with MASH Team Manager before relying on them`, `"color":"Attention"`, `"FactSet"`, `"data":{"value":"What about out of hours?"}`, `**Wyvern Vale**`} {
		if !strings.Contains(string(raw), s) {
			t.Errorf("card lacks %s", s)
		}
	}
}

func TestCardWithinTeamsLimits(t *testing.T) {
	for name, r := range map[string]bot.Reply{"full": fullReply(), "huge": hugeReply()} {
		t.Run(name, func(t *testing.T) {
			raw, err := json.Marshal(teams.Activity(r))
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(raw) {
				t.Fatal("invalid JSON")
			}
			if len(raw) > teams.MaxCardBytes {
				t.Errorf("activity is %d bytes, over %d", len(raw), teams.MaxCardBytes)
			}
			var v map[string]any
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatal(err)
			}
			walk(v, func(m map[string]any) {
				if m["type"] == "ActionSet" {
					if n := len(m["actions"].([]any)); n > teams.MaxActionsPerSet || n == 0 {
						t.Errorf("an ActionSet has %d actions", n)
					}
				}
			})
		})
	}
	raw, _ := json.Marshal(teams.Card(hugeReply()))
	for _, want := range []string{"more results not shown", "Suggested next questions were left out", "…", "Document 0"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("the huge reply's card does not say %q", want)
		}
	}
	var actions int
	walk(decode(t, teams.Card(hugeReply())), func(m map[string]any) {
		if m["type"] == "Action.Execute" {
			actions++
		}
	})
	if actions != 15 {
		t.Errorf("%d actions kept, want the 15 buttons", actions)
	}
}

func TestCardEscapes(t *testing.T) {
	r := bot.Reply{
		Text: "See [this](https://evil.example) ![x](https://evil.example/x.png) <script>alert(1)</script> &lt; `code` # not a heading",
		Answers: []bot.AnswerCard{{
			Title:   "A [title](https://evil.example)",
			URL:     "https://wyvernvale.example/a (b)?q=[1]",
			Snippet: "**Bold** and ![img](https://evil.example/i.png) and [link](javascript:alert(1)) <script>alert('x')</script> _u_ \\[y](https://evil.example)",
		}},
		Contacts: []bot.ContactCard{{Name: "[Name](https://evil.example)", Phone: "![p](https://evil.example/p.png)"}},
	}
	c := decode(t, teams.Card(r))
	var texts []string
	walk(c, func(m map[string]any) {
		if s, ok := m["text"].(string); ok {
			texts = append(texts, s)
		}
		if s, ok := m["value"].(string); ok {
			texts = append(texts, s)
		}
	})
	links := 0
	for _, s := range texts {
		unescaped := unescapedRunes(s)
		for _, bad := range []string{"](", "<script", "![", "&lt;", "`"} {
			if strings.Contains(unescaped, bad) {
				t.Errorf("%q leaves %q unescaped", s, bad)
			}
		}
		if strings.Contains(s, "](https://wyvernvale.example/a%20%28b%29?q=%5B1%5D)") {
			links++
		}
	}
	if links != 1 {
		t.Errorf("%d links to the answer's URL, want 1 (its title): %q", links, texts)
	}
	raw, _ := json.Marshal(c)
	if !strings.Contains(string(raw), `**Bold**`) {
		t.Errorf("bold lost: %s", raw)
	}
}

// unescapedRunes drops every backslash-escaped character of s, leaving
// what a Markdown renderer reads as markup, and the link the renderer
// makes of the answer's title.
func unescapedRunes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			b.WriteByte(' ')
			continue
		}
		b.WriteByte(s[i])
	}
	out := b.String()
	// The title link is the one link allowed.
	if i := strings.Index(out, "](https://wyvernvale.example/"); i >= 0 && strings.HasPrefix(out, "[") {
		out = out[:i]
	}
	return out
}

func decode(tb testing.TB, v any) map[string]any {
	tb.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		tb.Fatal(err)
	}
	return m
}

// walk calls f on every object in v.
func walk(v any, f func(map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		f(v)
		for _, e := range v {
			walk(e, f)
		}
	case []any:
		for _, e := range v {
			walk(e, f)
		}
	}
}

// golden compares got with testdata/NAME.golden, or rewrites it with -update.
func golden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	internalgolden.Check(tb, filepath.Join("testdata", name+".golden"), got)
}

// mustJSON renders v as indented JSON for golden files.
func mustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	return internalgolden.JSON(tb, v)
}
