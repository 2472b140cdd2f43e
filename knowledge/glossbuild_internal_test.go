package knowledge

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/waymarkhq/waymark/internal/golden"
	"golang.org/x/text/unicode/norm"
)

var glossDict = flag.String("gloss-dict", "", "with -update, English word lists, comma-separated (one word a line, such as /usr/share/dict/british-english): their words that are also gloss forms or common words join glosssrc/english.txt")

// TestGlossIsBuiltFromItsSources builds gloss.tsv from the word lists in
// glosssrc and fails when the file has drifted from them (go test
// ./knowledge -run TestGlossIsBuiltFromItsSources -update rewrites it).
func TestGlossIsBuiltFromItsSources(t *testing.T) {
	if *glossDict != "" {
		refreshEnglish(t, *glossDict)
	}
	got, report := buildGloss(t, "glosssrc")
	t.Log(report)
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		golden.Check(t, "gloss.tsv", got)
		return
	}
	// A short account of the drift: the file has thousands of lines.
	want, err := os.ReadFile("gloss.tsv")
	if err != nil {
		t.Fatal(err)
	}
	added, gone := lineDiff(string(got), string(want)), lineDiff(string(want), string(got))
	if len(added)+len(gone) > 0 {
		t.Errorf("gloss.tsv has drifted from glosssrc (go test ./knowledge -run TestGlossIsBuiltFromItsSources -update): %d lines to add, such as %q; %d to remove, such as %q",
			len(added), added[:min(3, len(added))], len(gone), gone[:min(3, len(gone))])
	}
}

// commonInLanguages are, for each word of the lists LANG.txt in dir (the
// commonest words of each language), the languages it is common in.
func commonInLanguages(tb testing.TB, dir string) map[string][]string {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(files) == 0 {
		tb.Fatalf("no lists of common words in %s", dir)
	}
	out := map[string][]string{}
	for _, f := range files {
		lang := strings.TrimSuffix(filepath.Base(f), ".txt")
		for _, w := range readLines(tb, f) {
			w = norm.NFC.String(strings.ToLower(strings.TrimSpace(w)))
			if w == "#done" || w == "" {
				continue
			}
			if !slices.Contains(out[w], lang) {
				out[w] = append(out[w], lang)
			}
		}
	}
	return out
}

// frameReading is how the screener's framing classes (fiction, news,
// training, general, past, joke) recognise a framing word of the frames
// brief in English: "film" alone is no frame ("film it on your phone"),
// "in a film" is. A framing form glosses as that.
var frameReading = map[string]string{
	"film": "in a film", "movie": "in a movie", "story": "in a story", "stories": "in a story",
	"book": "in a book", "play": "a play about", "series": "a tv series", "tv show": "a tv series",
	"character": "a character", "news": "in the news", "on the news": "in the news", "report": "a news report",
	"lesson": "a lesson on", "class": "a lesson on", "homework": "coursework", "essay": "coursework",
	"project": "a history project", "course": "a training course", "training": "a training session",
	"session": "a training session", "presentation": "a presentation on", "assembly": "an assembly on",
	"example": "a case study", "policy": "what's the policy on", "law": "what's the law on",
	"what is the law": "what's the law on", "rules": "what are the rules", "guidance": "what's the guidance on",
	"procedure": "what's the standard process", "suppose": "hypothetically", "imagine": "hypothetically",
	"if": "what if", "world war": "the history of", "during the war": "in the past", "back then": "in the past",
	"history": "the history of", "joke": "only joking", "joking": "only joking", "laughing": "was laughing",
	"laughed": "was laughing", "kidding": "just kidding",
}

// lineDiff are the lines of a that b lacks.
func lineDiff(a, b string) []string {
	in := map[string]bool{}
	for l := range strings.SplitSeq(b, "\n") {
		in[l] = true
	}
	var out []string
	for l := range strings.SplitSeq(a, "\n") {
		if !in[l] {
			out = append(out, l)
		}
	}
	return out
}

// glossBuild is what building the gloss kept and dropped.
type glossBuild struct {
	kept, english, target, short, long, conflict, common, dropped, unfinished int
	unfinishedFiles                                                           []string
}

func (b glossBuild) String() string {
	return fmt.Sprintf("kept %d; dropped %d English, %d not a target, %d too short, %d over three words, %d given another English elsewhere, %d common words of another language; %d common words left out of what is read; unfinished files %v",
		b.kept, b.english, b.target, b.short, b.long, b.conflict, b.common, b.dropped, b.unfinishedFiles)
}

// englishWords are the words that a gloss form must not be: glosssrc's
// english.txt (dictionary words found among the forms, and the words the
// screener's patterns read) and the everyday words of knowledge.
func englishWords(tb testing.TB, dir string) map[string]bool {
	tb.Helper()
	words := map[string]bool{}
	for _, w := range readLines(tb, filepath.Join(dir, "english.txt")) {
		words[strings.ToLower(strings.TrimSpace(w))] = true
	}
	for w := range everydayWords {
		words[w] = true
	}
	for w := range chatSpellings {
		words[w] = true
	}
	return words
}

var targetLineRE = regexp.MustCompile(`^[A-Z][a-z -]+: `)

// glossTargets are the English words of the brief's target list.
func glossTargets(tb testing.TB, dir string) map[string]bool {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "BRIEF.md"))
	if err != nil {
		tb.Fatal(err)
	}
	_, list, ok := strings.Cut(string(b), "## Target list")
	if !ok {
		tb.Fatal("BRIEF.md has no target list")
	}
	out := map[string]bool{}
	for para := range strings.SplitSeq(list, "\n\n") {
		para = strings.Join(strings.Fields(para), " ")
		if !targetLineRE.MatchString(para) {
			continue
		}
		_, items, _ := strings.Cut(para, ": ")
		for it := range strings.SplitSeq(strings.TrimSuffix(items, "."), ",") {
			out[strings.TrimSpace(it)] = true
		}
	}
	if len(out) < 100 {
		tb.Fatalf("BRIEF.md's target list has %d words; is its format changed?", len(out))
	}
	return out
}

// formWords are the words of a form as gloss reads them.
func formWords(form string) []string {
	var out []string
	for _, s := range glossWords(form) {
		out = append(out, form[s.start:s.end])
	}
	return out
}

// allEnglish is whether every word of form is in english.
func allEnglish(form string, english map[string]bool) bool {
	for _, w := range formWords(form) {
		if !english[w] {
			return false
		}
	}
	return true
}

// buildGloss is gloss.tsv built from the word lists LANG.tsv in dir.
func buildGloss(tb testing.TB, dir string) ([]byte, glossBuild) {
	tb.Helper()
	english := englishWords(tb, dir)
	var b glossBuild
	type entry struct{ eng, lang string }
	kept := map[string]entry{}
	own := map[string]map[string]string{} // each language's forms and their English
	// The lists of risk words first, then those of framing words
	// (frames/), each written to its own brief's targets.
	for _, d := range []string{dir, filepath.Join(dir, "frames")} {
		b.buildFrom(tb, d, english, func(form, eng, lang string) bool {
			if r, ok := frameReading[eng]; ok && strings.HasSuffix(d, "frames") {
				eng = r
			}
			if own[lang] == nil {
				own[lang] = map[string]string{}
			}
			own[lang][form] = eng
			if e, ok := kept[form]; ok {
				return e.eng == eng
			}
			kept[form] = entry{eng, lang}
			return true
		})
	}
	// A form that is one of the commonest words of another language
	// (Pashto "اور", fire, is Urdu's "and"; Tamil "por", war, is Spanish
	// "for") would gloss that language's every sentence: it is dropped,
	// unless that language's own lists give it the same English.
	common := commonInLanguages(tb, filepath.Join(dir, "common"))
	forms := make([]string, 0, len(kept))
	for f, e := range kept {
		if slices.ContainsFunc(common[f], func(l string) bool { return l != e.lang && own[l][f] != e.eng }) {
			b.common++
			continue
		}
		forms = append(forms, f)
	}
	// The other common words, English in no language, are dropped from
	// what the screener reads ("de", "la", "hai"): its model, fitted on
	// English and on risks in other languages, would learn them as signs
	// of a risk.
	for w, langs := range common {
		if _, ok := kept[w]; ok || allEnglish(w, english) || isASCII(w) && len(w) < 2 {
			continue
		}
		kept[w] = entry{"-", langs[0]}
		forms = append(forms, w)
		b.dropped++
	}
	slices.Sort(forms)
	var out strings.Builder
	out.WriteString("# Built from glosssrc/ by go test ./knowledge -run TestGlossIsBuiltFromItsSources -update; do not edit.\n")
	out.WriteString("# form, English (-: a common word, left out), language; nofold: the form without its accents is an English word or a common word of a language.\n")
	for _, f := range forms {
		e := kept[f]
		fmt.Fprintf(&out, "%s\t%s\t%s", f, e.eng, e.lang)
		if ff := foldLatin(f); ff != f && (allEnglish(ff, english) || len(common[ff]) > 0) {
			out.WriteString("\tnofold")
		}
		out.WriteString("\n")
	}
	b.kept = len(forms)
	return []byte(out.String()), b
}

// buildFrom reads the word lists LANG.tsv in dir, written to the targets
// of dir's BRIEF.md, and offers each form it keeps to keep, which reports
// false when another list gave the form a different English.
func (b *glossBuild) buildFrom(tb testing.TB, dir string, english map[string]bool, keep func(form, eng, lang string) bool) {
	tb.Helper()
	targets := glossTargets(tb, dir)
	files, _ := filepath.Glob(filepath.Join(dir, "*.tsv"))
	slices.Sort(files)
	if len(files) == 0 {
		tb.Fatalf("no word lists in %s", dir)
	}
	for _, f := range files {
		lang := strings.TrimSuffix(filepath.Base(f), ".tsv")
		done := false
		for _, line := range readLines(tb, f) {
			cols := strings.Split(line, "\t")
			if cols[0] == "#done" {
				done = true
				continue
			}
			if len(cols) != 2 {
				tb.Errorf("%s: %q: want form<TAB>english", f, line)
				continue
			}
			form := strings.Join(strings.Fields(norm.NFC.String(strings.ToLower(cols[0]))), " ")
			eng := strings.TrimSpace(cols[1])
			words := formWords(form)
			switch {
			case !targets[eng]:
				b.target++
			case len(words) == 0 || strings.Count(form, " ") > 2:
				b.long++
			case len(words) == 1 && (isASCII(form) && len(form) < 3 || utf8.RuneCountInString(form) < 2 && !isHan(form)):
				b.short++
			case allEnglish(form, english):
				b.english++
			default:
				if !keep(form, eng, lang) {
					b.conflict++
				}
			}
		}
		if !done {
			b.unfinished++
			b.unfinishedFiles = append(b.unfinishedFiles, filepath.Base(f))
		}
	}
}

func readLines(tb testing.TB, path string) []string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimRight(sc.Text(), "\r"); strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// refreshEnglish adds to glosssrc/english.txt the words of the list at
// dict that are also words of a gloss form, as written or without
// accents.
func refreshEnglish(tb testing.TB, dict string) {
	tb.Helper()
	formWords := map[string]bool{}
	files, _ := filepath.Glob("glosssrc/*.tsv")
	frames, _ := filepath.Glob("glosssrc/frames/*.tsv")
	common, _ := filepath.Glob("glosssrc/common/*.txt")
	for _, f := range slices.Concat(files, frames, common) {
		for _, line := range readLines(tb, f) {
			form, _, _ := strings.Cut(line, "\t")
			for _, s := range glossWords(strings.ToLower(form)) {
				w := strings.ToLower(form)[s.start:s.end]
				formWords[w], formWords[foldLatin(w)] = true, true
			}
		}
	}
	path := "glosssrc/english.txt"
	have := map[string]bool{}
	for _, w := range readLines(tb, path) {
		have[w] = true
	}
	for d := range strings.SplitSeq(dict, ",") {
		for _, w := range readLines(tb, d) {
			w = strings.ToLower(strings.TrimSuffix(w, "'s"))
			if formWords[w] {
				have[w] = true
			}
		}
	}
	words := make([]string, 0, len(have))
	for w := range have {
		words = append(words, w)
	}
	slices.Sort(words)
	if err := os.WriteFile(path, []byte(strings.Join(words, "\n")+"\n"), 0o644); err != nil {
		tb.Fatal(err)
	}
}
