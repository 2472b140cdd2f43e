package knowledge

import (
	"math"
	"testing"
)

// A stronger ridge penalty gives smaller weights; the fit still orders
// samples as the data does.
func TestFitAbstainRidge(t *testing.T) {
	var samples []Sample
	for i := range 40 {
		var s Sample
		s.f[0] = float64(i%10) / 10 // coverage
		s.f[12] = float64(i % 2)    // value_missing
		s.answers = s.f[0] > 0.4 && s.f[12] == 0 || i%7 == 0
		samples = append(samples, s)
	}
	norm := func(m *AbstainModel) float64 {
		var n float64
		for _, w := range m.Weights {
			n += w * w
		}
		return math.Sqrt(n)
	}
	weak, strong := FitAbstain(samples, nil, 1e-5), FitAbstain(samples, nil, 1e-1)
	if norm(strong) >= norm(weak) {
		t.Errorf("weight norm %.3f with ridge 0.1, %.3f with 1e-5: want smaller", norm(strong), norm(weak))
	}
	for _, m := range []*AbstainModel{weak, strong} {
		if m.Weights[0] <= 0 || m.Weights[12] >= 0 {
			t.Errorf("weights coverage %.3f, value_missing %.3f: want positive and negative", m.Weights[0], m.Weights[12])
		}
	}
	if got := (Options{}).abstainRidge(); got != DefaultAbstainRidge {
		t.Errorf("default ridge %g, want %g", got, DefaultAbstainRidge)
	}
}
