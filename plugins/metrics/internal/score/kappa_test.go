package score

import (
	"slices"
	"testing"

	"github.com/mledojo/dojo/core"
)

// denseIndex maps each value to its index in the sorted union of both columns, as sklearn's
// cohen_kappa_score labels them.
func denseIndex(a, b []int) ([]int, []int) {
	union := slices.Concat(a, b)
	slices.Sort(union)
	union = slices.Compact(union)
	index := func(xs []int) []int {
		out := make([]int, len(xs))
		for i, x := range xs {
			out[i], _ = slices.BinarySearch(union, x)
		}
		return out
	}
	return index(a), index(b)
}

func TestQuadraticWeightedKappa_MatchesSklearn(t *testing.T) {
	r := newRand(121)
	grades := func(n, lo, hi int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = lo + r.IntN(hi-lo+1)
		}
		return out
	}
	near := func(truth []int, lo, hi int) []int {
		out := make([]int, len(truth))
		for i, y := range truth {
			out[i] = min(hi, max(lo, y+r.IntN(3)-1))
		}
		return out
	}
	essays := grades(10_000, 1, 6)
	wine := grades(5_000, 3, 8)
	gappy := grades(5_000, 0, 4)
	for i, g := range gappy {
		if g == 2 {
			gappy[i] = 0 // grade 2 used by neither column: the two definitions part ways
		}
	}
	gappyPred := near(gappy, 0, 4)
	for i, g := range gappyPred {
		if g == 2 {
			gappyPred[i] = 3
		}
	}
	large := grades(largeN(), 0, 4)
	tests := []struct {
		name         string
		yTrue, yPred []int
		lo, hi       int
	}{
		{name: "essay scores 1-6", yTrue: essays, yPred: near(essays, 1, 6), lo: 1, hi: 6},
		{name: "random predictions", yTrue: wine, yPred: grades(5_000, 3, 8), lo: 3, hi: 8},
		{name: "perfect agreement", yTrue: wine, yPred: wine, lo: 3, hi: 8},
		{name: "a grade nobody uses", yTrue: gappy, yPred: gappyPred, lo: 0, hi: 4},
		{name: "constant predictions", yTrue: wine, yPred: make([]int, len(wine)), lo: 0, hi: 8},
		{name: "a million rows", yTrue: large, yPred: near(large, 0, 4), lo: 0, hi: 4},
	}
	b := newSklearnBatch(t)
	type want struct{ union, fixed *refResult }
	wants := make([]want, len(tests))
	for i, tc := range tests {
		yt, yp := b.ints(tc.yTrue), b.ints(tc.yPred)
		var labels []int
		for l := tc.lo; l <= tc.hi; l++ {
			labels = append(labels, l)
		}
		wants[i] = want{
			b.call("cohen_kappa_score", map[string]any{"weights": "quadratic"}, yt, yp),
			b.call("cohen_kappa_score", map[string]any{"weights": "quadratic", "labels": labels}, yt, yp),
		}
	}
	b.run()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dt, dp := denseIndex(tc.yTrue, tc.yPred)
			got, err := QuadraticWeightedKappa(dt, dp)
			assertMatchesSklearn(t, got, err, wants[i].union, "")
			got, err = QuadraticWeightedKappa(tc.yTrue, tc.yPred)
			assertMatchesSklearn(t, got, err, wants[i].fixed, "")
		})
	}
}

func TestQuadraticWeightedKappa_OneRatingThroughoutIsUndefined(t *testing.T) {
	_, err := QuadraticWeightedKappa([]int{2, 2, 2}, []int{2, 2, 2})
	assertErrorType(t, err, core.TypeEvaluation)
	_, err = QuadraticWeightedKappa([]int{1 << 30}, []int{0})
	assertErrorType(t, err, core.TypeInvalidArgument)
}
