package knowledge

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/waymarkhq/waymark/bot"
)

var (
	mdLinkRE     = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	mdEmphRE     = regexp.MustCompile(`(\*\*|__|\*|_|` + "`" + `)([^*_` + "`" + `\n]+?)(\*\*|__|\*|_|` + "`" + `)`)
	mdLineRE     = regexp.MustCompile(`(?m)^\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)`)
	mdTableSepRE = regexp.MustCompile(`(?m)^\s*\|?[\s:|-]+\|[\s:|-]*$`)
	sentenceEnd  = regexp.MustCompile(`[.!?](?:\s+|$)|\n+`)
)

// plainText strips the Markdown a snippet should not show.
func plainText(md string) string {
	s := mdTableSepRE.ReplaceAllString(md, "")
	s = mdLinkRE.ReplaceAllString(s, "$1")
	s = mdEmphRE.ReplaceAllString(s, "$2")
	s = mdLineRE.ReplaceAllString(s, "")
	s = strings.ReplaceAll(s, "|", " ")
	return s
}

// sentence is one sentence of a document's plain body, with the terms it
// has. Sentences are found the first time a document is shown, not when
// it is indexed.
type sentence struct {
	start, end int
	terms      []string // sorted
}

// splitSentences splits a plain body into sentences and list items.
func (b *Base) splitSentences(body string) []sentence {
	var ss []sentence
	start := 0
	add := func(end int) {
		if strings.TrimSpace(body[start:end]) != "" {
			ss = append(ss, sentence{start: start, end: end})
		}
	}
	for _, loc := range sentenceEnd.FindAllStringIndex(body, -1) {
		add(min(loc[0]+1, len(body)))
		start = loc[1]
	}
	if start < len(body) {
		add(len(body))
	}
	for i := range ss {
		ts := b.an.terms(body[ss[i].start:ss[i].end])
		slices.Sort(ts)
		ss[i].terms = slices.Compact(ts)
	}
	return ss
}

// snippet picks the sentence of d's body that best covers the matched terms
// and shows those words in bold.
func (b *Base) snippet(d *bot.Document, matched map[string]bool) string {
	dt := b.docs[d.ID]
	dt.shownOnce.Do(func() {
		dt.plain = plainText(d.Body)
		dt.sentences = b.splitSentences(dt.plain)
	})
	body, sentences := dt.plain, dt.sentences
	weights := map[string]float64{}
	for t := range matched {
		weights[t] = b.idf(b.df[t])
	}
	best, bestScore := -1, 0.0
	for i, s := range sentences {
		score := 0.0
		for t, w := range weights {
			if _, ok := slices.BinarySearch(s.terms, t); ok {
				score += w
			}
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		if d.Summary != "" {
			return truncateRunes(d.Summary, snippetMaxRunes)
		}
		if len(sentences) == 0 {
			return ""
		}
		best = 0
	}
	s := sentences[best]
	text := strings.Join(strings.Fields(body[s.start:s.end]), " ")
	prefix, suffix := "", ""
	if best > 0 {
		prefix = "… "
	}
	if utf8.RuneCountInString(text) > snippetMaxRunes {
		full := text
		text = b.window(text, matched)
		if !strings.HasPrefix(full, text) {
			prefix = "… "
		}
		suffix = " …"
	}
	return prefix + b.bold(text, matched) + suffix
}

// window cuts text to snippetMaxRunes around its first matched word.
func (b *Base) window(text string, matched map[string]bool) string {
	first := 0
	for _, sp := range surfaceRE.FindAllStringIndex(text, -1) {
		if ts := b.an.terms(text[sp[0]:sp[1]]); len(ts) == 1 && matched[ts[0]] {
			first = sp[0]
			break
		}
	}
	runes := []rune(text)
	firstRune := utf8.RuneCountInString(text[:first])
	from := max(0, firstRune-snippetMaxRunes/4)
	to := min(len(runes), from+snippetMaxRunes)
	// Do not cut words in half.
	for from > 0 && runes[from-1] != ' ' {
		from++
	}
	for to < len(runes) && to > from && runes[to-1] != ' ' {
		to--
	}
	return strings.TrimSpace(string(runes[from:to]))
}

func (b *Base) bold(text string, matched map[string]bool) string {
	var sb strings.Builder
	last := 0
	for _, sp := range surfaceRE.FindAllStringIndex(text, -1) {
		ts := b.an.terms(text[sp[0]:sp[1]])
		if len(ts) != 1 || !matched[ts[0]] {
			continue
		}
		sb.WriteString(text[last:sp[0]])
		sb.WriteString("**" + text[sp[0]:sp[1]] + "**")
		last = sp[1]
	}
	sb.WriteString(text[last:])
	return sb.String()
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n])) + " …"
}
