package score

import (
	"math"
	"testing"

	"github.com/mledojo/dojo/core"
)

// pointwiseInputs are the shared edge cases of the row-by-row error metrics.
func pointwiseInputs(seed uint64) []struct {
	name         string
	yTrue, yPred []float64
} {
	r := newRand(seed)
	positive := func(n int) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = r.ExpFloat64() * 100
		}
		return xs
	}
	noisy := func(ys []float64, scale float64) []float64 {
		out := make([]float64, len(ys))
		for i, y := range ys {
			out[i] = y + scale*r.NormFloat64()
		}
		return out
	}
	y := positive(10_000)
	large := positive(largeN())
	zeros := positive(1000)
	zerosPred := noisy(zeros, 5)
	for i := 0; i < len(zeros); i += 3 {
		zeros[i] = 0
		if i%2 == 0 {
			zerosPred[i] = 0 // truth and prediction both 0: SMAPE's 0/0 row
		}
	}
	return []struct {
		name         string
		yTrue, yPred []float64
	}{
		{name: "noisy predictions", yTrue: y, yPred: noisy(y, 10)},
		{name: "perfect predictions", yTrue: y, yPred: y},
		{name: "constant predictions", yTrue: y, yPred: constant(len(y), 42)},
		{name: "zeros in both columns, some rows both zero", yTrue: zeros, yPred: zerosPred},
		{name: "negative values", yTrue: normals(r, 1000), yPred: normals(r, 1000)},
		{name: "one row", yTrue: []float64{3}, yPred: []float64{-1}},
		{name: "a million rows", yTrue: large, yPred: noisy(large, 30)},
	}
}

func TestSMAPEAndRMSPE_MatchPublishedFormulas(t *testing.T) {
	inputs := pointwiseInputs(40)
	custom := SMAPEOptions{Scale: 1, ZeroZero: 2}
	b := newSklearnBatch(t)
	type want struct{ kaggle, custom, rmspe *refResult }
	wants := make([]want, len(inputs))
	for i, in := range inputs {
		yt, yp := b.floats(in.yTrue), b.floats(in.yPred)
		wants[i] = want{
			kaggle: b.call("smape", map[string]any{"scale": 100.0, "zero_zero": 0.0}, yt, yp),
			custom: b.call("smape", map[string]any{"scale": custom.Scale, "zero_zero": custom.ZeroZero}, yt, yp),
			rmspe:  b.call("rmspe", nil, yt, yp),
		}
	}
	b.runFormulas()
	for i, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			got, err := SMAPE(in.yTrue, in.yPred, KaggleSMAPE)
			assertMatchesSklearn(t, got, err, wants[i].kaggle, "")
			got, err = SMAPE(in.yTrue, in.yPred, custom)
			assertMatchesSklearn(t, got, err, wants[i].custom, "")
			got, err = RMSPE(in.yTrue, in.yPred)
			assertMatchesSklearn(t, got, err, wants[i].rmspe, "")
		})
	}
}

func TestSMAPE_BothZeroRowCountsZeroZeroTerm(t *testing.T) {
	got, err := SMAPE([]float64{0, 1}, []float64{0, 3}, KaggleSMAPE)
	if want := 100 * (0 + 2*2.0/4) / 2; err != nil || got != want {
		t.Errorf("got %v, %v; want %v", got, err, want)
	}
	got, err = SMAPE([]float64{0, 0}, []float64{math.Copysign(0, -1), 0}, SMAPEOptions{Scale: 100, ZeroZero: 1})
	if err != nil || got != 100 {
		t.Errorf("-0 and 0: got %v, %v; want 100", got, err)
	}
}

func TestSMAPE_RejectsNonPositiveScale(t *testing.T) {
	_, err := SMAPE([]float64{1}, []float64{1}, SMAPEOptions{})
	assertErrorType(t, err, core.TypeInvalidArgument)
}

func TestRMSPE_SkipsZeroTruthAndNeedsOneLeft(t *testing.T) {
	got, err := RMSPE([]float64{0, 2, 4}, []float64{100, 1, 4})
	if want := math.Sqrt(0.25 / 2); err != nil || got != want {
		t.Errorf("got %v, %v; want %v", got, err, want)
	}
	_, err = RMSPE([]float64{0, 0}, []float64{1, 2})
	assertErrorType(t, err, core.TypeEvaluation)
}

func TestMedianAbsoluteError_MatchesSklearn(t *testing.T) {
	r := newRand(41)
	inputs := pointwiseInputs(42)
	ties := rounded(normals(r, 10_001), 0.5)
	inputs = append(inputs,
		struct {
			name         string
			yTrue, yPred []float64
		}{name: "odd count with many ties", yTrue: ties, yPred: rounded(normals(r, 10_001), 0.5)},
		struct {
			name         string
			yTrue, yPred []float64
		}{name: "two rows", yTrue: []float64{1, 2}, yPred: []float64{2, 5}},
		struct {
			name         string
			yTrue, yPred []float64
		}{name: "sorted errors (a bad case for naive pivots)", yTrue: rangeFloats(5000), yPred: constant(5000, 0)},
	)
	b := newSklearnBatch(t)
	wants := make([]*refResult, len(inputs))
	for i, in := range inputs {
		wants[i] = b.call("median_absolute_error", nil, b.floats(in.yTrue), b.floats(in.yPred))
	}
	b.run()
	for i, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			got, err := MedianAbsoluteError(in.yTrue, in.yPred)
			assertMatchesSklearn(t, got, err, wants[i], "")
		})
	}
}

func TestMedianAbsoluteError_LeavesInputsUnchanged(t *testing.T) {
	yTrue, yPred := []float64{5, 1, 3}, []float64{0, 0, 0}
	if got, err := MedianAbsoluteError(yTrue, yPred); err != nil || got != 3 {
		t.Fatalf("got %v, %v; want 3", got, err)
	}
	if yTrue[0] != 5 || yTrue[1] != 1 {
		t.Errorf("yTrue reordered: %v", yTrue)
	}
}

func rangeFloats(n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = float64(i)
	}
	return xs
}
