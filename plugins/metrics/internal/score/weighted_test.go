package score

import (
	"math"
	"testing"

	"github.com/mledojo/dojo/core"
)

func TestWeightedMAE_MatchesPublishedFormula(t *testing.T) {
	r := newRand(43)
	weights := func(n int, zeroEvery int) []float64 {
		w := make([]float64, n)
		for i := range w {
			w[i] = r.ExpFloat64() * 10
			if zeroEvery > 0 && (i+1)%zeroEvery == 0 {
				w[i] = 0
			}
		}
		return w
	}
	holiday := func(n int) []float64 { // Walmart: 5 on holiday weeks, 1 otherwise
		w := make([]float64, n)
		for i := range w {
			w[i] = 1
			if r.IntN(10) == 0 {
				w[i] = 5
			}
		}
		return w
	}
	inputs := pointwiseInputs(44)
	var tests []struct {
		name     string
		y, p, w  []float64
		wantType core.ErrorType
	}
	for _, in := range inputs {
		tests = append(tests, struct {
			name     string
			y, p, w  []float64
			wantType core.ErrorType
		}{name: in.name, y: in.yTrue, p: in.yPred, w: weights(len(in.yTrue), 7)})
	}
	n := len(inputs[0].yTrue)
	tests = append(tests,
		struct {
			name     string
			y, p, w  []float64
			wantType core.ErrorType
		}{name: "holiday weights", y: inputs[0].yTrue, p: inputs[0].yPred, w: holiday(n)},
		struct {
			name     string
			y, p, w  []float64
			wantType core.ErrorType
		}{name: "a negative weight", y: []float64{1, 2}, p: []float64{2, 2}, w: []float64{1, -1}, wantType: core.TypeGroundTruth},
	)
	b := newSklearnBatch(t)
	wants := make([][2]*refResult, len(tests))
	for i, tc := range tests {
		y, p, w := b.floats(tc.y), b.floats(tc.p), b.floats(tc.w)
		wants[i] = [2]*refResult{
			b.call("weighted_mae", map[string]any{"normalize": "weight_sum"}, y, p, w),
			b.call("weighted_mae", map[string]any{"normalize": "count"}, y, p, w),
		}
	}
	b.runFormulas()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for j, norm := range []WeightNormalization{NormalizeWeightSum, NormalizeCount} {
				got, err := WeightedMAE(tc.y, tc.p, tc.w, norm)
				assertMatchesSklearn(t, got, err, wants[i][j], tc.wantType)
			}
		})
	}
}

func TestWeightedMAE_AllZeroWeightsHaveNoMean(t *testing.T) {
	_, err := WeightedMAE([]float64{1, 2}, []float64{0, 0}, []float64{0, 0}, NormalizeWeightSum)
	assertErrorType(t, err, core.TypeEvaluation)
	got, err := WeightedMAE([]float64{1, 2}, []float64{0, 0}, []float64{0, 0}, NormalizeCount)
	if err != nil || got != 0 {
		t.Errorf("count normalization: got %v, %v; want 0", got, err)
	}
}

func TestWeightedMAE_NegativeWeightNamesItsRow(t *testing.T) {
	_, err := WeightedMAE([]float64{1, 2, 3}, []float64{1, 2, 3}, []float64{1, 1, -2}, NormalizeCount)
	if row, ok := ErrorRow(err); !ok || row != 2 || core.TypeOf(err) != core.TypeGroundTruth {
		t.Errorf("got %v (row %d, %v); want a ground_truth error about row 2", err, row, ok)
	}
}

func TestGroupLogMAE_MatchesPublishedFormula(t *testing.T) {
	r := newRand(45)
	const k = 8
	groupsOf := func(n int) []int {
		g := make([]int, n)
		for i := range g {
			g[i] = r.IntN(k)
		}
		return g
	}
	var tests []struct {
		name   string
		y, p   []float64
		groups []int
	}
	for _, in := range pointwiseInputs(46) {
		tests = append(tests, struct {
			name   string
			y, p   []float64
			groups []int
		}{in.name, in.yTrue, in.yPred, groupsOf(len(in.yTrue))})
	}
	// One group predicted exactly: its MAE is 0 and is floored at 1e-9 before the logarithm.
	y := normals(r, 5000)
	p := normals(r, 5000)
	g := groupsOf(5000)
	for i := range p {
		if g[i] == 3 {
			p[i] = y[i]
		}
	}
	tests = append(tests, struct {
		name   string
		y, p   []float64
		groups []int
	}{"one group perfect", y, p, g})
	b := newSklearnBatch(t)
	wants := make([]*refResult, len(tests))
	for i, tc := range tests {
		wants[i] = b.call("group_log_mae", map[string]any{"floor": 1e-9}, b.floats(tc.y), b.floats(tc.p), b.ints(tc.groups))
	}
	b.runFormulas()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := GroupLogMAE(tc.y, tc.p, tc.groups, k, 1e-9)
			assertMatchesSklearn(t, got, err, wants[i], "")
		})
	}
}

func TestGroupLogMAE_PerfectScoreIsLogFloor(t *testing.T) {
	got, err := GroupLogMAE([]float64{1, 2, 3}, []float64{1, 2, 3}, []int{0, 2, 2}, 4, 1e-9)
	if want := math.Log(1e-9); err != nil || got != want {
		t.Errorf("got %v, %v; want %v (empty groups left out)", got, err, want)
	}
}

func TestLaplaceLogLikelihood_MatchesPublishedFormula(t *testing.T) {
	r := newRand(47)
	sigmas := func(n int) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = r.NormFloat64()*150 + 100 // some below sigma_min, some negative
		}
		return s
	}
	var tests []struct {
		name     string
		y, p, s  []float64
		opts     LaplaceOptions
		wantType core.ErrorType
	}
	for _, in := range pointwiseInputs(48) {
		y := make([]float64, len(in.yTrue))
		p := make([]float64, len(in.yTrue))
		for i := range y {
			y[i] = 2500 + 10*in.yTrue[i]
			p[i] = 2500 + 10*in.yPred[i] // errors both below and above delta_max
		}
		tests = append(tests, struct {
			name     string
			y, p, s  []float64
			opts     LaplaceOptions
			wantType core.ErrorType
		}{name: in.name, y: y, p: p, s: sigmas(len(y)), opts: OSICLaplace})
	}
	tests = append(tests, struct {
		name     string
		y, p, s  []float64
		opts     LaplaceOptions
		wantType core.ErrorType
	}{name: "uncapped errors", y: tests[0].y, p: tests[0].p, s: tests[0].s, opts: LaplaceOptions{SigmaMin: 1, DeltaMax: math.Inf(1)}})
	b := newSklearnBatch(t)
	wants := make([]*refResult, len(tests))
	for i, tc := range tests {
		kw := map[string]any{"sigma_min": tc.opts.SigmaMin, "delta_max": min(tc.opts.DeltaMax, math.MaxFloat64)}
		wants[i] = b.call("laplace", kw, b.floats(tc.y), b.floats(tc.p), b.floats(tc.s))
	}
	b.runFormulas()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LaplaceLogLikelihood(tc.y, tc.p, tc.s, tc.opts)
			assertMatchesSklearn(t, got, err, wants[i], tc.wantType)
		})
	}
}

func TestLaplaceLogLikelihood_RejectsInfiniteConfidence(t *testing.T) {
	_, err := LaplaceLogLikelihood([]float64{1, 2}, []float64{1, 2}, []float64{70, math.Inf(1)}, OSICLaplace)
	if row, ok := ErrorRow(err); !ok || row != 1 || core.TypeOf(err) != core.TypeSubmissionInvalid {
		t.Errorf("got %v; want a submission_invalid error about row 1", err)
	}
}

func TestRMSLEWith_MatchesReferenceForEachTreatmentOfNegatives(t *testing.T) {
	r := newRand(49)
	pos := make([]float64, 10_000)
	for i := range pos {
		pos[i] = r.ExpFloat64() * 50
	}
	noisy := make([]float64, len(pos))
	aboveMinusOne := make([]float64, len(pos))
	wild := make([]float64, len(pos))
	for i := range pos {
		noisy[i] = math.Abs(pos[i] + r.NormFloat64()*5)
		aboveMinusOne[i] = max(pos[i]+r.NormFloat64()*5, -0.999)
		wild[i] = pos[i] + r.NormFloat64()*60
	}
	tests := []struct {
		name    string
		y, p    []float64
		errType map[NegativeValues]core.ErrorType
	}{
		{name: "non-negative", y: pos, p: noisy},
		{name: "predictions between -1 and 0", y: pos, p: aboveMinusOne,
			errType: map[NegativeValues]core.ErrorType{NegativeReject: core.TypeSubmissionInvalid}},
		{name: "predictions at or below -1", y: pos, p: wild,
			errType: map[NegativeValues]core.ErrorType{NegativeReject: core.TypeSubmissionInvalid, NegativeAboveMinusOne: core.TypeSubmissionInvalid}},
		{name: "negative truth", y: wild, p: pos,
			errType: map[NegativeValues]core.ErrorType{NegativeReject: core.TypeGroundTruth, NegativeAboveMinusOne: core.TypeGroundTruth}},
	}
	modes := []NegativeValues{NegativeReject, NegativeClip, NegativeAboveMinusOne}
	b := newSklearnBatch(t)
	wants := make([][]*refResult, len(tests))
	for i, tc := range tests {
		y, p := b.floats(tc.y), b.floats(tc.p)
		for _, m := range modes {
			wants[i] = append(wants[i], b.call("rmsle", map[string]any{"negative": string(m)}, y, p))
		}
	}
	b.runFormulas()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for j, m := range modes {
				got, err := RMSLEWith(tc.y, tc.p, m)
				assertMatchesSklearn(t, got, err, wants[i][j], tc.errType[m])
			}
		})
	}
}
