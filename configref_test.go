package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/waymarkhq/waymark/config"
	"github.com/waymarkhq/waymark/internal/golden"
)

// TestConfigReference generates docs/CONFIG.md from the configuration's
// structs, their mapstructure tags and comments, and the defaults Load
// uses, and fails when the file has drifted (go test . -run
// TestConfigReference -update rewrites it). Every key Load accepts has a
// row, and every row is a key Load accepts.
func TestConfigReference(t *testing.T) {
	var ps []config.Platform
	for _, p := range platforms {
		ps = append(ps, p)
	}
	structs := map[string]*ast.StructType{}
	fset := token.NewFileSet()
	for _, pattern := range []string{"config/*.go", "handlers/*/platform.go", "handlers/*/settings.go"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				if ts, ok := n.(*ast.TypeSpec); ok {
					if st, ok := ts.Type.(*ast.StructType); ok {
						name := ts.Name.Name
						if name == "Settings" {
							name = filepath.Base(filepath.Dir(f)) + ".Settings"
						}
						structs[name] = st
					}
				}
				return true
			})
		}
	}
	keys := config.Keys(ps...)
	rows := map[string]string{}
	var walk func(prefix, parent string, st *ast.StructType)
	walk = func(prefix, parent string, st *ast.StructType) {
		for _, f := range st.Fields.List {
			if f.Tag == nil {
				continue
			}
			tag, _, _ := strings.Cut(reflect.StructTag(strings.Trim(f.Tag.Value, "`")).Get("mapstructure"), ",")
			if tag == "" || tag == "-" {
				continue
			}
			key := prefix + tag
			if slices.Contains(keys, key) {
				rows[key] = strings.TrimSpace(parent + " " + comment(f))
				continue
			}
			if id, ok := f.Type.(*ast.Ident); ok && structs[id.Name] != nil {
				// A small struct's fields (limits.questions.max) say
				// little without its own comment: it heads theirs.
				head := ""
				if c := comment(f); c != "" && len(structs[id.Name].Fields.List) <= 3 {
					head = strings.TrimSuffix(c, ".") + ":"
				}
				walk(key+".", head, structs[id.Name])
			}
		}
	}
	walk("", "", structs["Config"])
	for _, p := range ps {
		if st := structs[p.Name()+".Settings"]; st != nil {
			walk(p.Name()+".", "", st)
		}
	}
	var missing, unexplained []string
	for _, k := range keys {
		if r, ok := rows[k]; !ok {
			missing = append(missing, k)
		} else if r == "" {
			unexplained = append(unexplained, k)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("keys with no field found in the configuration's structs: %v", missing)
	}
	if len(unexplained) > 0 {
		t.Errorf("keys whose fields have no comment to explain them: %v", unexplained)
	}
	var b strings.Builder
	b.WriteString("# Configuration reference\n\n" +
		"Generated from the configuration's structs and defaults by `go test . -run TestConfigReference -update`;\n" +
		"the test fails when this file and the code disagree. Every key is set in the YAML file\n" +
		"(`waymark.yaml` or `--config`), by its environment variable, or (some) by a flag, in rising\n" +
		"precedence; README's Configuration section explains them with examples. Lists are\n" +
		"comma-separated in the environment; durations are Go durations (`90m`, `24h`).\n\n" +
		"| key | environment | default | meaning |\n|---|---|---|---|\n")
	sorted := append([]string(nil), keys...)
	sort.Strings(sorted)
	for _, k := range sorted {
		d, _ := config.Default(k, ps...)
		b.WriteString(fmt.Sprintf("| `%s` | `%s` | %s | %s |\n", k, config.EnvName(k), defaultText(d), rows[k]))
	}
	golden.Check(t, filepath.Join("docs", "CONFIG.md"), []byte(b.String()))
}

// comment is a field's doc and line comments as one line.
func comment(f *ast.Field) string {
	var parts []string
	for _, g := range []*ast.CommentGroup{f.Doc, f.Comment} {
		if g != nil {
			parts = append(parts, strings.Join(strings.Fields(g.Text()), " "))
		}
	}
	s := strings.Join(parts, " ")
	return strings.ReplaceAll(s, "|", `\|`)
}

func defaultText(d any) string {
	v := reflect.ValueOf(d)
	switch {
	case d == nil:
		return ""
	case (v.Kind() == reflect.Slice || v.Kind() == reflect.Map) && v.Len() == 0:
		return ""
	case v.Kind() == reflect.String && v.Len() == 0:
		return ""
	}
	return "`" + fmt.Sprint(d) + "`"
}
