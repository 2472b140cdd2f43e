package knowledge_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/knowledge"
	"github.com/waymarkhq/waymark/knowledge/sample"
)

// fixedClock is the fixed "now" of the tests, so that staleness and "a past
// date near a name" mean the same thing on every run.
type fixedClock struct{}

func (fixedClock) Now() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }

// mustSample builds a Base over the embedded Wyvern Vale sample corpus,
// whose published numbers, emails and addresses the screener learns.
func mustSample(tb testing.TB) *knowledge.Base {
	tb.Helper()
	c, err := knowledge.Load(sample.FS(), "sample")
	if err != nil {
		tb.Fatal(err)
	}
	return mustBaseOf(tb, c)
}

// mustBaseOf builds a Base over c with the fixed clock, closed at cleanup.
func mustBaseOf(tb testing.TB, c *knowledge.Corpus) *knowledge.Base {
	tb.Helper()
	kb, err := knowledge.New(c, knowledge.Options{Clock: fixedClock{}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { kb.Close() })
	return kb
}

// writeFile writes content to name in dir, failing tb if it cannot.
func writeFile(tb testing.TB, dir, name, content string) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
}
