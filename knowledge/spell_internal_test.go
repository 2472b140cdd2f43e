package knowledge

import (
	"testing"

	"github.com/waymarkhq/waymark/bot"
)

// TestSpellerLeavesDictionaryWords: a typing error is corrected to a word
// of the corpus, but a dictionary word the corpus lacks is a different
// word, not an error: "award" is not "ward".
func TestSpellerLeavesDictionaryWords(t *testing.T) {
	s := newSpeller()
	s.add([]string{"ward", "safeguarding", "referral"})
	for _, tc := range []struct {
		w, want string
		ok      bool
	}{
		{"award", "award", false},
		{"wards", "wards", false},
		{"safegaurding", "safeguarding", true},
		{"referal", "referral", true},
	} {
		if got, ok := s.correct(tc.w); got != tc.want || ok != tc.ok {
			t.Errorf("correct(%q) = %q, %v; want %q, %v", tc.w, got, ok, tc.want, tc.ok)
		}
	}
	if !dictionaryWords["award"] || dictionaryWords["safegaurding"] {
		t.Fatal("the dictionary should hold award and not safegaurding")
	}
}

// TestEnglishUnknownCountsDictionaryWordsOnly: words no document has count
// against an answer as english_unknown only when they are dictionary
// words; a place name or a misspelling counts in unknown_share alone.
func TestEnglishUnknownCountsDictionaryWordsOnly(t *testing.T) {
	b := sampleBase(t)
	for _, tc := range []struct {
		q       string
		english bool
	}{
		{"is lunch provided on the prevent training", true},
		{"what percentage of prevent referrals go to channel", true},
		{"prevent training at marrowby", false},
	} {
		_, p, rs, err := b.candidates(t.Context(), bot.SearchRequest{Query: tc.q})
		if err != nil {
			t.Fatal(err)
		}
		f := b.features(p, rs)
		if f[3] == 0 {
			t.Errorf("%q: unknown_share 0, want above 0", tc.q)
		}
		if got := f[13] > 0; got != tc.english {
			t.Errorf("%q: english_unknown %.2f, want above 0: %v", tc.q, f[13], tc.english)
		}
		if f[13] > f[3] {
			t.Errorf("%q: english_unknown %.2f above unknown_share %.2f", tc.q, f[13], f[3])
		}
	}
}
