package knowledge

import (
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace"
)

func TestTermsTokenizerSplitsAsWhitespaceDoes(t *testing.T) {
	bleves, err := whitespace.TokenizerConstructor(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{
		"",
		"   ",
		"prevent",
		"prevent referral form",
		"  leading and trailing  ",
		"tabs\tand\nnewlines\r\nmixed\v\f",
		"non\u00a0breaking\u0085nel\u2003em\u3000ideographic",
		"café naïve 子供 🙂 risk",
		"out-of-hours 0800 011 3764 wm-12",
	} {
		want := bleves.Tokenize([]byte(in))
		got := termsTokenizer{}.Tokenize([]byte(in))
		if len(got) != len(want) {
			t.Errorf("%q: %d tokens, want %d (%s)", in, len(got), len(want), tokens(want))
			continue
		}
		for i := range want {
			g, w := got[i], want[i]
			if string(g.Term) != string(w.Term) || g.Start != w.Start || g.End != w.End || g.Position != w.Position || g.Type != w.Type {
				t.Errorf("%q token %d: %+v, want %+v", in, i, *g, *w)
			}
		}
	}
}

func TestTermsTokenizerKeepsInvalidBytesInTheirToken(t *testing.T) {
	got := termsTokenizer{}.Tokenize([]byte("ab\xffcd ef"))
	if len(got) != 2 || string(got[0].Term) != "ab\xffcd" || string(got[1].Term) != "ef" || got[1].Position != 2 {
		t.Fatalf("tokens %s, want [ab\\xffcd ef]", tokens(got))
	}
}

func tokens(ts analysis.TokenStream) []string {
	var out []string
	for _, t := range ts {
		out = append(out, string(t.Term))
	}
	return out
}
