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
	heading    bool     // a heading: it names a passage, it does not answer
	step       bool     // an item of a list: a step, a number, an outcome
}

// mdItemRE finds Markdown list items.
var mdItemRE = regexp.MustCompile(`(?m)^\s*(?:[-*+]|\d+[.)])\s+(.+)$`)

// stepsRE is a question asking how to do something, which the steps of a
// process answer best.
var stepsRE = regexp.MustCompile(`(?i)\b(?:how (?:do|can|should|would|to)|what (?:do|should) (?:i|we)|steps?|process|procedure)\b`)

// stepBonus weighs a list item up for a question asking how.
const stepBonus = 1.5

// mdHeadingRE finds Markdown headings, whose text a snippet does not show
// alone: the first is usually the title again.
var mdHeadingRE = regexp.MustCompile(`(?m)^\s*#{1,6}\s+(.+?)\s*#*\s*$`)

// headings are the texts of md's headings, normalised.
func headings(md string) map[string]bool {
	out := map[string]bool{}
	for _, m := range mdHeadingRE.FindAllStringSubmatch(md, -1) {
		out[normalSpace(plainText(m[1]))] = true
	}
	return out
}

func normalSpace(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

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

// snippet picks the passage of d's body that best covers the matched terms
// and shows those words in bold; for a question asking how, the steps of a
// list count for more.
func (b *Base) snippet(d *bot.Document, matched map[string]bool, steps bool) string {
	dt := b.docs[d.ID]
	dt.shownOnce.Do(func() {
		dt.sentences = b.splitSentences(dt.plainBody(d))
		hs := headings(d.Body)
		hs[normalSpace(d.Title)] = true
		var items []string
		for _, m := range mdItemRE.FindAllStringSubmatch(d.Body, -1) {
			if it := normalSpace(plainText(m[1])); it != "" {
				items = append(items, it)
			}
		}
		for i := range dt.sentences {
			t := normalSpace(dt.plain[dt.sentences[i].start:dt.sentences[i].end])
			dt.sentences[i].heading = hs[t]
			dt.sentences[i].step = slices.ContainsFunc(items, func(it string) bool { return strings.Contains(it, t) || strings.HasPrefix(t, it) })
		}
	})
	body, sentences := dt.plain, dt.sentences
	weights := map[string]float64{}
	for t := range matched {
		weights[t] = b.idf(b.df[t])
	}
	best, bestScore := -1, 0.0
	for i, s := range sentences {
		if s.heading {
			continue
		}
		score := 0.0
		for t, w := range weights {
			if _, ok := slices.BinarySearch(s.terms, t); ok {
				score += w
			}
		}
		if steps && s.step {
			score *= stepBonus
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		if d.Summary != "" {
			return truncateRunes(d.Summary, snippetMaxRunes)
		}
		best = slices.IndexFunc(sentences, func(s sentence) bool { return !s.heading })
		if best < 0 {
			return ""
		}
	}
	// For a question asking how, a step's passage starts at the first step
	// of its list: the process from its beginning.
	if steps && sentences[best].step {
		for best > 0 && sentences[best-1].step && !sentences[best-1].heading &&
			!strings.Contains(body[sentences[best-1].end:sentences[best].start], "\n\n") {
			best--
		}
	}
	// The passage: the best sentence and those after it in its paragraph
	// or list, while they fit (the next steps, the number to ring).
	s := sentences[best]
	end := s.end
	for j := best + 1; j < len(sentences) && !sentences[j].heading; j++ {
		if strings.Contains(body[end:sentences[j].start], "\n\n") ||
			utf8.RuneCountInString(body[s.start:sentences[j].end]) > snippetMaxRunes {
			break
		}
		end = sentences[j].end
	}
	text := strings.Join(strings.Fields(body[s.start:end]), " ")
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
