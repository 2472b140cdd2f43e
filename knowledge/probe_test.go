package knowledge_test

import (
	"testing"

	"github.com/waymarkhq/waymark/knowledge"
)

// The risk probe's development part (eval/riskprobe, two thirds by hash)
// was used to build the situation screening, so this is a regression test,
// not a measure of generalisation: the final third is that (README.md).
func TestRiskProbeDevelopmentPart(t *testing.T) {
	qs, err := knowledge.LoadProbe("../eval/riskprobe")
	if err != nil {
		t.Fatal(err)
	}
	var dev []knowledge.ProbeQuestion
	final := 0
	for _, q := range qs {
		if q.Final() {
			final++
		} else {
			dev = append(dev, q)
		}
	}
	if final < len(qs)/4 || final > len(qs)/2 {
		t.Errorf("the final part holds %d of %d questions, want about a third", final, len(qs))
	}
	kb := mustSample(t)
	r := knowledge.EvaluateProbe(func(q string) bool { return kb.Screen(q).Escalate }, dev)
	if r.Caught*100 < r.Risks*97 {
		for _, q := range r.Missed {
			t.Logf("missed (%s): %s", q.Situation, q.Q)
		}
		t.Errorf("escalated %d of %d risks, want at least 97%%", r.Caught, r.Risks)
	}
	if r.FalseAlarms*100 > r.LookAlikes*3 {
		for _, q := range r.Alarmed {
			t.Logf("false alarm (%s, %s): %s", q.Situation, q.Form, q.Q)
		}
		t.Errorf("%d false alarms in %d look-alikes, want at most 3%%", r.FalseAlarms, r.LookAlikes)
	}
}

// The later probes were each measured once unseen, then read to widen the
// screening's signals (their READMEs say when): regression tests from then
// on, at about their figures when read. The unseen measure is always the
// newest probe nobody has read.
func TestRiskProbesRead(t *testing.T) {
	kb := mustSample(t)
	for _, tc := range []struct {
		dir              string
		minRecall, maxFA int // percent
	}{
		{"../eval/riskprobe2", 93, 5},
		{"../eval/riskprobe3", 97, 7},
		{"../eval/riskprobe4", 93, 12},
		{"../eval/riskprobe5", 98, 4},
		{"../eval/riskprobe6", 98, 4},
		{"../eval/riskprobe7", 95, 4},
	} {
		qs, err := knowledge.LoadProbe(tc.dir)
		if err != nil {
			t.Fatal(err)
		}
		r := knowledge.EvaluateProbe(func(q string) bool { return kb.Screen(q).Escalate }, qs)
		if r.Caught*100 < r.Risks*tc.minRecall {
			for _, q := range r.Missed {
				t.Logf("%s: missed (%s): %s", tc.dir, q.Situation, q.Q)
			}
			t.Errorf("%s: escalated %d of %d risks, want at least %d%%", tc.dir, r.Caught, r.Risks, tc.minRecall)
		}
		if r.FalseAlarms*100 > r.LookAlikes*tc.maxFA {
			for _, q := range r.Alarmed {
				t.Logf("%s: false alarm (%s, %s): %s", tc.dir, q.Situation, q.Form, q.Q)
			}
			t.Errorf("%s: %d false alarms in %d look-alikes, want at most %d%%", tc.dir, r.FalseAlarms, r.LookAlikes, tc.maxFA)
		}
	}
}
