package knowledge

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// termsTokenizerName is the tokenizer of analysed text: the analyser's
// terms joined by spaces, split again where bleve's whitespace tokenizer
// would split them. bleve's allocates room for 1,024 tokens a field and
// each token apart; a document's five short fields made that the largest
// allocation of a build. This one counts the tokens first and allocates
// them together.
const termsTokenizerName = "waymark_terms"

func init() {
	if err := registry.RegisterTokenizer(termsTokenizerName, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return termsTokenizer{}, nil
	}); err != nil {
		panic(err)
	}
}

type termsTokenizer struct{}

// Tokenize gives the tokens bleve's whitespace tokenizer gives for valid
// UTF-8 (terms, byte offsets, positions from 1); invalid bytes are kept in
// their token instead of ending the stream.
func (termsTokenizer) Tokenize(input []byte) analysis.TokenStream {
	n := 0
	eachToken(input, func(int, int) { n++ })
	if n == 0 {
		return nil
	}
	slab := make([]analysis.Token, n)
	out := make(analysis.TokenStream, n)
	i := 0
	eachToken(input, func(start, end int) {
		slab[i] = analysis.Token{Term: input[start:end], Start: start, End: end, Position: i + 1, Type: analysis.AlphaNumeric}
		out[i] = &slab[i]
		i++
	})
	return out
}

// eachToken calls f with the byte span of every run of non-space runes.
func eachToken(input []byte, f func(start, end int)) {
	start := -1
	for i := 0; i < len(input); {
		c, size := input[i], 1
		var space bool
		if c < utf8.RuneSelf {
			space = c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
		} else {
			var r rune
			r, size = utf8.DecodeRune(input[i:])
			space = r != utf8.RuneError && unicode.IsSpace(r)
		}
		switch {
		case space && start >= 0:
			f(start, i)
			start = -1
		case !space && start < 0:
			start = i
		}
		i += size
	}
	if start >= 0 {
		f(start, len(input))
	}
}
