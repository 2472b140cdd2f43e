package bot_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bot is one file per noun (commands, answering, booking, claim, relay,
// the escalation ladder, timers...), each a few hundred lines, so that a
// newcomer finds where each thing lives (issue 10).
func TestFilesStaySmall(t *testing.T) {
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
		if n := bytes.Count(b, []byte("\n")); n > 450 {
			t.Errorf("%s has %d lines; split it by what it is about (at most 450)", f, n)
		}
	}
}
