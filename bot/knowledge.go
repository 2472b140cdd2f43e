package bot

import (
	"context"
	"time"
)

// SearchRequest is a practitioner's question and how to answer it.
type SearchRequest struct {
	Query string
	// Area prefers documents of this area and of AreaNational and excludes
	// every other area. Empty searches every area.
	Area  string
	Limit int // at most this many hits; zero means the knowledge base's default
	// Kinds, when not empty, restricts the search to documents of these kinds.
	Kinds []string
	// Context is earlier text of the same conversation. It widens the search
	// for a short follow-up ("what about out of hours?") but is never screened
	// or echoed.
	Context string
}

// Hit is one document that answers a question.
type Hit struct {
	Document *Document
	Score    float64
	Snippet  string // Markdown, matched words in **bold**
	Stale    bool   // the document is past its review date
}

// SearchResult is the answer to a SearchRequest. Hits is empty when nothing
// in the corpus answers the question with confidence.
type SearchResult struct {
	Hits       []Hit
	Confidence float64 // of the best candidate, 0..1, even when Hits is empty
	// Suggestions are the best contacts among the candidates when Hits is
	// empty: someone to ask when the corpus has no answer.
	Suggestions []Hit
	Screening   Screening
}

// Screening is what every question is checked for before it is answered.
type Screening struct {
	// Escalate is true when the question describes an immediate or serious
	// risk that the duty manager must hear about at once.
	Escalate bool
	// Risks names the kinds of risk found (travel, weapon, attack, missing).
	Risks []string
	// PersonalData is true when the question carries identifying details
	// about a person, which practitioners should not post in chat.
	PersonalData bool
	// PersonalKinds names the kinds of detail found (name_with_dob, address,
	// nhs_number, phone, email), never the details themselves.
	PersonalKinds []string
}

// Knowledge answers questions from a council's corpus.
type Knowledge interface {
	// Search answers req. It returns an EInvalid error for an empty query;
	// any other error is internal.
	Search(ctx context.Context, req SearchRequest) (SearchResult, error)
	// Screen checks a text for risk and personal data without searching.
	Screen(text string) Screening
	// Contacts lists contact documents of the area (and national ones),
	// those of the given specialism only when specialism is not empty.
	Contacts(area, specialism string) []*Document
	// Areas lists the areas the corpus covers, national excluded.
	Areas() []string
	// Document returns the document with the given id, or an ENotFound error.
	Document(id string) (*Document, error)
}

// Clock tells the time; tests pass a fake one.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real Clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }
