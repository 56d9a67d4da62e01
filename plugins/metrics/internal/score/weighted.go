package score

import (
	"fmt"
	"math"

	"github.com/mledojo/dojo/core"
)

// WeightNormalization says what a weighted error sum is divided by.
type WeightNormalization string

const (
	// NormalizeWeightSum divides by the sum of the weights: a weighted mean (Walmart's WMAE).
	NormalizeWeightSum WeightNormalization = "weight_sum"
	// NormalizeCount divides by the row count (Winton's 1/n Σ w|y-ŷ|).
	NormalizeCount WeightNormalization = "count"
)

// WeightedMAE returns Σ w|yTrue-yPred| divided as normalize says. Weights must be finite and not
// negative (TypeGroundTruth naming the row otherwise); under NormalizeWeightSum they must not all be
// 0, where the mean is 0/0 (TypeEvaluation).
func WeightedMAE(yTrue, yPred, weights []float64, normalize WeightNormalization) (float64, error) {
	if err := checkRegression(yTrue, yPred); err != nil {
		return 0, err
	}
	if len(weights) != len(yTrue) {
		return 0, core.Errorf(core.TypeInvalidArgument, "ground truth has %d rows but weights have %d", len(yTrue), len(weights))
	}
	if normalize != NormalizeWeightSum && normalize != NormalizeCount {
		return 0, core.Errorf(core.TypeInvalidArgument, "weighted MAE does not support normalization %q; use %q or %q",
			normalize, NormalizeWeightSum, NormalizeCount)
	}
	for i, w := range weights {
		if !finite(w) || w < 0 {
			return 0, rowErrorf(core.TypeGroundTruth, i, fmt.Sprintf("weight at row %d is %v; weights must be finite and not negative", i, w))
		}
	}
	yPred = yPred[:len(yTrue)]
	weights = weights[:len(yTrue)]
	var s, total compensatedSum
	for i, y := range yTrue {
		s.add(float64(weights[i] * math.Abs(y-yPred[i])))
		total.add(weights[i])
	}
	denominator := float64(len(yTrue))
	if normalize == NormalizeWeightSum {
		denominator = total.value()
		if denominator == 0 {
			return 0, core.Errorf(core.TypeEvaluation, "every weight is 0, so the weighted mean is undefined")
		}
	}
	return finiteScore("weighted MAE", s.value()/denominator)
}
