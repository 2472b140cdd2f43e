package knowledge

import (
	"cmp"
	"slices"
	"strings"
	"unicode"

	"github.com/waymarkhq/waymark/bot"
)

var _ bot.GapTermer = (*Base)(nil)

// maxGapTerms is the most words a knowledge gap keeps of a question.
const maxGapTerms = 8

// GapTerms are the words of question a knowledge-gap report may keep: as
// written (spelling corrected, lower case), of three letters or more, with
// no digits, not the words that say how a question is asked, and known to
// the corpus or to everyday English, so that a name, an address or a
// number is left out; the corpus's rarest first, since they say most about
// what was asked. A question with personal data keeps nothing.
func (b *Base) GapTerms(question string) []string {
	if b.Screen(question).PersonalData {
		return nil
	}
	type word struct {
		w   string
		idf float64
	}
	var words []word
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(b.correct(question)), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len([]rune(w)) < 3 {
			continue
		}
		ts := b.an.terms(w)
		if len(ts) != 1 || seen[ts[0]] || b.common[ts[0]] {
			continue
		}
		t := ts[0]
		if b.df[t] == 0 && !b.everyday[t] {
			continue
		}
		seen[t] = true
		words = append(words, word{w, b.idf(b.df[t])})
	}
	slices.SortStableFunc(words, func(a, b word) int { return cmp.Compare(b.idf, a.idf) })
	out := make([]string, 0, min(len(words), maxGapTerms))
	for _, w := range words[:min(len(words), maxGapTerms)] {
		out = append(out, w.w)
	}
	return out
}

// GapTerms is the current corpus's GapTerms.
func (l *Live) GapTerms(question string) []string {
	g := l.acquire()
	defer g.release()
	return g.b.GapTerms(question)
}

// Documents are the corpus's documents, for the console's corpus health.
func (b *Base) Documents() []*bot.Document { return b.corpus.Docs }

// Documents are the current corpus's documents.
func (l *Live) Documents() []*bot.Document {
	g := l.acquire()
	defer g.release()
	return g.b.Documents()
}
