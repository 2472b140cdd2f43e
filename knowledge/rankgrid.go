package knowledge

import (
	"context"
	"fmt"
	"io"
)

// CoverageGrid is the coverage weightings `waymark eval --rank-grid` tries:
// off, and every power with every floor.
func CoverageGrid() []Coverage {
	grid := []Coverage{{}}
	for _, p := range []float64{0.5, 1, 1.5, 2} {
		for _, f := range []float64{0.02, 0.05, 0.1, 0.2} {
			grid = append(grid, Coverage{Floor: f, Power: p})
		}
	}
	return grid
}

// GridReport is a leave-one-council-out choice of the coverage weighting:
// each set's figures at every grid point, and for each set the point the
// other sets choose (best mean MRR@5, then hit@3, over them).
type GridReport struct {
	Grid    []Coverage
	Results [][]SetResult // [point][set], each a leave-one-council-out figure
	Chosen  []int         // [set] -> point chosen without it
}

// CrossValidateCoverage measures sets at every point of grid, as
// CrossValidate does, and chooses each set's point on the others.
func CrossValidateCoverage(ctx context.Context, sets []*EvalSet, opts Options, limit int, grid []Coverage) (*GridReport, error) {
	if len(sets) < 2 {
		return nil, fmt.Errorf("choosing a weighting leave one council out needs two or more sets, got %d", len(sets))
	}
	gr := &GridReport{Grid: grid}
	for _, c := range grid {
		o := opts
		o.Coverage = &c
		cr, err := CrossValidate(ctx, sets, o, limit)
		if err != nil {
			return nil, fmt.Errorf("coverage %+v: %w", c, err)
		}
		gr.Results = append(gr.Results, cr.Sets)
	}
	for i := range sets {
		best, bestKey := 0, [2]float64{-1, -1}
		for p := range grid {
			var key [2]float64
			for j, r := range gr.Results[p] {
				if j != i {
					key[0] += r.Report.MRR5
					key[1] += r.Report.Hit3
				}
			}
			if key[0] > bestKey[0] || key[0] == bestKey[0] && key[1] > bestKey[1] {
				best, bestKey = p, key
			}
		}
		gr.Chosen = append(gr.Chosen, best)
	}
	return gr, nil
}

// Nested is each set's figures at the point chosen without it.
func (gr *GridReport) Nested() []SetResult {
	out := make([]SetResult, len(gr.Chosen))
	for i, p := range gr.Chosen {
		out[i] = gr.Results[p][i]
	}
	return out
}

// Write prints every point's mean and worst, then each set at the point
// the others chose, and those figures' mean and worst.
func (gr *GridReport) Write(w io.Writer) {
	fmt.Fprintf(w, "%-16s %11s %11s %11s\n", "coverage", "hit@3", "MRR@5", "none")
	fmt.Fprintf(w, "%-16s %11s %11s %11s\n", "floor^power", "mean/worst", "mean/worst", "mean/worst")
	for p, c := range gr.Grid {
		mean, worst := meanWorst(gr.Results[p])
		fmt.Fprintf(w, "%-16s %5.3f/%5.3f %5.3f/%5.3f %5.3f/%5.3f\n", c, mean[1], worst[1], mean[2], worst[2], mean[3], worst[3])
	}
	fmt.Fprintf(w, "\neach set at the weighting the other sets choose (best mean MRR@5, then hit@3):\n")
	nested := gr.Nested()
	for i, r := range nested {
		fmt.Fprintf(w, "%-12s %-16s hit@3 %.3f  MRR@5 %.3f  none %d/%d\n", r.Name, gr.Grid[gr.Chosen[i]],
			r.Report.Hit3, r.Report.MRR5, r.Report.NoneEmpty, r.Report.Counts[ExpectNone])
	}
	mean, worst := meanWorst(nested)
	fmt.Fprintf(w, "%-12s %-16s hit@3 %.3f/%.3f  MRR@5 %.3f/%.3f  none %.3f/%.3f (mean/worst)\n", "nested", "", mean[1], worst[1], mean[2], worst[2], mean[3], worst[3])
}

// String is "off", or "(floor+share)^power".
func (c Coverage) String() string {
	if c.Power == 0 {
		return "off"
	}
	return fmt.Sprintf("(%g+share)^%g", c.Floor, c.Power)
}
