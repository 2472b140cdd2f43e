package knowledge

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// RiskGroup is one probe or evaluation council's messages, for fitting and
// judging the risk model.
type RiskGroup struct {
	Spec    string // as named: DIR, or DIR:dev for a probe's development part
	Name    string // the folder's base name
	Samples []RiskSample
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
	return &RiskModel{Escalate: DefaultRiskEscalate, Veto: DefaultRiskVeto, MinWords: DefaultRiskMinWords, textModel: tm, FittedOn: on}
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
}

// RiskCV is a leave-one-group-out measure of the risk screening.
type RiskCV struct {
	Groups []RiskGroupResult
	// Model is fitted on every group: what riskmodel.json should hold.
	Model *RiskModel
}

// CrossValidateRisk judges each group with a model fitted on the others.
// The signals were written from groups that have been read, so their
// figures here are what they were built to catch; the model's are not.
func CrossValidateRisk(groups []*RiskGroup) *RiskCV {
	cv := &RiskCV{Model: FitRiskGroups(groups, "")}
	for _, g := range groups {
		m := FitRiskGroups(groups, g.Name)
		r := RiskGroupResult{Name: g.Name}
		for _, s := range g.Samples {
			rd := newReading(s.Text)
			sig := rd.screen()
			both := len(m.judge(sig, rd)) > 0
			r.Signals.add(s.Risk, len(sig) > 0)
			r.Model.add(s.Risk, m.Prob(s.Text) >= m.Escalate)
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
