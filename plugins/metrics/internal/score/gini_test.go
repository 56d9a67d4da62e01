package score

import (
	"testing"

	"github.com/mledojo/dojo/core"
)

func TestNormalizedGini_MatchesReferences(t *testing.T) {
	r := newRand(50)
	hazard := func(n int) []float64 { // Liberty Mutual's hazard: small positive integers, heavily tied
		ys := make([]float64, n)
		for i := range ys {
			ys[i] = float64(1 + r.IntN(3) + r.IntN(3)*r.IntN(10))
		}
		return ys
	}
	noisy := func(ys []float64) []float64 {
		out := make([]float64, len(ys))
		for i, y := range ys {
			out[i] = y + 3*r.NormFloat64()
		}
		return out
	}
	bin := binaryLabels(r, 20_000, 0.04) // Porto Seguro's rare positives
	binLarge := binaryLabels(r, largeN(), 0.1)
	cont := hazard(20_000)
	contLarge := hazard(largeN())
	neg := normals(r, 5000)
	tests := []struct {
		name   string
		y, p   []float64
		binary bool // also compare with 2·AUC - 1
		noTies bool // also compare with the textbook cumulative sum
	}{
		{name: "binary truth, continuous scores", y: bin, p: noisyScores(r, bin), binary: true},
		{name: "binary truth, tied scores", y: bin, p: rounded(noisyScores(r, bin), 0.25), binary: true},
		{name: "binary truth, constant predictions", y: bin, p: constant(len(bin), 0.5), binary: true},
		{name: "continuous truth, continuous scores", y: cont, p: noisy(cont), noTies: true},
		{name: "continuous truth, tied scores", y: cont, p: rounded(noisy(cont), 1)},
		{name: "continuous truth, perfect ordering", y: cont, p: cont},
		{name: "continuous truth, reversed ordering", y: cont, p: scaled(cont, -1)},
		{name: "negative and positive truth", y: neg, p: noisy(neg), noTies: true},
		{name: "truth sums to zero", y: []float64{1, -1, 2, -2}, p: []float64{0.1, 0.2, 0.3, 0.4}},
		{name: "constant truth", y: constant(100, 3), p: normals(r, 100)},
		{name: "one row", y: []float64{1}, p: []float64{0.3}},
		{name: "a million rows, binary", y: binLarge, p: rounded(noisyScores(r, binLarge), 0.01), binary: true},
		{name: "a million rows, continuous", y: contLarge, p: noisy(contLarge), noTies: true},
	}
	b := newSklearnBatch(t)
	type want struct{ average, rowOrder, auc, cumsum *refResult }
	wants := make([]want, len(tests))
	for i, tc := range tests {
		y, p := b.floats(tc.y), b.floats(tc.p)
		wants[i].average = b.call("gini_average", nil, y, p)
		wants[i].rowOrder = b.call("gini_row_order", nil, y, p)
		if tc.binary {
			wants[i].auc = b.call("gini_auc", nil, y, p)
		}
		if tc.noTies {
			wants[i].cumsum = b.call("gini_cumsum", nil, y, p)
		}
	}
	b.runFormulas()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			avg, err := NormalizedGini(tc.y, tc.p, GiniTiesAverage)
			assertMatchesSklearn(t, avg, err, wants[i].average, "")
			got, err := NormalizedGini(tc.y, tc.p, GiniTiesRowOrder)
			assertMatchesSklearn(t, got, err, wants[i].rowOrder, "")
			if tc.binary {
				assertMatchesSklearn(t, avg, nil, wants[i].auc, "")
			}
			if tc.noTies {
				assertMatchesSklearn(t, avg, nil, wants[i].cumsum, "")
			}
		})
	}
}

func TestNormalizedGini_AveragedTiesIgnoreRowOrder(t *testing.T) {
	r := newRand(51)
	y := binaryLabels(r, 3000, 0.3)
	p := rounded(noisyScores(r, y), 0.5)
	perm := r.Perm(len(y))
	y2, p2 := make([]float64, len(y)), make([]float64, len(y))
	for i, j := range perm {
		y2[i], p2[i] = y[j], p[j]
	}
	a, err1 := NormalizedGini(y, p, GiniTiesAverage)
	b, err2 := NormalizedGini(y2, p2, GiniTiesAverage)
	if err1 != nil || err2 != nil || !closeTo(a, b) {
		t.Errorf("got %v (%v) and %v (%v) for the same rows in another order", a, err1, b, err2)
	}
}

func TestNormalizedGini_BinaryEqualsTwiceAUCMinusOne(t *testing.T) {
	r := newRand(52)
	y := binaryLabels(r, 50_000, 0.2)
	p := rounded(noisyScores(r, y), 0.1)
	gini, err := NormalizedGini(y, p, GiniTiesAverage)
	auc, err2 := ROCAUC(y, p)
	if err != nil || err2 != nil || !closeTo(gini, 2*auc-1) {
		t.Errorf("Gini %v (%v), 2·AUC-1 = %v (%v)", gini, err, 2*auc-1, err2)
	}
}

func TestNormalizedGini_RejectsUnknownTies(t *testing.T) {
	_, err := NormalizedGini([]float64{0, 1}, []float64{0, 1}, "random")
	assertErrorType(t, err, core.TypeInvalidArgument)
}

func scaled(xs []float64, by float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = x * by
	}
	return out
}
