package score

import (
	"math"

	"github.com/mledojo/dojo/core"
)

// RescaledLogLoss returns the multi-class log loss in the order Kaggle's text gives it (and The
// Nature Conservancy Fisheries Monitoring's grader computes it): each row of probs is divided by its
// sum (a row summing to 0 is left as it is), then clipped to [eps, 1-eps] with no second
// normalisation, and the score is the mean over rows of -ln p of the true class. LogLoss, like
// sklearn, clips first and renormalises after; the two differ only for probabilities below eps.
//
// yTrue holds class indices in [0, k). A negative probability is TypeSubmissionInvalid, since
// rescaling cannot make sense of it; NaN and infinities too.
func RescaledLogLoss(yTrue []int, probs []float64, k int, eps float64) (float64, error) {
	if err := checkRescaled(yTrue, probs, k, eps); err != nil {
		return 0, err
	}
	var loss compensatedSum
	for i, y := range yTrue {
		loss.add(-math.Log(rescaledProb(probs[i*k:i*k+k], y, eps)))
	}
	return loss.value() / float64(len(yTrue)), nil
}

// BalancedLogLoss returns Kaggle's balanced log loss (ICR - Identifying Age-Related Conditions): the
// probabilities are rescaled and clipped as in RescaledLogLoss, -ln p of the true class is averaged
// within each class, and the per-class means are averaged with equal weight, so each class counts as
// much however rare it is. A class no row holds contributes 0 to that average (and still counts in
// its divisor, k), as the competition's grader computes it.
func BalancedLogLoss(yTrue []int, probs []float64, k int, eps float64) (float64, error) {
	if err := checkRescaled(yTrue, probs, k, eps); err != nil {
		return 0, err
	}
	losses := make([]compensatedSum, k)
	counts := make([]int, k)
	for i, y := range yTrue {
		losses[y].add(-math.Log(rescaledProb(probs[i*k:i*k+k], y, eps)))
		counts[y]++
	}
	var sum float64
	for c, l := range losses {
		if counts[c] > 0 {
			sum += l.value() / float64(counts[c])
		}
	}
	return sum / float64(k), nil
}

// rescaledProb is row[y] divided by the row's sum (unless that is 0), clipped to [eps, 1-eps].
func rescaledProb(row []float64, y int, eps float64) float64 {
	var sum float64
	for _, p := range row {
		sum += p
	}
	p := row[y]
	if sum != 0 {
		p /= sum
	}
	return min(max(p, eps), 1-eps)
}

func checkRescaled(yTrue []int, probs []float64, k int, eps float64) error {
	if k < 2 {
		return core.Errorf(core.TypeInvalidArgument, "log loss needs at least 2 classes, got %d", k)
	}
	if err := checkEps(eps); err != nil {
		return err
	}
	if err := checkMatrix(len(yTrue), len(probs), k); err != nil {
		return err
	}
	if err := checkClassTruth(yTrue, k); err != nil {
		return err
	}
	if err := checkPredictionsFinite(probs, k); err != nil {
		return err
	}
	for i, p := range probs {
		if p < 0 {
			e := core.Errorf(core.TypeSubmissionInvalid, "probability %s is %v; probabilities must not be negative", cell(i, k), p).
				WithCauses("the submission holds scores or logits rather than probabilities; apply softmax before writing it")
			e.Err = &RowError{i / k} // so a caller can name the row's id
			return e
		}
	}
	return nil
}

// LWLRAP returns the label-weighted label-ranking average precision of Kaggle's Freesound Audio
// Tagging 2019: yTrue and scores are row-major n×k matrices (yTrue 0 or 1). For every true label of
// every row, precision is (the row's true labels scored at least as high) / (the row's labels scored
// at least as high), and LWLRAP is the mean of these precisions over all (row, true label) pairs,
// which weights each label by how often it is true. It equals
// sklearn.metrics.label_ranking_average_precision_score(yTrue, scores, sample_weight=yTrue.sum(1)),
// whose treatment of tied scores (a tie counts against the label) it shares; Kaggle's reference code
// broke ties by sort order instead. When no row has a true label it is undefined: TypeEvaluation.
func LWLRAP(yTrue, scores []float64, k int) (float64, error) {
	if k < 1 || len(yTrue)%k != 0 {
		return 0, core.Errorf(core.TypeInvalidArgument, "ground truth of %d values does not fill rows of %d columns", len(yTrue), k)
	}
	if err := checkMatrix(len(yTrue)/k, len(scores), k); err != nil {
		return 0, err
	}
	if err := checkBinaryTruth(yTrue, k); err != nil {
		return 0, err
	}
	if err := checkPredictionsFinite(scores, k); err != nil {
		return 0, err
	}
	var sum compensatedSum
	labels := 0
	for i := 0; i < len(yTrue); i += k {
		truth, row := yTrue[i:i+k], scores[i:i+k]
		for j, t := range truth {
			if t != 1 {
				continue
			}
			s := row[j]
			atLeast, trueAtLeast := 0, 0
			for l, x := range row {
				if x >= s {
					atLeast++
					if truth[l] == 1 {
						trueAtLeast++
					}
				}
			}
			sum.add(float64(trueAtLeast) / float64(atLeast))
			labels++
		}
	}
	if labels == 0 {
		return 0, core.Errorf(core.TypeEvaluation, "LWLRAP is undefined: no row of the ground truth has a true label")
	}
	return sum.value() / float64(labels), nil
}
