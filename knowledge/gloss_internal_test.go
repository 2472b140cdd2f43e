package knowledge

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestGlossLeavesEnglishAlone reads English the screener has seen (the
// sample corpus, and every question of the councils and the domain set in
// eval/) through the gloss: none of it may change, or English questions
// would be screened as something else.
func TestGlossLeavesEnglishAlone(t *testing.T) {
	var texts []string
	docs, _ := filepath.Glob("sample/corpus/*/*.md")
	for _, d := range docs {
		b, err := os.ReadFile(d)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, strings.Split(string(b), "\n")...)
	}
	sets, _ := filepath.Glob("../eval/*/questions.jsonl")
	for _, s := range sets {
		if strings.Contains(s, "riskprobe") {
			continue // the probes are in other languages too
		}
		f, err := os.Open(s)
		if err != nil {
			t.Fatal(err)
		}
		qs, err := LoadQuestions(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			texts = append(texts, q.Q)
		}
	}
	if len(docs) < 10 || len(sets) < 9 {
		t.Fatalf("read %d documents and %d question sets; want the sample corpus and eval/", len(docs), len(sets))
	}
	changed := 0
	for _, x := range texts {
		in := normaliseForRisk(unchat(x))
		if out := gloss(in); out != in {
			changed++
			if changed <= 10 {
				t.Errorf("gloss changed English:\n  %q\n  %q", in, out)
			}
		}
	}
	if changed > 0 {
		t.Errorf("%d of %d English texts changed", changed, len(texts))
	}
}

func TestGlossReadsOtherLanguages(t *testing.T) {
	g := parseGloss("# a table of its own, so the cases do not hang on gloss.tsv\n" +
		"jutro\ttomorrow\tpl\n" + "ślub\twedding\tpl\n" + "ona\tshe\tpl\n" + "zabić się\tkill myself\tpl\n" +
		"linę\trope\tpl\tnofold\n" + "سوريا\tsyria\tar\n" + "يسافر\ttravel\tar\n" + "明天\ttomorrow\tzh\n" + "结婚\tmarry\tzh\n" + "了\t-\tzh\n" + "de\t-\tes\n" +
		"ਕੱਲ੍ਹ\ttomorrow\tpa\n" + "n-a venit acasă\tnot come home\tro\n" +
		"vrea\twants\tro\n" + "vrea să\twants to\tro\n" + "să se sinucidă\tsuicide\tro\n")
	for _, c := range []struct{ in, want string }{
		{"ona jutro ma ślub", "she tomorrow ma wedding"},
		// Typed without accents, as on an English keyboard.
		{"ona jutro ma slub", "she tomorrow ma wedding"},
		// Unless that spelling is English.
		{"she bought a line and linę", "she bought a line and rope"},
		// The longest form first; joined by a hyphen, it is not the phrase,
		// but a form written with one is found.
		{"chce zabić się dziś", "chce kill myself dziś"},
		{"chce zabić  się", "chce kill myself"},
		{"chce zabić-się", "chce zabić-się"},
		{"fata n-a venit acasă", "fata not come home"},
		// The forms that cover most: "vrea să" would take the "să" of
		// "să se sinucidă" if read greedily.
		{"vrea să se sinucidă", "wants suicide"},
		// A prefix Arabic script joins to the word: "and to Syria".
		{"وسوريا يسافر", "syria travel"},
		// Chinese has no spaces: forms are found inside the run.
		{"她明天要结婚了", "tomorrow marry"},
		{"ਉਹ ਕੱਲ੍ਹ", "ਉਹ tomorrow"},
		// Digits of other scripts are read as 0-9 (an age).
		{"ولد ١٥ سنة", "ولد 15 سنة"},
		{"no foreign words here", "no foreign words here"},
		// Another language's commonest words are left out.
		{"la boda de mi prima", "la boda  mi prima"},
	} {
		if got := g.apply(c.in); got != c.want {
			t.Errorf("gloss(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestBuiltinGlossKnowsItsLanguages checks that gloss.tsv was built from
// every word list in glosssrc, with forms in each.
func TestBuiltinGlossKnowsItsLanguages(t *testing.T) {
	files, _ := filepath.Glob("glosssrc/*.tsv")
	var want []string
	for _, f := range files {
		want = append(want, strings.TrimSuffix(filepath.Base(f), ".tsv"))
	}
	count := map[string]int{}
	for line := range strings.SplitSeq(glossTSV, "\n") {
		if f := strings.Split(line, "\t"); len(f) >= 3 && !strings.HasPrefix(line, "#") {
			count[f[2]]++
		}
	}
	for _, l := range want {
		if count[l] < 50 {
			t.Errorf("gloss.tsv has %d forms of %s, want at least 50", count[l], l)
		}
	}
	if len(want) == 0 {
		t.Fatal("glosssrc has no word lists")
	}
	got := make([]string, 0, len(count))
	for l := range count {
		got = append(got, l)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("gloss.tsv has languages %v, glosssrc has %v", got, want)
	}
}

// BenchmarkGloss is the gloss's cost on a question, in English (every
// question pays it) and in another language.
func BenchmarkGloss(b *testing.B) {
	for _, c := range []struct{ name, q string }{
		{"english", "a teacher has been posting far right stuff on his facebook and adding students, who do i tell and how fast"},
		{"polish", "mama mówi że jej syn jutro leci do syrii żeby dołączyć do bojowników, nikt nie wie"},
	} {
		b.Run(c.name, func(b *testing.B) {
			builtinGloss()
			for b.Loop() {
				gloss(c.q)
			}
		})
	}
}
