package score

import (
	"fmt"
	"math"

	"github.com/mledojo/dojo/core"
)

// ROCAUC returns sklearn.metrics.roc_auc_score for binary labels: yTrue holds 0 or 1 per row and
// score any finite number, higher meaning more likely positive.
//
// The area is computed exactly from integer counts, as the Mann-Whitney U statistic with half credit
// for each positive and negative that tie, which is the trapezoid sklearn integrates over its ROC
// curve (sklearn's floating-point steps agree to about 1e-16). When yTrue holds only one class the AUC
// is undefined: ROCAUC returns TypeEvaluation where sklearn raises ValueError, since the ground truth,
// not the submission, makes it so. A label other than 0 or 1 is TypeGroundTruth; a NaN or infinite
// score is TypeSubmissionInvalid.
func ROCAUC(yTrue, score []float64) (float64, error) {
	keys, scratch, nPos, err := keysByClass(yTrue, score)
	if err != nil {
		return 0, err
	}
	auc, ok := sortedAUC(keys, scratch, nPos)
	if !ok {
		return 0, errOneClass("")
	}
	return auc, nil
}

// ROCAUCOvR returns sklearn.metrics.roc_auc_score(yTrue, scores, multi_class="ovr",
// labels=range(k), average=average): yTrue holds class indices in [0, k) and scores is a row-major
// n×k matrix of class probabilities. AverageMacro (sklearn's default) is the mean over classes of each
// class's one-vs-rest AUC, AverageWeighted weights each class by its count in yTrue, and AverageMicro
// is one AUC over every cell of the matrix.
//
// As in sklearn, each row must sum to 1 within np.allclose's tolerance (|1-sum| <= 1e-8 + 1e-5·|sum|),
// else TypeSubmissionInvalid; and a class absent from yTrue (or making up all of it) leaves the macro
// and weighted averages undefined: TypeEvaluation. k must be at least 2. sklearn refuses k = 2 on this
// path (it scores a two-class problem as ROCAUC of column 1); here k = 2 averages the two columns.
func ROCAUCOvR(yTrue []int, scores []float64, k int, average Average) (float64, error) {
	if err := checkAverage("one-vs-rest ROC AUC", average, AverageMacro, AverageWeighted, AverageMicro); err != nil {
		return 0, err
	}
	if k < 2 {
		return 0, core.Errorf(core.TypeInvalidArgument, "one-vs-rest ROC AUC needs at least 2 classes, got %d", k)
	}
	if err := checkMatrix(len(yTrue), len(scores), k); err != nil {
		return 0, err
	}
	if err := checkClassTruth(yTrue, k); err != nil {
		return 0, err
	}
	if err := checkPredictionsFinite(scores, k); err != nil {
		return 0, err
	}
	if err := checkRowsSumToOne(scores, k); err != nil {
		return 0, err
	}
	n := len(yTrue)
	if average == AverageMicro {
		// One positive cell per row, k-1 negatives: both classes are always present.
		buf := make([]uint64, 2*n*k)
		keys, scratch := buf[:n*k], buf[n*k:]
		nPos, last := 0, n*k
		for i, y := range yTrue {
			for j, s := range scores[i*k : i*k+k] {
				if j == y {
					keys[nPos] = scoreKey(s)
					nPos++
				} else {
					last--
					keys[last] = scoreKey(s)
				}
			}
		}
		auc, _ := sortedAUC(keys, scratch, nPos)
		return auc, nil
	}
	buf := make([]uint64, 2*n)
	keys, scratch := buf[:n], buf[n:]
	var sum, weights float64
	for j := range k {
		nPos, last := 0, n
		for i, y := range yTrue {
			key := scoreKey(scores[i*k+j])
			if y == j {
				keys[nPos] = key
				nPos++
			} else {
				last--
				keys[last] = key
			}
		}
		auc, ok := sortedAUC(keys, scratch, nPos)
		if !ok {
			return 0, errOneClass(fmt.Sprintf(" for class %d", j))
		}
		sum, weights = accumulateAverage(average, sum, weights, auc, nPos)
	}
	return sum / weights, nil
}

// ROCAUCMultilabel returns sklearn.metrics.roc_auc_score(yTrue, scores, average=average) for a
// multilabel indicator ground truth: yTrue and scores are row-major n×k matrices, yTrue holding 0 or
// 1. AverageMacro is the mean column-wise AUC by which many Kaggle competitions score (one binary AUC
// per target column), AverageWeighted weights each column by its count of positives, and AverageMicro
// is one AUC over every cell.
//
// A column holding only one class leaves the macro and weighted averages undefined: TypeEvaluation.
// That holds even when no column has a positive, where sklearn's weighted average returns 0 without
// looking at the columns.
func ROCAUCMultilabel(yTrue, scores []float64, k int, average Average) (float64, error) {
	if err := checkAverage("multilabel ROC AUC", average, AverageMacro, AverageWeighted, AverageMicro); err != nil {
		return 0, err
	}
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
	if average == AverageMicro {
		return ROCAUC(yTrue, scores)
	}
	n := len(yTrue) / k
	buf := make([]uint64, 2*n)
	keys, scratch := buf[:n], buf[n:]
	var sum, weights float64
	for j := range k {
		nPos, last := 0, n
		for i := j; i < len(yTrue); i += k {
			key := scoreKey(scores[i])
			if yTrue[i] == 1 {
				keys[nPos] = key
				nPos++
			} else {
				last--
				keys[last] = key
			}
		}
		auc, ok := sortedAUC(keys, scratch, nPos)
		if !ok {
			return 0, errOneClass(fmt.Sprintf(" in column %d", j))
		}
		sum, weights = accumulateAverage(average, sum, weights, auc, nPos)
	}
	return sum / weights, nil
}

// accumulateAverage adds one class's AUC to a macro or weighted average in the making, as
// np.average(scores, weights=positives) sums it.
func accumulateAverage(average Average, sum, weights, auc float64, nPos int) (float64, float64) {
	if average == AverageWeighted {
		return sum + auc*float64(nPos), weights + float64(nPos)
	}
	return sum + auc, weights + 1
}

// sortedAUC sorts the positives' keys, keys[:nPos], and the negatives', keys[nPos:], and returns the
// AUC; ok is false when either class is empty. scratch must be as long as keys.
func sortedAUC(keys, scratch []uint64, nPos int) (auc float64, ok bool) {
	pos, neg := keys[:nPos], keys[nPos:]
	if len(pos) == 0 || len(neg) == 0 {
		return 0, false
	}
	radixSort(pos, scratch)
	radixSort(neg, scratch)
	return float64(twiceMannWhitneyU(pos, neg)) / (2 * float64(len(pos)) * float64(len(neg))), true
}

// twiceMannWhitneyU returns 2U for sorted positive and negative keys: for every positive, two points
// per negative scored lower and one per negative scored the same. Counting doubled keeps it an
// integer; it fits a uint64 for any input under four billion rows.
func twiceMannWhitneyU(pos, neg []uint64) uint64 {
	var u uint64
	below := 0 // negatives scored below pos[i]
	for i := 0; i < len(pos); {
		s := pos[i]
		same := i + 1
		for same < len(pos) && pos[same] == s {
			same++
		}
		for below < len(neg) && neg[below] < s {
			below++
		}
		tied := below
		for tied < len(neg) && neg[tied] == s {
			tied++
		}
		u += uint64(same-i) * uint64(below+tied)
		i, below = same, tied
	}
	return u
}

// checkRowsSumToOne applies sklearn's np.allclose(1, scores.sum(axis=1)) test for multiclass AUC.
func checkRowsSumToOne(scores []float64, k int) error {
	for i := 0; i < len(scores); i += k {
		var sum float64
		for _, s := range scores[i : i+k] {
			sum += s
		}
		if math.Abs(1-sum) > 1e-8+1e-5*math.Abs(sum) {
			return core.Errorf(core.TypeSubmissionInvalid,
				"row %d's class probabilities sum to %v; one-vs-rest ROC AUC needs rows that sum to 1", i/k, sum).
				WithCauses("the submission holds raw scores or logits rather than probabilities; apply softmax before writing it")
		}
	}
	return nil
}

func errOneClass(where string) error {
	return core.Errorf(core.TypeEvaluation, "ROC AUC is undefined: the ground truth%s holds only one class", where).
		WithCauses("the scored rows of the ground truth are all positive or all negative")
}

// keysByClass checks a binary problem's inputs and returns the scores as sortable keys, positives
// first (keys[:nPos]) and negatives after, with scratch space of the same size for radix sorting.
func keysByClass(yTrue, score []float64) (keys, scratch []uint64, nPos int, err error) {
	if err := checkRows(len(yTrue), len(score)); err != nil {
		return nil, nil, 0, err
	}
	if err := checkBinaryTruth(yTrue, 1); err != nil {
		return nil, nil, 0, err
	}
	if err := checkPredictionsFinite(score, 1); err != nil {
		return nil, nil, 0, err
	}
	n := len(yTrue)
	buf := make([]uint64, 2*n)
	keys, scratch = buf[:n], buf[n:]
	score = score[:n]
	last := n
	for i, y := range yTrue {
		if y == 1 {
			keys[nPos] = scoreKey(score[i])
			nPos++
		} else {
			last--
			keys[last] = scoreKey(score[i])
		}
	}
	return keys, scratch, nPos, nil
}
