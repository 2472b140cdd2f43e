package knowledge

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// EvalSet is one evaluation council: a corpus and its question set.
type EvalSet struct {
	Name      string
	Corpus    *Corpus
	Questions []Question
}

// LoadEvalSet reads dir/corpus and dir/questions.jsonl.
func LoadEvalSet(dir string) (*EvalSet, error) {
	c, err := LoadDir(filepath.Join(dir, "corpus"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	qs, err := loadQuestionsFile(filepath.Join(dir, "questions.jsonl"))
	if err != nil {
		return nil, err
	}
	return &EvalSet{Name: filepath.Base(filepath.Clean(dir)), Corpus: c, Questions: qs}, nil
}

// LoadQuestionSet reads dir/questions.jsonl alone: a set of questions
// with no corpus, that teaches the abstention's domain model which
// questions a council's corpus answers (Options.DomainQuestions).
func LoadQuestionSet(dir string) (*EvalSet, error) {
	qs, err := loadQuestionsFile(filepath.Join(dir, "questions.jsonl"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return &EvalSet{Name: filepath.Base(filepath.Clean(dir)), Questions: qs}, nil
}

// loadQuestionsFile reads a question set from path.
func loadQuestionsFile(path string) ([]Question, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	qs, err := LoadQuestions(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return qs, nil
}

// SetResult is one council's figures when the others were used for fitting.
type SetResult struct {
	Name     string
	Report   *EvalReport // Waymark, abstaining by a model fitted on the other sets
	Baseline *EvalReport // plain bleve on the same questions
}

// CrossReport is a leave-one-council-out evaluation.
type CrossReport struct {
	Sets []SetResult
	// Model is fitted on every set: what abstain.json should hold.
	Model *AbstainModel
}

// CrossValidate measures each set with an abstention model fitted on the
// other sets (leave one council out), and plain bleve beside it. With one
// set there is nothing else to fit on: it is measured with opts.Abstain (the
// built-in model when nil).
func CrossValidate(ctx context.Context, sets []*EvalSet, opts Options, limit int) (*CrossReport, error) {
	bases := make([]*Base, len(sets))
	defer func() {
		for _, b := range bases {
			if b != nil {
				b.Close()
			}
		}
	}()
	samples := make([][]Sample, len(sets))
	risk := newRiskRefitter(opts.Risk)
	for i, s := range sets {
		o := opts
		rm, err := risk.without(s.Name)
		if err != nil {
			return nil, err
		}
		o.Risk = rm
		b, err := New(s.Corpus, o)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Name, err)
		}
		bases[i] = b
		for _, q := range s.Questions {
			sm, ok, err := b.Sample(ctx, q)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", s.Name, err)
			}
			if ok {
				samples[i] = append(samples[i], sm)
			}
		}
	}
	out := &CrossReport{}
	// The in_domain feature: each set's questions are judged by a domain
	// model fitted on other sets only, both when they train an abstention
	// model and when they are measured.
	// Question sets with no corpus join every fold's domain model, named
	// apart so that no fold leaves them out.
	var groups []*RiskGroup
	for _, s := range sets {
		groups = append(groups, domainGroup(s.Name, s.Questions))
	}
	for _, s := range opts.DomainQuestions {
		groups = append(groups, domainGroup("domain:"+s.Name, s.Questions))
	}
	domainWithout := func(skip ...int) *textModel {
		if len(sets)-len(skip) < 2 {
			return nil // too few sets left for words two of them use
		}
		tm, _ := fitGroups(groups, func(name string) bool {
			for _, k := range skip {
				if sets[k].Name == name {
					return true
				}
			}
			return false
		})
		return &tm
	}
	// train is the samples of every set but skip, each set's in_domain
	// feature from a domain model fitted without it (and without skip).
	train := func(skip int) ([]Sample, []string) {
		var all []Sample
		var on []string
		for j := range sets {
			if j == skip {
				continue
			}
			dm := domainWithout(j)
			if skip >= 0 {
				dm = domainWithout(j, skip)
			}
			for _, sm := range samples[j] {
				sm.f[featureDomain] = (&AbstainModel{Domain: dm}).domain(sm.units)
				all = append(all, sm)
			}
			on = append(on, sets[j].Name)
		}
		return all, on
	}
	all, names := train(-1)
	out.Model = FitAbstain(all, names, opts.abstainRidge())
	out.Model.Domain = domainWithout()
	for i, s := range sets {
		m := bases[i].abstain
		if len(sets) > 1 {
			tr, on := train(i)
			m = FitAbstain(tr, on, opts.abstainRidge())
			m.Domain = domainWithout(i)
		}
		r, err := Evaluate(ctx, bases[i].WithAbstainModel(m), s.Questions, limit)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Name, err)
		}
		pb, err := NewPlainBleve(s.Corpus)
		if err != nil {
			return nil, err
		}
		br, err := Evaluate(ctx, pb, s.Questions, limit)
		pb.Close()
		if err != nil {
			return nil, fmt.Errorf("%s baseline: %w", s.Name, err)
		}
		out.Sets = append(out.Sets, SetResult{Name: s.Name, Report: r, Baseline: br})
	}
	return out, nil
}

// Write prints a table of every set, their mean and worst.
func (cr *CrossReport) Write(w io.Writer) {
	fmt.Fprintf(w, "%-12s %5s %6s %6s %6s %6s %9s %9s | %-12s\n", "set", "qs", "hit@1", "hit@3", "MRR@5", "none", "escalate", "personal", "bleve hit@3")
	for _, s := range cr.Sets {
		r := s.Report
		n := 0
		for _, c := range r.Counts {
			n += c
		}
		fmt.Fprintf(w, "%-12s %5d %6.3f %6.3f %6.3f %6s %9s %9s | %.3f\n", s.Name, n, r.Hit1, r.Hit3, r.MRR5,
			fmt.Sprintf("%d/%d", r.NoneEmpty, r.Counts[ExpectNone]),
			fmt.Sprintf("%d/%d+%d", r.EscalateTP, r.Counts[ExpectEscalate], r.EscalateFP),
			fmt.Sprintf("%d/%d+%d", r.PersonalTP, r.Counts[ExpectPersonalData], r.PersonalFP),
			s.Baseline.Hit3)
	}
	if len(cr.Sets) > 1 {
		mean, worst := meanWorst(cr.Sets)
		fmt.Fprintf(w, "%-12s %5s %6.3f %6.3f %6.3f %6.3f\n", "mean", "", mean[0], mean[1], mean[2], mean[3])
		fmt.Fprintf(w, "%-12s %5s %6.3f %6.3f %6.3f %6.3f\n", "worst", "", worst[0], worst[1], worst[2], worst[3])
	}
	fmt.Fprintln(w, "escalate and personal: recall/questions+false positives; each set's abstention fitted on the others")
}

// meanWorst is the mean and the worst, over rs, of hit@1, hit@3, MRR@5
// and the share of none questions answered empty, in that order.
func meanWorst(rs []SetResult) (mean, worst [4]float64) {
	worst = [4]float64{2, 2, 2, 2}
	for _, s := range rs {
		r := s.Report
		for i, v := range [4]float64{r.Hit1, r.Hit3, r.MRR5, r.NoneShare()} {
			mean[i] += v / float64(len(rs))
			worst[i] = min(worst[i], v)
		}
	}
	return mean, worst
}

// MeanHit3 is the mean hit@3 over the sets.
func (cr *CrossReport) MeanHit3() float64 {
	var s float64
	for _, r := range cr.Sets {
		s += r.Report.Hit3
	}
	return s / float64(max(len(cr.Sets), 1))
}

// BelowBaseline names the sets whose hit@3 is below plain bleve's.
func (cr *CrossReport) BelowBaseline() []string {
	var out []string
	for _, s := range cr.Sets {
		if s.Report.Hit3 < s.Baseline.Hit3 {
			out = append(out, fmt.Sprintf("%s: hit@3 %.3f is below plain bleve's %.3f", s.Name, s.Report.Hit3, s.Baseline.Hit3))
		}
	}
	return out
}

// WriteMisses prints every set's misses.
func (cr *CrossReport) WriteMisses(w io.Writer) {
	for _, s := range cr.Sets {
		fmt.Fprintf(w, "\n== %s\n", s.Name)
		s.Report.Write(w)
	}
}

// riskRefitter gives each council a risk model that has not seen it: the
// shipped model is fitted on the evaluation councils too, so a council it
// was fitted on is judged by a model refitted on the other groups it lists.
type riskRefitter struct {
	model  *RiskModel
	groups []*RiskGroup
}

func newRiskRefitter(m *RiskModel) *riskRefitter { return &riskRefitter{model: m} }

func (r *riskRefitter) without(name string) (*RiskModel, error) {
	if r.model == nil {
		m, err := BuiltinRiskModel()
		if err != nil {
			return nil, err
		}
		r.model = m
	}
	seen := false
	for _, spec := range r.model.FittedOn {
		dir, _, _ := strings.Cut(spec, ":")
		seen = seen || filepath.Base(filepath.Clean(dir)) == name
	}
	if !seen {
		return r.model, nil
	}
	if r.groups == nil {
		for _, spec := range r.model.FittedOn {
			g, err := LoadRiskGroup(fromRoot(spec))
			if err != nil {
				return nil, fmt.Errorf("the risk model was fitted on %s, which must be refitted without it from the project's root: %w", name, err)
			}
			r.groups = append(r.groups, g)
		}
	}
	m := FitRiskGroups(r.groups, name)
	m.Escalate, m.Veto, m.MinWords, m.Short = r.model.Escalate, r.model.Veto, r.model.MinWords, r.model.Short
	return m, nil
}

// fromRoot is spec's folder found from the working directory or the
// nearest folder above it that has it: specs name folders from the
// project's root, and tests run in a package's folder.
func fromRoot(spec string) string {
	dir, part, _ := strings.Cut(spec, ":")
	if filepath.IsAbs(dir) {
		return spec
	}
	for up := ""; len(up) < 4*len("../"); up += "../" {
		if _, err := os.Stat(filepath.Join(up, dir)); err == nil {
			if part != "" {
				return filepath.Join(up, dir) + ":" + part
			}
			return filepath.Join(up, dir)
		}
	}
	return spec
}

// domainGroup is questions as the domain model is fitted on them: a
// question a council's corpus answers (any but none) against one it does
// not, read as words.
func domainGroup(name string, qs []Question) *RiskGroup {
	g := &RiskGroup{Spec: name, Name: name}
	for _, q := range qs {
		g.Samples = append(g.Samples, RiskSample{Text: q.Q, Risk: q.Expect != ExpectNone, Words: true})
	}
	return g
}
