package knowledge_test

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/waymarkhq/waymark/knowledge"
	"github.com/waymarkhq/waymark/knowledge/sample"
)

// FuzzCorpusDocument loads a corpus of one document and its settings, of
// any bytes, starting from the sample corpus's own files: the loader
// either accepts it, each document with an id, title and kind, or says
// what is wrong, each problem naming the file; it never panics.
func FuzzCorpusDocument(f *testing.F) {
	settings, err := fs.ReadFile(sample.FS(), knowledge.SettingsFile)
	if err != nil {
		f.Fatal(err)
	}
	n := 0
	fs.WalkDir(sample.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") && n < 12 {
			b, _ := fs.ReadFile(sample.FS(), p)
			f.Add(settings, b)
			n++
		}
		return nil
	})
	f.Add([]byte("area: x\n"), []byte("---\nid: a\ntitle: A\nkind: contact\nphone: 01632 960000\n---\n"))
	f.Add([]byte(""), []byte("---\n---\n"))
	f.Fuzz(func(t *testing.T, settings, doc []byte) {
		c, err := knowledge.Load(fstest.MapFS{
			knowledge.SettingsFile: {Data: settings},
			"guidance/doc.md":      {Data: doc},
		}, "fuzz")
		var ce *knowledge.CorpusError
		switch {
		case errors.As(err, &ce):
			for _, p := range ce.Problems {
				if !strings.Contains(p.String(), "fuzz") {
					t.Fatalf("a problem that names no file: %q", p.String())
				}
			}
			return
		case err != nil:
			return // an error of its own kind, said
		}
		for _, d := range c.Docs {
			if d.ID == "" || d.Title == "" || d.Kind == "" {
				t.Fatalf("an accepted document lacks its id, title or kind: %+v", d)
			}
		}
	})
}
