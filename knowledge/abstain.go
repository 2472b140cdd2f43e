package knowledge

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
)

// Abstention: whether the best candidates answer a question at all, or
// Waymark should say "I don't know". A fixed threshold on one measure threw
// away right answers on councils nobody tuned it on; instead a small
// logistic model weighs several measures of how well the best candidates
// match the question. Its weights are fitted across councils (`waymark eval
// --set ... --fit FILE`), each council's figures measured with a model
// fitted on the others, and the shipped model (abstain.json) is fitted on
// every evaluation council in the repository.

// Feature names, in the order of a features vector and a model's weights.
var featureNames = []string{
	"coverage",       // the top candidate's coverage
	"coverage_best2", // the best coverage among the top two
	"known_coverage", // coverage counting only units the corpus has
	"unknown_share",  // weight share of units no document has
	"strong_share",   // weight share matched in a title, summary, tags or contact details
	"score_gap",      // 1 - second score / top score
	"rarest_matched", // the rarest matched unit's IDF, over the corpus's highest
	"kind_match",     // the question asks for a kind and the top candidate is one
	"units",          // log(1 + units the question asks about)
	"concept_share",  // share of the question's concepts the top candidate has
	"words",          // log(1 + words in the question): long questions cover less
	"in_domain",      // the domain model's log-odds that a council's corpus answers such a question, over 10
	"value_missing",  // the question asks for a value (cost, time, date, count) neither top-two candidate gives
}

const nFeatures = 13

// featureDomain is the index of in_domain, which the model's own domain
// model gives, not the candidates.
const featureDomain = 11

// features describe a question's best candidates.
type features [nFeatures]float64

// AbstainModel is a logistic model over features: the probability that the
// top candidates answer the question.
type AbstainModel struct {
	Features []string  `json:"features"`
	Weights  []float64 `json:"weights"`
	Bias     float64   `json:"bias"`
	// FittedOn names the evaluation sets the weights were fitted on.
	FittedOn []string `json:"fitted_on,omitempty"`
	// Domain tells questions a council's corpus answers (any that list a
	// relevant document) from those it does not ("school term dates",
	// "how do I book annual leave"), from their words: fitted on the same
	// sets, on words two or more of them use.
	Domain *textModel `json:"domain,omitempty"`
}

// confidence is the probability that candidates with features f answer a
// question whose units (wordUnits) are units.
func (m *AbstainModel) confidence(f features, units []string) float64 {
	f[featureDomain] = m.domain(units)
	return m.prob(f)
}

// InDomain is the domain model's probability that a council's corpus
// answers question (0.5 without a domain model).
func (m *AbstainModel) InDomain(question string) float64 {
	if m.Domain == nil {
		return 0.5
	}
	return m.Domain.prob(newReading(question).wordUnits())
}

// domain is the in_domain feature of units.
func (m *AbstainModel) domain(units []string) float64 {
	if m.Domain == nil {
		return 0
	}
	return domainFeature(m.Domain.prob(units))
}

// domainFeature is the log-odds of p, clipped to ±10 and scaled to ±1.
func domainFeature(p float64) float64 {
	p = min(max(p, 1e-9), 1-1e-9)
	return min(max(math.Log(p/(1-p)), -10), 10) / 10
}

// Prob is the probability that candidates with features f answer.
func (m *AbstainModel) prob(f features) float64 {
	z := m.Bias
	for i, w := range m.Weights {
		z += w * f[i]
	}
	return 1 / (1 + math.Exp(-z))
}

func (m *AbstainModel) validate() error {
	if len(m.Weights) != nFeatures || len(m.Features) != nFeatures {
		return fmt.Errorf("abstention model has %d weights for %d features, want %d", len(m.Weights), len(m.Features), nFeatures)
	}
	for i, n := range m.Features {
		if n != featureNames[i] {
			return fmt.Errorf("abstention model feature %d is %q, want %q", i, n, featureNames[i])
		}
	}
	return nil
}

//go:embed abstain.json
var abstainJSON []byte

// BuiltinAbstainModel is the shipped model.
func BuiltinAbstainModel() (*AbstainModel, error) {
	return ParseAbstainModel(abstainJSON)
}

// ParseAbstainModel reads a model written by `waymark eval --fit`.
func ParseAbstainModel(data []byte) (*AbstainModel, error) {
	var m AbstainModel
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("abstention model: %w", err)
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// Sample is one question's features and whether its candidates answer it.
type Sample struct {
	f       features
	answers bool
	units   []string // the question's units, for the in_domain feature
}

// DefaultAbstainRidge is the ridge penalty on the abstention model's
// weights, chosen with DefaultMinConfidence on a leave-one-council-out
// grid (`make abstain-grid`, README "Confidence"). Stronger penalties keep
// weights small; weaker ones let a rare clear sign (a value asked for and
// not given) weigh more, and move the threshold that suits them.
const DefaultAbstainRidge = 1e-3

// FitAbstain fits a model to samples by logistic regression: Newton's
// method with a ridge penalty on the weights, each class weighing half in all, so a
// set with few unanswerable questions still teaches when to say "I don't
// know". It is deterministic.
func FitAbstain(samples []Sample, fittedOn []string, ridge float64) *AbstainModel {
	var pos, neg float64
	for _, s := range samples {
		if s.answers {
			pos++
		} else {
			neg++
		}
	}
	weight := func(s Sample) float64 {
		if s.answers {
			return 0.5 / max(pos, 1)
		}
		return 0.5 / max(neg, 1)
	}
	const d = nFeatures + 1 // and the bias
	beta := make([]float64, d)
	x := func(s Sample, i int) float64 {
		if i == nFeatures {
			return 1
		}
		return s.f[i]
	}
	for range 50 {
		var grad [d]float64
		var hess [d][d]float64
		for _, s := range samples {
			z := 0.0
			for i := range d {
				z += beta[i] * x(s, i)
			}
			p := 1 / (1 + math.Exp(-z))
			y := 0.0
			if s.answers {
				y = 1
			}
			c := weight(s)
			for i := range d {
				grad[i] += c * (p - y) * x(s, i)
				for j := range d {
					hess[i][j] += c * p * (1 - p) * x(s, i) * x(s, j)
				}
			}
		}
		for i := range nFeatures {
			grad[i] += ridge * beta[i]
			hess[i][i] += ridge
		}
		hess[nFeatures][nFeatures] += 1e-9
		step := solve(hess, grad)
		done := true
		for i := range d {
			beta[i] -= step[i]
			if math.Abs(step[i]) > 1e-9 {
				done = false
			}
		}
		if done {
			break
		}
	}
	m := &AbstainModel{Features: append([]string(nil), featureNames...), Weights: make([]float64, nFeatures), FittedOn: fittedOn}
	for i := range nFeatures {
		m.Weights[i] = math.Round(beta[i]*1e4) / 1e4
	}
	m.Bias = math.Round(beta[nFeatures]*1e4) / 1e4
	return m
}

// solve returns x with a x = b, by Gaussian elimination with partial
// pivoting; a is small and, with the ridge, positive definite.
func solve(a [nFeatures + 1][nFeatures + 1]float64, b [nFeatures + 1]float64) [nFeatures + 1]float64 {
	const d = nFeatures + 1
	var m [d][d + 1]float64
	for i := range d {
		for j := range d {
			m[i][j] = a[i][j]
		}
		m[i][d] = b[i]
	}
	for c := range d {
		p := c
		for r := c + 1; r < d; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		m[c], m[p] = m[p], m[c]
		if math.Abs(m[c][c]) < 1e-15 {
			continue
		}
		for r := range d {
			if r == c {
				continue
			}
			f := m[r][c] / m[c][c]
			for k := c; k <= d; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	var x [d]float64
	for i := range d {
		if m[i][i] != 0 {
			x[i] = m[i][d] / m[i][i]
		}
	}
	return x
}

// MarshalAbstainModel writes m as abstain.json is written.
func MarshalAbstainModel(m *AbstainModel) ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
