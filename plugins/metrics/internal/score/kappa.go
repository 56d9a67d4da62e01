package score

import (
	"math/big"

	"github.com/mledojo/dojo/core"
)

// QuadraticWeightedKappa returns Cohen's kappa with quadratic weights between two integer ratings
// per row: 1 - Σ w·O / Σ w·E, with O the confusion matrix, E the outer product of its marginals over
// the row count, and w(i, j) = (i - j)².
//
// The ratings are the values the weights see. For sklearn.metrics.cohen_kappa_score(weights=
// "quadratic") pass each label's index in the sorted union of both columns' labels (sklearn weighs by
// that index, not the label's value); for Kaggle's quadratic_weighted_kappa with a fixed rating range,
// pass the ratings themselves (labels=range(min, max+1) in sklearn), since ratings neither column
// uses contribute nothing and an offset cancels.
//
// No matrix is built: Σ w·O is Σ (a-b)² over rows and n·Σ w·E expands to n·Σa² + n·Σb² - 2·Σa·Σb,
// so the result is computed exactly from integer sums and rounded once. When every row of both
// columns holds one and the same rating, kappa is 0/0 (sklearn returns NaN): TypeEvaluation.
func QuadraticWeightedKappa(yTrue, yPred []int) (float64, error) {
	if err := checkRows(len(yTrue), len(yPred)); err != nil {
		return 0, err
	}
	yPred = yPred[:len(yTrue)]
	// 128-bit accumulators would do; big.Int keeps it obviously overflow-free for any rating range.
	var sa, sb, saa, sbb, sd big.Int
	var a64, b64, aa64, bb64, d64 int64
	const flushAt = 1 << 20 // rows between flushes; keeps the int64 partial sums far from overflow for ratings below 2^20
	var t big.Int
	flush := func() {
		sa.Add(&sa, t.SetInt64(a64))
		sb.Add(&sb, t.SetInt64(b64))
		saa.Add(&saa, t.SetInt64(aa64))
		sbb.Add(&sbb, t.SetInt64(bb64))
		sd.Add(&sd, t.SetInt64(d64))
		a64, b64, aa64, bb64, d64 = 0, 0, 0, 0, 0
	}
	for i, a := range yTrue {
		b := yPred[i]
		if a < -maxRating || a > maxRating || b < -maxRating || b > maxRating {
			return 0, core.Errorf(core.TypeInvalidArgument, "ratings at %w are %d and %d; ratings must lie within ±%d", &RowError{i}, a, b, maxRating)
		}
		a64 += int64(a)
		b64 += int64(b)
		aa64 += int64(a) * int64(a)
		bb64 += int64(b) * int64(b)
		d := int64(a - b)
		d64 += d * d
		if (i+1)%flushAt == 0 {
			flush()
		}
	}
	flush()
	n := big.NewInt(int64(len(yTrue)))
	// den = n·Σa² + n·Σb² - 2·Σa·Σb; num = n·Σ(a-b)²; kappa = (den - num) / den.
	var den, num, x big.Int
	den.Mul(n, &saa)
	den.Add(&den, x.Mul(n, &sbb))
	x.Mul(&sa, &sb)
	den.Sub(&den, x.Lsh(&x, 1))
	num.Mul(n, &sd)
	if den.Sign() == 0 {
		return 0, core.Errorf(core.TypeEvaluation, "kappa is undefined: the ground truth and the predictions hold one and the same rating throughout")
	}
	kappa, _ := new(big.Rat).SetFrac(num.Sub(&den, &num), &den).Float64()
	return kappa, nil
}

// maxRating bounds the ratings QuadraticWeightedKappa accepts, so its per-row arithmetic cannot
// overflow: squares stay below 2^40 and a million of them below 2^60.
const maxRating = 1 << 20
