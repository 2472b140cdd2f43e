package knowledge

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/waymarkhq/waymark/bot"
)

// Explain writes how a question is understood and why documents rank as
// they do: the corrected question, what it asks about with each unit's
// weight, the lexicon concepts it uses, and the top candidates with their
// BM25 score, reranked score and coverage. It helps corpus authors see why
// a document is or is not found.
func (b *Base) Explain(ctx context.Context, w io.Writer, req bot.SearchRequest) error {
	s, read := b.screen(req.Query)
	p := b.understand(req.Query, s, read)
	fmt.Fprintf(w, "screening: escalate %v %v, personal data %v %v\n", s.Escalate, s.Risks, s.PersonalData, s.PersonalKinds)
	if !s.PersonalData {
		fmt.Fprintf(w, "question:  %s\n", b.correct(req.Query))
	}
	var units []string
	for _, u := range p.units {
		name := strings.Join(u.terms, " ")
		if u.concept != "" {
			name = fmt.Sprintf("%s=%s", name, b.lex.display[u.concept])
		}
		units = append(units, fmt.Sprintf("%s (%.2f)", name, u.weight))
	}
	fmt.Fprintf(w, "asks about: %s\n", strings.Join(units, ", "))
	fmt.Fprintf(w, "concepts:  %s\n", strings.Join(p.concepts, " "))
	fmt.Fprintf(w, "related:   %s\n", strings.Join(p.related, " "))
	fmt.Fprintf(w, "kinds wanted: %v\n", p.kinds)
	_, p, rs, err := b.candidates(ctx, req)
	if err != nil {
		return err
	}
	if p.asks.kinds != 0 {
		fmt.Fprintf(w, "values asked: %v %s\n", p.asks.kinds, strings.Join(p.asks.counted, " "))
	}
	for i, r := range rs[:min(10, len(rs))] {
		fmt.Fprintf(w, "%2d. %-40s bm25 %6.2f  score %6.2f  coverage %.2f\n", i+1, r.doc.ID, r.bm25, r.score, r.coverage)
	}
	f := b.features(p, rs)
	f[featureDomain] = b.abstain.domain(newReading(req.Query).wordUnits())
	var fs []string
	for i, n := range featureNames {
		fs = append(fs, fmt.Sprintf("%s %.2f", n, f[i]))
	}
	fmt.Fprintf(w, "features:  %s\n", strings.Join(fs, ", "))
	fmt.Fprintf(w, "confidence %.2f (the abstention model's probability), threshold %.2f\n\n", b.abstain.prob(f), b.opts.MinConfidence)
	return nil
}
