package knowledge

import (
	"fmt"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/analysis/tokenmap"
)

var analysisCases = []string{
	"Don't call the MASH's number: 01632 961 200!",
	"The child's social worker makes referrals to Prevent out of hours",
	"naïve café’s e-learning, stepped down before telling parents",
	"it's ok' — x'y'z a’ Ümlaut ÉCOLE",
	"County lines: CCE/CSE concerns; s47 strategy discussions",
}

// The hand-written analyser gives the terms bleve's analyser chain gave
// (unicode words, possessive, lower case, the stop list, Snowball).
func TestAnalyserMatchesBleveChain(t *testing.T) {
	m := bleve.NewIndexMapping()
	if err := m.AddCustomTokenMap("stop_test", map[string]any{"type": tokenmap.Name, "tokens": func() []any {
		var out []any
		for _, w := range strings.Fields(stopWords) {
			out = append(out, w)
		}
		return out
	}()}); err != nil {
		t.Fatal(err)
	}
	if err := m.AddCustomTokenFilter("stop_test", map[string]any{"type": stop.Name, "stop_token_map": "stop_test"}); err != nil {
		t.Fatal(err)
	}
	if err := m.AddCustomAnalyzer("chain", map[string]any{"type": "custom", "tokenizer": unicode.Name,
		"token_filters": []string{en.PossessiveName, lowercase.Name, "stop_test", en.SnowballStemmerName}}); err != nil {
		t.Fatal(err)
	}
	chain := m.AnalyzerNamed("chain")
	a := newAnalyser()
	for _, text := range analysisCases {
		var want []string
		for _, tok := range chain.Analyze([]byte(text)) {
			want = append(want, string(tok.Term))
		}
		if got := a.terms(text); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%q:\n got  %v\n want %v", text, got, want)
		}
	}
}

// surfaceWords finds what surfaceRE finds.
func TestSurfaceWordsMatchesPattern(t *testing.T) {
	for _, text := range analysisCases {
		want := surfaceRE.FindAllString(strings.ToLower(text), -1)
		if got := surfaceWords(text); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%q: got %v, want %v", text, got, want)
		}
	}
}

// wordSpans finds what wordRE finds.
func TestWordSpansMatchesPattern(t *testing.T) {
	for _, text := range analysisCases {
		if got, want := wordSpans(text), wordRE.FindAllStringIndex(text, -1); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%q: got %v, want %v", text, got, want)
		}
	}
}
