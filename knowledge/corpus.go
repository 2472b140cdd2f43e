package knowledge

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/waymarkhq/waymark/bot"
)

// SettingsFile is the optional corpus settings file at the corpus root.
const SettingsFile = "corpus.yaml"

// maxFileSize bounds one corpus file; a larger one is reported, not read.
const maxFileSize = 1 << 20

// Corpus is a council's loaded, validated set of documents.
type Corpus struct {
	Area     string     // default area of documents that name none
	Synonyms [][]string // the corpus's own synonym groups, added to the lexicon
	Docs     []*bot.Document
	Warnings []Problem // things worth fixing that do not stop the corpus loading
}

// Problem is one thing wrong with a corpus file, at a line.
type Problem struct {
	Path    string
	Line    int
	Message string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.Path, p.Line, p.Message) }

// CorpusError lists every problem found in a corpus.
type CorpusError struct {
	Problems []Problem
}

func (e *CorpusError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return fmt.Sprintf("corpus has %d problem(s):\n%s", len(e.Problems), strings.Join(lines, "\n"))
}

// LoadDir loads the corpus in dir. Problems name files by their path joined
// to dir, so an editor can jump to them.
func LoadDir(dir string) (*Corpus, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("corpus %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("corpus %s: not a directory", dir)
	}
	return Load(os.DirFS(dir), dir)
}

// Load loads and validates every document under fsys. It returns the corpus
// and a *CorpusError listing every problem, not just the first; the corpus is
// nil when there is any problem. Problems name files as prefix joined with
// their slash path.
func Load(fsys fs.FS, prefix string) (*Corpus, error) {
	l := &loader{prefix: prefix, ids: map[string]string{}}
	c := &Corpus{}
	if data, err := fs.ReadFile(fsys, SettingsFile); err == nil {
		l.settings(c, data)
	} else if !errors.Is(err, fs.ErrNotExist) {
		l.problem(SettingsFile, 1, "cannot read: %v", err)
	}
	var paths []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			l.problem(p, 1, "cannot read: %v", err)
			return nil
		}
		name := d.Name()
		if p != "." && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() && strings.HasSuffix(name, ".md") {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walk corpus %s: %w", prefix, err)
	}
	slices.Sort(paths)
	for _, p := range paths {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			l.problem(p, 1, "cannot read: %v", err)
			continue
		}
		if doc := l.document(p, data); doc != nil {
			if doc.Area == "" {
				doc.Area = c.Area
			}
			c.Docs = append(c.Docs, doc)
		}
	}
	if len(paths) == 0 && len(l.problems) == 0 {
		l.problem(".", 0, "no documents: a corpus needs at least one *.md file")
	}
	c.Warnings = l.warnings
	if len(l.problems) > 0 {
		return nil, &CorpusError{Problems: l.problems}
	}
	return c, nil
}

type loader struct {
	prefix   string
	ids      map[string]string // id -> path of the file that has it
	problems []Problem
	warnings []Problem
}

func (l *loader) name(p string) string {
	if l.prefix == "" {
		return p
	}
	return filepath.Join(l.prefix, filepath.FromSlash(p))
}

func (l *loader) problem(p string, line int, format string, args ...any) {
	l.problems = append(l.problems, Problem{Path: l.name(p), Line: line, Message: fmt.Sprintf(format, args...)})
}

func (l *loader) warn(p string, line int, format string, args ...any) {
	l.warnings = append(l.warnings, Problem{Path: l.name(p), Line: line, Message: fmt.Sprintf(format, args...)})
}

// field is one key of a YAML mapping with the line it is on (1-based, in the
// file, not the front matter).
type field struct {
	key   string
	line  int
	value ast.Node
}

// mapping parses src as a YAML mapping. lineOffset is added to YAML's line
// numbers to make them file line numbers. It reports problems itself and
// returns ok false when the YAML cannot be used at all.
func (l *loader) mapping(p string, src []byte, lineOffset int) (fields []field, ok bool) {
	f, err := parser.ParseBytes(src, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		line, msg := yamlErrorPosition(err)
		l.problem(p, line+lineOffset, "invalid YAML: %s", msg)
		return nil, false
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return nil, true
	}
	var values []*ast.MappingValueNode
	switch n := f.Docs[0].Body.(type) {
	case *ast.MappingNode:
		values = n.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{n}
	default:
		l.problem(p, nodeLine(f.Docs[0].Body)+lineOffset, "invalid YAML: expected key: value pairs")
		return nil, false
	}
	seen := map[string]int{}
	for _, v := range values {
		key := v.Key.GetToken().Value
		line := v.Key.GetToken().Position.Line + lineOffset
		if first, dup := seen[key]; dup {
			l.problem(p, line, "duplicate key %q (first on line %d)", key, first)
			continue
		}
		seen[key] = line
		fields = append(fields, field{key: key, line: line, value: v.Value})
	}
	return fields, true
}

func yamlErrorPosition(err error) (int, string) {
	var ye interface {
		GetToken() *token.Token
		GetMessage() string
	}
	if errors.As(err, &ye) {
		line := 1
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			line = tk.Position.Line
		}
		return line, ye.GetMessage()
	}
	return 1, err.Error()
}

func nodeLine(n ast.Node) int {
	if n == nil || n.GetToken() == nil || n.GetToken().Position == nil {
		return 1
	}
	return n.GetToken().Position.Line
}

func isNull(n ast.Node) bool {
	return n == nil || n.Type() == ast.NullType
}

// scalar decodes a scalar value as text.
func (l *loader) scalar(p string, f field) (string, bool) {
	if isNull(f.value) {
		return "", true
	}
	switch f.value.Type() {
	case ast.MappingType, ast.MappingValueType, ast.SequenceType:
		l.problem(p, f.line, "%s must be a single value, not a list or mapping", f.key)
		return "", false
	}
	var s string
	if err := yaml.NodeToValue(f.value, &s); err != nil {
		_, msg := yamlErrorPosition(err)
		l.problem(p, f.line, "%s: %s", f.key, msg)
		return "", false
	}
	return strings.TrimSpace(s), true
}

// list decodes a sequence of scalars.
func (l *loader) list(p string, f field) ([]string, bool) {
	if isNull(f.value) {
		return nil, true
	}
	if f.value.Type() != ast.SequenceType {
		l.problem(p, f.line, "%s must be a list, like [a, b]", f.key)
		return nil, false
	}
	var out []string
	for _, item := range f.value.(*ast.SequenceNode).Values {
		s, ok := l.scalar(p, field{key: f.key + " item", line: nodeLine(item) + (f.line - nodeLine(f.value)), value: item})
		if !ok {
			return nil, false
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out, true
}

func (l *loader) date(p string, f field) (time.Time, bool) {
	s, ok := l.scalar(p, f)
	if !ok || s == "" {
		return time.Time{}, ok
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		l.problem(p, f.line, "%s %q is not a date in the form YYYY-MM-DD", f.key, s)
		return time.Time{}, false
	}
	return t, true
}

func (l *loader) boolean(p string, f field) (bool, bool) {
	s, ok := l.scalar(p, f)
	if !ok || s == "" {
		return false, ok
	}
	switch strings.ToLower(s) {
	case "true", "yes":
		return true, true
	case "false", "no":
		return false, true
	}
	l.problem(p, f.line, "%s must be true or false, not %q", f.key, s)
	return false, false
}

func (l *loader) settings(c *Corpus, data []byte) {
	fields, ok := l.mapping(SettingsFile, data, 0)
	if !ok {
		return
	}
	for _, f := range fields {
		switch f.key {
		case "area":
			c.Area, _ = l.scalar(SettingsFile, f)
		case "synonyms":
			if isNull(f.value) {
				continue
			}
			seq, isSeq := f.value.(*ast.SequenceNode)
			if !isSeq {
				l.problem(SettingsFile, f.line, "synonyms must be a list of lists, like - [front door, MASH]")
				continue
			}
			for _, item := range seq.Values {
				line := nodeLine(item)
				group, ok := l.list(SettingsFile, field{key: "synonym group", line: line, value: item})
				if !ok {
					continue
				}
				if len(group) < 2 {
					l.problem(SettingsFile, line, "a synonym group needs at least two terms")
					continue
				}
				c.Synonyms = append(c.Synonyms, group)
			}
		default:
			l.warn(SettingsFile, f.line, "unknown setting %q is ignored (known: area, synonyms)", f.key)
		}
	}
}

var knownKeys = map[string]bool{
	"id": true, "title": true, "kind": true, "area": true, "tags": true, "summary": true,
	"owner": true, "reviewed": true, "review_due": true, "url": true,
}

var contactKeys = map[string]bool{
	"name": true, "role": true, "team": true, "organisation": true, "phone": true, "email": true,
	"hours": true, "out_of_hours": true, "specialism": true, "bookable": true,
}

// splitFrontMatter returns the front matter, the body, and the file line on
// which the body starts. ok is false when the file has no front matter.
func splitFrontMatter(data []byte) (front, body []byte, bodyLine int, problem string) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines) == 0 || strings.TrimSpace(string(lines[0])) != "---" {
		return nil, nil, 0, "no front matter: the file must start with a line '---'"
	}
	for i := 1; i < len(lines); i++ {
		if s := strings.TrimRight(string(lines[i]), " \t\n"); s == "---" || s == "..." {
			return bytes.Join(lines[1:i], nil), bytes.Join(lines[i+1:], nil), i + 2, ""
		}
	}
	return nil, nil, 0, "front matter is not closed: add a line '---' after it"
}

func (l *loader) document(p string, data []byte) *bot.Document {
	if len(data) > maxFileSize {
		l.problem(p, 1, "file is %d bytes, more than the %d allowed", len(data), maxFileSize)
		return nil
	}
	if !utf8.Valid(data) {
		l.problem(p, 1, "file is not valid UTF-8")
		return nil
	}
	front, body, _, msg := splitFrontMatter(data)
	if msg != "" {
		l.problem(p, 1, "%s", msg)
		return nil
	}
	fields, ok := l.mapping(p, front, 1)
	if !ok {
		return nil
	}
	doc := &bot.Document{Path: p, Body: strings.TrimSpace(string(body))}
	var contact bot.Contact
	var hasContactKeys bool
	idLine := 1
	bad := false
	kindLine := 1
	for _, f := range fields {
		var ok bool
		switch f.key {
		case "id":
			doc.ID, ok = l.scalar(p, f)
			idLine = f.line
		case "title":
			doc.Title, ok = l.scalar(p, f)
		case "kind":
			doc.Kind, ok = l.scalar(p, f)
			kindLine = f.line
		case "area":
			doc.Area, ok = l.scalar(p, f)
		case "tags":
			doc.Tags, ok = l.list(p, f)
		case "summary":
			doc.Summary, ok = l.scalar(p, f)
		case "owner":
			doc.Owner, ok = l.scalar(p, f)
		case "url":
			doc.URL, ok = l.scalar(p, f)
		case "reviewed":
			doc.Reviewed, ok = l.date(p, f)
		case "review_due":
			doc.ReviewDue, ok = l.date(p, f)
		case "name":
			contact.Name, ok = l.scalar(p, f)
		case "role":
			contact.Role, ok = l.scalar(p, f)
		case "team":
			contact.Team, ok = l.scalar(p, f)
		case "organisation":
			contact.Organisation, ok = l.scalar(p, f)
		case "phone":
			contact.Phone, ok = l.scalar(p, f)
		case "email":
			contact.Email, ok = l.scalar(p, f)
		case "hours":
			contact.Hours, ok = l.scalar(p, f)
		case "out_of_hours":
			contact.OutOfHours, ok = l.scalar(p, f)
		case "specialism":
			contact.Specialism, ok = l.scalar(p, f)
			contact.Specialism = strings.ToLower(contact.Specialism)
		case "bookable":
			contact.Bookable, ok = l.boolean(p, f)
		default:
			ok = true
			l.warn(p, f.line, "unknown key %q is ignored", f.key)
		}
		if contactKeys[f.key] {
			hasContactKeys = true
		}
		bad = bad || !ok
	}
	if doc.Title == "" {
		l.problem(p, 1, "missing title: every document needs a title")
		bad = true
	}
	switch {
	case doc.Kind == "":
		l.problem(p, 1, "missing kind: one of %s", strings.Join(bot.Kinds, ", "))
		bad = true
	case !slices.Contains(bot.Kinds, doc.Kind):
		l.problem(p, kindLine, "unknown kind %q: want one of %s", doc.Kind, strings.Join(bot.Kinds, ", "))
		bad = true
	}
	if doc.ID == "" {
		doc.ID = strings.ReplaceAll(strings.TrimSuffix(p, ".md"), "/", "-")
	} else if strings.ContainsAny(doc.ID, " \t/") {
		l.problem(p, idLine, "id %q may not contain spaces or slashes", doc.ID)
		bad = true
	}
	if other, dup := l.ids[doc.ID]; dup {
		l.problem(p, idLine, "id %q is already used by %s", doc.ID, l.name(other))
		bad = true
	} else {
		l.ids[doc.ID] = p
	}
	if doc.Kind == bot.KindContact {
		if contact.Phone == "" && contact.Email == "" {
			l.problem(p, 1, "a contact needs a phone or an email")
			bad = true
		}
		if contact.Bookable && contact.Specialism == "" {
			l.problem(p, 1, "a bookable contact needs a specialism (the consultation queue it books)")
			bad = true
		}
		doc.Contact = &contact
	} else if hasContactKeys {
		l.warn(p, 1, "contact keys (name, phone, ...) are ignored on a %s document", doc.Kind)
	}
	if !doc.Reviewed.IsZero() && !doc.ReviewDue.IsZero() && doc.ReviewDue.Before(doc.Reviewed) {
		l.warn(p, 1, "review_due %s is before reviewed %s", doc.ReviewDue.Format(time.DateOnly), doc.Reviewed.Format(time.DateOnly))
	}
	if doc.Body == "" {
		l.warn(p, 1, "the document has no body")
	}
	if bad {
		return nil
	}
	return doc
}

// Summary describes a corpus in one line: documents by kind, areas, and how
// many are past review at now.
func (c *Corpus) Summary(now time.Time) string {
	kinds := map[string]int{}
	areas := map[string]int{}
	stale := 0
	for _, d := range c.Docs {
		kinds[d.Kind]++
		areas[d.Area]++
		if d.Stale(now) {
			stale++
		}
	}
	var ks []string
	for _, k := range bot.Kinds {
		if kinds[k] > 0 {
			ks = append(ks, fmt.Sprintf("%s %d", k, kinds[k]))
		}
	}
	var as []string
	for a := range areas {
		name := a
		if name == "" {
			name = "(none)"
		}
		as = append(as, fmt.Sprintf("%s %d", name, areas[a]))
	}
	slices.Sort(as)
	return fmt.Sprintf("%d documents (%s); areas: %s; %d past review_due",
		len(c.Docs), strings.Join(ks, ", "), strings.Join(as, ", "), stale)
}
