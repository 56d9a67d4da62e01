package score

import (
	"math"

	"github.com/mledojo/dojo/core"
)

// DefaultLogLossEps is scikit-learn 1.2's default clipping bound for float64 probabilities:
// eps="auto", which is np.finfo(np.float64).eps = 2^-52 ≈ 2.22e-16. Releases before 1.2, and many
// Kaggle evaluation scripts, used 1e-15; pass that for those competitions.
const DefaultLogLossEps = 0x1p-52

// LogLoss returns sklearn.metrics.log_loss(yTrue, probs, eps=eps, labels=range(k)): yTrue holds
// class indices in [0, k) and probs is a row-major n×k matrix of predicted probabilities.
//
// It follows sklearn 1.2's steps: clip every probability to [eps, 1-eps], divide each row by its
// clipped sum, and average -ln p over the true classes. Values outside [0, 1] are clipped as sklearn
// clips them, not rejected; NaN and infinities are TypeSubmissionInvalid. Because the columns are the
// classes 0..k-1, a class absent from yTrue is fine here, where sklearn without labels would raise.
// k must be at least 2 and eps within [0, 0.5]; eps 0 lets a confident mistake score +Inf, as in sklearn.
func LogLoss(yTrue []int, probs []float64, k int, eps float64) (float64, error) {
	if k < 2 {
		return 0, core.Errorf(core.TypeInvalidArgument, "log loss needs at least 2 classes, got %d", k)
	}
	if err := checkEps(eps); err != nil {
		return 0, err
	}
	if err := checkMatrix(len(yTrue), len(probs), k); err != nil {
		return 0, err
	}
	if err := checkClassTruth(yTrue, k); err != nil {
		return 0, err
	}
	if err := checkPredictionsFinite(probs, k); err != nil {
		return 0, err
	}
	lo, hi := eps, 1-eps
	var loss compensatedSum
	for i, y := range yTrue {
		row := probs[i*k : i*k+k]
		var sum float64
		for _, p := range row {
			sum += min(max(p, lo), hi)
		}
		loss.add(-math.Log(min(max(row[y], lo), hi) / sum))
	}
	return loss.value() / float64(len(yTrue)), nil
}

// BinaryLogLoss returns sklearn.metrics.log_loss(yTrue, p, eps=eps, labels=[0, 1]) for yTrue of 0 or
// 1 and p the predicted probability of class 1, with sklearn 1.2's arithmetic: clip p to
// [eps, 1-eps], form the row (1-p, p), divide it by its sum and average -ln of the true class's entry.
//
// With labels=[0, 1] a ground truth of one class only is scored; sklearn without labels raises there.
// Errors are as for LogLoss, plus TypeGroundTruth for a label other than 0 or 1.
func BinaryLogLoss(yTrue, p []float64, eps float64) (float64, error) {
	if err := checkEps(eps); err != nil {
		return 0, err
	}
	if err := checkRows(len(yTrue), len(p)); err != nil {
		return 0, err
	}
	if err := checkBinaryTruth(yTrue, 1); err != nil {
		return 0, err
	}
	if err := checkPredictionsFinite(p, 1); err != nil {
		return 0, err
	}
	lo, hi := eps, 1-eps
	p = p[:len(yTrue)]
	var loss compensatedSum
	for i, y := range yTrue {
		pos := min(max(p[i], lo), hi)
		neg := 1 - pos
		// The row sum is not always exactly 1 in floating point; sklearn divides by it, so do we.
		sum := neg + pos
		if y == 1 {
			loss.add(-math.Log(pos / sum))
		} else {
			loss.add(-math.Log(neg / sum))
		}
	}
	return loss.value() / float64(len(yTrue)), nil
}

func checkEps(eps float64) error {
	if !(eps >= 0 && eps <= 0.5) {
		return core.Errorf(core.TypeInvalidArgument, "log loss clipping bound eps must lie in [0, 0.5], got %v", eps)
	}
	return nil
}
