package knowledge_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/waymarkhq/waymark/knowledge"
	"github.com/waymarkhq/waymark/knowledge/sample"
)

// baseWithRisk builds the sample corpus's Base screening with m.
func baseWithRisk(t *testing.T, m *knowledge.RiskModel) *knowledge.Base {
	t.Helper()
	c, err := knowledge.Load(sample.FS(), "sample")
	if err != nil {
		t.Fatal(err)
	}
	kb, err := knowledge.New(c, knowledge.Options{Clock: fixedClock{}, Risk: m})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kb.Close() })
	return kb
}

// The model and the signals combine as documented: the model alone
// escalates when sure, overrules the signals only when all but certain,
// and on messages shorter than MinWords never overrules them and escalates
// alone only at Short or above (never when Short is 0).
func TestRiskModelCombinesWithSignals(t *testing.T) {
	// zorblat: a word no signal knows, that the model is sure of; panto: a
	// frame the model is sure is a look-alike.
	m, err := knowledge.ParseRiskModel([]byte(`{"escalate":0.7,"veto":0.01,"min_words":6,"bias":0,"weights":{"zorblat":6,"panto":-9}}`))
	if err != nil {
		t.Fatal(err)
	}
	kb := baseWithRisk(t, m)
	for _, c := range []struct {
		q     string
		risks []string
	}{
		// No signal, model sure: escalated as a serious risk.
		{"the lad says the zorblat happens at his school", []string{knowledge.RiskSerious}},
		// Too short for the model: the signals decide, and see nothing.
		{"zorblat at school", nil},
		// Signals see a weapon; the model is certain it is a look-alike.
		{"in the panto he has a knife and says he will stab the dame tonight", nil},
		// The same signals, too short for the model to overrule.
		{"panto: he has a knife", []string{knowledge.RiskWeapon}},
		// Signals see a weapon; the model has no opinion (p = 0.5).
		{"he has a knife and will use it on that lad, he is waiting by the shop", []string{knowledge.RiskWeapon}},
		// Neither.
		{"how do i make a prevent referral for a pupil in year nine", nil},
	} {
		s := kb.Screen(c.q)
		if !slices.Equal(s.Risks, c.risks) || s.Escalate != (len(c.risks) > 0) {
			t.Errorf("Screen(%q) = %v (escalate %v), want %v", c.q, s.Risks, s.Escalate, c.risks)
		}
	}

	// With Short: a short message the model is sure of escalates; one it
	// only leans towards does not; the signals are still never overruled.
	m, err = knowledge.ParseRiskModel([]byte(`{"escalate":0.7,"veto":0.01,"min_words":6,"short":0.9,"bias":0,"weights":{"zorblat":6,"blorp":1,"panto":-9}}`))
	if err != nil {
		t.Fatal(err)
	}
	kb = baseWithRisk(t, m)
	for _, c := range []struct {
		q     string
		risks []string
	}{
		{"zorblat at school", []string{knowledge.RiskSerious}}, // p 0.998
		{"blorp at school", nil},                               // p 0.73
		{"panto: he has a knife", []string{knowledge.RiskWeapon}},
	} {
		s := kb.Screen(c.q)
		if !slices.Equal(s.Risks, c.risks) || s.Escalate != (len(c.risks) > 0) {
			t.Errorf("short %v: Screen(%q) = %v (escalate %v), want %v", m.Short, c.q, s.Risks, s.Escalate, c.risks)
		}
	}
	if _, err := knowledge.ParseRiskModel([]byte(`{"escalate":0.7,"veto":0.01,"short":1.5,"weights":{"a":1}}`)); err == nil {
		t.Error("short 1.5 accepted")
	}
}

// Fitting is deterministic, learns from the examples and reads chat and
// case as the screener does.
func TestFitRisk(t *testing.T) {
	var samples []knowledge.RiskSample
	for range 10 {
		samples = append(samples,
			knowledge.RiskSample{Text: "he is leaving tonight to join them, bags packed", Risk: true},
			knowledge.RiskSample{Text: "a lesson plan on the history of people leaving to join wars", Risk: false})
	}
	a := knowledge.FitRisk(samples, []string{"x"})
	b := knowledge.FitRisk(samples, []string{"x"})
	da, _ := knowledge.MarshalRiskModel(a)
	db, _ := knowledge.MarshalRiskModel(b)
	if !bytes.Equal(da, db) {
		t.Fatal("two fits of the same samples differ")
	}
	if p := a.Prob("He's LEAVING 2nite, bags packed"); p < 0.7 {
		t.Errorf("a message like the risks scores %.3f", p)
	}
	if p := a.Prob("a history lesson plan"); p > 0.3 {
		t.Errorf("a message like the look-alikes scores %.3f", p)
	}
	if a.Escalate != knowledge.DefaultRiskEscalate || a.Veto != knowledge.DefaultRiskVeto || a.MinWords != knowledge.DefaultRiskMinWords {
		t.Errorf("cut-offs %v %v %v", a.Escalate, a.Veto, a.MinWords)
	}
	back, err := knowledge.ParseRiskModel(da)
	if err != nil || back.Prob("bags packed tonight") != a.Prob("bags packed tonight") {
		t.Errorf("model does not round-trip: %v", err)
	}
}

func TestParseRiskModelRefusesBadModels(t *testing.T) {
	for _, bad := range []string{
		`not json`,
		`{"escalate":0.7,"veto":0.01,"weights":{}}`,
		`{"escalate":0,"veto":0,"weights":{"a":1}}`,
		`{"escalate":0.7,"veto":0.8,"weights":{"a":1}}`,
		`{"escalate":0.7,"veto":0.01,"min_words":-1,"weights":{"a":1}}`,
	} {
		if _, err := knowledge.ParseRiskModel([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

// writeProbe writes a probe folder of lines (q, escalate).
func writeProbe(t *testing.T, dir string, lines map[string]bool) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var qs []string
	for q := range lines {
		qs = append(qs, q)
	}
	slices.Sort(qs)
	for _, q := range qs {
		esc := "false"
		if lines[q] {
			esc = "true"
		}
		b.WriteString(`{"q": "` + q + `", "escalate": ` + esc + `, "situation": "travel", "form": "risk"}` + "\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "part-a.jsonl"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Groups load from probes (whole, or the development part) and councils;
// each is judged by a model fitted on the others, and a word only one
// group uses teaches the model nothing.
func TestRiskGroupsCrossValidate(t *testing.T) {
	dir := t.TempDir()
	writeProbe(t, filepath.Join(dir, "p1"), map[string]bool{
		"she is flying out tonight to join the fighters, do not tell mum": true,
		"a novel about fighters who fly out to join a war":                false,
		"zzunique said he is off tonight to join them":                    true,
	})
	writeProbe(t, filepath.Join(dir, "p2"), map[string]bool{
		"he is flying tonight to join them, his bag is packed": true,
		"a film about a war and people who join the fighters":  false,
	})
	writeSet(t, filepath.Join(dir, "council"), `{"q":"how do i make a prevent referral","relevant":["prevent"],"expect":"answer"}
{"q":"he is flying out tonight to join the fighters","relevant":["prevent"],"expect":"escalate"}
`)
	var groups []*knowledge.RiskGroup
	for _, spec := range []string{filepath.Join(dir, "p1"), filepath.Join(dir, "p2"), filepath.Join(dir, "council")} {
		g, err := knowledge.LoadRiskGroup(spec)
		if err != nil {
			t.Fatal(err)
		}
		groups = append(groups, g)
	}
	if n := len(groups[2].Samples); n != 2 || !groups[2].Samples[1].Risk || groups[2].Samples[0].Risk {
		t.Fatalf("council samples %+v", groups[2].Samples)
	}
	dev, err := knowledge.LoadRiskGroup(filepath.Join(dir, "p1") + ":dev")
	if err != nil {
		t.Fatal(err)
	}
	final := 0
	for _, s := range groups[0].Samples {
		if (knowledge.ProbeQuestion{Q: s.Text}).Final() {
			final++
		}
	}
	if len(dev.Samples) != len(groups[0].Samples)-final {
		t.Errorf("dev part has %d of %d questions, %d of them final", len(dev.Samples), len(groups[0].Samples), final)
	}
	for _, s := range dev.Samples {
		if (knowledge.ProbeQuestion{Q: s.Text}).Final() {
			t.Errorf("dev part holds a final question: %q", s.Text)
		}
	}
	for _, bad := range []string{filepath.Join(dir, "council") + ":dev", filepath.Join(dir, "p1") + ":final", filepath.Join(dir, "nowhere")} {
		if _, err := knowledge.LoadRiskGroup(bad); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}

	m := knowledge.FitRiskGroups(groups, "p2")
	if !slices.Equal(m.FittedOn, []string{groups[0].Spec, groups[2].Spec}) {
		t.Errorf("fitted on %v, want every group but p2", m.FittedOn)
	}
	if w, ok := m.Weights["zzunique"]; ok {
		t.Errorf("a word of one group only has weight %v", w)
	}
	if _, ok := m.Weights["tonight"]; !ok {
		t.Error("a word of two groups has no weight")
	}

	cv := knowledge.CrossValidateRisk(groups)
	if len(cv.Groups) != 3 || cv.Groups[1].Name != "p2" {
		t.Fatalf("groups %+v", cv.Groups)
	}
	var sum int
	for _, g := range cv.Groups {
		sum += g.Combined.Risks + g.Combined.LookAlikes
	}
	if sum != 7 {
		t.Errorf("judged %d messages, want 7", sum)
	}
	if len(cv.Model.FittedOn) != 3 {
		t.Errorf("shipped model fitted on %v", cv.Model.FittedOn)
	}
	var out strings.Builder
	cv.Write(&out, true)
	if !strings.Contains(out.String(), "p2 ") || !strings.Contains(out.String(), "all ") {
		t.Errorf("report:\n%s", out.String())
	}

	// The cut-offs grid: cheapest first, each row's cost three a miss and
	// one an alarm, over every message judged.
	cuts := cv.Cutoffs()
	if len(cuts) == 0 {
		t.Fatal("no cut-offs measured")
	}
	for i, c := range cuts {
		if c.Risks+c.LookAlikes != 7 || c.Cost != 3*c.Missed+c.Alarms {
			t.Errorf("%+v: counts or cost wrong", c)
		}
		if i > 0 && c.Cost < cuts[i-1].Cost {
			t.Errorf("row %d (cost %d) after one of cost %d", i, c.Cost, cuts[i-1].Cost)
		}
		if c.WorstCouncilAlarms > 1 {
			t.Errorf("%+v: the council has one look-alike, not %d alarms", c, c.WorstCouncilAlarms)
		}
	}
	out.Reset()
	cv.WriteCutoffs(&out, &knowledge.RiskModel{Escalate: knowledge.DefaultRiskEscalate, Veto: knowledge.DefaultRiskVeto, MinWords: knowledge.DefaultRiskMinWords}, 3)
	if !strings.Contains(out.String(), "(shipped)") || strings.Count(out.String(), "\n") != 7 {
		t.Errorf("cut-offs report:\n%s", out.String())
	}
}

// riskmodel.json is what `make fit-risk` writes from the groups it lists:
// nobody edits the weights by hand, and a change to how messages are read
// (riskText, the classes) shows here until the model is refitted.
func TestBuiltinRiskModelIsRefittable(t *testing.T) {
	m, err := knowledge.BuiltinRiskModel()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.FittedOn) < 10 {
		t.Fatalf("fitted on %v", m.FittedOn)
	}
	var groups []*knowledge.RiskGroup
	for _, spec := range m.FittedOn {
		g, err := knowledge.LoadRiskGroup("../" + spec)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(spec, "riskprobe19") || strings.HasPrefix(spec, "eval/riskprobe:") && !strings.HasSuffix(spec, ":dev") {
			t.Errorf("fitted on %s, which is kept unseen", spec)
		}
		groups = append(groups, g)
	}
	refit := knowledge.FitRiskGroups(groups, "")
	if refit.Bias != m.Bias || len(refit.Weights) != len(m.Weights) {
		t.Fatalf("refit: bias %v, %d weights; shipped: bias %v, %d weights: run `make fit-risk`", refit.Bias, len(refit.Weights), m.Bias, len(m.Weights))
	}
	for u, w := range m.Weights {
		if d := refit.Weights[u] - w; d > 1e-3 || d < -1e-3 {
			t.Fatalf("weight of %q is %v refitted, %v shipped: run `make fit-risk`", u, refit.Weights[u], w)
		}
	}
}
