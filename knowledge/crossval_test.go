package knowledge_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/waymarkhq/waymark/knowledge"
)

// writeSet writes a tiny evaluation council into dir.
func writeSet(t *testing.T, dir string, questions string) {
	t.Helper()
	files := map[string]string{
		"corpus/prevent.md": "---\nid: prevent\ntitle: Making a Prevent referral\nkind: process\n---\nComplete the national Prevent referral form and send it to the police Prevent team.\n",
		"corpus/lado.md":    "---\nid: lado\ntitle: LADO allegations against staff\nkind: contact\nphone: \"01632 961 250\"\n---\nThe LADO handles allegations about people who work with children.\n",
		"corpus/mash.md":    "---\nid: mash\ntitle: MASH front door\nkind: contact\nphone: \"01632 961 200\"\n---\nThe MASH takes contacts about children.\n",
		"questions.jsonl":   questions,
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// The contract counts personal_data questions that list documents in the
// ranked measures, and a limit below the rank of the right answer makes it
// a miss.
func TestEvaluateCountsAsTheContract(t *testing.T) {
	dir := t.TempDir()
	writeSet(t, dir, strings.Join([]string{
		`{"q":"how do i make a prevent referral","relevant":["prevent"],"expect":"answer"}`,
		`{"q":"allegation against staff, who is the lado","relevant":["lado"],"expect":"answer"}`,
		`{"q":"Amira Haddad 03/09/2010 needs a prevent referral, which form","relevant":["prevent"],"expect":"personal_data"}`,
		`{"q":"Amira Haddad 03/09/2010 lives here","expect":"personal_data"}`,
	}, "\n"))
	set, err := knowledge.LoadEvalSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	kb := mustBaseOf(t, set.Corpus)
	r, err := knowledge.Evaluate(context.Background(), kb, set.Questions, 5)
	if err != nil {
		t.Fatal(err)
	}
	if r.Ranked != 3 {
		t.Errorf("ranked %d questions, want 3 (two answers and the personal_data question that lists a document)", r.Ranked)
	}
	if r.PersonalTP != 2 {
		t.Errorf("personal data found in %d questions, want 2", r.PersonalTP)
	}
	one, err := knowledge.Evaluate(context.Background(), kb, set.Questions, 1)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(one.MRR5-one.Hit1) > 1e-9 || one.Hit3 != one.Hit1 {
		t.Errorf("with --limit 1, MRR@5 %.3f and hit@3 %.3f must equal hit@1 %.3f", one.MRR5, one.Hit3, one.Hit1)
	}
}

// Leave one council out: each set is measured with a model fitted on the
// other, plain bleve is measured beside it, and the model to ship is
// fitted on both.
func TestCrossValidate(t *testing.T) {
	var sets []*knowledge.EvalSet
	for _, name := range []string{"harrowmere", "ashdown"} {
		s, err := knowledge.LoadEvalSet(filepath.Join("..", "eval", name))
		if err != nil {
			t.Fatal(err)
		}
		sets = append(sets, s)
	}
	cr, err := knowledge.CrossValidate(context.Background(), sets, knowledge.Options{Clock: fixedClock{}}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(cr.Sets) != 2 || cr.Sets[0].Name != "harrowmere" || cr.Sets[1].Name != "ashdown" {
		t.Fatalf("sets %+v", cr.Sets)
	}
	for _, s := range cr.Sets {
		if s.Report.Ranked == 0 || s.Baseline.Ranked != s.Report.Ranked {
			t.Errorf("%s: ranked %d, baseline ranked %d", s.Name, s.Report.Ranked, s.Baseline.Ranked)
		}
		if s.Baseline.NoneEmpty != 0 {
			t.Errorf("%s: plain bleve never abstains, yet answered %d none questions with nothing", s.Name, s.Baseline.NoneEmpty)
		}
		// Fitted on another council, the model still says "I don't know"
		// to most unanswerable questions.
		if s.Report.NoneShare() < 0.5 {
			t.Errorf("%s: none-empty %.2f", s.Name, s.Report.NoneShare())
		}
	}
	if !slices.Equal(cr.Model.FittedOn, []string{"harrowmere", "ashdown"}) {
		t.Errorf("model fitted on %v", cr.Model.FittedOn)
	}
	data, err := knowledge.MarshalAbstainModel(cr.Model)
	if err != nil {
		t.Fatal(err)
	}
	back, err := knowledge.ParseAbstainModel(data)
	if err != nil || !slices.Equal(back.Weights, cr.Model.Weights) {
		t.Errorf("model does not round-trip: %v", err)
	}
	if cr.Model.Domain == nil || len(cr.Model.Domain.Weights) == 0 || back.Domain == nil || len(back.Domain.Weights) != len(cr.Model.Domain.Weights) {
		t.Error("the model to ship has no domain model, or it does not round-trip")
	}
	if _, err := knowledge.ParseAbstainModel([]byte(`{"features":["coverage"],"weights":[1],"bias":0}`)); err == nil {
		t.Error("a model with the wrong features must be refused")
	}
}

// The shipped domain model reads a safeguarding question as one a council's
// corpus answers, and staff admin as one it does not; without a domain
// model the feature says nothing either way.
func TestBuiltinDomainModel(t *testing.T) {
	m, err := knowledge.BuiltinAbstainModel()
	if err != nil {
		t.Fatal(err)
	}
	in := m.InDomain("how do i make a prevent referral for a year 9 pupil")
	out := m.InDomain("how do i book annual leave and where do i park")
	if in < 0.8 || out > 0.5 || in <= out {
		t.Errorf("in domain %.3f for a referral question, %.3f for annual leave", in, out)
	}
	if p := (&knowledge.AbstainModel{}).InDomain("anything"); p != 0.5 {
		t.Errorf("no domain model: %v", p)
	}
}

// The coverage weighting is chosen leave one council out: each set gets
// the grid point with the best mean MRR@5 (then hit@3) over the other
// sets, never its own figures.
func TestCrossValidateCoverage(t *testing.T) {
	var sets []*knowledge.EvalSet
	for _, name := range []string{"harrowmere", "ashdown", "corrowford"} {
		s, err := knowledge.LoadEvalSet(filepath.Join("..", "eval", name))
		if err != nil {
			t.Fatal(err)
		}
		sets = append(sets, s)
	}
	// A risk model fitted on none of the sets: nothing to refit without
	// each (screening is not what this measures), which keeps the test short.
	risk, err := knowledge.ParseRiskModel([]byte(`{"escalate":0.35,"veto":0.02,"min_words":16,"bias":0,"weights":{"tonight":1}}`))
	if err != nil {
		t.Fatal(err)
	}
	grid := []knowledge.Coverage{{}, knowledge.DefaultCoverage, {Floor: 0.5, Power: 2}}
	gr, err := knowledge.CrossValidateCoverage(context.Background(), sets, knowledge.Options{Clock: fixedClock{}, Risk: risk}, 5, grid)
	if err != nil {
		t.Fatal(err)
	}
	if len(gr.Results) != len(grid) || len(gr.Chosen) != len(sets) {
		t.Fatalf("%d points x ?, %d choices", len(gr.Results), len(gr.Chosen))
	}
	differ := false
	for p := range grid {
		if len(gr.Results[p]) != len(sets) {
			t.Fatalf("point %d: %d sets", p, len(gr.Results[p]))
		}
		differ = differ || gr.Results[p][0].Report.MRR5 != gr.Results[0][0].Report.MRR5
	}
	if !differ {
		t.Error("every weighting gave harrowmere the same MRR@5: the grid changes nothing")
	}
	for i, chosen := range gr.Chosen {
		others := func(p int) (mrr, hit float64) {
			for j, r := range gr.Results[p] {
				if j != i {
					mrr += r.Report.MRR5
					hit += r.Report.Hit3
				}
			}
			return
		}
		cm, ch := others(chosen)
		for p := range grid {
			if m, h := others(p); m > cm || m == cm && h > ch {
				t.Errorf("%s: chose %v (others' MRR@5 sum %.3f), but %v does better on the others (%.3f)", sets[i].Name, grid[chosen], cm, grid[p], m)
			}
		}
		if gr.Nested()[i].Name != sets[i].Name || gr.Nested()[i].Report != gr.Results[chosen][i].Report {
			t.Errorf("%s: nested figures are not its own at the chosen point", sets[i].Name)
		}
	}
	var out strings.Builder
	gr.Write(&out)
	for _, want := range []string{"off", "(0.05+share)^1", "nested", "harrowmere"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := knowledge.CrossValidateCoverage(context.Background(), sets[:1], knowledge.Options{}, 5, grid); err == nil {
		t.Error("one set: a choice leave one council out needs two")
	}
}
