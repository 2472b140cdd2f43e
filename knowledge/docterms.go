package knowledge

import (
	"slices"
	"sync"

	"github.com/waymarkhq/waymark/bot"
)

// conceptPrefix starts every concept term, so concepts never collide with
// words.
const conceptPrefix = "c:"

// docTerms is what one document contains, kept beside the index so that
// judging a candidate's coverage and picking its snippet need no second look
// into bleve. Terms and concepts are numbered (Base.termIDs) and kept as
// sorted sets: a few kilobytes a document.
type docTerms struct {
	strong []uint32 // in the title, summary, tags or contact details
	body   []uint32 // in the body
	title  []uint32 // the title's terms, for telling versions of one document apart

	// Made the first time they are needed: the body without Markdown
	// (plainBody), for snippets and for the values a document gives, and
	// its sentences, the first time the document is shown. Few documents
	// of a large corpus are ever shown, so the build does not make them.
	plainOnce sync.Once
	plain     string
	shownOnce sync.Once
	sentences []sentence

	// Made the first time the document is a top candidate for a question
	// asking for a value (answertype.go).
	valuesOnce sync.Once
	values     valueKind
	counted    []string
}

// plainBody is d's body without Markdown, made once; dt is d's.
func (dt *docTerms) plainBody(d *bot.Document) string {
	dt.plainOnce.Do(func() { dt.plain = plainText(d.Body) })
	return dt.plain
}

// termID numbers a term or concept, adding it if new. Only build calls it.
func (b *Base) termID(t string) uint32 {
	id, ok := b.termIDs[t]
	if !ok {
		id = uint32(len(b.termIDs))
		b.termIDs[t] = id
	}
	return id
}

func sortedSet(ids []uint32) []uint32 {
	slices.Sort(ids)
	return slices.Clip(slices.Compact(ids))
}

// where says where a document has term t: 2 in a strong field, 1 only in
// the body, 0 nowhere.
func (dt *docTerms) where(b *Base, t string) int {
	id, ok := b.termIDs[t]
	if !ok {
		return 0
	}
	if _, ok := slices.BinarySearch(dt.strong, id); ok {
		return 2
	}
	if _, ok := slices.BinarySearch(dt.body, id); ok {
		return 1
	}
	return 0
}

// sameTopic reports whether two documents' titles share most of their
// terms (Jaccard at least sameTopicShare): two versions of one procedure.
func sameTopic(a, b *docTerms) bool {
	if len(a.title) == 0 || len(b.title) == 0 {
		return false
	}
	shared := 0
	for _, id := range a.title {
		if _, ok := slices.BinarySearch(b.title, id); ok {
			shared++
		}
	}
	return float64(shared) >= sameTopicShare*float64(len(a.title)+len(b.title)-shared)
}
