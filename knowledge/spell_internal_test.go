package knowledge

import "testing"

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
