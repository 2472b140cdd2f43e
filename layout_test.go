package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Each file is about one thing, a few hundred lines, so that a newcomer
// finds where each thing lives (issue 10): in bot/, handlers/ and the root,
// no file but tests is over 450 lines.
func TestFilesStaySmall(t *testing.T) {
	var files []string
	root, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, root...)
	for _, dir := range []string{"bot", "handlers"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".go") {
				files = append(files, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(files) < 20 {
		t.Fatalf("found only %d Go files: is the test running in the repository root?", len(files))
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
