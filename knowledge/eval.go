package knowledge

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/waymarkhq/waymark/bot"
)

// Question expectations in a question set (../shared/spec/search-cli.md).
const (
	ExpectAnswer       = "answer"
	ExpectNone         = "none"
	ExpectEscalate     = "escalate"
	ExpectPersonalData = "personal_data"
)

// Question is one line of a question set.
type Question struct {
	Q        string   `json:"q"`
	Area     string   `json:"area"`
	Relevant []string `json:"relevant"`
	Expect   string   `json:"expect"`
}

// LoadQuestions reads a JSON Lines question set, reporting every bad line.
func LoadQuestions(r io.Reader) ([]Question, error) {
	var qs []Question
	var problems []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		var q Question
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&q); err != nil {
			problems = append(problems, fmt.Sprintf("line %d: %v", line, err))
			continue
		}
		switch {
		case strings.TrimSpace(q.Q) == "":
			problems = append(problems, fmt.Sprintf("line %d: q is empty", line))
		case !slices.Contains([]string{ExpectAnswer, ExpectNone, ExpectEscalate, ExpectPersonalData}, q.Expect):
			problems = append(problems, fmt.Sprintf("line %d: expect %q is not answer, none, escalate or personal_data", line, q.Expect))
		default:
			qs = append(qs, q)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read questions: %w", err)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("question set has %d problem(s):\n%s", len(problems), strings.Join(problems, "\n"))
	}
	return qs, nil
}

// Miss is a question the knowledge base got wrong.
type Miss struct {
	Why      string // what went wrong
	Question Question
	Got      []string // ids returned, best first
}

// EvalReport holds the measures of a question set.
type EvalReport struct {
	Counts map[string]int // questions by expectation

	// Ranked counts the questions that list relevant documents (answer,
	// escalate, and personal_data questions that list some), over which
	// hit@1, hit@3 and MRR@5 are measured, as ../shared/spec/search-cli.md
	// defines them.
	Ranked    int
	Hit1      float64
	Hit3      float64
	MRR5      float64
	NoneEmpty int // none questions answered with no results

	EscalateTP, EscalateFP int
	PersonalTP, PersonalFP int

	Misses []Miss
}

// Evaluate runs every question against kb, asking for limit results each
// (DefaultLimit when limit <= 0). Ranks beyond the results returned are
// misses, so a limit below 5 lowers MRR@5 as the contract's count does.
func Evaluate(ctx context.Context, kb Searcher, qs []Question, limit int) (*EvalReport, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	r := &EvalReport{Counts: map[string]int{}}
	var hit1, hit3 int
	var rr float64
	for _, q := range qs {
		r.Counts[q.Expect]++
		res, err := kb.Search(ctx, bot.SearchRequest{Query: q.Q, Area: q.Area, Limit: limit})
		if err != nil {
			return nil, fmt.Errorf("search %q: %w", q.Q, err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.Document.ID)
		}
		miss := func(why string) { r.Misses = append(r.Misses, Miss{Why: why, Question: q, Got: got}) }

		if q.Expect == ExpectEscalate {
			if res.Screening.Escalate {
				r.EscalateTP++
			} else {
				miss("escalate not raised")
			}
		} else if res.Screening.Escalate {
			r.EscalateFP++
			miss("escalate raised (false positive)")
		}
		if q.Expect == ExpectPersonalData {
			if res.Screening.PersonalData {
				r.PersonalTP++
			} else {
				miss("personal data not detected")
			}
		} else if res.Screening.PersonalData {
			r.PersonalFP++
			miss("personal data detected (false positive)")
		}
		switch {
		case q.Expect == ExpectNone:
			if len(got) == 0 {
				r.NoneEmpty++
			} else {
				miss("answered a question the corpus does not cover")
			}
		case len(q.Relevant) > 0:
			r.Ranked++
			rank := 0
			for i, id := range got {
				if i < 5 && slices.Contains(q.Relevant, id) {
					rank = i + 1
					break
				}
			}
			if rank == 1 {
				hit1++
			}
			if rank >= 1 && rank <= 3 {
				hit3++
			} else {
				miss(fmt.Sprintf("no relevant document in the top 3 (rank %d)", rank))
			}
			if rank > 0 {
				rr += 1 / float64(rank)
			}
		}
	}
	if r.Ranked > 0 {
		r.Hit1 = float64(hit1) / float64(r.Ranked)
		r.Hit3 = float64(hit3) / float64(r.Ranked)
		r.MRR5 = rr / float64(r.Ranked)
	}
	return r, nil
}

// Bars are the levels an EvalReport must reach.
type Bars struct {
	MinHit3, MinMRR5, MinNoneEmpty       float64 // MinNoneEmpty is a share of none questions
	MinEscalateRecall, MinPersonalRecall float64
	MaxEscalateFP, MaxPersonalFP         int
}

// NoneShare is the share of none questions answered with nothing (1 when
// there are none).
func (r *EvalReport) NoneShare() float64 {
	if r.Counts[ExpectNone] == 0 {
		return 1
	}
	return float64(r.NoneEmpty) / float64(r.Counts[ExpectNone])
}

// Check returns one line for each bar r falls below.
func (r *EvalReport) Check(b Bars) []string {
	var out []string
	ratio := func(n, d int) float64 {
		if d == 0 {
			return 1
		}
		return float64(n) / float64(d)
	}
	if r.Hit3 < b.MinHit3 {
		out = append(out, fmt.Sprintf("hit@3 %.3f is below %.3f", r.Hit3, b.MinHit3))
	}
	if r.MRR5 < b.MinMRR5 {
		out = append(out, fmt.Sprintf("MRR@5 %.3f is below %.3f", r.MRR5, b.MinMRR5))
	}
	if v := ratio(r.NoneEmpty, r.Counts[ExpectNone]); v < b.MinNoneEmpty {
		out = append(out, fmt.Sprintf("none-empty %.3f is below %.3f", v, b.MinNoneEmpty))
	}
	if v := ratio(r.EscalateTP, r.Counts[ExpectEscalate]); v < b.MinEscalateRecall {
		out = append(out, fmt.Sprintf("escalate recall %.3f is below %.3f", v, b.MinEscalateRecall))
	}
	if v := ratio(r.PersonalTP, r.Counts[ExpectPersonalData]); v < b.MinPersonalRecall {
		out = append(out, fmt.Sprintf("personal_data recall %.3f is below %.3f", v, b.MinPersonalRecall))
	}
	if r.EscalateFP > b.MaxEscalateFP {
		out = append(out, fmt.Sprintf("escalate false positives %d are more than %d", r.EscalateFP, b.MaxEscalateFP))
	}
	if r.PersonalFP > b.MaxPersonalFP {
		out = append(out, fmt.Sprintf("personal_data false positives %d are more than %d", r.PersonalFP, b.MaxPersonalFP))
	}
	return out
}

// Write prints the report for a person.
func (r *EvalReport) Write(w io.Writer) {
	total := 0
	for _, n := range r.Counts {
		total += n
	}
	fmt.Fprintf(w, "questions      %d (answer %d, escalate %d, none %d, personal_data %d)\n", total,
		r.Counts[ExpectAnswer], r.Counts[ExpectEscalate], r.Counts[ExpectNone], r.Counts[ExpectPersonalData])
	fmt.Fprintf(w, "hit@1          %.3f\n", r.Hit1)
	fmt.Fprintf(w, "hit@3          %.3f\n", r.Hit3)
	fmt.Fprintf(w, "MRR@5          %.3f\n", r.MRR5)
	fmt.Fprintf(w, "none-empty     %d/%d\n", r.NoneEmpty, r.Counts[ExpectNone])
	fmt.Fprintf(w, "escalate       recall %d/%d, false positives %d\n", r.EscalateTP, r.Counts[ExpectEscalate], r.EscalateFP)
	fmt.Fprintf(w, "personal_data  recall %d/%d, false positives %d\n", r.PersonalTP, r.Counts[ExpectPersonalData], r.PersonalFP)
	if len(r.Misses) == 0 {
		fmt.Fprintln(w, "misses         none")
		return
	}
	fmt.Fprintf(w, "misses         %d\n", len(r.Misses))
	for _, m := range r.Misses {
		fmt.Fprintf(w, "  - %s\n    q: %s\n    want: %s\n    got:  %s\n", m.Why, m.Question.Q,
			strings.Join(m.Question.Relevant, ", "), strings.Join(m.Got, ", "))
	}
}
