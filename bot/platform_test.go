package bot_test

import (
	"go/build"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// bot is the domain: it imports only the standard library, and no
// platform's syntax appears in it (mention markup, platform-prefixed ids
// and targets); adapters read and write those (issue 10).
func TestNoPlatformSyntaxInBot(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		if first, _, _ := strings.Cut(imp, "/"); strings.Contains(first, ".") {
			t.Errorf("bot imports %s; it may import only the standard library", imp)
		}
	}
	syntax := regexp.MustCompile(`<@|<at>|\b(?:slack|teams):`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if syntax.MatchString(line) {
				t.Errorf("%s:%d: platform syntax in bot: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}
