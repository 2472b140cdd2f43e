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
	"strings"

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
// and the id of the message they quoted, or "".
func (act activity) text() (text, quoted string) {
	names := act.botNames()
	for _, e := range act.Entities {
		if e.Type == "quotedReply" && e.QuotedReply.MessageID != "" {
			quoted = e.QuotedReply.MessageID
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
		t, q := plainText(content, names)
		if quoted == "" {
			quoted = q
		}
		return t, quoted
	}
	if strings.EqualFold(act.TextFormat, "xml") || markup.MatchString(act.Text) {
		t, q := plainText(act.Text, names)
		if quoted == "" {
			quoted = q
		}
		return t, quoted
	}
	return collapse(html.UnescapeString(act.Text)), quoted
}

// botNames are the names the bot is mentioned by in this activity.
func (act activity) botNames() map[string]bool {
	names := map[string]bool{}
	if act.Recipient.Name != "" {
		names[act.Recipient.Name] = true
	}
	for _, e := range act.Entities {
		if e.Type != "mention" || e.Mentioned.ID != act.Recipient.ID {
			continue
		}
		if e.Mentioned.Name != "" {
			names[e.Mentioned.Name] = true
		}
		if t, _ := plainText(e.Text, nil); t != "" {
			names[t] = true
		}
	}
	return names
}

// plainText reads s as HTML: the text, with block elements separating
// words, without quoted replies (whose id it returns) and without mentions
// of any of botNames; other people's mentions keep their names.
func plainText(s string, botNames map[string]bool) (text, quoted string) {
	z := xhtml.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0          // depth inside a quote, or a script or style, dropped
	var spans []bool   // open <span> and <at> tags: whether each is a mention
	var mention []byte // the text of the mention being read
	inMention := 0     // mentions open
	endMention := func() {
		if inMention--; inMention == 0 && !botNames[collapse(string(mention))] {
			b.Write(mention)
		}
	}
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			for inMention > 0 {
				endMention()
			}
			return collapse(b.String()), quoted
		case xhtml.TextToken:
			switch {
			case skip > 0:
			case inMention > 0:
				mention = append(mention, z.Text()...)
			default:
				b.Write(z.Text())
			}
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				attrs[string(k)] = string(v)
			}
			start, end := tt == xhtml.StartTagToken, tt == xhtml.EndTagToken
			if skip > 0 {
				if tag == "blockquote" || tag == "script" || tag == "style" {
					if start {
						skip++
					} else if end {
						skip--
					}
				}
				continue
			}
			if block(tag) {
				b.WriteByte(' ')
			}
			switch {
			case start && tag == "blockquote" && strings.Contains(attrs["itemtype"], itemReply):
				skip = 1
				if quoted == "" {
					quoted = strings.TrimSpace(attrs["itemid"])
				}
			case start && (tag == "script" || tag == "style"):
				skip = 1
			case start && (tag == "at" || tag == "span"):
				isMention := tag == "at" || strings.Contains(attrs["itemtype"], itemMention)
				spans = append(spans, isMention)
				if isMention {
					if inMention == 0 {
						mention = mention[:0]
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
