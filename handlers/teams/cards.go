package teams

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
)

// Teams' limits. A message over MaxCardBytes is refused, so Card cuts long
// texts with an ellipsis and, when the card is still too big, leaves out
// the follow-up questions, then contact cards, then answer cards, saying so
// in a last line.
const (
	MaxCardBytes = 28 * 1024 // a whole message activity, as JSON
	// cardBudget is what the card may use of MaxCardBytes, leaving room
	// for the activity around it and its fallback text.
	cardBudget = MaxCardBytes - 3*1024

	MaxActionsPerSet = 6 // actions in an ActionSet, as Teams shows them

	maxText       = 3000 // the reply's text, a notice's text
	maxSnippet    = 1000 // an answer's snippet
	maxTitle      = 200  // a card or notice title, a fact
	maxActionText = 80   // a button's title
	maxValue      = 2000 // a button's value
	maxFallback   = 1000 // the activity's plain text
)

// Adaptive Card identifiers.
const (
	cardSchema  = "http://adaptivecards.io/schemas/adaptive-card.json"
	cardVersion = "1.5"
	// ContentType is the attachment content type of an Adaptive Card.
	ContentType = "application/vnd.microsoft.card.adaptive"
)

// noticeStyle gives each notice kind its Container style.
var noticeStyle = map[string]string{
	bot.NoticeActNow:       "attention",
	bot.NoticePersonalData: "warning",
	bot.NoticeUnavailable:  "emphasis",
	bot.NoticeInfo:         "accent",
}

// dateLayout is how dates read in cards: 1 March 2026.
const dateLayout = "2 January 2006"

// Card renders r as an Adaptive Card 1.5: notices first (act now as an
// attention container with a bold title), the text, the form when r has
// one (its inputs and a submit button whose verb is the form's ID), answer
// cards, contact cards, buttons as Action.Execute (verb: the action id,
// data: {"value": the value}), then the follow-up questions as
// Action.Execute with the verb "ask". Actions go in ActionSets of at most
// MaxActionsPerSet. The card keeps within Teams' size limit.
//
// Text from the engine and the knowledge base is escaped, so it cannot
// add links or images: only the reply's bold, and an answer's title link to
// an http(s) URL, become markup.
func Card(r bot.Reply) map[string]any {
	var head []any
	notices := slices.Clone(r.Notices)
	bot.SortNotices(notices)
	for _, n := range notices {
		head = append(head, noticeContainer(n))
	}
	if r.Text != "" {
		head = append(head, textBlock(markdown(r.Text, maxText)))
	}
	if r.Form != nil {
		head = append(head, formElements(*r.Form)...)
	}

	var answers, contacts []any
	for _, a := range r.Answers {
		answers = append(answers, answerContainer(a))
	}
	for _, c := range r.Contacts {
		contacts = append(contacts, contactContainer(c))
	}

	buttons := actionSets(r.Buttons)
	var followUps []any
	if len(r.FollowUps) > 0 {
		var asks []bot.Button
		for _, q := range r.FollowUps {
			asks = append(asks, bot.Button{ActionID: bot.ActionAsk, Label: q, Value: q})
		}
		followUps = append(followUps, subtle("Ask next:"))
		followUps = append(followUps, actionSets(asks)...)
	}

	return card(fit(head, answers, contacts, buttons, followUps, cardBudget))
}

// Activity renders r as a Bot Framework message activity: the card as its
// one attachment, and a plain text fallback for notifications and for
// clients that cannot show cards.
func Activity(r bot.Reply) map[string]any {
	return map[string]any{
		"type":       "message",
		"text":       FallbackText(r),
		"textFormat": "plain",
		"attachments": []any{map[string]any{
			"contentType": ContentType,
			"content":     Card(r),
		}},
	}
}

// FallbackText is a reply's plain text: the act-now title first when there
// is one, then the text, or else the first answer, contact or notice.
func FallbackText(r bot.Reply) string {
	var parts []string
	for _, n := range r.Notices {
		if title := strings.TrimRight(n.Title, " ."); n.Kind == bot.NoticeActNow && title != "" {
			parts = append(parts, title+".")
		}
	}
	switch {
	case r.Text != "":
		parts = append(parts, plain(r.Text))
	case len(r.Answers) > 0:
		parts = append(parts, r.Answers[0].Title)
	case len(r.Contacts) > 0:
		parts = append(parts, "Contacts: "+firstOf(r.Contacts[0].Name, r.Contacts[0].Team, r.Contacts[0].Role, "Contact"))
	case r.Form != nil && r.Form.Title != "":
		parts = append(parts, r.Form.Title)
	case len(r.Notices) > 0:
		parts = append(parts, r.Notices[0].Title)
	}
	if len(parts) == 0 {
		return "Waymark"
	}
	return handlers.Truncate(strings.Join(parts, " "), maxFallback)
}

func card(body []any) map[string]any {
	return map[string]any{
		"type":    "AdaptiveCard",
		"$schema": cardSchema,
		"version": cardVersion,
		"body":    body,
	}
}

// fit joins the parts of a card's body so that the card's JSON stays
// within budget bytes: it leaves out the follow-ups, then contacts from the
// end, then answers from the end, and adds a last line saying what was
// left out. The head and the buttons are always kept.
func fit(head, answers, contacts, buttons, followUps []any, budget int) []any {
	join := func(parts ...[]any) []any {
		var out []any
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	all := join(head, answers, contacts, buttons, followUps)
	envelope := size(card(nil)) - len("null") + len("[]")
	used := envelope + bodySize(all)
	if used <= budget {
		return all
	}

	droppedAsks := len(followUps) > 0
	used -= bodySize(followUps) + min(len(followUps), 1) // and its comma
	cards := join(answers, contacts)
	// Worst case note, to keep room for it.
	noteRoom := size(note(len(cards), droppedAsks)) + 1
	shown := len(cards)
	for shown > 0 && used+noteRoom > budget {
		shown--
		used -= size(cards[shown]) + 1
	}
	body := join(head, cards[:shown], buttons)
	if n := note(len(cards)-shown, droppedAsks); n != nil {
		body = append(body, n)
	}
	return body
}

// note says what fit left out, or is nil when nothing was.
func note(cards int, asks bool) map[string]any {
	var s []string
	if cards > 0 {
		s = append(s, fmt.Sprintf("%d more %s not shown: the card would be too big for Teams. Ask a narrower question to see %s.",
			cards, handlers.Plural(cards, "result", "results"), handlers.Plural(cards, "it", "them")))
	}
	if asks {
		s = append(s, "Suggested next questions were left out.")
	}
	if len(s) == 0 {
		return nil
	}
	b := subtle(strings.Join(s, " "))
	b["separator"] = true
	return b
}

// size is v's length as JSON, as json.Marshal writes it.
func size(v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		return 0
	}
	return len(b)
}

// bodySize is the length of elements as a JSON array without its brackets.
func bodySize(elements []any) int {
	n := max(len(elements)-1, 0) // commas
	for _, e := range elements {
		n += size(e)
	}
	return n
}

func noticeContainer(n bot.Notice) map[string]any {
	style := noticeStyle[n.Kind]
	if style == "" {
		style = noticeStyle[bot.NoticeInfo]
	}
	title := n.Title
	if title == "" && n.Kind == bot.NoticeActNow {
		title = "Act now"
	}
	var items []any
	if title != "" {
		t := textBlock(escape(handlers.Truncate(title, maxTitle)))
		t["weight"] = "Bolder"
		if n.Kind == bot.NoticeActNow {
			t["size"] = "Medium"
			t["color"] = "Attention"
		}
		items = append(items, t)
	}
	if n.Text != "" {
		items = append(items, textBlock(markdown(telLinks(n.Text), maxText)))
	}
	return map[string]any{"type": "Container", "style": style, "bleed": true, "items": items}
}

// answerContainer renders a cited document: its title (a link when it has
// a URL), kind and area, the snippet, the review date and a warning when it
// is past review.
func answerContainer(a bot.AnswerCard) map[string]any {
	title := escape(handlers.Truncate(firstOf(a.Title, a.DocID), maxTitle))
	if u := safeURL(a.URL); u != "" {
		title = "[" + title + "](" + u + ")"
	}
	t := textBlock(title)
	t["weight"] = "Bolder"
	items := []any{t}

	var meta []string
	if k := bot.KindName(a.Kind); k != "" {
		meta = append(meta, k)
	}
	if a.Area != "" {
		meta = append(meta, handlers.AreaName(a.Area))
	}
	if len(meta) > 0 {
		m := subtle(strings.Join(meta, " · "))
		m["spacing"] = "None"
		items = append(items, m)
	}
	if a.Full {
		// The whole document: a text block a paragraph, its lines kept.
		for i, para := range strings.Split(strings.TrimSpace(a.Snippet), "\n\n") {
			if i >= maxFullBlocks {
				break
			}
			var lines []string
			for _, l := range strings.Split(para, "\n") {
				lines = append(lines, markdown(telLinks(l), maxText))
			}
			if s := strings.Join(lines, "\n\n"); strings.TrimSpace(s) != "" {
				items = append(items, textBlock(s))
			}
		}
	} else if s := markdown(a.Snippet, maxSnippet); s != "" {
		items = append(items, textBlock(s))
	}
	if !a.Reviewed.IsZero() {
		items = append(items, subtle("Reviewed "+a.Reviewed.Format(dateLayout)))
	}
	if s := a.StaleWarning(); s != "" {
		items = append(items, warning(s))
	}
	return map[string]any{"type": "Container", "separator": true, "spacing": "Medium", "items": items}
}

// maxFullBlocks bounds a whole document's paragraphs, so that its card
// stays within Teams' size limit.
const maxFullBlocks = 40

// warning is a stale warning: bold, in the attention colour.
func warning(s string) map[string]any {
	w := textBlock(escape(s))
	w["color"] = "Attention"
	w["weight"] = "Bolder"
	return w
}

// contactContainer renders someone to reach: the name, the organisation,
// then role, team, phone, email, hours and out of hours as facts.
func contactContainer(c bot.ContactCard) map[string]any {
	name := firstOf(c.Name, c.Team, c.Role, "Contact")
	t := textBlock(escape(handlers.Truncate(name, maxTitle)))
	t["weight"] = "Bolder"
	items := []any{t}
	if c.Organisation != "" && c.Organisation != name {
		o := subtle(c.Organisation)
		o["spacing"] = "None"
		items = append(items, o)
	}
	if c.Bookable && c.Specialism != "" {
		items = append(items, subtle("Takes "+bot.SpecialismName(c.Specialism)+" consultations"))
	}
	if s := c.StaleWarning(); s != "" {
		items = append(items, warning(s))
	}
	var facts []any
	add := func(label, value string) {
		if value != "" && value != name {
			facts = append(facts, map[string]any{"title": label, "value": escape(handlers.Truncate(value, maxTitle))})
		}
	}
	add("Role", c.Role)
	add("Team", c.Team)
	add("Phone", c.Phone)
	add("Email", c.Email)
	add("Hours", c.Hours)
	add("Out of hours", c.OutOfHours)
	if len(facts) > 0 {
		items = append(items, map[string]any{"type": "FactSet", "facts": facts})
	}
	if c.Phone != "" {
		// A phone rings the number with one tap.
		items = append(items, textBlock(markdown("Call "+telLinks(c.Phone), maxTitle)))
	}
	return map[string]any{"type": "Container", "separator": true, "spacing": "Medium", "items": items}
}

// actionSets renders buttons as Action.Execute, at most MaxActionsPerSet
// to an ActionSet.
func actionSets(buttons []bot.Button) []any {
	var out []any
	for chunk := range slices.Chunk(buttons, MaxActionsPerSet) {
		var actions []any
		for _, b := range chunk {
			a := map[string]any{
				"type":  "Action.Execute",
				"title": handlers.Truncate(firstOf(b.Label, b.Value, b.ActionID), maxActionText),
				"verb":  b.ActionID,
				"data":  map[string]any{"value": handlers.Truncate(b.Value, maxValue)},
			}
			switch b.Style {
			case bot.StylePrimary:
				a["style"] = "positive"
			case bot.StyleDanger:
				a["style"] = "destructive"
			}
			actions = append(actions, a)
		}
		out = append(out, map[string]any{"type": "ActionSet", "actions": actions})
	}
	return out
}

func textBlock(md string) map[string]any {
	return map[string]any{"type": "TextBlock", "text": md, "wrap": true}
}

// subtle is a small, subtle TextBlock of plain text.
func subtle(s string) map[string]any {
	t := textBlock(escape(handlers.Truncate(s, maxText)))
	t["isSubtle"] = true
	t["size"] = "Small"
	return t
}
