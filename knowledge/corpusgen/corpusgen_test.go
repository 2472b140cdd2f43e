package corpusgen_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/knowledge"
	"github.com/waymarkhq/waymark/knowledge/corpusgen"
)

const testDocs = 300

// MustGenerate writes a corpus of n documents into a new temporary folder
// and returns the folder.
func MustGenerate(tb testing.TB, n int, seed int64) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := corpusgen.Generate(dir, n, seed); err != nil {
		tb.Fatalf("Generate(%d, %d): %v", n, seed, err)
	}
	return dir
}

// MustLoad loads the corpus in dir and fails on any problem or warning.
func MustLoad(tb testing.TB, dir string) *knowledge.Corpus {
	tb.Helper()
	c, err := knowledge.LoadDir(dir)
	if err != nil {
		tb.Fatalf("LoadDir: %v", err)
	}
	for _, w := range c.Warnings {
		tb.Errorf("warning: %s", w)
	}
	return c
}

// MustFiles reads every file under dir, keyed by slash path.
func MustFiles(tb testing.TB, dir string) map[string][]byte {
	tb.Helper()
	files := map[string][]byte{}
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		files[p] = data
		return err
	})
	if err != nil {
		tb.Fatalf("read %s: %v", dir, err)
	}
	return files
}

func TestGenerateLoads(t *testing.T) {
	c := MustLoad(t, MustGenerate(t, testDocs, 1))
	if len(c.Docs) != testDocs {
		t.Fatalf("loaded %d documents, want %d", len(c.Docs), testDocs)
	}
	if c.Area != corpusgen.Area {
		t.Errorf("corpus area %q, want %q", c.Area, corpusgen.Area)
	}
	if n := len(c.Synonyms); n < 2 || n > 3 {
		t.Errorf("%d synonym groups, want 2 or 3", n)
	}

	kinds := map[string]int{}
	national, stale := 0, 0
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	for _, d := range c.Docs {
		kinds[d.Kind]++
		if d.Area == bot.AreaNational {
			national++
		}
		if d.Stale(now) {
			stale++
		}
		folder, _, _ := strings.Cut(d.Path, "/")
		if d.Area == bot.AreaNational && folder != "national" {
			t.Errorf("%s: national document outside national/", d.Path)
		}
	}
	for _, k := range bot.Kinds {
		if kinds[k] == 0 {
			t.Errorf("no %s documents", k)
		}
	}
	if kinds[bot.KindContact] < kinds[bot.KindTraining] || kinds[bot.KindProcess] < kinds[bot.KindPractice] {
		t.Errorf("kinds out of proportion: %v", kinds)
	}
	if share := float64(national) / testDocs; share < 0.05 || share > 0.16 {
		t.Errorf("national share %.2f, want about 0.10", share)
	}
	if stale == 0 || stale > testDocs/10 {
		t.Errorf("%d documents past review_due at %s, want about 3%%", stale, now.Format(time.DateOnly))
	}
}

// Every phone number is in the drama range, every email at .example, every
// contact complete and every body 150-400 words.
func TestGenerateIsFictionalAndComplete(t *testing.T) {
	dir := MustGenerate(t, testDocs, 7)
	c := MustLoad(t, dir)

	phoneRE := regexp.MustCompile(`\b0\d{3,4}[ -]?\d{3}[ -]?\d{3,4}\b`)
	dramaRE := regexp.MustCompile(`^01632 96[01] \d{3}$`)
	emailRE := regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*`)
	phones, emails := 0, 0
	for p, data := range MustFiles(t, dir) {
		phones += len(phoneRE.FindAllString(string(data), -1))
		emails += len(emailRE.FindAllString(string(data), -1))
		for _, m := range phoneRE.FindAllString(string(data), -1) {
			if !dramaRE.MatchString(m) {
				t.Errorf("%s: phone %q is not written like 01632 961 234 in 01632 960000-961999", p, m)
			}
		}
		for _, m := range emailRE.FindAllString(string(data), -1) {
			if !strings.HasSuffix(m, ".example") {
				t.Errorf("%s: email %q is not at an .example domain", p, m)
			}
		}
	}
	if phones == 0 || emails == 0 {
		t.Errorf("found %d phone numbers and %d emails, want some of each", phones, emails)
	}
	for _, d := range c.Docs {
		if d.Kind == bot.KindContact {
			ct := d.Contact
			for field, v := range map[string]string{"name": ct.Name, "role": ct.Role, "team": ct.Team, "phone": ct.Phone, "email": ct.Email, "hours": ct.Hours} {
				if v == "" {
					t.Errorf("%s: contact has no %s", d.Path, field)
				}
			}
		}
		if d.Summary == "" || len(d.Tags) == 0 || d.Owner == "" {
			t.Errorf("%s: summary, tags or owner missing", d.Path)
		}
		n := 0
		for _, f := range strings.Fields(d.Body) {
			if strings.IndexFunc(f, unicode.IsLetter) >= 0 {
				n++
			}
		}
		if n < 150 || n > 400 {
			t.Errorf("%s: body has %d words, want 150-400", d.Path, n)
		}
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a := MustFiles(t, MustGenerate(t, testDocs, 42))
	b := MustFiles(t, MustGenerate(t, testDocs, 42))
	if len(a) != len(b) {
		t.Fatalf("same seed wrote %d and %d files", len(a), len(b))
	}
	for p, data := range a {
		if !bytes.Equal(data, b[p]) {
			t.Errorf("%s differs between two runs with the same seed", p)
		}
	}
	other := MustFiles(t, MustGenerate(t, testDocs, 43))
	same := 0
	for p, data := range a {
		if bytes.Equal(data, other[p]) {
			same++
		}
	}
	if same > 1 { // corpus.yaml
		t.Errorf("seeds 42 and 43 wrote %d identical files", same)
	}
}

func TestQuestions(t *testing.T) {
	qs := corpusgen.Questions(200, 1)
	if len(qs) != 200 {
		t.Fatalf("got %d questions, want 200", len(qs))
	}
	if !slices.Equal(qs, corpusgen.Questions(200, 1)) {
		t.Error("Questions is not deterministic for a seed")
	}
	distinct := map[string]bool{}
	for _, q := range qs {
		if strings.TrimSpace(q) == "" || strings.ContainsAny(q, "{}") {
			t.Errorf("bad question %q", q)
		}
		distinct[q] = true
	}
	if len(distinct) < 150 {
		t.Errorf("only %d distinct questions of 200", len(distinct))
	}
}

// Generated questions are about what generated documents say, so most of
// them find something.
func TestSearchAnswersGeneratedQuestions(t *testing.T) {
	c := MustLoad(t, MustGenerate(t, testDocs, 1))
	kb, err := knowledge.New(c, knowledge.Options{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { kb.Close() })

	qs := corpusgen.Questions(40, 1)
	answered := 0
	for _, q := range qs {
		res, err := kb.Search(context.Background(), bot.SearchRequest{Query: q, Area: corpusgen.Area, Limit: 5})
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		if len(res.Hits) > 0 {
			answered++
		}
	}
	t.Logf("%d of %d generated questions found a document", answered, len(qs))
	if answered < len(qs)*3/4 {
		t.Errorf("%d of %d generated questions found a document, want at least 3/4", answered, len(qs))
	}
	res, err := kb.Search(context.Background(), bot.SearchRequest{Query: qs[0], Area: corpusgen.Area})
	if err != nil || len(res.Hits) == 0 {
		t.Errorf("Search(%q) = %d hits, %v; want hits", qs[0], len(res.Hits), err)
	}
}
