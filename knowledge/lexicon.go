package knowledge

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
)

//go:embed lexicon.yaml
var builtinLexiconYAML []byte

// LexiconData is the built-in safeguarding lexicon as written in lexicon.yaml.
type LexiconData struct {
	// Synonyms are groups of expressions that mean the same thing; the first
	// is the canonical display form.
	Synonyms [][]string `yaml:"synonyms"`
	// Related are one-way links: a question using Terms also looks for Means.
	Related []struct {
		Terms []string `yaml:"terms"`
		Means []string `yaml:"means"`
	} `yaml:"related"`
	// Filler are chat words that carry no topic.
	Filler []string `yaml:"filler"`
}

// BuiltinLexicon returns the lexicon embedded in the binary.
func BuiltinLexicon() (*LexiconData, error) {
	var d LexiconData
	if err := yaml.UnmarshalWithOptions(builtinLexiconYAML, &d, yaml.Strict()); err != nil {
		return nil, fmt.Errorf("built-in lexicon: %w", err)
	}
	return &d, nil
}

// lexicon is a compiled LexiconData: every expression analysed into a
// sequence of index terms, and a trie over those sequences. Matching on
// analysed terms makes "child protection enquiries" find "child protection
// enquiry", and lets one- and many-word expressions map to one concept,
// which bleve's own synonyms cannot do.
type lexicon struct {
	root    *trieNode
	related map[string][]string // concept -> concepts it implies
	filler  map[string]bool     // analysed filler terms
	// fillerWords are the filler words as written, for the speller.
	fillerWords map[string]bool
	display     map[string]string // concept -> canonical form
	size        int               // number of concepts
}

type trieNode struct {
	next    map[string]*trieNode
	concept string
}

// conceptMatch is one concept found in a term sequence.
type conceptMatch struct {
	concept    string
	start, end int // term indexes, end exclusive
}

// compileLexicon merges data with the corpus's own synonym groups and
// analyses every expression with analyse. Groups that share an expression
// become one concept.
func compileLexicon(data *LexiconData, corpusSynonyms [][]string, analyse func(string) []string) *lexicon {
	// Union-find over analysed expressions.
	parent := map[string]string{}
	var find func(string) string
	find = func(k string) string {
		if parent[k] == k {
			return k
		}
		r := find(parent[k])
		parent[k] = r
		return r
	}
	add := func(k string) {
		if _, ok := parent[k]; !ok {
			parent[k] = k
		}
	}
	union := func(a, b string) { parent[find(a)] = find(b) }
	first := map[string]string{} // key -> first display form seen
	key := func(expr string) string {
		terms := analyse(expr)
		// Single terms shorter than two letters ("A&E" -> "e") match too much.
		if len(terms) == 0 || (len(terms) == 1 && len(terms[0]) < 2) {
			return ""
		}
		k := strings.Join(terms, " ")
		add(k)
		if _, ok := first[k]; !ok {
			first[k] = expr
		}
		return k
	}
	groups := append(append([][]string{}, data.Synonyms...), corpusSynonyms...)
	canonical := map[string]string{} // key -> canonical display of its group
	for _, g := range groups {
		prev := ""
		for i, expr := range g {
			k := key(expr)
			if k == "" {
				continue
			}
			if i == 0 || canonical[k] == "" {
				if _, ok := canonical[k]; !ok {
					canonical[k] = g[0]
				}
			}
			if prev != "" {
				union(prev, k)
			}
			prev = k
		}
	}
	type rel struct{ from, to []string }
	var rels []rel
	for _, r := range data.Related {
		var from, to []string
		for _, e := range r.Terms {
			if k := key(e); k != "" {
				from = append(from, k)
			}
		}
		for _, e := range r.Means {
			if k := key(e); k != "" {
				to = append(to, k)
			}
		}
		rels = append(rels, rel{from, to})
	}

	lx := &lexicon{
		root:        &trieNode{},
		related:     map[string][]string{},
		filler:      map[string]bool{},
		fillerWords: map[string]bool{},
		display:     map[string]string{},
	}
	conceptOf := func(k string) string { return conceptPrefix + strings.ReplaceAll(find(k), " ", "_") }
	keys := make([]string, 0, len(parent))
	for k := range parent {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c := conceptOf(k)
		n := lx.root
		for _, t := range strings.Split(k, " ") {
			if n.next == nil {
				n.next = map[string]*trieNode{}
			}
			if n.next[t] == nil {
				n.next[t] = &trieNode{}
			}
			n = n.next[t]
		}
		n.concept = c
		if _, ok := lx.display[c]; !ok {
			lx.display[c] = first[k]
		}
		if d := canonical[k]; d != "" && k == find(k) {
			lx.display[c] = d
		}
	}
	lx.size = len(lx.display)
	for _, r := range rels {
		for _, f := range r.from {
			fc := conceptOf(f)
			for _, t := range r.to {
				if tc := conceptOf(t); tc != fc {
					lx.related[fc] = appendUnique(lx.related[fc], tc)
				}
			}
		}
	}
	for _, f := range data.Filler {
		lx.fillerWords[strings.ToLower(f)] = true
		for _, t := range analyse(f) {
			lx.filler[t] = true
		}
	}
	return lx
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// match finds concepts in a sequence of analysed terms, longest first, left
// to right, without overlaps.
func (lx *lexicon) match(terms []string) []conceptMatch {
	var out []conceptMatch
	for i := 0; i < len(terms); {
		n := lx.root
		best, bestEnd := "", 0
		for j := i; j < len(terms); j++ {
			n = n.next[terms[j]]
			if n == nil {
				break
			}
			if n.concept != "" {
				best, bestEnd = n.concept, j+1
			}
		}
		if best == "" {
			i++
			continue
		}
		out = append(out, conceptMatch{concept: best, start: i, end: bestEnd})
		i = bestEnd
	}
	return out
}
