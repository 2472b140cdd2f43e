package knowledge_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/waymarkhq/waymark/knowledge"
)

// Found in review: idioms and frames read too widely silenced real,
// urgent risks. Each must escalate.
func TestScreenIdiomsAndFramesDoNotHideRisks(t *testing.T) {
	kb := mustSample(t)
	for _, q := range []string{
		"my son said he is going to blow up his school tomorrow",
		"he says he will blow up their mosque on friday",
		"my son (14) says he is going to kill a teacher tomorrow",
		"he told me he's going to kill a kid at school tomorrow",
		"he showed me the bomb he made in his bedroom, he's taking it to school tomorrow",
		"he says the school is going to blow up",
		"she just broke the news to me that she is being taken to pakistan next week to marry her cousin, she is terrified",
		"he is bringing a knife to school tomorrow after his mock exam to stab the lad who grassed",
		"my son said he will stab his brother tonight, the police are rising to it",
		"she said she wants to kill herself tonight, her character has changed",
		"my son sat on the ledge of the car park roof and says tonight is the night",
	} {
		if s := kb.Screen(q); !s.Escalate {
			t.Errorf("Screen(%q) did not escalate", q)
		}
	}
}

// A postcode the corpus publishes after a non-breaking space, a curly
// quote or an en dash is still the corpus's, not personal data.
func TestScreenPublishedPostcodeAfterNonASCII(t *testing.T) {
	for _, text := range []string{"Leeds\u00a0LS1 1UR", "Write to ‘SW1A 1AA’", "4 Market Street–LS2 7AB"} {
		kb := mustBaseOf(t, corpusWith(t, text))
		for _, pc := range []string{"LS1 1UR", "SW1A 1AA", "LS2 7AB"} {
			if !strings.Contains(text, pc) {
				continue
			}
			if s := kb.Screen("can I send the form to " + pc); s.PersonalData {
				t.Errorf("published %q: the question quoting %s was flagged %v", text, pc, s.PersonalKinds)
			}
		}
	}
}

// corpusWith is a one-document corpus whose body is text.
func corpusWith(t *testing.T, text string) *knowledge.Corpus {
	t.Helper()
	dir := t.TempDir()
	doc := "---\nid: office\ntitle: Where to send forms\nkind: process\n---\n" + text + "\n"
	if err := os.WriteFile(filepath.Join(dir, "office.md"), []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
