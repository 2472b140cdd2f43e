package teams

// This file turns what Teams sends as a message into the plain text the
// engine reads. Teams sends "text" as plain text, with the bot's mention as
// "<at>Waymark</at>", and the same message as HTML in a text/html
// attachment. A reply that quotes an earlier message (how a 1:1 chat
// answers a particular message, having no threads) squashes the quote into
// "text", so for those the HTML is read instead, without the quote, and the
// quoted message's id is kept: it is the thread the reply belongs to.

import (
	"encoding/json"
	"html"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
)

// Item types Teams marks quotes and mentions with in HTML.
const (
	itemReply   = "schema.skype.com/Reply"
	itemMention = "schema.skype.com/Mention"
)

// attachment is an activity attachment; only text/html ones are read.
type attachment struct {
	ContentType string          `json:"contentType"`
	Content     json.RawMessage `json:"content"`
}

// markup matches an HTML tag Teams uses in message text, with well-formed
// attributes, so that plain text with angle brackets ("contact <Mum>",
// "<https://...>", "a<b") is not taken for HTML.
var markup = regexp.MustCompile(`(?i)</?(?:at|p|br|div|span|b|i|u|s|em|strong|strike|sub|sup|a|ul|ol|li|blockquote|pre|code|h[1-6]|table|thead|tbody|tr|td|th|img|hr|font|quoted|emoji)(?:\s+[a-z][a-z0-9:-]*(?:\s*=\s*(?:"[^"]*"|'[^']*'))?)*\s*/?>`)

// text is what the sender wrote, as plain text without the bot's mention,
// and the id of the message they quoted, or "". When a quotedReply entity
// comes with plain text only, Teams may squash the quote into "text" ahead
// of the sender's words ("<quoted sender><preview><words>"); that start is
// taken off (see withoutPreview).
func (act activity) text() (text, quoted string) {
	bot := act.botMentions()
	var sender, preview string
	for _, e := range act.Entities {
		if e.Type == "quotedReply" && e.QuotedReply.MessageID != "" {
			quoted = e.QuotedReply.MessageID
			sender, preview = e.QuotedReply.SenderName, e.QuotedReply.Preview
			break
		}
	}
	for _, a := range act.Attachments {
		if !strings.HasPrefix(strings.ToLower(a.ContentType), "text/html") {
			continue
		}
		var content string
		if json.Unmarshal(a.Content, &content) != nil || !strings.Contains(content, itemReply) {
			continue
		}
		t, q := plainText(content, bot)
		if quoted == "" {
			quoted = q
		}
		return t, quoted
	}
	if strings.EqualFold(act.TextFormat, "xml") || markup.MatchString(act.Text) {
		// HTML marks its quote with a Reply blockquote, which
		// plainText drops whole.
		t, q := plainText(act.Text, bot)
		if q == "" && quoted != "" && strings.Contains(act.Text, "<quoted") {
			// A <quoted/> placeholder marks where the quote was, not
			// its words; should they follow it, they start the text.
			t = withoutPreview(t, sender, preview)
		}
		if quoted == "" {
			quoted = q
		}
		return t, quoted
	}
	t := collapse(html.UnescapeString(act.Text))
	if quoted != "" {
		t = withoutPreview(t, sender, preview)
	}
	return t, quoted
}

// minBarePreview is the shortest preview taken off the start of a text
// without the quoted sender's name before it: a short one ("No", "Yes")
// could as well be the start of the sender's own words.
const minBarePreview = 20

// withoutPreview is text without a squashed quote at its start: the quoted
// sender's name and the preview, or a preview of at least minBarePreview
// characters alone, each only when a word boundary follows. Anywhere else,
// or when in doubt, the text is left whole: better a quote relayed than the
// sender's words lost.
func withoutPreview(text, sender, preview string) string {
	if preview = collapse(preview); preview == "" {
		return text
	}
	var starts []string
	if sender = collapse(sender); sender != "" {
		starts = append(starts, sender+preview, sender+" "+preview)
	}
	if utf8.RuneCountInString(preview) >= minBarePreview {
		starts = append(starts, preview)
	}
	for _, p := range starts {
		if after, ok := strings.CutPrefix(text, p); ok && wordBoundary(preview, after) {
			return collapse(after)
		}
	}
	return text
}

// wordBoundary reports whether after can follow a text ending like prefix
// without cutting a word: it is empty, or starts or prefix ends with
// something other than a letter or digit.
func wordBoundary(prefix, after string) bool {
	if after == "" {
		return true
	}
	last, _ := utf8.DecodeLastRuneInString(prefix)
	first, _ := utf8.DecodeRuneInString(after)
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	return !isWord(last) || !isWord(first)
}

// mentions says which mentions in a message are the bot's.
type mentions struct {
	names map[string]bool // the names the bot is mentioned by
	ids   []bool          // whether each of the activity's mention entities is the bot
}

// isBot reports whether the mention with the HTML itemid and text is the
// bot's. Teams numbers a mention's spans (one a word) by its index among the
// activity's mention entities; without a known itemid, the text is compared
// with the bot's names.
func (m mentions) isBot(itemid, text string) bool {
	if i, err := strconv.Atoi(strings.TrimSpace(itemid)); err == nil && i >= 0 && i < len(m.ids) {
		return m.ids[i]
	}
	return m.names[collapse(text)]
}

// botMentions are the ways the bot is mentioned in this activity.
func (act activity) botMentions() mentions {
	m := mentions{names: map[string]bool{}}
	if act.Recipient.Name != "" {
		m.names[act.Recipient.Name] = true
	}
	for _, e := range act.Entities {
		if e.Type != "mention" {
			continue
		}
		isBot := e.Mentioned.ID != "" && e.Mentioned.ID == act.Recipient.ID
		m.ids = append(m.ids, isBot)
		if !isBot {
			continue
		}
		if e.Mentioned.Name != "" {
			m.names[e.Mentioned.Name] = true
		}
		if t, _ := plainText(e.Text, mentions{}); t != "" {
			m.names[t] = true
		}
	}
	return m
}

// plainText reads s as HTML: the text, with block elements separating
// words, without quoted replies (returning the first one's id, even from
// inside a script), scripts and styles, and without the bot's mentions;
// other people's mentions keep their names.
//
// A quote, script or style that s never closes is taken to end where the
// second block inside it starts (in a quote Teams sends, the one after the
// preview paragraph), a closed blockquote, script or style counting as one
// block with what it holds; with fewer than two blocks, it ends just after
// its start tag and all of it is kept. What follows is read as the
// sender's: their words are never dropped for want of an end tag.
func plainText(s string, bot mentions) (text, quoted string) {
	toks := tokens(s)
	closes := closers(toks)
	next := nextBlocks(toks, closes)
	var b strings.Builder
	var spans []bool   // open <span> and <at> tags: whether each is a mention
	var mention []byte // the text of the mention being read
	var mentionID string
	inMention := 0 // mentions open
	endMention := func() {
		if inMention--; inMention == 0 && !bot.isBot(mentionID, string(mention)) {
			b.Write(mention)
		}
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.Type {
		case xhtml.TextToken:
			if inMention > 0 {
				mention = append(mention, t.Data...)
			} else {
				b.WriteString(t.Data)
			}
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			tag := t.Data
			start, end := t.Type == xhtml.StartTagToken, t.Type == xhtml.EndTagToken
			if block(tag) {
				b.WriteByte(' ')
			}
			switch {
			case start && (tag == "script" || tag == "style" ||
				tag == "blockquote" && strings.Contains(attr(t, "itemtype"), itemReply)):
				resume := i + 1 // the token after what is dropped
				if closes[i] >= 0 {
					resume = closes[i] + 1
				} else if first := next[i+1]; first < len(toks) && next[after(first, closes)] < len(toks) {
					resume = next[after(first, closes)]
				}
				for _, d := range toks[i:resume] {
					if quoted == "" && d.Type == xhtml.StartTagToken && d.Data == "blockquote" && strings.Contains(attr(d, "itemtype"), itemReply) {
						quoted = strings.TrimSpace(attr(d, "itemid"))
					}
				}
				i = resume - 1
			case start && (tag == "at" || tag == "span"):
				isMention := tag == "at" || strings.Contains(attr(t, "itemtype"), itemMention)
				spans = append(spans, isMention)
				if isMention {
					if inMention == 0 {
						mention, mentionID = mention[:0], attr(t, "itemid")
					}
					inMention++
				}
			case end && (tag == "at" || tag == "span") && len(spans) > 0:
				isMention := spans[len(spans)-1]
				spans = spans[:len(spans)-1]
				if isMention && inMention > 0 {
					endMention()
				}
			}
		}
	}
	for inMention > 0 {
		endMention()
	}
	return collapse(b.String()), quoted
}

// tokens are the HTML tokens of s. Every tag is read as markup, so that
// what follows a <textarea>, <title>, <script/> and the like is still
// parsed as HTML rather than taken for their raw text.
func tokens(s string) []xhtml.Token {
	z := xhtml.NewTokenizer(strings.NewReader(s))
	var toks []xhtml.Token
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return toks
		}
		toks = append(toks, z.Token())
		if tt == xhtml.StartTagToken || tt == xhtml.SelfClosingTagToken {
			z.NextIsNotRawText()
		}
	}
}

// closers are, for each start tag of a blockquote, script or style in
// toks, the index of the end tag (of any of the three) that closes it, or
// -1; for other tokens, -1.
func closers(toks []xhtml.Token) []int {
	closes := make([]int, len(toks))
	var open []int
	for i, t := range toks {
		closes[i] = -1
		if t.Data != "blockquote" && t.Data != "script" && t.Data != "style" {
			continue
		}
		switch {
		case t.Type == xhtml.StartTagToken:
			open = append(open, i)
		case t.Type == xhtml.EndTagToken && len(open) > 0:
			closes[open[len(open)-1]] = i
			open = open[:len(open)-1]
		}
	}
	return closes
}

// nextBlocks are, for each index in toks and one past its end, the index
// of the first start tag of a block (other than <br> and <hr>) there or
// after, past scripts and styles that close, or len(toks).
func nextBlocks(toks []xhtml.Token, closes []int) []int {
	next := make([]int, len(toks)+1)
	next[len(toks)] = len(toks)
	for i := len(toks) - 1; i >= 0; i-- {
		t := toks[i]
		switch {
		case t.Type == xhtml.StartTagToken && block(t.Data) && t.Data != "br" && t.Data != "hr":
			next[i] = i
		case closes[i] >= 0:
			next[i] = next[closes[i]+1]
		default:
			next[i] = next[i+1]
		}
	}
	return next
}

// after is the index of the token after the element that starts at i: after
// its end tag for a blockquote, script or style that closes.
func after(i int, closes []int) int {
	if closes[i] >= 0 {
		return closes[i] + 1
	}
	return i + 1
}

// attr is the value of t's attribute key, or "".
func attr(t xhtml.Token, key string) string {
	for _, a := range t.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// block reports whether tag breaks a line or starts a block.
func block(tag string) bool {
	switch tag {
	case "p", "br", "div", "li", "ul", "ol", "tr", "td", "th", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr":
		return true
	}
	return false
}

// collapse trims s and reduces its runs of white space to one space.
func collapse(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}
