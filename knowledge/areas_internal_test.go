package knowledge

import (
	"path/filepath"
	"testing"

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
	sc, err := Load(sample.FS(), "sample")
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for area, want := range map[string]bool{"Wyvern Vale": true, "wyvern vale": true, "national": false, "Eastfold": false} {
		if got := b.allIn(area); got != want {
			t.Errorf("sample, area %q: allIn = %v, want %v", area, got, want)
		}
	}
}
