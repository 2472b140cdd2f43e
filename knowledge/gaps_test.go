package knowledge_test

import (
	"slices"
	"strings"
	"testing"
)

// TestGapTerms: a knowledge gap keeps the words the corpus or everyday
// English knows, rarest first, and never a name, a number, an address or
// anything of a question with personal data.
func TestGapTerms(t *testing.T) {
	b := mustSample(t)
	got := b.GapTerms("Is lunch provided on the Prevent training course for Zephyrine Quillfeather?")
	for _, want := range []string{"lunch", "prevent", "training", "course"} {
		if !slices.Contains(got, want) {
			t.Errorf("GapTerms kept %v, want %q among them", got, want)
		}
	}
	for _, never := range []string{"zephyrine", "quillfeather", "the", "for", "is", "on"} {
		if slices.Contains(got, never) {
			t.Errorf("GapTerms kept %q: %v", never, got)
		}
	}
	if i, j := slices.Index(got, "lunch"), slices.Index(got, "prevent"); i > j {
		t.Errorf("the word the corpus lacks (lunch) should come before one it uses often (prevent): %v", got)
	}
	if got := b.GapTerms("who do I call about 14 Tanner Street WV3 4QT, mum's number is 01632 960123"); got != nil {
		t.Errorf("a question with personal data kept %v", got)
	}
	for _, w := range b.GapTerms("train times after 10pm from room 101") {
		if strings.ContainsAny(w, "0123456789") {
			t.Errorf("GapTerms kept a number: %q", w)
		}
	}
}
