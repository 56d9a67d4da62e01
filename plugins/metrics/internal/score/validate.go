package score

import (
	"fmt"

	"github.com/mledojo/dojo/core"
)

// checkRows reports rows that the aligning package should have made equal, and empty input, for
// which scikit-learn raises ("Found array with 0 sample(s)").
func checkRows(nTrue, nPred int) error {
	if nTrue != nPred {
		return core.Errorf(core.TypeInvalidArgument, "ground truth has %d rows but predictions have %d", nTrue, nPred)
	}
	if nTrue == 0 {
		return core.Errorf(core.TypeEvaluation, "no rows to score")
	}
	return nil
}

// checkMatrix is checkRows for a row-major prediction matrix of k columns.
func checkMatrix(nTrue, nPred, k int) error {
	if k < 1 {
		return core.Errorf(core.TypeInvalidArgument, "column count must be positive, got %d", k)
	}
	if nPred != nTrue*k {
		return core.Errorf(core.TypeInvalidArgument, "ground truth has %d rows, so %d columns need %d values, but predictions have %d",
			nTrue, k, nTrue*k, nPred)
	}
	if nTrue == 0 {
		return core.Errorf(core.TypeEvaluation, "no rows to score")
	}
	return nil
}

// finite reports whether x is neither NaN nor infinite; x-x is 0 exactly for finite x and NaN otherwise.
func finite(x float64) bool { return x-x == 0 }

// checkPredictionsFinite rejects NaN and infinities as scikit-learn's check_array does. k is the
// column count of a row-major matrix (1 for a column), used only to name the row and column.
func checkPredictionsFinite(xs []float64, k int) error {
	for i, x := range xs {
		if !finite(x) {
			return core.Errorf(core.TypeSubmissionInvalid, "prediction %s is %v; predictions must be finite numbers", cell(i, k), x).
				WithCauses("a NaN or infinity was written to the submission; check the model's output before saving it")
		}
	}
	return nil
}

// checkTruthFinite is checkPredictionsFinite for the ground truth.
func checkTruthFinite(xs []float64, k int) error {
	for i, x := range xs {
		if !finite(x) {
			return core.Errorf(core.TypeGroundTruth, "ground truth %s is %v; it must be a finite number", cell(i, k), x)
		}
	}
	return nil
}

// checkBinaryTruth requires every value to be exactly 0 or 1.
func checkBinaryTruth(ys []float64, k int) error {
	for i, y := range ys {
		if y != 0 && y != 1 {
			return core.Errorf(core.TypeGroundTruth, "ground truth %s is %v; binary labels must be 0 or 1", cell(i, k), y)
		}
	}
	return nil
}

// checkClassTruth requires every class index to lie in [0, k).
func checkClassTruth(ys []int, k int) error {
	for i, y := range ys {
		if y < 0 || y >= k {
			return core.Errorf(core.TypeGroundTruth, "ground truth at row %d is class %d; classes run from 0 to %d", i, y, k-1)
		}
	}
	return nil
}

// cell names the i-th value of a row-major matrix with k columns, or of a column when k is 1.
func cell(i, k int) string {
	if k == 1 {
		return fmt.Sprintf("at row %d", i)
	}
	return fmt.Sprintf("at row %d, column %d", i/k, i%k)
}
