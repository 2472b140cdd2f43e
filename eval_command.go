package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/waymarkhq/waymark/knowledge"
)

func (a *app) evalCommand() *cobra.Command {
	var questions, fitOut string
	var sets, domains []string
	var bars knowledge.Bars
	var minMeanHit3 float64
	var notBelowBaseline, showMisses bool
	var probe, probePart string
	var riskCV bool
	var train []string
	var fitRisk string
	var rankGrid bool
	var abstainRidge float64
	var cutoffRows int
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Measure retrieval, escalation and personal-data detection on question sets",
		Long: `Measures one question set (--corpus and --questions), or several councils
(--set DIR, repeated; each DIR holds corpus/ and questions.jsonl) leave one
council out: each set's figures come from an abstention model fitted on the
other sets, with plain bleve measured beside it; --domain DIR (repeated;
DIR holds questions.jsonl alone) adds questions with no corpus to every
fold's domain model. Bars apply to every set.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			limit := a.cfg.Search.Limit
			if riskCV {
				return a.evalRisk(train, fitRisk, showMisses, cutoffRows)
			}
			if probe != "" {
				return a.evalProbe(probe, probePart, showMisses)
			}
			if len(sets) > 0 {
				opts := knowledge.Options{MinConfidence: a.cfg.Search.MinConfidence, AbstainRidge: abstainRidge}
				for _, d := range domains {
					qs, err := knowledge.LoadQuestionSet(d)
					if err != nil {
						return err
					}
					opts.DomainQuestions = append(opts.DomainQuestions, qs)
				}
				if rankGrid {
					return a.rankGrid(cmd, sets, limit, opts)
				}
				return a.crossValidate(cmd, sets, limit, opts, fitOut, bars, minMeanHit3, notBelowBaseline, showMisses)
			}
			if rankGrid {
				return errors.New("--rank-grid needs --set DIR, repeated")
			}
			if questions == "" {
				return errors.New("eval needs --questions FILE (JSON Lines, see ../shared/spec/search-cli.md), or --set DIR")
			}
			f, err := os.Open(questions)
			if err != nil {
				return err
			}
			defer f.Close()
			qs, err := knowledge.LoadQuestions(f)
			if err != nil {
				return fmt.Errorf("%s: %w", questions, err)
			}
			kb, err := a.openBase()
			if err != nil {
				return err
			}
			defer kb.Close()
			report, err := knowledge.Evaluate(cmd.Context(), kb, qs, limit)
			if err != nil {
				return err
			}
			report.Write(a.stdout)
			return a.checkBars(report.Check(bars))
		},
	}
	cmd.Flags().StringVar(&questions, "questions", "", "question set, JSON Lines")
	cmd.Flags().StringArrayVar(&sets, "set", nil, "an evaluation council's folder (corpus/ and questions.jsonl); repeat for leave-one-council-out")
	cmd.Flags().StringArrayVar(&domains, "domain", nil, "with --set: a folder of questions with no corpus (questions.jsonl: answer or none) that joins every fold's domain model; repeat")
	cmd.Flags().StringVar(&fitOut, "fit", "", "with --set: write the abstention model fitted on every set to this file")
	cmd.Flags().BoolVar(&showMisses, "misses", false, "with --set or --probe: print every set's misses")
	cmd.Flags().StringVar(&probe, "probe", "", "a risk probe folder (part-*.jsonl): measure escalation recall and false alarms")
	cmd.Flags().StringVar(&probePart, "probe-part", "dev", "with --probe: dev (two thirds, for building), final (the third kept unseen) or all")
	cmd.Flags().BoolVar(&riskCV, "risk-cv", false, "measure the risk screening leave one group out over the --train groups")
	cmd.Flags().StringArrayVar(&train, "train", nil, "with --risk-cv: a probe folder (DIR, or DIR:dev for its development part) or an evaluation council; repeat")
	cmd.Flags().StringVar(&fitRisk, "fit-risk", "", "with --risk-cv: write the risk model fitted on every group to this file")
	cmd.Flags().IntVar(&cutoffRows, "cutoff-rows", 12, "with --risk-cv: how many of the cheapest cut-offs to print")
	cmd.Flags().BoolVar(&rankGrid, "rank-grid", false, "with --set: measure every coverage weighting leave one council out, and each set at the weighting the others choose")
	cmd.Flags().BoolVar(&notBelowBaseline, "not-below-baseline", false, "with --set: fail when a set's hit@3 is below plain bleve's")
	cmd.Flags().Float64Var(&minMeanHit3, "min-mean-hit3", 0, "with --set: fail when the mean hit@3 is below this")
	cmd.Flags().Int("limit", knowledge.DefaultLimit, "results per question")
	cmd.Flags().Float64("min-confidence", knowledge.DefaultMinConfidence, "below this confidence (0..1), return no results")
	cmd.Flags().Float64Var(&abstainRidge, "abstain-ridge", knowledge.DefaultAbstainRidge, "with --set: the ridge penalty when fitting abstention models (0 or less: the default)")
	cmd.Flags().Float64Var(&bars.MinHit3, "min-hit3", 0, "fail when hit@3 is below this")
	cmd.Flags().Float64Var(&bars.MinMRR5, "min-mrr5", 0, "fail when MRR@5 is below this")
	cmd.Flags().Float64Var(&bars.MinNoneEmpty, "min-none-empty", 0, "fail when the share of none questions answered empty is below this")
	cmd.Flags().Float64Var(&bars.MinEscalateRecall, "min-escalate-recall", 0, "fail when escalate recall is below this")
	cmd.Flags().IntVar(&bars.MaxEscalateFP, "max-escalate-fp", 1<<30, "fail when escalate has more false positives")
	cmd.Flags().Float64Var(&bars.MinPersonalRecall, "min-personal-recall", 0, "fail when personal_data recall is below this")
	cmd.Flags().IntVar(&bars.MaxPersonalFP, "max-personal-fp", 1<<30, "fail when personal_data has more false positives")
	return cmd
}

// evalProbe runs `waymark eval --probe DIR`.
func (a *app) evalProbe(dir, part string, showMisses bool) error {
	qs, err := knowledge.LoadProbe(dir)
	if err != nil {
		return err
	}
	var keep []knowledge.ProbeQuestion
	for _, q := range qs {
		switch part {
		case "all":
		case "dev":
			if q.Final() {
				continue
			}
		case "final":
			if !q.Final() {
				continue
			}
		default:
			return fmt.Errorf("--probe-part is dev, final or all, not %q", part)
		}
		keep = append(keep, q)
	}
	kb, err := a.openBase()
	if err != nil {
		return err
	}
	defer kb.Close()
	r := knowledge.EvaluateProbe(func(q string) bool { return kb.Screen(q).Escalate }, keep)
	fmt.Fprintf(a.stdout, "probe %s, %s part: %d questions\n", dir, part, len(keep))
	r.Write(a.stdout, showMisses)
	return nil
}

// evalRisk runs `waymark eval --risk-cv --train ...`.
func (a *app) evalRisk(specs []string, fitOut string, showMisses bool, rows int) error {
	if rows < 0 {
		return fmt.Errorf("--cutoff-rows must be 0 or more, not %d", rows)
	}
	if len(specs) < 2 {
		return errors.New("--risk-cv needs two or more --train groups: each is judged by a model fitted on the others")
	}
	var groups []*knowledge.RiskGroup
	for _, s := range specs {
		g, err := knowledge.LoadRiskGroup(s)
		if err != nil {
			return err
		}
		groups = append(groups, g)
	}
	cv := knowledge.CrossValidateRisk(groups)
	cv.Write(a.stdout, showMisses)
	cv.WriteCutoffs(a.stdout, cv.Model, rows)
	if fitOut == "" {
		return nil
	}
	data, err := knowledge.MarshalRiskModel(cv.Model)
	if err != nil {
		return err
	}
	if err := os.WriteFile(fitOut, append(data, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "risk model fitted on %d groups written to %s\n", len(groups), fitOut)
	return nil
}

func (a *app) checkBars(failed []string) error {
	if len(failed) == 0 {
		return nil
	}
	for _, f := range failed {
		fmt.Fprintln(a.stderr, "below the bar:", f)
	}
	return exitError{1}
}

// crossValidate runs `waymark eval --set ...`.
// loadSets loads every --set folder, printing a broken corpus's problems.
func (a *app) loadSets(dirs []string) ([]*knowledge.EvalSet, error) {
	var sets []*knowledge.EvalSet
	for _, d := range dirs {
		s, err := knowledge.LoadEvalSet(d)
		var ce *knowledge.CorpusError
		if errors.As(err, &ce) {
			for _, p := range ce.Problems {
				fmt.Fprintln(a.stderr, p)
			}
			return nil, exitError{1}
		}
		if err != nil {
			return nil, err
		}
		sets = append(sets, s)
	}
	return sets, nil
}

// rankGrid runs `waymark eval --rank-grid --set ...`.
func (a *app) rankGrid(cmd *cobra.Command, dirs []string, limit int, opts knowledge.Options) error {
	sets, err := a.loadSets(dirs)
	if err != nil {
		return err
	}
	gr, err := knowledge.CrossValidateCoverage(cmd.Context(), sets, opts, limit, knowledge.CoverageGrid())
	if err != nil {
		return err
	}
	gr.Write(a.stdout)
	fmt.Fprintf(a.stdout, "shipped: %s\n", knowledge.DefaultCoverage)
	return nil
}

func (a *app) crossValidate(cmd *cobra.Command, dirs []string, limit int, opts knowledge.Options, fitOut string, bars knowledge.Bars, minMeanHit3 float64, notBelowBaseline, showMisses bool) error {
	sets, err := a.loadSets(dirs)
	if err != nil {
		return err
	}
	cr, err := knowledge.CrossValidate(cmd.Context(), sets, opts, limit)
	if err != nil {
		return err
	}
	cr.Write(a.stdout)
	if showMisses {
		cr.WriteMisses(a.stdout)
	}
	if fitOut != "" {
		data, err := knowledge.MarshalAbstainModel(cr.Model)
		if err != nil {
			return err
		}
		if err := os.WriteFile(fitOut, data, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "abstention model fitted on %d sets written to %s\n", len(sets), fitOut)
	}
	var failed []string
	for _, s := range cr.Sets {
		for _, f := range s.Report.Check(bars) {
			failed = append(failed, s.Name+": "+f)
		}
	}
	if m := cr.MeanHit3(); m < minMeanHit3 {
		failed = append(failed, fmt.Sprintf("mean hit@3 %.3f is below %.3f", m, minMeanHit3))
	}
	if notBelowBaseline {
		failed = append(failed, cr.BelowBaseline()...)
	}
	return a.checkBars(failed)
}
