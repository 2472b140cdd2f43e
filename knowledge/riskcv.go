package knowledge

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// RiskGroup is one probe or evaluation council's messages, for fitting and
// judging the risk model.
type RiskGroup struct {
	Spec    string // as named: DIR, or DIR:dev for a probe's development part
	Name    string // the folder's base name
	Samples []RiskSample
	probe   bool // a risk probe, not an evaluation council
}

// LoadRiskGroup reads spec: a risk probe folder (part-*.jsonl; DIR:dev
// keeps only its development part, leaving the final third unseen) or an
// evaluation council (questions.jsonl: escalate questions are risks, every
// other question is not).
func LoadRiskGroup(spec string) (*RiskGroup, error) {
	dir, part, _ := strings.Cut(spec, ":")
	if part != "" && part != "dev" {
		return nil, fmt.Errorf("%s: the only part is dev, not %q", spec, part)
	}
	g := &RiskGroup{Spec: spec, Name: filepath.Base(filepath.Clean(dir))}
	if _, err := os.Stat(filepath.Join(dir, "questions.jsonl")); err == nil {
		if part != "" {
			return nil, fmt.Errorf("%s: an evaluation council has no dev part", spec)
		}
		qs, err := loadQuestionsFile(filepath.Join(dir, "questions.jsonl"))
		if err != nil {
			return nil, err
		}
		for _, q := range qs {
			g.Samples = append(g.Samples, RiskSample{Text: q.Q, Risk: q.Expect == ExpectEscalate})
		}
		return g, nil
	}
	qs, err := LoadProbe(dir)
	if err != nil {
		return nil, fmt.Errorf("%s is neither an evaluation council (questions.jsonl) nor a risk probe: %w", dir, err)
	}
	g.probe = true
	for _, q := range qs {
		if part == "dev" && q.Final() {
			continue
		}
		g.Samples = append(g.Samples, RiskSample{Text: q.Q, Risk: q.Escalate})
	}
	return g, nil
}

// FitRiskGroups fits a model on every group but the one named skip ("" for
// none), in the groups' order, on the units that two or more of those
// groups use: a word only one probe's writer used (a made-up name, a
// turn of phrase) teaches the model that writer, not risk.
func FitRiskGroups(groups []*RiskGroup, skip string) *RiskModel {
	tm, on := fitGroups(groups, func(name string) bool { return name == skip })
	return &RiskModel{Escalate: DefaultRiskEscalate, Veto: DefaultRiskVeto, MinWords: DefaultRiskMinWords, Short: DefaultRiskShort, textModel: tm, FittedOn: on}
}

// fitGroups fits a text model on the groups skip does not name, on the
// units two or more of them use, and lists the groups fitted on.
func fitGroups(groups []*RiskGroup, skip func(name string) bool) (textModel, []string) {
	var train []RiskSample
	var on []string
	in := map[string]int{}
	for _, g := range groups {
		if skip(g.Name) {
			continue
		}
		on = append(on, g.Spec)
		seen := map[string]bool{}
		for i := range g.Samples {
			for _, u := range g.Samples[i].read() {
				if !seen[u] {
					seen[u] = true
					in[u]++
				}
			}
		}
		train = append(train, g.Samples...)
	}
	return fitText(train, func(u string) bool { return in[u] >= 2 }), on
}

// RiskTally counts risks caught and look-alikes alarmed.
type RiskTally struct{ Risks, Caught, LookAlikes, Alarms int }

func (t *RiskTally) add(risk, escalated bool) {
	if risk {
		t.Risks++
		if escalated {
			t.Caught++
		}
		return
	}
	t.LookAlikes++
	if escalated {
		t.Alarms++
	}
}

func (t RiskTally) String() string {
	return fmt.Sprintf("%d/%d +%d/%d", t.Caught, t.Risks, t.Alarms, t.LookAlikes)
}

// RiskGroupResult is one group judged by a model fitted on the others: the
// signals alone, the model alone (at its Escalate cut-off) and both
// combined, as Screen combines them.
type RiskGroupResult struct {
	Name                     string
	Signals, Model, Combined RiskTally
	Missed, Alarmed          []string // by the combination
	probe                    bool     // a risk probe, not an evaluation council
}

// RiskCV is a leave-one-group-out measure of the risk screening.
type RiskCV struct {
	Groups []RiskGroupResult
	// Model is fitted on every group: what riskmodel.json should hold.
	Model *RiskModel
	// judged is every sample as a model fitted without its group read it,
	// for choosing the cut-offs (Cutoffs).
	judged []judgedSample
}

// judgedSample is one sample: its group, whether it is a risk, whether
// the signals found one, the model's probability and the words counted.
type judgedSample struct {
	group      int
	risk, sigs bool
	p          float64
	words      int
}

// RiskCutoffs are how the model's probability combines with the signals.
type RiskCutoffs struct {
	Escalate, Veto float64
	MinWords       int
	Short          float64
}

// CutoffResult is a choice of cut-offs over every group, each judged by a
// model fitted without it.
type CutoffResult struct {
	RiskCutoffs
	Missed, Alarms, Risks, LookAlikes int
	// Cost weighs a missed risk as three false alarms: a child missed is
	// worse than a duty manager asked in vain (issue 9: err towards
	// escalating). The cut-offs shipped were the cheapest when chosen
	// (BENCHMARKS.md says on which groups).
	Cost int
	// WorstCouncilAlarms is the most false alarms on one evaluation
	// council's questions (groups that are not probes).
	WorstCouncilAlarms int
}

// Cutoffs measures every combination of cut-offs in the grid, cheapest
// first.
func (cv *RiskCV) Cutoffs() []CutoffResult {
	var out []CutoffResult
	for _, e := range []float64{0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8} {
		for _, v := range []float64{0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.15} {
			// Shorter messages are not offered to the model: on this
			// grid alone 10 words would be cheapest (6 risks missed, not
			// 20), but the screening tests' short messages show a bag of
			// words that short overruling a knife in a bag and raising
			// a toy gun, a trip to see a nan, an end to a relationship.
			for _, mw := range []int{16, 20, 24} {
				for _, sh := range []float64{0, 0.5, 0.6, 0.7, 0.8, 0.9} {
					r := CutoffResult{RiskCutoffs: RiskCutoffs{Escalate: e, Veto: v, MinWords: mw, Short: sh}}
					alarms := make([]int, len(cv.Groups))
					for _, x := range cv.judged {
						esc := r.escalates(x.sigs, x.p, x.words)
						if x.risk {
							r.Risks++
							if !esc {
								r.Missed++
							}
							continue
						}
						r.LookAlikes++
						if esc {
							r.Alarms++
							alarms[x.group]++
						}
					}
					for g, n := range alarms {
						if !cv.Groups[g].probe {
							r.WorstCouncilAlarms = max(r.WorstCouncilAlarms, n)
						}
					}
					r.Cost = 3*r.Missed + r.Alarms
					out = append(out, r)
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Cost < out[j].Cost })
	return out
}

// WriteCutoffs prints the cheapest cut-offs and those of m.
func (cv *RiskCV) WriteCutoffs(w io.Writer, m *RiskModel, n int) {
	fmt.Fprintf(w, "\n%-8s %-6s %-9s %-5s %-7s %-8s %-5s %s\n", "escalate", "veto", "min_words", "short", "missed", "alarms", "cost", "worst council's alarms")
	row := func(r CutoffResult, note string) {
		fmt.Fprintf(w, "%-8.2f %-6.3f %-9d %-5.2f %-7s %-8s %-5d %d%s\n", r.Escalate, r.Veto, r.MinWords, r.Short,
			fmt.Sprintf("%d/%d", r.Missed, r.Risks), fmt.Sprintf("%d/%d", r.Alarms, r.LookAlikes), r.Cost, r.WorstCouncilAlarms, note)
	}
	all := cv.Cutoffs()
	for _, r := range all[:min(n, len(all))] {
		row(r, "")
	}
	for _, r := range all {
		if r.RiskCutoffs == m.cutoffs() {
			row(r, "  (shipped)")
		}
	}
	fmt.Fprintln(w, "cost: 3 x missed + alarms; each group judged by a model fitted on the others")
}

// CrossValidateRisk judges each group with a model fitted on the others.
// The signals were written from groups that have been read, so their
// figures here are what they were built to catch; the model's are not.
func CrossValidateRisk(groups []*RiskGroup) *RiskCV {
	cv := &RiskCV{Model: FitRiskGroups(groups, "")}
	for gi, g := range groups {
		m := FitRiskGroups(groups, g.Name)
		r := RiskGroupResult{Name: g.Name, probe: g.probe}
		for _, s := range g.Samples {
			// Read once: the signals, the model's probability and the
			// words, combined as Screen combines them.
			rd := newReading(s.Text)
			units, _ := rd.units()
			x := judgedSample{group: gi, risk: s.Risk, sigs: len(rd.screen()) > 0, p: m.prob(units), words: rd.wordCount(-1)}
			cv.judged = append(cv.judged, x)
			both := m.cutoffs().escalates(x.sigs, x.p, x.words)
			r.Signals.add(s.Risk, x.sigs)
			r.Model.add(s.Risk, x.p >= m.Escalate)
			r.Combined.add(s.Risk, both)
			switch {
			case s.Risk && !both:
				r.Missed = append(r.Missed, s.Text)
			case !s.Risk && both:
				r.Alarmed = append(r.Alarmed, s.Text)
			}
		}
		cv.Groups = append(cv.Groups, r)
	}
	return cv
}

// Write prints a table of every group and the totals.
func (cv *RiskCV) Write(w io.Writer, misses bool) {
	fmt.Fprintf(w, "%-14s %-16s %-16s %-16s\n", "group", "signals", "model", "combined")
	var s, m, c RiskTally
	for _, g := range cv.Groups {
		fmt.Fprintf(w, "%-14s %-16s %-16s %-16s\n", g.Name, g.Signals, g.Model, g.Combined)
		for _, t := range []struct{ sum, v *RiskTally }{{&s, &g.Signals}, {&m, &g.Model}, {&c, &g.Combined}} {
			t.sum.Risks += t.v.Risks
			t.sum.Caught += t.v.Caught
			t.sum.LookAlikes += t.v.LookAlikes
			t.sum.Alarms += t.v.Alarms
		}
	}
	fmt.Fprintf(w, "%-14s %-16s %-16s %-16s\n", "all", s, m, c)
	fmt.Fprintln(w, "caught/risks +false alarms/others; each group's model fitted on the other groups")
	if !misses {
		return
	}
	for _, g := range cv.Groups {
		for _, q := range g.Missed {
			fmt.Fprintf(w, "  %s missed: %s\n", g.Name, q)
		}
		for _, q := range g.Alarmed {
			fmt.Fprintf(w, "  %s false alarm: %s\n", g.Name, q)
		}
	}
}
