package knowledge

import (
	"strings"
	"unicode/utf8"
)

// speller corrects typing errors in question words against the words of the
// corpus and the lexicon. It corrects only the errors people make when typing
// fast: a letter left out ("trainng"), one typed twice or extra ("referal" is
// the reverse), two letters swapped ("pyschologist"), and on long words one
// letter mistyped. A word the corpus does not know is otherwise left alone:
// "adoption" must not become "adaption", and a dictionary word is never an
// error ("award" is not "ward").
type speller struct {
	words   map[string]int      // word -> how many documents use it
	deletes map[string][]string // word with one letter deleted -> words
}

// Words shorter than this are never corrected: too many neighbours.
const (
	minCorrectLen     = 5
	minSubstituteLen  = 9
	maxSpellCandidate = 32
)

func newSpeller() *speller {
	return &speller{words: map[string]int{}, deletes: map[string][]string{}}
}

// add records the distinct words of one document (or lexicon entry).
func (s *speller) add(words []string) {
	for _, w := range words {
		n, ok := s.words[w]
		if ok {
			s.words[w] = n + 1
			continue
		}
		// w may be a slice of a whole document's text: keep only the word.
		w = strings.Clone(w)
		s.words[w] = 1
		if utf8.RuneCountInString(w) < minCorrectLen-1 {
			continue
		}
		for _, d := range deletions(w) {
			if l := s.deletes[d]; len(l) < maxSpellCandidate {
				s.deletes[d] = append(l, w)
			}
		}
	}
}

func deletions(w string) []string {
	r := []rune(w)
	out := make([]string, 0, len(r))
	for i := range r {
		out = append(out, string(r[:i])+string(r[i+1:]))
	}
	return out
}

// known reports whether w is a word of the corpus.
func (s *speller) known(w string) bool { _, ok := s.words[w]; return ok }

// correct returns the best correction of w and true, or w and false.
func (s *speller) correct(w string) (string, bool) {
	r := []rune(w)
	if len(r) < minCorrectLen || s.known(w) || dictionaryWords[w] {
		return w, false
	}
	best, bestN := "", 0
	consider := func(c string) {
		if n := s.words[c]; n > bestN || (n == bestN && n > 0 && c < best) {
			best, bestN = c, n
		}
	}
	// An extra letter typed: deleting one from w gives a known word.
	for _, d := range deletions(w) {
		if s.known(d) {
			consider(d)
		}
	}
	// A letter left out: w is a known word with one letter deleted.
	for _, c := range s.deletes[w] {
		consider(c)
	}
	// Two neighbouring letters swapped.
	for i := 0; i+1 < len(r); i++ {
		if r[i] == r[i+1] {
			continue
		}
		r[i], r[i+1] = r[i+1], r[i]
		if c := string(r); s.known(c) {
			consider(c)
		}
		r[i], r[i+1] = r[i+1], r[i]
	}
	// One letter mistyped, on long words only.
	if best == "" && len(r) >= minSubstituteLen {
		for i, d := range deletions(w) {
			for _, c := range s.deletes[d] {
				cr := []rune(c)
				if len(cr) == len(r) && string(cr[:i])+string(cr[i+1:]) == d {
					consider(c)
				}
			}
		}
	}
	if best == "" {
		return w, false
	}
	return best, true
}
