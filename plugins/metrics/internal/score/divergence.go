package score

import (
	"fmt"
	"math"

	"github.com/mledojo/dojo/core"
)

// KLOptions are the conventions of KLDivergence.
type KLOptions struct {
	// Eps clips predictions below (to Eps) before the logarithm; they are clipped above at 1. HMS uses
	// 1e-15. It must be positive.
	Eps float64
	// NormalizeTruth divides each truth row by its sum, turning vote counts into a distribution; a
	// row whose votes sum to 0 becomes all zeros and so contributes 0.
	NormalizeTruth bool
	// SumTolerance, when positive, requires every prediction row to sum to 1 within SumTolerance
	// plus 1e-5 (numpy.allclose's default relative tolerance), as HMS's validator does with 1e-3.
	SumTolerance float64
}

// KLDivergence returns the mean over rows of the Kullback-Leibler divergence Σ_c t·log(t/p) between
// the truth row t and the prediction row p, over the k columns of row-major matrices; classes with
// t = 0 contribute 0. This is HMS's metric and Kaggle's kl_divergence with micro averaging.
func KLDivergence(yTrue, yPred []float64, k int, opts KLOptions) (float64, error) {
	if err := checkMatrix(len(yTrue)/max(k, 1), len(yPred), k); err != nil {
		return 0, err
	}
	if len(yTrue) != len(yPred) || len(yTrue)%k != 0 {
		return 0, core.Errorf(core.TypeInvalidArgument, "ground truth has %d values and predictions %d; both must be rows of %d columns",
			len(yTrue), len(yPred), k)
	}
	if !(opts.Eps > 0) || opts.Eps >= 1 || math.IsNaN(opts.SumTolerance) {
		return 0, core.Errorf(core.TypeInvalidArgument, "KL divergence needs 0 < eps < 1 and a sum tolerance, got %v and %v", opts.Eps, opts.SumTolerance)
	}
	if err := checkTruthFinite(yTrue, k); err != nil {
		return 0, err
	}
	if err := checkPredictionsFinite(yPred, k); err != nil {
		return 0, err
	}
	rows := len(yTrue) / k
	for r := range rows {
		for c, v := range yTrue[r*k : r*k+k] {
			if v < 0 {
				return 0, rowErrorf(core.TypeGroundTruth, r, fmt.Sprintf("ground truth at row %d, column %d is %v; votes and probabilities must not be negative",
					r, c, v))
			}
		}
		if opts.SumTolerance > 0 {
			var ps float64
			for _, p := range yPred[r*k : r*k+k] {
				ps += p
			}
			if math.Abs(ps-1) > opts.SumTolerance+1e-5 {
				return 0, rowErrorf(core.TypeSubmissionInvalid, r, fmt.Sprintf("predictions at row %d sum to %v; each row's probabilities must sum to 1", r, ps)).
					WithDetails("tolerance %v", opts.SumTolerance).
					WithCauses("normalise each row (divide by its sum) before writing the submission")
			}
		}
	}
	var s compensatedSum
	for r := range rows {
		t := yTrue[r*k : r*k+k]
		p := yPred[r*k : r*k+k]
		scale := 1.0
		if opts.NormalizeTruth {
			var sum float64
			for _, v := range t {
				sum += v
			}
			if sum == 0 {
				continue
			}
			scale = sum
		}
		for c, v := range t {
			tv := v
			if opts.NormalizeTruth {
				tv = v / scale
			}
			if tv > 0 {
				pv := min(max(p[c], opts.Eps), 1)
				s.add(float64(tv * math.Log(tv/pv)))
			}
		}
	}
	return s.value() / float64(rows), nil
}
