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

// Each class of signal widened from riskprobe5, in words of its own: a risk
// escalates, and its look-alike does not.
func TestScreenClassesFromRiskprobe5(t *testing.T) {
	kb := mustSample(t)
	for _, tc := range []struct {
		q        string
		escalate bool
	}{
		{"a 15 year old on the unit says he has hidden a razor blade and will use it when his uncle visits later", true},
		{"her ex told the receptionist he has got something in the car for her and knows she finishes at 5 today", true},
		{"a girl of 12 met a man on tiktok and he is sitting outside the school in a van right now", true},
		{"year 4 girl says she is having the cut in the summer holidays at her aunt's", true},
		{"my nephew has built a device with a timer and says it is for the parade on sunday", true},
		{"there is a toddler locked in a car in the supermarket car park, no adult around", true},
		{"her stepdad grabbed her by the throat at pick up and said wait till we get home", true},
		{"a 13 year old has gone missing tonight, she had been chatting to someone she met on a game who offered to pick her up", true},
		{"he says he has nearly finished the pipe bomb and knows who it is for", true},
		{"the dance teacher said the show will be explosive, it turns out it's a new routine, how do I book the hall", false},
		{"what would I do if I ever found a blade in a pupil's locker, asking in advance for our policy", false},
		{"a carer, now 45, told me she was made to marry at 15; long divorced and safe, does it need recording", false},
	} {
		if got := kb.Screen(tc.q).Escalate; got != tc.escalate {
			t.Errorf("Screen(%q).Escalate = %v, want %v", tc.q, got, tc.escalate)
		}
	}
}

// The look-alike frames added from riskprobe6 must not swallow risks
// that share their words: casework "sessions", a past with a new plan, a
// joke with no turn to another question, a harm played down.
func TestScreenNewFramesKeepRisks(t *testing.T) {
	kb := mustSample(t)
	for _, q := range []string{
		"in my session with him today he said he is flying to syria on friday to join the fighters",
		"he was stopped at the airport last year trying to join isis and now he has bought a new ticket for tomorrow",
		"lol she says she'll kill herself tonight and she has the pills saved up, what do i do",
		"grandma is coming next week to do the girls' cutting, mum says it's just a small one so it doesn't count",
	} {
		if s := kb.Screen(q); !s.Escalate {
			t.Errorf("Screen(%q) did not escalate", q)
		}
	}
	for _, q := range []string{
		"im gonna murder him if he eats my lunch again lol. anyway real question, who is the prevent lead",
		"we are planning a knife crime awareness evening for the youth club, can you suggest a session plan",
		"our former foster daughter, now 19, had fgm as a baby and wants to know about health support",
	} {
		if s := kb.Screen(q); s.Escalate {
			t.Errorf("Screen(%q) escalated %v", q, s.Risks)
		}
	}
}
