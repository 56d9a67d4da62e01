package score

import (
	"testing"

	"github.com/mledojo/dojo/core"
)

func TestKLDivergence_MatchesPublishedFormula(t *testing.T) {
	r := newRand(53)
	const k = 6
	votes := func(n int, emptyEvery int) []float64 { // expert votes per class, some rows without votes
		v := make([]float64, n*k)
		for i := range n {
			if emptyEvery > 0 && i%emptyEvery == emptyEvery-1 {
				continue
			}
			for range 1 + r.IntN(15) {
				v[i*k+r.IntN(k)]++
			}
		}
		return v
	}
	probs := func(n int, zeros bool) []float64 {
		ys := classLabels(r, n, k)
		p := probRows(r, ys, k)
		if zeros {
			for i := 0; i < len(p); i += 5 {
				p[i] = 0 // clipped to eps
			}
		}
		return p
	}
	distributions := probs(3000, false)
	tests := []struct {
		name           string
		t, p           []float64
		normalizeTruth bool
		sumTolerance   float64
		wantType       core.ErrorType
	}{
		{name: "votes against probabilities", t: votes(5000, 0), p: probs(5000, false), normalizeTruth: true, sumTolerance: 1e-3},
		{name: "rows without votes count 0", t: votes(5000, 7), p: probs(5000, false), normalizeTruth: true, sumTolerance: 1e-3},
		{name: "zero predictions are clipped to eps", t: votes(5000, 0), p: probs(5000, true), normalizeTruth: true},
		{name: "distributions as given", t: distributions, p: probs(3000, false)},
		{name: "perfect predictions", t: distributions, p: distributions},
		{name: "rows that do not sum to 1", t: votes(100, 0), p: probs(100, true), normalizeTruth: true, sumTolerance: 1e-3,
			wantType: core.TypeSubmissionInvalid},
		{name: "a million rows", t: votes(largeN(), 0), p: probs(largeN(), false), normalizeTruth: true, sumTolerance: 1e-3},
	}
	b := newSklearnBatch(t)
	wants := make([]*refResult, len(tests))
	for i, tc := range tests {
		n := len(tc.t) / k
		kw := map[string]any{"eps": 1e-15, "normalize_truth": tc.normalizeTruth, "sum_tolerance": tc.sumTolerance}
		wants[i] = b.call("kl_divergence", kw, b.floats(tc.t, n, k), b.floats(tc.p, n, k))
	}
	b.runFormulas()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := KLDivergence(tc.t, tc.p, k, KLOptions{Eps: 1e-15, NormalizeTruth: tc.normalizeTruth, SumTolerance: tc.sumTolerance})
			assertMatchesSklearn(t, got, err, wants[i], tc.wantType)
		})
	}
}

func TestKLDivergence_NegativeVoteIsGroundTruthError(t *testing.T) {
	_, err := KLDivergence([]float64{1, 0, 0, -1}, []float64{0.5, 0.5, 0.5, 0.5}, 2, KLOptions{Eps: 1e-15, NormalizeTruth: true})
	if row, ok := ErrorRow(err); !ok || row != 1 || core.TypeOf(err) != core.TypeGroundTruth {
		t.Errorf("got %v; want a ground_truth error about row 1", err)
	}
}
