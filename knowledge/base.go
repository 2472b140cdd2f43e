// Package knowledge loads a council's corpus, indexes it with bleve and
// answers practitioners' questions from it.
//
// A question goes through the same analysis as the documents (Unicode words,
// lower case, a stop list that keeps "out", "off", "before" and "after", and
// the English Snowball stemmer), after its typing errors are corrected
// against the corpus's own words. The built-in safeguarding lexicon, merged
// with the corpus's synonyms, maps acronyms, long forms and chat words to
// concepts in our own code, so "front door" finds a document that only says
// "MASH" and "child in need" finds "CIN". Documents are ranked by BM25 over
// their title, summary, tags, contact details, body and concepts, each with
// a boost. A result is returned only when the best document covers enough of
// what the question asks about (see confidence in search.go).
//
// Every question is also screened for immediate risk and personal data.
package knowledge

import (
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/waymarkhq/waymark/bot"
)

// Defaults for Options.
const (
	DefaultLimit         = 5
	DefaultMinConfidence = 0.22
	MaxLimit             = 50
)

// Options tune a Base. The zero value is usable.
type Options struct {
	Limit         int     // hits per search when a request names none; default 5
	MinConfidence float64 // 0..1; below this confidence a search returns no hits; default 0.22
	Clock         bot.Clock
	Lexicon       *LexiconData // nil: the built-in lexicon
	// Abstain judges when the best candidates do not answer; nil: the
	// built-in model (abstain.json).
	Abstain *AbstainModel
	// Risk is the learned second opinion on risk; nil: the built-in model
	// (riskmodel.json).
	Risk *RiskModel
	// Coverage weighs ranking by the share of the question a document
	// covers; nil: DefaultCoverage.
	Coverage *Coverage
	// AbstainRidge is the ridge penalty when CrossValidate fits
	// abstention models; 0: DefaultAbstainRidge. A search never reads it.
	AbstainRidge float64
	// DomainQuestions are question sets with no corpus (LoadQuestionSet)
	// that CrossValidate adds to every domain model's fitting, left out of
	// no fold: they are no council's questions. A search never reads it.
	DomainQuestions []*EvalSet
	// Progress, if set, is told how many documents are indexed of how
	// many, after each chunk: for progress lines on a large corpus.
	Progress func(done, total int)
}

// Base is a searchable, indexed corpus. It is safe for concurrent use.
type Base struct {
	corpus   *Corpus
	opts     Options
	index    bleve.Index
	an       *analyser
	lex      *lexicon
	byID     map[string]*bot.Document
	docs     map[string]*docTerms // id -> what the document contains, for coverage and snippets
	termIDs  map[string]uint32    // index terms and concepts, numbered
	df       map[string]int       // index term -> documents using it
	cdf      map[string]int       // concept -> documents having it
	n        int
	areas    map[string]int // lower-cased area -> documents in it
	spell    *speller
	screener *screener
	common   map[string]bool // index terms of words that say how a question is asked
	everyday map[string]bool // index terms of the most used English words
	abstain  *AbstainModel
	risk     *RiskModel

	closeOnce sync.Once
	closeErr  error
}

var _ bot.Knowledge = (*Base)(nil)

// New indexes c. Close releases the index.
func New(c *Corpus, opts Options) (*Base, error) {
	if opts.Limit <= 0 {
		opts.Limit = DefaultLimit
	}
	if opts.Limit > MaxLimit {
		opts.Limit = MaxLimit
	}
	if opts.MinConfidence == 0 {
		opts.MinConfidence = DefaultMinConfidence
	}
	if opts.Clock == nil {
		opts.Clock = bot.SystemClock{}
	}
	if opts.Coverage == nil {
		c := DefaultCoverage
		opts.Coverage = &c
	}
	if opts.Lexicon == nil {
		lx, err := BuiltinLexicon()
		if err != nil {
			return nil, err
		}
		opts.Lexicon = lx
	}
	if opts.Abstain == nil {
		am, err := BuiltinAbstainModel()
		if err != nil {
			return nil, err
		}
		opts.Abstain = am
	}
	if opts.Risk == nil {
		rm, err := BuiltinRiskModel()
		if err != nil {
			return nil, err
		}
		opts.Risk = rm
	}
	// The gloss the screener reads other languages with is read once a
	// process (25 ms): here, not on the first question.
	builtinGloss()
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("index mapping: %w", err)
	}
	idx, err := newIndex(m)
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	b := &Base{
		corpus:  c,
		opts:    opts,
		abstain: opts.Abstain,
		risk:    opts.Risk,
		index:   idx,
		an:      newAnalyser(),
		byID:    make(map[string]*bot.Document, len(c.Docs)),
		areas:   map[string]int{},
		docs:    make(map[string]*docTerms, len(c.Docs)),
		termIDs: map[string]uint32{},
		df:      map[string]int{},
		cdf:     map[string]int{},
		n:       len(c.Docs),
		spell:   newSpeller(),
	}
	b.lex = compileLexicon(opts.Lexicon, c.Synonyms, b.an.terms)
	b.common = map[string]bool{}
	for w := range commonWords {
		for _, t := range b.an.terms(w) {
			b.common[t] = true
		}
	}
	b.everyday = map[string]bool{}
	for w := range everydayWords {
		for _, t := range b.an.terms(w) {
			b.everyday[t] = true
		}
	}
	// The screener reads the corpus's published details while the index
	// is built.
	screened := make(chan *screener, 1)
	go func() { screened <- newScreener(c.Docs, opts.Clock.Now) }()
	err = b.build()
	b.screener = <-screened
	if err != nil {
		idx.Close()
		return nil, err
	}
	return b, nil
}

func (b *Base) build() error {
	// The lexicon's words are correctable targets too.
	lexWords := map[string]struct{}{}
	for _, g := range append(append([][]string{}, b.opts.Lexicon.Synonyms...), b.corpus.Synonyms...) {
		for _, e := range g {
			for _, w := range surfaceWords(e) {
				lexWords[w] = struct{}{}
			}
		}
	}
	b.spell.add(slices.Collect(maps.Keys(lexWords)))
	// Everyday English words are targets too, so "actualy" or "shoud" is
	// read as the everyday word it is, not taken for a rare one.
	english := map[string]struct{}{}
	for _, set := range []map[string]bool{commonWords, everydayWords, b.lex.fillerWords} {
		for w := range set {
			english[w] = struct{}{}
		}
	}
	b.spell.add(slices.Collect(maps.Keys(english)))

	// bleve indexes one batch while the next is read: flush waits for the
	// batch in flight, then starts bt (nil: only waits).
	var inFlight chan error
	flush := func(bt *bleve.Batch) error {
		if inFlight != nil {
			if err := <-inFlight; err != nil {
				return fmt.Errorf("index batch: %w", err)
			}
			inFlight = nil
		}
		if bt != nil {
			done := make(chan error, 1)
			inFlight = done
			go func() { done <- b.index.Batch(bt) }()
		}
		return nil
	}
	defer flush(nil) // on an error, the batch in flight ends before the index is closed
	// Documents are read in chunks: each chunk's documents are analysed in
	// parallel (analysis depends only on the document), then merged in
	// order into the shared tables, while bleve indexes the chunk before.
	const chunk = 500
	seen := map[string]bool{} // cleared and reused for every document
	for from := 0; from < len(b.corpus.Docs); from += chunk {
		docs := b.corpus.Docs[from:min(from+chunk, len(b.corpus.Docs))]
		read := b.analyseDocs(docs)
		batch := b.index.NewBatch()
		for i, d := range docs {
			a := &read[i]
			b.byID[d.ID] = d
			b.areas[strings.ToLower(d.Area)]++
			doc := indexDoc{fieldArea: strings.ToLower(d.Area), fieldKind: d.Kind}
			dt := &docTerms{}
			clear(seen)
			for f, name := range fieldNames {
				terms, concepts := a.terms[f], a.concepts[f]
				doc[name] = strings.Join(terms, " ")
				doc[name+conceptSuffix] = concepts
				if name == fieldTitle {
					for _, t := range terms {
						dt.title = append(dt.title, b.termID(t))
					}
				}
				for _, list := range [][]string{terms, concepts} {
					for _, t := range list {
						if name == fieldBody {
							dt.body = append(dt.body, b.termID(t))
						} else {
							dt.strong = append(dt.strong, b.termID(t))
						}
						if seen[t] {
							continue
						}
						seen[t] = true
						if strings.HasPrefix(t, conceptPrefix) {
							b.cdf[t]++
						} else {
							b.df[t]++
						}
					}
				}
			}
			dt.strong, dt.body, dt.title = sortedSet(dt.strong), sortedSet(dt.body), sortedSet(dt.title)
			b.docs[d.ID] = dt
			b.spell.add(a.words)
			if err := batch.Index(d.ID, doc); err != nil {
				return fmt.Errorf("index %s: %w", d.Path, err)
			}
		}
		if err := flush(batch); err != nil {
			return err
		}
		if p := b.opts.Progress; p != nil {
			p(from+len(docs), len(b.corpus.Docs))
		}
	}
	return flush(nil)
}

// fieldNames are the indexed text fields, in fieldBoosts' order.
var fieldNames = func() []string {
	var out []string
	for _, fb := range fieldBoosts {
		out = append(out, fb.name)
	}
	return out
}()

// analysedDoc is what reading a document gives, before it joins the
// shared tables: each field's index terms and concepts, in fieldNames'
// order, and its distinct words for the speller.
type analysedDoc struct {
	terms    [][]string
	concepts [][]string
	words    []string
}

// analyseDocs reads docs in parallel.
func (b *Base) analyseDocs(docs []*bot.Document) []analysedDoc {
	out := make([]analysedDoc, len(docs))
	workers := min(runtime.GOMAXPROCS(0), len(docs))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(docs); i += workers {
				out[i] = b.analyseDoc(docs[i])
			}
		})
	}
	wg.Wait()
	return out
}

func (b *Base) analyseDoc(d *bot.Document) analysedDoc {
	// Tags are often hyphenated compounds ("police-prevent").
	tags := strings.ReplaceAll(strings.Join(d.Tags, " . "), "-", " ")
	contact := contactText(d.Contact)
	fields := []string{d.Title, d.Summary, tags, contact, d.Body}
	a := analysedDoc{terms: make([][]string, len(fields)), concepts: make([][]string, len(fields))}
	for i, text := range fields {
		a.terms[i] = b.an.terms(text)
		for _, m := range b.lex.match(a.terms[i]) {
			a.concepts[i] = append(a.concepts[i], m.concept)
		}
		a.words = append(a.words, surfaceWords(text)...)
	}
	slices.Sort(a.words)
	a.words = slices.Compact(a.words)
	return a
}

// Close releases the index. Closing twice is harmless.
func (b *Base) Close() error {
	b.closeOnce.Do(func() { b.closeErr = b.index.Close() })
	return b.closeErr
}

// Corpus returns the corpus the base was built from.
func (b *Base) Corpus() *Corpus { return b.corpus }

// LexiconSize is the number of concepts in the merged lexicon.
func (b *Base) LexiconSize() int { return b.lex.size }

// Screen checks text for immediate risk and identifying details.
func (b *Base) Screen(text string) bot.Screening {
	s, _ := b.screen(text)
	return s
}

// screen is Screen, and the text as read for risk, whose units the
// abstention's in-domain feature reuses.
func (b *Base) screen(text string) (bot.Screening, *reading) {
	kinds, _ := b.screener.personal(text)
	risks, r := b.risk.screen(text)
	return screening(kinds, risks), r
}

// screening is what screening found: personal details of kinds and
// the risks to escalate.
func screening(kinds, risks []string) bot.Screening {
	return bot.Screening{Risks: risks, PersonalKinds: kinds, Escalate: len(risks) > 0, PersonalData: len(kinds) > 0}
}

// Document returns the document with the given id.
func (b *Base) Document(id string) (*bot.Document, error) {
	if d, ok := b.byID[id]; ok {
		return d, nil
	}
	return nil, bot.Errorf(bot.ENotFound, "No document has the id %q.", id)
}

// Contacts lists the contact documents of area (and national ones; every
// area when area is empty), only those of specialism when it is not empty.
func (b *Base) Contacts(area, specialism string) []*bot.Document {
	var out []*bot.Document
	for _, d := range b.corpus.Docs {
		if d.Contact == nil || !inArea(d, area) {
			continue
		}
		if specialism != "" && !strings.EqualFold(d.Contact.Specialism, specialism) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// Areas lists the areas the corpus covers, national excluded, sorted.
func (b *Base) Areas() []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range b.corpus.Docs {
		if d.Area != "" && !strings.EqualFold(d.Area, bot.AreaNational) && !seen[d.Area] {
			seen[d.Area] = true
			out = append(out, d.Area)
		}
	}
	sort.Strings(out)
	return out
}

func inArea(d *bot.Document, area string) bool {
	return area == "" || strings.EqualFold(d.Area, area) || strings.EqualFold(d.Area, bot.AreaNational)
}

// Now is the base's clock, for callers that judge staleness.
func (b *Base) Now() time.Time { return b.opts.Clock.Now() }

// abstainRidge is opts.AbstainRidge or its default.
func (opts Options) abstainRidge() float64 {
	if opts.AbstainRidge > 0 {
		return opts.AbstainRidge
	}
	return DefaultAbstainRidge
}
