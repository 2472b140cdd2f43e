package knowledge

import (
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/knowledge/sample"
)

// The area filter is left out only when it would keep every document:
// a one-council corpus, asked with its own area or national.
func TestAreaFilterLeftOutOnlyWhenItKeepsEverything(t *testing.T) {
	for _, tc := range []struct {
		dir, area string
		all       bool
	}{
		{"areas", "Eastfold", false},
		{"areas", "national", false},
		{"areas", "nowhere", false},
	} {
		c, err := LoadDir(filepath.Join("testdata", tc.dir))
		if err != nil {
			t.Fatal(err)
		}
		b, err := New(c, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := b.allIn(tc.area); got != tc.all {
			t.Errorf("%s, area %q: allIn = %v, want %v", tc.dir, tc.area, got, tc.all)
		}
		b.Close()
	}
	b := sampleBase(t)
	for area, want := range map[string]bool{"Wyvern Vale": true, "wyvern vale": true, "national": false, "Eastfold": false} {
		if got := b.allIn(area); got != want {
			t.Errorf("sample, area %q: allIn = %v, want %v", area, got, want)
		}
	}
}

func TestIsCapitalisedName(t *testing.T) {
	for w, want := range map[string]bool{
		"Kayden": true, "Marsh-Wilcox": true, "O'Riordan": true, "O’Riordan": true, "McDonald": true,
		"MacLeod": true, "Kayden's": true, "Jo": true,
		"kayden": false, "MASH": false, "TA": false, "J": false, "Smith-": false, "McdonALD": false, "eBay": false, "O'": false,
	} {
		if got := isCapitalisedName(w); got != want {
			t.Errorf("isCapitalisedName(%q) = %v, want %v", w, got, want)
		}
	}
}

// emailsIn finds what the unanchored pattern finds.
func TestEmailsInMatchesPattern(t *testing.T) {
	texts := []string{
		"write to prevent@wyvern-vale.example or duty.team+urgent@council.example.",
		"no address here @ all, nor here: a@b, x@y.z",
		"two@one.example,three@two.example and (four@three.co.uk)",
		"@start.example and end@",
		"trailing dot a.b@c.example. then café@x.example",
	}
	for _, dir := range []string{"areas"} {
		c, err := LoadDir(filepath.Join("testdata", dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range c.Docs {
			texts = append(texts, d.Body)
			if d.Contact != nil {
				texts = append(texts, d.Contact.Email)
			}
		}
	}
	for _, text := range texts {
		if got, want := emailsIn(text), emailRE.FindAllString(text, -1); !slices.Equal(got, want) {
			t.Errorf("emailsIn(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestStaffConduct(t *testing.T) {
	for _, c := range []struct {
		q    string
		want bool
	}{
		{"a teacher has been posting far right stuff on his facebook, who deals with that", true},
		{"TA has been posting racist stuff on facebook", true},
		{"foster carer been giving the kids far right leaflets", true},
		{"our PE teacher grabbed her son by the collar", true},
		{"who do i tell if a colleague is acting weird with one of the kids", true},
		// The asker's own role, or staff who are not the ones doing it.
		{"I'm a teacher and I've been told a pupil is posting far right stuff", false},
		{"as a youth worker who is worried about a boy, what do I do", false},
		{"none of the volunteers have had any prevent training", false},
		{"a foster carer has rung, says her 15yo has been watching isis videos", false},
		{"told his youth worker his family have found him a wife abroad", false},
	} {
		if got := staffConduct(c.q); got != c.want {
			t.Errorf("staffConduct(%q) = %v, want %v", c.q, got, c.want)
		}
	}
}

// BenchmarkStaffConduct is the staff-conduct pattern's cost on questions
// it does not match: one naming no role, as most questions do, and one
// naming a role that did nothing.
func BenchmarkStaffConduct(b *testing.B) {
	for _, c := range []struct{ name, q string }{
		{"no role", "how do i make a prevent referral out of hours for a 15 year old who has been watching isis videos all evening"},
		{"a role", "a foster carer has rung, says her 15yo has been watching isis videos all evening. who do i ring tonight and what is the process"},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				staffConduct(c.q)
			}
		})
	}
}

// The search that runs while the question is screened gives what
// screening first and searching after gives: for plain questions, risky
// ones, ones naming a child, ones whose risk signals the model vetoed
// (long enough for the model to judge), and a follow-up in a
// conversation.
func TestSearchWhileScreeningMatchesScreeningFirst(t *testing.T) {
	b := sampleBase(t)
	ctx := t.Context()
	changed, vetoed := 0, 0
	for _, tc := range []struct{ q, conversation string }{
		{"how do i make a prevent referral", ""},
		{"who is the duty manager out of hours", ""},
		{"he has a shotgun in the car and says he will use it tonight", ""},
		{"my 14 year old is flying to syria tomorrow to join them", ""},
		{"Kyle Branscombe dob 14/03/2011 is he known to prevent", ""},
		{"A Year 2 boy came in from the playground covered in mud, grinning, saying 'my dad's going to murder me'. Dad collected him laughing. Anything to log?", ""},
		{"and who do i ring out of hours", "he has a shotgun in the car and says he will use it tonight"},
	} {
		req := bot.SearchRequest{Query: tc.q, Context: tc.conversation}
		res, p, rs, err := b.candidates(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		s, read := b.screen(tc.q)
		want := b.understand(tc.q, s, read)
		b.complete(&want, tc.q, tc.conversation)
		wantRS, err := b.rank(ctx, want, req, candidates)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(res.Screening, s) {
			t.Errorf("%q: screening %+v, want %+v", tc.q, res.Screening, s)
		}
		if p.read == nil || !slices.Equal(p.read.wordUnits(), read.wordUnits()) {
			t.Errorf("%q: the prepared question lost its reading", tc.q)
		}
		got, wantP := p, want
		got.read, wantP.read = nil, nil
		if !reflect.DeepEqual(got, wantP) {
			t.Errorf("%q: prepared\n%+v\nwant\n%+v", tc.q, got, wantP)
		}
		if got, want := rankedIDs(rs), rankedIDs(wantRS); !slices.Equal(got, want) {
			t.Errorf("%q: ranked %v, want %v", tc.q, got, want)
		}
		plain := b.understand(tc.q, bot.Screening{}, &reading{})
		if len(plain.units) != len(want.units) {
			changed++
		}
		if !s.Escalate && len(read.signalled) > 0 {
			vetoed++
		}
	}
	// The cases must include questions that screening changes, and one
	// the model vetoed, or the second search is never tested.
	if changed < 4 || vetoed < 1 {
		t.Errorf("%d questions changed by screening, %d vetoed; the test needs risky, personal and vetoed ones", changed, vetoed)
	}
}

func rankedIDs(rs []ranked) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.doc.ID
	}
	return ids
}

// sampleBase is a Base over the embedded sample corpus, closed when t ends.
func sampleBase(t *testing.T) *Base {
	t.Helper()
	sc, err := Load(sample.FS(), "sample")
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// A panic while screening, on its own goroutine, is raised again on the
// caller's, where the platform adapters and net/http recover it, rather
// than ending the process.
func TestScreeningPanicReachesTheCaller(t *testing.T) {
	b := sampleBase(t)
	risk := b.risk
	b.risk = nil // m.MinWords on a nil model panics
	defer func() { b.risk = risk }()
	defer func() {
		if recover() == nil {
			t.Error("a panic while screening did not reach the caller")
		}
	}()
	b.candidates(t.Context(), bot.SearchRequest{Query: "how do i make a prevent referral"})
}
