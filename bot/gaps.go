package bot

import (
	"context"
	"time"
)

// Knowledge gaps: what the corpus failed practitioners on, for the
// council's safeguarding lead and corpus owners. A gap keeps no question:
// only the words of it the corpus or everyday English knows (no names,
// numbers or addresses), and none at all of a question that carried
// personal data. Retention removes gaps as it removes feedback.

// Gap kinds.
const (
	GapUnanswered = "unanswered"  // no answer with confidence
	GapNotHelpful = "not_helpful" // an answer marked not helpful
)

// Gap is one question the corpus did not answer well.
type Gap struct {
	At    time.Time
	Kind  string   // a Gap constant
	Area  string   // the area it was asked about
	Terms []string // the question's known words, most telling first
	Docs  []string // for not_helpful: the documents shown
}

// GapStore keeps gaps. redisstore.Store is the one implementation. Both
// methods return EUnavailable when the store cannot be reached.
type GapStore interface {
	SaveGap(ctx context.Context, g Gap) error
	// Gaps returns the gaps kept, oldest first.
	Gaps(ctx context.Context) ([]Gap, error)
}

// GapTermer is Knowledge that can say which words of a question a gap may
// keep: those the corpus or everyday English knows, most telling first;
// none for a question with personal data.
type GapTermer interface {
	GapTerms(question string) []string
}

// recordGap keeps a gap for question, when the engine keeps gaps and its
// knowledge can say what the question was about; a failure is logged,
// never shown.
func (e *Engine) recordGap(ctx context.Context, kind, area, question string, docs []string) {
	gt, ok := e.kb.(GapTermer)
	if e.opts.Gaps == nil || !ok || question == "" {
		return
	}
	terms := gt.GapTerms(question)
	if len(terms) == 0 && kind == GapUnanswered {
		return
	}
	g := Gap{At: e.clock.Now(), Kind: kind, Area: area, Terms: terms, Docs: docs}
	if err := e.opts.Gaps.SaveGap(ctx, g); err != nil {
		e.log.WarnContext(ctx, "knowledge gap not kept", "kind", kind, "err", err)
	}
}

// Usage counts questions and the documents answers showed, for the
// console's charts and corpus health; it keeps nothing about a person or
// a question. redisstore.Store is the one implementation; every method
// returns EUnavailable when the store cannot be reached.
type Usage interface {
	// RecordAnswer counts a question answered at at with docs shown (none:
	// "I don't know").
	RecordAnswer(ctx context.Context, at time.Time, docs []string) error
	// QuestionsByDay returns, by UTC day (2026-12-03), how many questions
	// were answered and how many were not.
	QuestionsByDay(ctx context.Context) (map[string]DayCount, error)
	// LastShown returns when each document was last shown in an answer,
	// and since when answers are counted.
	LastShown(ctx context.Context) (map[string]time.Time, time.Time, error)
}

// DayCount is one day's questions.
type DayCount struct{ Answered, Unanswered int }
