package slack

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
)

// Slack's Block Kit limits. Text over a limit is cut with an ellipsis;
// blocks over MaxBlocks are dropped from the answer and contact cards, with
// a line saying how many were left out.
const (
	MaxBlocks      = 50   // blocks in a message
	maxHomeBlocks  = 100  // blocks in the App Home
	maxText        = 3000 // a section's text, a message's fallback text
	maxFieldText   = 2000 // a section field, a context element
	maxFields      = 10   // fields in a section
	maxHeaderText  = 150  // a header
	maxButtonText  = 75   // a button's label
	maxButtonValue = 2000 // a button's value
	maxActionID    = 255  // a button's action_id
	maxActions     = 25   // elements in an actions block
)

// noticeStyle gives each notice kind its emoji.
var noticeStyle = map[string]string{
	bot.NoticeActNow:       ":rotating_light:",
	bot.NoticePersonalData: ":lock:",
	bot.NoticeUnavailable:  ":warning:",
	bot.NoticeInfo:         ":information_source:",
}

// dateLayout is how dates read in cards: 1 March 2026.
const dateLayout = "2 January 2006"

// Blocks renders r as a message's Block Kit blocks: notices first (act now
// as a header), the text, answer cards, contact cards, buttons (led by the
// button that opens r's form, see formButton, since a message cannot hold
// the form itself: FormView renders it as a modal), then the follow-up
// questions as buttons. The result keeps within Slack's limits.
func Blocks(r bot.Reply) []slackapi.Block {
	var head []slackapi.Block
	notices := slices.Clone(r.Notices)
	bot.SortNotices(notices)
	for _, n := range notices {
		head = append(head, noticeBlocks(n)...)
	}
	if len(notices) > 0 && (r.Text != "" || len(r.Answers) > 0 || len(r.Contacts) > 0) {
		// Set the notices apart from the answer.
		head = append(head, slackapi.NewDividerBlock())
	}
	if r.Text != "" {
		head = append(head, mrkdwnSection(truncateMrkdwn(escape(r.Text), maxText)))
	}

	var cards [][]slackapi.Block
	for _, a := range r.Answers {
		cards = append(cards, answerBlocks(a))
	}
	for _, c := range r.Contacts {
		cards = append(cards, []slackapi.Block{contactBlock(c)})
	}

	buttons := r.Buttons
	if r.Form != nil {
		if b, ok := formButton(*r.Form); ok {
			buttons = append([]bot.Button{b}, buttons...)
		}
	}
	ids := map[string]int{}
	var tail []slackapi.Block
	tail = append(tail, actionBlocks("buttons", buttons, ids)...)
	if len(r.FollowUps) > 0 {
		var asks []bot.Button
		for _, q := range r.FollowUps {
			asks = append(asks, bot.Button{ActionID: bot.ActionAsk, Label: q, Value: q})
		}
		tail = append(tail, slackapi.NewContextBlock("", mrkdwnText("Ask next:")))
		tail = append(tail, actionBlocks("follow_ups", asks, ids)...)
	}
	return fit(head, cards, tail, MaxBlocks)
}

// FallbackText is a reply's plain text for notifications and for clients
// that cannot show blocks: the act-now title first when there is one.
func FallbackText(r bot.Reply) string {
	var parts []string
	for _, n := range r.Notices {
		if title := strings.TrimRight(n.Title, " ."); n.Kind == bot.NoticeActNow && title != "" {
			parts = append(parts, title+".")
		}
	}
	switch {
	case r.Text != "":
		parts = append(parts, r.Text)
	case len(r.Answers) > 0:
		parts = append(parts, r.Answers[0].Title)
	case len(r.Contacts) > 0:
		parts = append(parts, "Contacts: "+r.Contacts[0].Name)
	case len(r.Notices) > 0:
		parts = append(parts, r.Notices[0].Title)
	}
	if len(parts) == 0 {
		return "Waymark"
	}
	return truncateMrkdwn(escape(strings.Join(parts, " ")), maxText)
}

// fit joins head, cards and tail, dropping cards from the end when there
// are more than max blocks, with a context line saying how many.
func fit(head []slackapi.Block, cards [][]slackapi.Block, tail []slackapi.Block, max int) []slackapi.Block {
	total := len(head) + len(tail)
	for _, c := range cards {
		total += len(c)
	}
	out := slices.Clone(head)
	if total <= max {
		for _, c := range cards {
			out = append(out, c...)
		}
		return append(out, tail...)
	}
	budget := max - len(head) - len(tail) - 1 // one for the note
	shown := 0
	for _, c := range cards {
		if len(c) > budget {
			break
		}
		out = append(out, c...)
		budget -= len(c)
		shown++
	}
	if left := len(cards) - shown; left > 0 && budget >= 0 {
		out = append(out, slackapi.NewContextBlock("", mrkdwnText(fmt.Sprintf(
			"%d more %s not shown. Ask a narrower question to see %s.", left, handlers.Plural(left, "result", "results"), handlers.Plural(left, "it", "them")))))
	}
	out = append(out, tail...)
	if len(out) > max {
		out = out[:max]
	}
	return out
}

func noticeBlocks(n bot.Notice) []slackapi.Block {
	emoji := noticeStyle[n.Kind]
	if emoji == "" {
		emoji = noticeStyle[bot.NoticeInfo]
	}
	if n.Kind == bot.NoticeActNow {
		title := n.Title
		if title == "" {
			title = "Act now"
		}
		out := []slackapi.Block{slackapi.NewHeaderBlock(plainText(handlers.Truncate(emoji+" "+title, maxHeaderText)))}
		if n.Text != "" {
			out = append(out, mrkdwnSection(truncateMrkdwn(phones(n.Text), maxText)))
		}
		return out
	}
	text := emoji
	if n.Title != "" {
		text += " *" + escape(n.Title) + "*"
	}
	if n.Text != "" {
		text += "\n" + escape(n.Text)
	}
	return []slackapi.Block{mrkdwnSection(truncateMrkdwn(text, maxText))}
}

// answerBlocks renders a cited document: a section with the linked title,
// the snippet and a warning when it is past review, then a context line
// with its kind, area and review date.
func answerBlocks(a bot.AnswerCard) []slackapi.Block {
	title := "*" + escape(a.Title) + "*"
	if u := safeURL(a.URL); u != "" {
		title = "*<" + u + "|" + escape(a.Title) + ">*"
	}
	if a.Full {
		return fullBlocks(a, title)
	}
	var stale string
	if w := a.StaleWarning(); w != "" {
		stale = ":warning: *" + escape(w) + "*"
	}
	snippet := markdownToMrkdwn(a.Snippet)
	if snippet != "" {
		budget := maxText - utf8.RuneCountInString(title) - utf8.RuneCountInString(stale) - 2
		snippet = truncateMrkdwn(snippet, max(budget, 1))
	}
	text := strings.Join(nonEmpty(title, snippet, stale), "\n")
	out := []slackapi.Block{mrkdwnSection(truncateMrkdwn(text, maxText))}

	var meta []string
	if k := bot.KindName(a.Kind); k != "" {
		meta = append(meta, k)
	}
	if a.Area != "" {
		meta = append(meta, handlers.AreaName(a.Area))
	}
	if !a.Reviewed.IsZero() {
		meta = append(meta, "Reviewed "+a.Reviewed.Format(dateLayout))
	}
	if len(meta) > 0 {
		out = append(out, slackapi.NewContextBlock("", mrkdwnText(truncateMrkdwn(escape(strings.Join(meta, " · ")), maxFieldText))))
	}
	return out
}

// maxFullSections bounds a whole document's sections, within Slack's 50
// blocks a message.
const maxFullSections = 20

// fullBlocks renders a whole document: its title, its body in sections of
// whole paragraphs (each within a section's limit), its stale warning.
func fullBlocks(a bot.AnswerCard, title string) []slackapi.Block {
	out := []slackapi.Block{mrkdwnSection(truncateMrkdwn(title, maxText))}
	if w := a.StaleWarning(); w != "" {
		out = append(out, mrkdwnSection(":warning: *"+escape(w)+"*"))
	}
	var cur string
	flush := func() {
		if strings.TrimSpace(cur) != "" && len(out) < maxFullSections {
			out = append(out, mrkdwnSection(truncateMrkdwn(cur, maxText)))
		}
		cur = ""
	}
	for _, para := range strings.Split(strings.TrimSpace(a.Snippet), "\n\n") {
		p := fullMrkdwn(para)
		if cur != "" && utf8.RuneCountInString(cur)+utf8.RuneCountInString(p)+2 > maxText {
			flush()
		}
		if cur != "" {
			cur += "\n\n"
		}
		cur += p
	}
	flush()
	return out
}

// fullMrkdwn is a paragraph of a document as mrkdwn: its line breaks kept
// (lists, steps), bold and headings as *bold*, phone numbers as tel: links.
func fullMrkdwn(para string) string {
	lines := strings.Split(para, "\n")
	for i, l := range lines {
		l = mdHeadRE.ReplaceAllString(strings.TrimSpace(l), "$1")
		if l != strings.TrimSpace(lines[i]) {
			lines[i] = "*" + escape(l) + "*"
			continue
		}
		m := markdownToMrkdwn(l)
		lines[i] = handlers.Phones(m, func(t string) string { return t }, func(n, tel string) string { return "<" + tel + "|" + n + ">" })
	}
	return strings.Join(lines, "\n")
}

// contactBlock renders someone to reach: name, role, team and
// organisation, then phone, email, hours and out of hours as fields.
func contactBlock(c bot.ContactCard) slackapi.Block {
	name := firstOf(c.Name, c.Team, c.Role, "Contact")
	lines := []string{"*" + escape(name) + "*"}
	var who []string
	for _, s := range []string{c.Role, c.Team, c.Organisation} {
		if s != "" && s != name && !slices.Contains(who, s) {
			who = append(who, s)
		}
	}
	if len(who) > 0 {
		lines = append(lines, escape(strings.Join(who, " · ")))
	}
	if c.Bookable && c.Specialism != "" {
		lines = append(lines, "_Takes "+escape(bot.SpecialismName(c.Specialism))+" consultations_")
	}
	if w := c.StaleWarning(); w != "" {
		lines = append(lines, ":warning: *"+escape(w)+"*")
	}
	var fields []*slackapi.TextBlockObject
	add := func(label, value string) {
		if value != "" && len(fields) < maxFields {
			fields = append(fields, mrkdwnText(truncateMrkdwn("*"+label+"*\n"+value, maxFieldText)))
		}
	}
	add("Phone", phones(c.Phone))
	if c.Email != "" {
		add("Email", "<mailto:"+escapeURL(c.Email)+"|"+escape(c.Email)+">")
	}
	add("Hours", escape(c.Hours))
	add("Out of hours", phones(c.OutOfHours))
	return slackapi.NewSectionBlock(mrkdwnText(truncateMrkdwn(strings.Join(lines, "\n"), maxText)), fields, nil)
}

// actionBlocks renders buttons, at most maxActions to a block.
func actionBlocks(blockID string, buttons []bot.Button, ids map[string]int) []slackapi.Block {
	var out []slackapi.Block
	for chunk := range slices.Chunk(buttons, maxActions) {
		var els []slackapi.BlockElement
		for _, b := range chunk {
			label := b.Label
			if label == "" {
				label = firstOf(b.Value, b.ActionID)
			}
			el := slackapi.NewButtonBlockElement(uniqueActionID(b.ActionID, ids), handlers.Truncate(b.Value, maxButtonValue), plainText(handlers.Truncate(label, maxButtonText)))
			switch b.Style {
			case bot.StylePrimary:
				el.Style = slackapi.StylePrimary
			case bot.StyleDanger:
				el.Style = slackapi.StyleDanger
			}
			els = append(els, el)
		}
		id := blockID
		if len(out) > 0 {
			id = fmt.Sprintf("%s-%d", blockID, len(out)+1)
		}
		out = append(out, slackapi.NewActionBlock(id, els...))
	}
	return out
}

// uniqueActionID returns id the first time, then id#2, id#3...: Slack
// rejects a message whose buttons share an action_id, and the engine offers
// several consultations or follow-ups with the same one. baseActionID
// strips the suffix when the button is pressed.
func uniqueActionID(id string, seen map[string]int) string {
	seen[id]++
	if n := seen[id]; n > 1 {
		id = fmt.Sprintf("%s#%d", id, n)
	}
	return handlers.Truncate(id, maxActionID)
}

func mrkdwnText(s string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.MarkdownType, s, false, false)
}

func plainText(s string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.PlainTextType, s, true, false)
}

func mrkdwnSection(s string) *slackapi.SectionBlock {
	return slackapi.NewSectionBlock(mrkdwnText(s), nil, nil)
}

// escape makes text safe in Slack mrkdwn (&, < and > are control
// characters) and writes the people the desk names as Slack shows them.
func escape(s string) string {
	return bot.RenderText(s, escaper.Replace, mention)
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// mention is p as Slack shows them: a Slack user as a mention, which Slack
// renders as their name and links to them; anyone else by name.
func mention(p bot.Person) string {
	if p.Platform == bot.PlatformSlack && p.UserID != "" {
		return "<@" + escaper.Replace(p.UserID) + ">"
	}
	return escaper.Replace(p.Display())
}

// phones is s escaped, each telephone number a tel: link, which a phone
// rings with one tap.
func phones(s string) string {
	return handlers.Phones(s, escape, func(n, tel string) string { return "<" + escapeURL(tel) + "|" + escape(n) + ">" })
}

// escapeURL makes a URL safe inside <url|label>.
func escapeURL(u string) string {
	return strings.NewReplacer("&", "&amp;", "<", "%3C", ">", "%3E", "|", "%7C").Replace(u)
}

// safeURL returns u escaped for a link when it is an absolute http(s) URL,
// and "" otherwise.
func safeURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		return ""
	}
	return escapeURL(u)
}

var (
	mdLinkRE   = regexp.MustCompile(`\[([^\]\n]+)\]\((https?://[^)\s]+)\)`)
	mdBoldRE   = regexp.MustCompile(`\*\*([^*\n]+?)\*\*|__([^_\n]+?)__`)
	mdHeadRE   = regexp.MustCompile(`(?m)^#{1,6}[ \t]+(.+)$`)
	mdSpacesRE = regexp.MustCompile(`[ \t]+`)
)

// markdownToMrkdwn converts a snippet's Markdown to Slack mrkdwn: **bold**
// and __bold__ become *bold*, [text](url) becomes a link, headings bold.
func markdownToMrkdwn(s string) string {
	s = escape(strings.TrimSpace(s))
	s = mdLinkRE.ReplaceAllStringFunc(s, func(m string) string {
		g := mdLinkRE.FindStringSubmatch(m)
		// The URL was escaped with the rest; only '|' is left to encode.
		return "<" + strings.ReplaceAll(g[2], "|", "%7C") + "|" + g[1] + ">"
	})
	s = mdBoldRE.ReplaceAllString(s, "*$1$2*")
	s = mdHeadRE.ReplaceAllString(s, "*$1*")
	return mdSpacesRE.ReplaceAllString(s, " ")
}

// truncateMrkdwn is truncate for escaped mrkdwn: it does not cut inside a
// <link|label> or an &entity;.
func truncateMrkdwn(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := string([]rune(s)[:n-1])
	if lt := strings.LastIndexByte(cut, '<'); lt > strings.LastIndexByte(cut, '>') {
		cut = cut[:lt]
	}
	if amp := strings.LastIndexByte(cut, '&'); amp >= 0 && !strings.Contains(cut[amp:], ";") {
		cut = cut[:amp]
	}
	return strings.TrimRight(cut, " \n") + handlers.Ellipsis
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
