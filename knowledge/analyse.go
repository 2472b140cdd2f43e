package knowledge

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
)

// analyser turns text into index terms: words (letters and digits, with
// apostrophes inside them), the English possessive dropped, lower case,
// the stop list, and the English Snowball stemmer. Documents and questions
// go through the same analysis. The index is given the terms already
// analysed (joined by spaces, split again by bleve's whitespace tokenizer),
// so each document is analysed once, and stems are remembered, since a
// corpus uses few distinct words many times.
type analyser struct {
	stop  map[string]bool
	mu    sync.RWMutex
	stems map[string]string
}

func newAnalyser() *analyser {
	a := &analyser{stop: map[string]bool{}, stems: map[string]string{}}
	for _, w := range strings.Fields(stopWords) {
		a.stop[w] = true
	}
	return a
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == '＇' }

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// terms returns the index terms of text, in order.
func (a *analyser) terms(text string) []string {
	var out []string
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += n
			continue
		}
		start := i
		for i < len(text) {
			r, n := utf8.DecodeRuneInString(text[i:])
			if isWordRune(r) {
				i += n
				continue
			}
			// An apostrophe between letters stays in the word ("don't").
			if isApostrophe(r) && i+n < len(text) {
				if next, _ := utf8.DecodeRuneInString(text[i+n:]); unicode.IsLetter(next) {
					i += n
					continue
				}
			}
			break
		}
		if t := a.term(text[start:i]); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// term analyses one word; "" when it is a stop word.
func (a *analyser) term(w string) string {
	// The possessive: "child's" is "child".
	if l := len(w); l > 2 && (w[l-1] == 's' || w[l-1] == 'S') {
		if r, n := utf8.DecodeLastRuneInString(w[:l-1]); isApostrophe(r) {
			w = w[:l-1-n]
		}
	}
	w = lower(w)
	if a.stop[w] {
		return ""
	}
	a.mu.RLock()
	s, ok := a.stems[w]
	a.mu.RUnlock()
	if ok {
		return s
	}
	env := snowballstem.NewEnv(w)
	english.Stem(env)
	s = env.Current()
	a.mu.Lock()
	a.stems[w] = s
	a.mu.Unlock()
	return s
}

// lower is strings.ToLower with a fast path for lower-case ASCII.
func lower(w string) string {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return strings.ToLower(w)
		}
	}
	return w
}
