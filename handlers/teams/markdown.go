package teams

import (
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
)

// mdEscaper backslash-escapes what Adaptive Card markdown (and the
// CommonMark renderers behind it) could read as markup: emphasis, links,
// images, HTML, entities, code, headings, quotes and tables.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "(", `\(`, ")", `\)`,
	"!", `\!`, "<", `\<`, ">", `\>`, "&", `\&`, "`", "\\`", "#", `\#`, "~", `\~`, "|", `\|`,
)

// escape makes plain text safe in a TextBlock or a fact.
func escape(s string) string {
	return mdEscaper.Replace(names(s))
}

// names writes the people the desk names by the name Teams gave them (or
// their own platform's).
func names(s string) string { return bot.PlainText(s) }

// safeURL returns u, percent-encoding what would end a Markdown link, when
// it is an absolute http(s) URL, and "" otherwise.
func safeURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		return ""
	}
	return strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E", `\`, "%5C", "[", "%5B", "]", "%5D").Replace(p.String())
}

var (
	// mdSpanRE finds, in order: a Markdown link, **bold**, __bold__ and the
	// engine's *bold*.
	mdSpanRE   = regexp.MustCompile(`\[([^\]\n]+)\]\(([^)\s]+)\)|\*\*([^*\n]+?)\*\*|__([^_\n]+?)__|\*([^*\n]+?)\*`)
	mdHeadRE   = regexp.MustCompile(`(?m)^#{1,6}[ \t]+(.+?)[ \t#]*$`)
	mdSpacesRE = regexp.MustCompile(`[ \t]+`)
)

// markdown converts the engine's text (*bold*) or a snippet's Markdown
// (**bold**, __bold__, headings, links) to Adaptive Card markdown, cut to
// at most n characters of text. Bold survives; a link becomes its text and
// its URL in brackets, so the reader sees where it goes; everything else is
// escaped.
func markdown(s string, n int) string {
	s = strings.TrimSpace(names(s))
	s = mdHeadRE.ReplaceAllString(s, "**$1**")
	s = mdSpacesRE.ReplaceAllString(s, " ")
	var b strings.Builder
	budget := n
	// add writes t, escaped, within the budget; it reports false once the
	// budget is spent.
	add := func(t string, bold bool) bool {
		if budget <= 0 {
			return false
		}
		cut := false
		if utf8.RuneCountInString(t) > budget {
			t, cut = strings.TrimRight(string([]rune(t)[:max(budget-1, 0)]), " \n"), true
		}
		budget -= utf8.RuneCountInString(t)
		if t != "" {
			if bold {
				b.WriteString("**" + escape(t) + "**")
			} else {
				b.WriteString(escape(t))
			}
		}
		if cut {
			b.WriteString(handlers.Ellipsis)
			budget = 0
			return false
		}
		return true
	}
	last := 0
	for _, m := range mdSpanRE.FindAllStringSubmatchIndex(s, -1) {
		if !add(s[last:m[0]], false) {
			return b.String()
		}
		last = m[1]
		group := func(i int) string {
			if m[2*i] < 0 {
				return ""
			}
			return s[m[2*i]:m[2*i+1]]
		}
		switch {
		case m[2] >= 0 && strings.HasPrefix(group(2), "tel:"): // a phone number, a link a phone rings
			if budget < utf8.RuneCountInString(group(1)) {
				add(group(1), false)
				return b.String()
			}
			budget -= utf8.RuneCountInString(group(1))
			b.WriteString("[" + escape(group(1)) + "](" + group(2) + ")")
		case m[2] >= 0: // a link: its text, then its URL
			if !add(group(1), false) || !add(" ("+group(2)+")", false) {
				return b.String()
			}
		default:
			inner := strings.TrimSpace(group(3) + group(4) + group(5))
			if inner == "" {
				if !add(s[m[0]:m[1]], false) {
					return b.String()
				}
				continue
			}
			if !add(inner, true) {
				return b.String()
			}
		}
	}
	add(s[last:], false)
	return b.String()
}

// plain strips the engine's bold markers for the plain text fallback.
func plain(s string) string {
	s = names(s)
	return mdSpanRE.ReplaceAllStringFunc(s, func(m string) string {
		g := mdSpanRE.FindStringSubmatch(m)
		if g[1] != "" {
			return g[1] + " (" + g[2] + ")"
		}
		return g[3] + g[4] + g[5]
	})
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// telLinks writes each telephone number in s as a Markdown tel: link, for
// markdown to keep.
func telLinks(s string) string {
	return handlers.Phones(s, func(t string) string { return t }, func(n, tel string) string { return "[" + n + "](" + tel + ")" })
}
