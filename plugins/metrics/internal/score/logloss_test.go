package score

import (
	"slices"
	"testing"

	"github.com/mledojo/dojo/core"
)

func TestLogLoss_MatchesSklearn(t *testing.T) {
	r := newRand(7)
	y3 := classLabels(r, 5_000, 3)
	oneHot := func(ys []int, k int, wrong bool) []float64 {
		ps := make([]float64, len(ys)*k)
		for i, y := range ys {
			if wrong {
				y = (y + 1) % k
			}
			ps[i*k+y] = 1
		}
		return ps
	}
	unnormalised := probRows(r, y3, 3)
	for i := range unnormalised {
		unnormalised[i] *= 1 + float64(i%7)/10
	}
	outOfRange := probRows(r, y3, 3)
	outOfRange[0], outOfRange[4], outOfRange[8] = -0.5, 1.5, 2
	absent := slices.Clone(y3)
	for i, y := range absent {
		if y == 1 {
			absent[i] = 2
		}
	}
	y2 := classLabels(r, 100, 2)
	large := classLabels(r, largeN(), 5)
	tests := []struct {
		name   string
		yTrue  []int
		probs  []float64
		k      int
		eps    float64
		kwargs map[string]any
	}{
		{name: "three classes", yTrue: y3, probs: probRows(r, y3, 3), k: 3, eps: DefaultLogLossEps},
		{name: "exact one-hot hits clip to 1-eps", yTrue: y3, probs: oneHot(y3, 3, false), k: 3, eps: DefaultLogLossEps},
		{name: "exact one-hot misses clip to eps", yTrue: y3, probs: oneHot(y3, 3, true), k: 3, eps: DefaultLogLossEps},
		{name: "one-hot misses with the pre-1.2 eps", yTrue: y3, probs: oneHot(y3, 3, true), k: 3, eps: 1e-15},
		{name: "rows are renormalised", yTrue: y3, probs: unnormalised, k: 3, eps: DefaultLogLossEps},
		{name: "values outside [0, 1] are clipped", yTrue: y3, probs: outOfRange, k: 3, eps: DefaultLogLossEps},
		{name: "a class absent from the ground truth", yTrue: absent, probs: probRows(r, absent, 3), k: 3, eps: DefaultLogLossEps},
		{name: "two classes", yTrue: y2, probs: probRows(r, y2, 2), k: 2, eps: DefaultLogLossEps},
		{name: "a million rows", yTrue: large, probs: probRows(r, large, 5), k: 5, eps: DefaultLogLossEps},
	}
	b := newSklearnBatch(t)
	wants := make([]*refResult, len(tests))
	for i, tc := range tests {
		kwargs := map[string]any{"labels": rangeLabels(tc.k)}
		if tc.eps != DefaultLogLossEps { // otherwise sklearn's own default, eps="auto"
			kwargs["eps"] = tc.eps
		}
		wants[i] = b.call("log_loss", kwargs, b.ints(tc.yTrue), b.floats(tc.probs, len(tc.yTrue), tc.k))
	}
	b.run()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LogLoss(tc.yTrue, tc.probs, tc.k, tc.eps)
			assertMatchesSklearn(t, got, err, wants[i], "")
		})
	}
}

func TestBinaryLogLoss_MatchesSklearn(t *testing.T) {
	r := newRand(8)
	y := binaryLabels(r, 10_000, 0.4)
	probs := func(ys []float64) []float64 {
		ps := make([]float64, len(ys))
		for i, y := range ys {
			ps[i] = min(max(0.5+0.3*(y-0.5)+0.2*r.NormFloat64(), 0), 1)
		}
		return ps
	}
	large := binaryLabels(r, largeN(), 0.2)
	tests := []struct {
		name     string
		yTrue, p []float64
		eps      float64
		labels   bool // pass labels=[0, 1], which sklearn needs when yTrue has one class
	}{
		{name: "noisy probabilities with exact 0 and 1", yTrue: y, p: probs(y), eps: DefaultLogLossEps},
		{name: "perfect hard predictions", yTrue: y, p: y, eps: DefaultLogLossEps},
		{name: "inverted hard predictions", yTrue: y, p: flipped(y), eps: DefaultLogLossEps},
		{name: "the pre-1.2 eps", yTrue: y, p: probs(y), eps: 1e-15},
		{name: "constant predictions", yTrue: y, p: constant(len(y), 0.4), eps: DefaultLogLossEps},
		{name: "one class only", yTrue: constant(50, 1), p: probs(constant(50, 1)), eps: DefaultLogLossEps, labels: true},
		{name: "a million rows", yTrue: large, p: probs(large), eps: DefaultLogLossEps},
	}
	b := newSklearnBatch(t)
	wants := make([]*refResult, len(tests))
	for i, tc := range tests {
		kwargs := map[string]any{}
		if tc.eps != DefaultLogLossEps {
			kwargs["eps"] = tc.eps
		}
		if tc.labels {
			kwargs["labels"] = []int{0, 1}
		}
		wants[i] = b.call("log_loss", kwargs, b.floats(tc.yTrue), b.floats(tc.p))
	}
	b.run()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := BinaryLogLoss(tc.yTrue, tc.p, tc.eps)
			assertMatchesSklearn(t, got, err, wants[i], "")
		})
	}
}

// flipped returns 1-y for 0/1 labels: a confidently wrong prediction for every row.
func flipped(ys []float64) []float64 {
	out := make([]float64, len(ys))
	for i, y := range ys {
		out[i] = 1 - y
	}
	return out
}

func TestLogLoss_RejectsInvalidInput(t *testing.T) {
	tests := []struct {
		name string
		call func() (float64, error)
		want core.ErrorType
	}{
		{name: "one class", call: func() (float64, error) { return LogLoss([]int{0}, []float64{1}, 1, DefaultLogLossEps) }, want: core.TypeInvalidArgument},
		{name: "negative eps", call: func() (float64, error) { return LogLoss([]int{0}, []float64{1, 0}, 2, -1) }, want: core.TypeInvalidArgument},
		{name: "eps above one half", call: func() (float64, error) { return BinaryLogLoss([]float64{0}, []float64{1}, 0.6) }, want: core.TypeInvalidArgument},
		{name: "class index out of range", call: func() (float64, error) { return LogLoss([]int{0, 2}, []float64{1, 0, 1, 0}, 2, DefaultLogLossEps) }, want: core.TypeGroundTruth},
		{name: "binary label not 0 or 1", call: func() (float64, error) { return BinaryLogLoss([]float64{0, 2}, []float64{0.5, 0.5}, DefaultLogLossEps) }, want: core.TypeGroundTruth},
		{name: "matrix of the wrong size", call: func() (float64, error) { return LogLoss([]int{0, 1}, []float64{1, 0, 1}, 2, DefaultLogLossEps) }, want: core.TypeInvalidArgument},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.call()
			assertErrorType(t, err, tc.want)
		})
	}
}
