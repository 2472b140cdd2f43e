package teams_test

import (
	"strings"
	"testing"

	"github.com/waymarkhq/waymark/bot"
)

// replyQuote is a Teams Reply blockquote quoting message id, as the HTML
// attachment of a 1:1 reply carries it, with the end tag left to the
// caller.
func replyQuote(id string) string {
	return `<blockquote itemscope="" itemtype="http://schema.skype.com/Reply" itemid="` + id + `">` +
		`<strong itemprop="mri" itemid="28:00000000-aaaa-bbbb-cccc-000000000001">Waymark</strong>` +
		`<span itemprop="time" itemid="` + id + `"></span><p itemprop="preview">Bethan Rees has your consultation request WM-000001.</p>`
}

// withHTML sets the activity's text to text and its HTML attachment to
// content.
func withHTML(text, content string) func(map[string]any) {
	return func(act map[string]any) {
		act["text"] = text
		act["attachments"] = []any{map[string]any{"contentType": "text/html", "content": content}}
	}
}

// mustMessage posts the recorded activity file, changed by mod, and is the
// bot.Message the handler was given.
func mustMessage(t *testing.T, file string, mod func(map[string]any)) bot.Message {
	t.Helper()
	h := &recordingHandler{}
	th := newTeamsHarness(t, h, mustRedisStore(t))
	if code, body := th.post(t, th.mustActivity(t, file, mod), mustSign(t, th.key, th.claims())); code >= 300 {
		t.Fatalf("status %d %s", code, body)
	}
	th.drain(t)
	got := h.Messages()
	if len(got) != 1 {
		t.Fatalf("%d messages, want 1: %+v", len(got), got)
	}
	return got[0]
}

// TestTextUnclosedQuote: a quote the HTML never closes ends where its second
// block starts, or, with fewer than two, at its start tag: the sender's own
// words are kept, the quoted id is still the thread, and a closed quote is
// still dropped whole.
func TestTextUnclosedQuote(t *testing.T) {
	reply := `<blockquote itemscope="" itemtype="http://schema.skype.com/Reply" itemid="7">`
	for _, c := range []struct {
		name string
		mod  func(map[string]any)
		want string
	}{
		{"outer never closed", withHTML("x", reply+`<p>q</p><blockquote>x</blockquote><p>mine</p>`), "x mine"},
		{"nested never closed", withHTML("x", reply+`<p>q</p><blockquote><p>x</p></blockquote><p>mine</p>`), "x mine"},
		{"as Teams sends it, never closed", withHTML("x", replyQuote("7")+`<p>Thanks,&nbsp;Tuesday suits</p>`), "Thanks, Tuesday suits"},
		{"no blocks", withHTML("x", reply+`q mine`), "q mine"},
		{"one block", withHTML("x", reply+`<p>q</p>mine`), "q mine"},
		{"closed quote inside", withHTML("x", reply+`<p>q</p>`+replyQuote("8")+`</blockquote><p>mine</p>`), "mine"},
		{"unclosed script inside", withHTML("x", reply+`<p>q</p><script>code<p>mine</p>`), "mine"},
		{"closed", withHTML("x", replyQuote("7")+`</blockquote><p>mine</p>`), "mine"},
		{"in text", func(act map[string]any) { act["text"] = reply + `<p>q</p><p>mine</p>` }, "mine"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := mustMessage(t, "personal_message", c.mod)
			if got.Text != c.want || got.ThreadID != "7" {
				t.Errorf("text %q in thread %q, want %q in 7", got.Text, got.ThreadID, c.want)
			}
		})
	}
}

// TestTextRawTextElements: what follows an element the HTML tokenizer would
// read as raw text to its end tag (never given, or self-closed) is still
// HTML, so a Reply quote after it is dropped and the sender's words kept.
func TestTextRawTextElements(t *testing.T) {
	for _, tag := range []string{"textarea", "title", "script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"} {
		for _, open := range []string{"<" + tag + ">", "<" + tag + "/>", "<" + strings.ToUpper(tag) + " class=\"x\">"} {
			t.Run(open, func(t *testing.T) {
				content := `<p>note</p>` + open + replyQuote("7") + `</blockquote><p>mine</p>`
				got := mustMessage(t, "personal_message", withHTML("x", content))
				if strings.Contains(got.Text, "Bethan") || strings.Contains(got.Text, "Waymark") ||
					!strings.HasPrefix(got.Text, "note") || !strings.HasSuffix(got.Text, "mine") || got.ThreadID != "7" {
					t.Errorf("text %q in thread %q, want note and mine, without the quote, in 7", got.Text, got.ThreadID)
				}
			})
		}
	}
	t.Run("script and style dropped", func(t *testing.T) {
		content := replyQuote("7") + `</blockquote><p>a<script>if (x) { go() }</script><style>p { color: red }</style>b</p>`
		if got := mustMessage(t, "personal_message", withHTML("x", content)); got.Text != "ab" {
			t.Errorf("text %q, want ab", got.Text)
		}
	})
}

// TestTextQuotedPreview: a quotedReply entity's preview, which Teams
// squashes into the plain text of the reply, after the quoted sender's name
// or not, is taken out of it.
func TestTextQuotedPreview(t *testing.T) {
	const preview = "Bethan Rees has your consultation request WM-000001."
	for _, c := range []struct {
		name, text, sender, want string
	}{
		{"sender and preview", "WaymarkBethan Rees has your consultation request WM-000001.Thanks, Tuesday suits", "Waymark", "Thanks, Tuesday suits"},
		{"sender, space, preview", "Waymark Bethan Rees has your consultation request\nWM-000001. Thanks, Tuesday suits", "Waymark", "Thanks, Tuesday suits"},
		{"preview without sender", "Bethan Rees has your consultation request WM-000001.Thanks, Tuesday suits", "", "Thanks, Tuesday suits"},
		{"preview, sender unknown", "Bethan Rees has your consultation request WM-000001.Thanks, Tuesday suits", "Waymark", "Thanks, Tuesday suits"},
		{"sender and preview inside are kept", "Re: WaymarkBethan Rees has your consultation request WM-000001. Thanks", "Waymark", "Re: WaymarkBethan Rees has your consultation request WM-000001. Thanks"},
		{"after markup", `<quoted messageId="act-9"/>WaymarkBethan Rees has your consultation request WM-000001.Thanks, Tuesday suits`, "Waymark", "Thanks, Tuesday suits"},
		{"preview alone inside is kept", "I read Bethan Rees has your consultation request WM-000001. Thanks", "", "I read Bethan Rees has your consultation request WM-000001. Thanks"},
		{"not squashed", "Thanks, Tuesday suits", "Waymark", "Thanks, Tuesday suits"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := mustMessage(t, "personal_message", func(act map[string]any) {
				act["text"] = c.text
				act["entities"] = []any{map[string]any{"type": "quotedReply", "quotedReply": map[string]any{
					"messageId": "act-9", "preview": preview, "senderName": c.sender,
				}}}
			})
			if got.Text != c.want || got.ThreadID != "act-9" {
				t.Errorf("text %q in thread %q, want %q in act-9", got.Text, got.ThreadID, c.want)
			}
		})
	}
}

// TestTextMultiWordMention: Teams writes a mention of a bot named in two
// words as a span a word, numbered by the mention entity; both are dropped,
// another person's are kept, and a span without a known number is compared
// by name.
func TestTextMultiWordMention(t *testing.T) {
	const botID = "28:00000000-aaaa-bbbb-cccc-000000000001"
	span := func(itemid, name string) string {
		id := ""
		if itemid != "" {
			id = ` itemid="` + itemid + `"`
		}
		return `<span itemscope="" itemtype="http://schema.skype.com/Mention"` + id + `>` + name + `</span>`
	}
	bothWords := span("0", "Waymark") + "&nbsp;" + span("0", "Assistant")
	owen := span("1", "Owen") + "&nbsp;" + span("1", "Jones")
	for _, c := range []struct {
		name, html, want string
		inText           bool // the HTML is the text, not an attachment
	}{
		{"attachment", `<div>` + bothWords + ` should I ask ` + owen + ` first?</div>`, "should I ask Owen Jones first?", false},
		{"text", `<div>` + bothWords + ` should I ask ` + owen + ` first?</div>`, "should I ask Owen Jones first?", true},
		{"no itemid", `<div>` + span("", "Waymark Assistant") + ` who is the LADO</div>`, "who is the LADO", false},
		{"itemid out of range", `<div>` + span("5", "Waymark Assistant") + ` who is the LADO</div>`, "who is the LADO", false},
		{"itemid of another", `<div>` + span("1", "Waymark Assistant") + ` who is the LADO</div>`, "Waymark Assistant who is the LADO", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := mustMessage(t, "channel_mention", func(act map[string]any) {
				act["recipient"] = map[string]any{"id": botID, "name": "Waymark Assistant"}
				act["entities"] = []any{
					map[string]any{"type": "mention", "text": "<at>Waymark Assistant</at>", "mentioned": map[string]any{"id": botID, "name": "Waymark Assistant"}},
					map[string]any{"type": "mention", "text": "<at>Owen Jones</at>", "mentioned": map[string]any{"id": "29:owen", "name": "Owen Jones"}},
				}
				if c.inText {
					act["text"] = c.html
					delete(act, "attachments")
					return
				}
				withHTML("<at>Waymark Assistant</at> x", replyQuote("act-7")+`</blockquote>`+c.html)(act)
			})
			if got.Text != c.want {
				t.Errorf("text %q, want %q", got.Text, c.want)
			}
		})
	}
}

// TestTextShortPreviewKeepsWords: a short quoted preview ("No", "Yes", "ok")
// is taken off only with the quoted sender's name before it and a word
// boundary after it, so the sender's own words are never cut.
func TestTextShortPreviewKeepsWords(t *testing.T) {
	for _, c := range []struct{ name, text, preview, sender, want string }{
		{"No, then the same word", "No response from the family yet", "No", "", "No response from the family yet"},
		{"Yes, then a longer word", "Yesterday the child disclosed", "Yes", "", "Yesterday the child disclosed"},
		{"sender and preview inside", "I told Sam Hill ok and he agreed", "ok", "Sam Hill", "I told Sam Hill ok and he agreed"},
		{"sender, preview, then a word", "WaymarkYesterday is fine", "Yes", "Waymark", "WaymarkYesterday is fine"},
		{"sender and short preview", "WaymarkNo. Thanks, Tuesday suits", "No.", "Waymark", "Thanks, Tuesday suits"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := mustMessage(t, "personal_message", func(act map[string]any) {
				act["text"] = c.text
				act["entities"] = []any{map[string]any{"type": "quotedReply", "quotedReply": map[string]any{
					"messageId": "act-9", "preview": c.preview, "senderName": c.sender,
				}}}
			})
			if got.Text != c.want {
				t.Errorf("text %q, want %q", got.Text, c.want)
			}
		})
	}
	// A proper Reply blockquote is dropped whole; the words after it stay,
	// even when they start like the quote.
	got := mustMessage(t, "personal_message", func(act map[string]any) {
		act["text"] = `<blockquote itemscope="" itemtype="http://schema.skype.com/Reply" itemid="act-9"><p>No</p></blockquote><p>No response yet</p>`
		act["entities"] = []any{map[string]any{"type": "quotedReply", "quotedReply": map[string]any{"messageId": "act-9", "preview": "No"}}}
	})
	if got.Text != "No response yet" {
		t.Errorf("text %q, want %q", got.Text, "No response yet")
	}
}
