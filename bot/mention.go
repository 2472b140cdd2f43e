package bot

import "strings"

// People in a reply's text. The desk writes a person with Mention, in a
// form of Waymark's own, and each platform shows them its own way
// (RenderText): a Slack mention, which Slack shows as the person's name
// and links to them; a Teams or web chat name. So a duty manager reads who
// asked, not a platform id, and bot knows no platform's syntax.
//
// The form is delimited by two private-use characters that no message
// keeps (Engine.Handle removes them from what people write), so text a
// person wrote can never pose as a mention.
const (
	mentionOpen  = '\uE000'
	mentionClose = '\uE001'
	mentionSep   = '\uE002'
)

// Mention is p written into a reply's text.
func (p Person) Mention() string {
	var b strings.Builder
	b.WriteRune(mentionOpen)
	for i, f := range []string{p.Platform, p.TeamID, p.UserID, p.Name} {
		if i > 0 {
			b.WriteRune(mentionSep)
		}
		b.WriteString(stripMentionMarks(f))
	}
	b.WriteRune(mentionClose)
	return b.String()
}

// RenderText is text with each person written by person and everything
// else by literal (a platform's escaping).
func RenderText(text string, literal func(string) string, person func(Person) string) string {
	if !strings.ContainsRune(text, mentionOpen) {
		return literal(text)
	}
	var b strings.Builder
	for text != "" {
		i := strings.IndexRune(text, mentionOpen)
		if i < 0 {
			b.WriteString(literal(text))
			break
		}
		b.WriteString(literal(text[:i]))
		rest := text[i+len(string(mentionOpen)):]
		j := strings.IndexRune(rest, mentionClose)
		if j < 0 { // not a mention after all
			b.WriteString(literal(rest))
			break
		}
		f := strings.Split(rest[:j], string(mentionSep))
		if len(f) == 4 {
			b.WriteString(person(Person{Platform: f[0], TeamID: f[1], UserID: f[2], Name: f[3]}))
		}
		text = rest[j+len(string(mentionClose)):]
	}
	return b.String()
}

// PlainText is text with each person by name (their id when it is
// unknown), for a platform that has no mentions and for tests.
func PlainText(text string) string {
	return RenderText(text, func(s string) string { return s }, Person.Display)
}

// stripMentionMarks removes the characters mentions are made of from what
// someone wrote.
func stripMentionMarks(s string) string {
	if !strings.ContainsAny(s, string([]rune{mentionOpen, mentionClose, mentionSep})) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == mentionOpen || r == mentionClose || r == mentionSep {
			return -1
		}
		return r
	}, s)
}

// unmarked is m without mention marks in anything its sender wrote.
func unmarked(m Message) Message {
	m.Text, m.UserName = stripMentionMarks(m.Text), stripMentionMarks(m.UserName)
	if len(m.Form) > 0 {
		form := make(map[string]string, len(m.Form))
		for k, v := range m.Form {
			form[k] = stripMentionMarks(v)
		}
		m.Form = form
	}
	if m.Action != nil {
		a := *m.Action
		a.Value = stripMentionMarks(a.Value)
		m.Action = &a
	}
	return m
}

// PlatformName is a platform as people read it in prose.
func PlatformName(platform string) string {
	switch platform {
	case PlatformSlack:
		return "Slack"
	case PlatformTeams:
		return "Teams"
	case PlatformWeb:
		return "the web chat"
	}
	return platform
}

// riskKindWords are the screener's kinds of risk as a duty manager reads
// them.
var riskKindWords = map[string]string{
	"travel": "plans to travel", "weapon": "a weapon", "attack": "a plan to attack", "missing": "a missing child",
	"danger": "a child in danger now", "forced-marriage": "forced marriage", "fgm": "FGM", "suicide": "a risk of suicide",
	"serious": "a serious risk",
}

// riskWords lists kinds of risk in words, joined with "and".
func riskWords(kinds []string) string {
	var ws []string
	for _, k := range kinds {
		if w, ok := riskKindWords[k]; ok {
			ws = append(ws, w)
		} else {
			ws = append(ws, k)
		}
	}
	if len(ws) <= 1 {
		return strings.Join(ws, "")
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " and " + ws[len(ws)-1]
}
