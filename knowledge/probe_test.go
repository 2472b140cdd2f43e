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

// Riskprobe2 was read to widen the screening's classes of signal, so it
// is a regression test too; eval/riskprobe3 is the unseen measure.
func TestRiskProbe2(t *testing.T) {
	qs, err := knowledge.LoadProbe("../eval/riskprobe2")
	if err != nil {
		t.Fatal(err)
	}
	kb := mustSample(t)
	r := knowledge.EvaluateProbe(func(q string) bool { return kb.Screen(q).Escalate }, qs)
	if r.Caught*100 < r.Risks*93 {
		for _, q := range r.Missed {
			t.Logf("missed (%s): %s", q.Situation, q.Q)
		}
		t.Errorf("escalated %d of %d risks, want at least 93%%", r.Caught, r.Risks)
	}
	if r.FalseAlarms*100 > r.LookAlikes*5 {
		for _, q := range r.Alarmed {
			t.Logf("false alarm (%s, %s): %s", q.Situation, q.Form, q.Q)
		}
		t.Errorf("%d false alarms in %d look-alikes, want at most 5%%", r.FalseAlarms, r.LookAlikes)
	}
}

// Riskprobe3 was measured once unseen (55/80, 23/80 false alarms), then
// read to widen the signals: a regression test from then on.
func TestRiskProbe3(t *testing.T) {
	qs, err := knowledge.LoadProbe("../eval/riskprobe3")
	if err != nil {
		t.Fatal(err)
	}
	kb := mustSample(t)
	r := knowledge.EvaluateProbe(func(q string) bool { return kb.Screen(q).Escalate }, qs)
	if r.Caught*100 < r.Risks*97 {
		for _, q := range r.Missed {
			t.Logf("missed (%s): %s", q.Situation, q.Q)
		}
		t.Errorf("escalated %d of %d risks, want at least 97%%", r.Caught, r.Risks)
	}
	if r.FalseAlarms*100 > r.LookAlikes*7 {
		for _, q := range r.Alarmed {
			t.Logf("false alarm (%s, %s): %s", q.Situation, q.Form, q.Q)
		}
		t.Errorf("%d false alarms in %d look-alikes, want at most 7%%", r.FalseAlarms, r.LookAlikes)
	}
}

// Riskprobe4 was measured once unseen (62/80, 21/80 false alarms), then
// read: a regression test from then on.
func TestRiskProbe4(t *testing.T) {
	qs, err := knowledge.LoadProbe("../eval/riskprobe4")
	if err != nil {
		t.Fatal(err)
	}
	kb := mustSample(t)
	r := knowledge.EvaluateProbe(func(q string) bool { return kb.Screen(q).Escalate }, qs)
	if r.Caught*100 < r.Risks*93 {
		for _, q := range r.Missed {
			t.Logf("missed (%s): %s", q.Situation, q.Q)
		}
		t.Errorf("escalated %d of %d risks, want at least 93%%", r.Caught, r.Risks)
	}
	if r.FalseAlarms*100 > r.LookAlikes*12 {
		for _, q := range r.Alarmed {
			t.Logf("false alarm (%s, %s): %s", q.Situation, q.Form, q.Q)
		}
		t.Errorf("%d false alarms in %d look-alikes, want at most 12%%", r.FalseAlarms, r.LookAlikes)
	}
}
