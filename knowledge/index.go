package knowledge

import (
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/waymarkhq/waymark/bot"
)

// Index field names and the boosts a match in each earns.
const (
	fieldTitle    = "title"
	fieldSummary  = "summary"
	fieldTags     = "tags"
	fieldContact  = "contact" // name, role, team, organisation, specialism
	fieldBody     = "body"
	conceptSuffix = "_c" // title_c, body_c, ...: lexicon concepts found in that field
	fieldArea     = "area"
	fieldKind     = "kind"

	analyzerName = "waymark"
)

// fieldBoosts multiply a match's BM25 score in each field. Measured across
// the evaluation councils (make eval-heldout, BENCHMARKS.md), boosting the
// short fields lost more than it won: a short field already scores high
// under BM25's length normalisation, and a word in the title is usually in
// the body too, so it counts twice. They stay a mechanism, at 1.
var fieldBoosts = []struct {
	name  string
	boost float64
}{
	{fieldTitle, 1}, {fieldSummary, 1}, {fieldTags, 1}, {fieldContact, 1}, {fieldBody, 1},
}

// stopWords is English's usual list less the words that carry meaning in
// safeguarding phrases: "out of hours", "stepped down", "under 18", "before
// telling parents".
const stopWords = `i me my myself we our ours ourselves you your yours yourself yourselves he him his
himself she her hers herself it its itself they them their theirs themselves what which who whom
this that these those am is are was were be been being have has had having do does did doing would
should could ought i'm you're he's she's it's we're they're i've you've we've they've i'd you'd
he'd she'd we'd they'd i'll you'll he'll she'll we'll they'll isn't aren't wasn't weren't hasn't
haven't hadn't doesn't don't didn't won't wouldn't shan't shouldn't can't cannot couldn't mustn't
let's that's who's what's here's there's when's where's why's how's a an the and but if or because
as until while of at by for with about between into through during to from in on again further
then once here there when where why how all any both each few more most other some such no nor not
only own same so than too very s t can will just`

// indexDoc is what bleve indexes for one document: each text field, the
// lexicon concepts found in it (field name + conceptSuffix), area and kind.
type indexDoc map[string]any

func newMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	m.ScoringModel = index.BM25Scoring
	// Text fields arrive analysed (analyser.terms, joined by spaces).
	if err := m.AddCustomAnalyzer(analyzerName, map[string]any{
		"type":      custom.Name,
		"tokenizer": termsTokenizerName,
	}); err != nil {
		return nil, fmt.Errorf("analyzer: %w", err)
	}
	m.DefaultAnalyzer = analyzerName

	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzerName
		f.Store = false
		f.IncludeTermVectors = false // coverage comes from docTerms, not locations
		f.DocValues = false
		f.IncludeInAll = false // every query names its field: no _all composite to build
		return f
	}
	kw := func(vectors bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeTermVectors = vectors
		f.DocValues = false
		f.IncludeInAll = false
		return f
	}
	dm := bleve.NewDocumentStaticMapping()
	for _, fb := range fieldBoosts {
		dm.AddFieldMappingsAt(fb.name, text())
		dm.AddFieldMappingsAt(fb.name+conceptSuffix, kw(false))
	}
	dm.AddFieldMappingsAt(fieldArea, kw(false))
	dm.AddFieldMappingsAt(fieldKind, kw(false))
	// No field goes into bleve's "_all" composite, but while it is enabled
	// bleve builds it for every document anyway: a sixth of a build.
	dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	m.DefaultMapping = dm
	return m, nil
}

func newIndex(m mapping.IndexMapping) (bleve.Index, error) {
	// NewMemOnly would use the upsidedown engine, which ignores BM25.
	return bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
}

// contactText is who a contact is, with labels for how to reach them, so
// "phone number", "email" and "out of hours" questions find contacts that
// have them. The values themselves (numbers, times) are left out: "term time"
// in someone's hours is not what the contact is about.
func contactText(c *bot.Contact) string {
	if c == nil {
		return ""
	}
	parts := []string{c.Name, c.Role, c.Team, c.Organisation, c.Specialism}
	if c.Phone != "" {
		parts = append(parts, "phone number")
	}
	if c.Email != "" {
		parts = append(parts, "email")
	}
	if c.OutOfHours != "" {
		parts = append(parts, "out of hours")
	}
	return strings.Join(parts, " . ")
}
