package knowledge

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sync"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
)

// A second opinion on risk, learned from messages rather than written as
// signals. The situation signals (situation.go) are classes of wording a
// person wrote down; on probes written blind they missed one risk in six,
// each time in a phrasing no class foresaw. A logistic model over the words
// and word pairs of a message, fitted on every probe and evaluation
// council that has been read, weighs all the wording at once: who, when,
// what, and the frames of a look-alike (a lesson, the news, a story, the
// past). The two are combined so as to err towards escalating:
//
//   - the model alone escalates when it is sure (Escalate);
//   - the signals escalate unless the model is all but certain the message
//     is a look-alike (Veto), which is where most of their false alarms
//     were;
//   - the model judges only messages of MinWords words or more: a bag of
//     words has too little to go on in "Jayden has a knife, what's the
//     policy", and the signals read a short message better.
//
// Its weights and both cut-offs are chosen leave one group out (`waymark
// eval --risk-cv`): each probe and council is judged by a model fitted on
// the others, and the shipped model (riskmodel.json) is fitted on all of
// them.

// RiskModel is the learned model: a weight for each unit (a word, or two
// words side by side) of a message as the screener reads it.
type RiskModel struct {
	// Escalate: at or above this probability the model alone escalates.
	Escalate float64 `json:"escalate"`
	// Veto: below this probability the model overrules the signals.
	Veto float64 `json:"veto"`
	// MinWords: shorter messages are left to the signals, which the model
	// never overrules there ...
	MinWords int `json:"min_words"`
	// ... but at or above Short the model alone escalates a short message
	// the signals let pass (0: never).
	Short float64 `json:"short,omitempty"`
	textModel
	FittedOn []string `json:"fitted_on,omitempty"`
}

// textModel is a logistic model over the units of a message (riskUnits).
type textModel struct {
	Bias    float64            `json:"bias"`
	Weights map[string]float64 `json:"weights"`
}

// Cut-offs for a fitted model, chosen leave one group out: the cheapest
// of `make risk-cv`'s grid, a missed risk costing three false alarms
// (BENCHMARKS.md says what each group changed), among those that raise no
// more than 6 false alarms on any council. With riskprobe17 and 18 (26
// groups): 23 of 1,524 risks missed and 60 false alarms of 2,010, where
// the cut-offs before (escalate 0.5, short 0.7) missed 32 with 52; a veto
// of 0.05 is one cheaper but gives a council 8 alarms. At short 0.6 the
// screening tests' short look-alikes stay quiet ("family are flying to
// Pakistan for a wedding in the summer holidays" is 0.24, where the
// model of 24 groups gave it 0.68 and needed 0.7).
const (
	DefaultRiskEscalate = 0.35
	DefaultRiskVeto     = 0.10
	DefaultRiskMinWords = 16
	DefaultRiskShort    = 0.6
)

// RiskSample is one message and whether it is a risk to escalate.
type RiskSample struct {
	Text string
	Risk bool
	// Words: read as words (wordUnits), not stems (riskUnits): the
	// abstention's domain model reads words.
	Words bool
	units []string // riskUnits or wordUnits of Text, once read
}

// read is s.Text's units, read once.
func (s *RiskSample) read() []string {
	if s.units == nil {
		r := newReading(s.Text)
		if s.Words {
			s.units = r.wordUnits()
		} else {
			s.units, _ = r.units()
		}
	}
	return s.units
}

var riskWordRE = regexp.MustCompile(`[a-z0-9']+`)

// riskClasses are the signals' broad classes of framing and urgency, as
// units of their own ("class:news"): a frame is the same evidence in any
// words, so the model can weigh "in the news" it has seen like a
// "headline" it has not.
var riskClasses = []struct {
	name string
	re   *regexp.Regexp
}{
	{"fiction", fictionFrame}, {"training", trainingFrame}, {"news", newsFrame}, {"general", generalFrame},
	{"past", pastFrame}, {"resolved", resolvedFrame}, {"closed", closedFrame}, {"explained", explainedFrame},
	{"joke", jokeFrame}, {"urgent", urgentSig}, {"soon", soonSig}, {"intent", intentSig}, {"who", whoSig},
}

// riskUnits are the distinct word stems and pairs of stems of text as the
// screener reads it (riskText: chat spelt out, idioms gone), and the
// classes it matches, sorted.
func riskUnits(text string) []string {
	units, _ := riskUnitsWords(text)
	return units
}

// riskUnitsWords is riskUnits and the number of words.
func riskUnitsWords(text string) ([]string, int) {
	return newReading(text).units()
}

// wordCount is the number of words the text r reads has, counting no
// further than limit (-1: all).
func (r *reading) wordCount(limit int) int {
	return len(riskWordRE.FindAllStringIndex(r.t, limit))
}

// units are riskUnits of the text r reads, and the number of words.
func (r *reading) units() ([]string, int) {
	if !r.read {
		r.unitsRead, r.words = r.readUnits()
		r.read = true
	}
	return r.unitsRead, r.words
}

func (r *reading) readUnits() ([]string, int) {
	w := riskWordRE.FindAllString(r.t, -1)
	for i, x := range w {
		w[i] = riskStem(x)
	}
	return r.unitsOf(w), len(w)
}

// wordUnits are the units of the text r reads as words, not stems: the
// domain model (AbstainModel.Domain) reads these (left one council out,
// stems cost it ground: worst hit@3 0.899 to 0.886).
func (r *reading) wordUnits() []string {
	if r.wordsRead == nil {
		r.wordsRead = r.unitsOf(riskWordRE.FindAllString(r.t, -1))
	}
	return r.wordsRead
}

// unitsOf is the classes r matches, the words w and each pair of words
// side by side, sorted and distinct.
func (r *reading) unitsOf(w []string) []string {
	out := make([]string, 0, 2*len(w)+len(riskClasses))
	for _, c := range riskClasses {
		if r.has(c.re) {
			out = append(out, "class:"+c.name)
		}
	}
	for i, x := range w {
		out = append(out, x)
		if i+1 < len(w) {
			out = append(out, x+" "+w[i+1])
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Prob is the probability that text describes a risk to escalate.
func (m *RiskModel) Prob(text string) float64 {
	return m.prob(riskUnits(text))
}

func (m *textModel) prob(units []string) float64 {
	z := m.Bias
	for _, u := range units {
		z += m.Weights[u]
	}
	return 1 / (1 + math.Exp(-z))
}

// screen is the signals' risks for text combined with the model's
// opinion. The text is read once for both.
func (m *RiskModel) screen(text string) ([]string, *reading) {
	r := newReading(text)
	return m.judge(r.screen(), r), r
}

// judge combines the signals' risks for what r reads with the model's
// opinion.
func (m *RiskModel) judge(risks []string, r *reading) []string {
	words := r.wordCount(m.MinWords)
	if words < m.MinWords && (len(risks) > 0 || m.Short == 0) {
		return risks // the model's probability is not needed
	}
	units, _ := r.units()
	switch {
	case !m.cutoffs().escalates(len(risks) > 0, m.prob(units), words):
		return nil
	case len(risks) == 0:
		return []string{RiskSerious}
	}
	return risks
}

// cutoffs are m's cut-offs.
func (m *RiskModel) cutoffs() RiskCutoffs {
	return RiskCutoffs{m.Escalate, m.Veto, m.MinWords, m.Short}
}

// escalates is how the signals and the model's probability p combine for
// a message of words words: on messages of MinWords words or more the
// model overrules the signals below Veto and escalates alone at Escalate
// or above; on shorter ones it only adds, alone at Short or above.
func (c RiskCutoffs) escalates(signals bool, p float64, words int) bool {
	switch {
	case words < c.MinWords:
		return signals || c.Short > 0 && p >= c.Short
	case signals:
		return p >= c.Veto
	}
	return p >= c.Escalate
}

// FitRisk fits a model to samples (fitText), with the default cut-offs.
func FitRisk(samples []RiskSample, fittedOn []string) *RiskModel {
	return &RiskModel{Escalate: DefaultRiskEscalate, Veto: DefaultRiskVeto, MinWords: DefaultRiskMinWords, Short: DefaultRiskShort,
		textModel: fitText(samples, nil), FittedOn: fittedOn}
}

// fitText fits a text model to samples, on the units keep accepts (all
// when nil): logistic regression by stochastic gradient descent with
// per-unit step sizes (AdaGrad) and a small ridge penalty, 20 passes in
// the samples' order. It is deterministic.
func fitText(samples []RiskSample, keep func(string) bool) textModel {
	const (
		passes = 20
		ridge  = 1e-3
		rate   = 0.5
	)
	units := make([][]string, len(samples))
	for i := range samples {
		units[i] = samples[i].read()
		if keep != nil {
			units[i] = slices.DeleteFunc(slices.Clone(units[i]), func(u string) bool { return !keep(u) })
		}
	}
	w, g2 := map[string]float64{}, map[string]float64{}
	var bias, b2 float64
	for range passes {
		for i, s := range samples {
			z := bias
			for _, u := range units[i] {
				z += w[u]
			}
			p := 1 / (1 + math.Exp(-z))
			g := p
			if s.Risk {
				g = p - 1
			}
			for _, u := range units[i] {
				gu := g + ridge*w[u]
				g2[u] += gu * gu
				w[u] -= rate * gu / math.Sqrt(g2[u]+1e-8)
			}
			b2 += g * g
			bias -= rate * g / math.Sqrt(b2+1e-8)
		}
	}
	m := textModel{Weights: map[string]float64{}}
	for u, v := range w {
		if r := math.Round(v*1e4) / 1e4; r != 0 {
			m.Weights[u] = r
		}
	}
	m.Bias = math.Round(bias*1e4) / 1e4
	return m
}

//go:embed riskmodel.json
var riskModelJSON []byte

// BuiltinRiskModel is the shipped model, read once: every Base shares it
// and none changes it.
var BuiltinRiskModel = sync.OnceValues(func() (*RiskModel, error) {
	return ParseRiskModel(riskModelJSON)
})

// ParseRiskModel reads a model written by `waymark eval --risk-cv --fit-risk`.
func ParseRiskModel(data []byte) (*RiskModel, error) {
	var m RiskModel
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("risk model: %w", err)
	}
	switch {
	case len(m.Weights) == 0:
		return nil, fmt.Errorf("risk model has no weights")
	case m.Escalate <= 0 || m.Escalate > 1:
		return nil, fmt.Errorf("risk model: escalate %v is not in (0, 1]", m.Escalate)
	case m.Veto < 0 || m.Veto >= m.Escalate:
		return nil, fmt.Errorf("risk model: veto %v is not in [0, escalate)", m.Veto)
	case m.MinWords < 0:
		return nil, fmt.Errorf("risk model: min_words %d is negative", m.MinWords)
	case m.Short < 0 || m.Short > 1:
		return nil, fmt.Errorf("risk model: short %v is not in [0, 1]", m.Short)
	}
	return &m, nil
}

// MarshalRiskModel writes m as riskmodel.json is written: one unit a line,
// sorted, so a refit shows as a readable diff.
func MarshalRiskModel(m *RiskModel) ([]byte, error) {
	return json.MarshalIndent(m, "", " ")
}

// riskStem is w's English stem: "knives" and "knife", "leaving" and
// "leave" are one unit, so a form of a word one writer used teaches the
// model about the forms others use (left one group out, stems cut the
// cost of `make risk-cv`'s cheapest cut-offs from 72 to 61).
func riskStem(w string) string {
	env := snowballstem.NewEnv(w)
	english.Stem(env)
	return env.Current()
}
