package knowledge_test

import (
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/knowledge"
	"github.com/waymarkhq/waymark/knowledge/sample"
)

func TestLoadReportsEveryProblemWithItsLine(t *testing.T) {
	dir := filepath.Join("testdata", "broken")
	_, err := knowledge.LoadDir(dir)
	var ce *knowledge.CorpusError
	if !errors.As(err, &ce) {
		t.Fatalf("LoadDir(%s) error = %v, want *CorpusError", dir, err)
	}
	p := func(file string, line int, msg string) string {
		return filepath.Join(dir, file) + ":" + itoa(line) + ": " + msg
	}
	want := []string{
		p("bad-date.md", 6, `review_due "15/01/2027" is not a date in the form YYYY-MM-DD`),
		p("bad-yaml.md", 2, "invalid YAML: could not find end character of double-quoted text"),
		p("contact-unreachable.md", 1, "a contact needs a phone or an email"),
		p("no-front-matter.md", 1, "no front matter: the file must start with a line '---'"),
		p("no-title.md", 1, "missing title: every document needs a title"),
		p(filepath.Join("sub", "second.md"), 5, `id "tb-duplicate" is already used by `+filepath.Join(dir, "first.md")),
		p("unknown-kind.md", 4, `unknown kind "leaflet": want one of process, pathway, contact, guidance, training, practice`),
	}
	var got []string
	for _, pr := range ce.Problems {
		got = append(got, pr.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\n\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestLoadSampleCorpus(t *testing.T) {
	c, err := knowledge.Load(sample.FS(), "sample")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) != 0 {
		t.Errorf("sample corpus has warnings: %v", c.Warnings)
	}
	if c.Area != "Wyvern Vale" {
		t.Errorf("area = %q, want Wyvern Vale", c.Area)
	}
	kinds := map[string]int{}
	bookable := map[string]int{}
	for _, d := range c.Docs {
		kinds[d.Kind]++
		if d.Contact != nil && d.Contact.Bookable {
			bookable[d.Contact.Specialism]++
		}
	}
	for _, k := range bot.Kinds {
		if kinds[k] == 0 {
			t.Errorf("sample corpus has no %s document", k)
		}
	}
	if bookable["psychology"] == 0 || bookable["prevent"] == 0 {
		t.Errorf("bookable specialisms = %v, want psychology and prevent", bookable)
	}
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	if got := c.Summary(now); !strings.Contains(got, "past review_due") || !strings.HasPrefix(got, itoa(len(c.Docs))+" documents") {
		t.Errorf("Summary = %q", got)
	}
}

func TestLoadDefaultsAndSkips(t *testing.T) {
	fsys := fstest.MapFS{
		"corpus.yaml":             {Data: []byte("area: Eastfold\nsynonyms:\n  - [Lighthouse, exploitation team]\ncolour: blue\n")},
		"processes/refer.md":      {Data: []byte("---\ntitle: Refer\nkind: process\nreview_due: 2026-01-01\n---\nBody\n")},
		"national/duty.md":        {Data: []byte("---\ntitle: Duty\nkind: guidance\narea: national\n---\nBody\n")},
		"_drafts/half.md":         {Data: []byte("no front matter at all")},
		".git/notes.md":           {Data: []byte("no front matter at all")},
		"processes/.swap.md":      {Data: []byte("no front matter at all")},
		"processes/README.txt":    {Data: []byte("not markdown")},
		"guidance/contact-ish.md": {Data: []byte("---\ntitle: Guide\nkind: guidance\nphone: \"01632 961 000\"\nmood: calm\n---\nBody\n")},
	}
	c, err := knowledge.Load(fsys, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Docs) != 3 {
		t.Fatalf("loaded %d documents, want 3 (skipped _ and . files and non-Markdown)", len(c.Docs))
	}
	byID := map[string]*bot.Document{}
	for _, d := range c.Docs {
		byID[d.ID] = d
	}
	refer := byID["processes-refer"]
	if refer == nil {
		t.Fatalf("default id processes-refer missing; ids: %v", byID)
	}
	if refer.Area != "Eastfold" {
		t.Errorf("default area = %q, want the corpus area", refer.Area)
	}
	if !refer.Stale(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)) || refer.Stale(time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)) {
		t.Error("Stale should be true only after review_due")
	}
	if byID["national-duty"].Area != bot.AreaNational {
		t.Errorf("national area = %q", byID["national-duty"].Area)
	}
	if len(c.Synonyms) != 1 || c.Synonyms[0][0] != "Lighthouse" {
		t.Errorf("synonyms = %v", c.Synonyms)
	}
	var warnings []string
	for _, w := range c.Warnings {
		warnings = append(warnings, w.String())
	}
	for _, want := range []string{
		`corpus.yaml:4: unknown setting "colour" is ignored (known: area, synonyms)`,
		`guidance/contact-ish.md:5: unknown key "mood" is ignored`,
		`guidance/contact-ish.md:1: contact keys (name, phone, ...) are ignored on a guidance document`,
	} {
		if !strings.Contains(strings.Join(warnings, "\n"), want) {
			t.Errorf("warnings %q lack %q", warnings, want)
		}
	}
}

func TestLoadRejects(t *testing.T) {
	for name, tc := range map[string]struct {
		file, want string
	}{
		"tags not a list":        {"---\ntitle: T\nkind: process\ntags: prevent\n---\n", "x.md:4: tags must be a list, like [a, b]"},
		"bookable without queue": {"---\ntitle: T\nkind: contact\nemail: a@b.example\nbookable: true\n---\n", "x.md:1: a bookable contact needs a specialism"},
		"bookable not bool":      {"---\ntitle: T\nkind: contact\nemail: a@b.example\nspecialism: prevent\nbookable: maybe\n---\n", `x.md:6: bookable must be true or false, not "maybe"`},
		"unclosed front matter":  {"---\ntitle: T\nkind: process\n", "x.md:1: front matter is not closed"},
		"duplicate key":          {"---\ntitle: T\nkind: process\ntitle: U\n---\n", `x.md:4: duplicate key "title" (first on line 2)`},
		"id with space":          {"---\nid: a b\ntitle: T\nkind: process\n---\n", `x.md:2: id "a b" may not contain spaces or slashes`},
		"not a mapping":          {"---\n- a\n- b\n---\n", "x.md:2: invalid YAML: expected key: value pairs"},
		"missing kind":           {"---\ntitle: T\n---\n", "x.md:1: missing kind"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := knowledge.Load(fstest.MapFS{"x.md": {Data: []byte(tc.file)}}, "")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestLoadEmptyCorpus(t *testing.T) {
	_, err := knowledge.Load(fstest.MapFS{"corpus.yaml": {Data: []byte("area: X\n")}}, "empty")
	if err == nil || !strings.Contains(err.Error(), "no documents") {
		t.Errorf("error = %v, want no documents", err)
	}
}
