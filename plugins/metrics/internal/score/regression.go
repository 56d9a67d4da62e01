package score

import (
	"fmt"
	"math"

	"github.com/mledojo/dojo/core"
)

// MSE returns sklearn.metrics.mean_squared_error: the mean of (yTrue-yPred)².
func MSE(yTrue, yPred []float64) (float64, error) {
	if err := checkRegression(yTrue, yPred); err != nil {
		return 0, err
	}
	return sumSquaredError(yTrue, yPred) / float64(len(yTrue)), nil
}

// RMSE returns sklearn.metrics.mean_squared_error(squared=False): the square root of MSE.
func RMSE(yTrue, yPred []float64) (float64, error) {
	mse, err := MSE(yTrue, yPred)
	return math.Sqrt(mse), err
}

// MAE returns sklearn.metrics.mean_absolute_error: the mean of |yTrue-yPred|.
func MAE(yTrue, yPred []float64) (float64, error) {
	if err := checkRegression(yTrue, yPred); err != nil {
		return 0, err
	}
	yPred = yPred[:len(yTrue)]
	var s compensatedSum
	for i, y := range yTrue {
		s.add(math.Abs(y - yPred[i]))
	}
	return s.value() / float64(len(yTrue)), nil
}

// RMSLE returns the square root of sklearn.metrics.mean_squared_log_error: the root mean square of
// ln(1+yTrue) - ln(1+yPred).
//
// sklearn 1.2 raises ValueError when either column holds a negative value; RMSLE returns
// TypeSubmissionInvalid naming the first negative prediction's row (or TypeGroundTruth for the ground
// truth, which is checked first). -0 is not negative.
func RMSLE(yTrue, yPred []float64) (float64, error) {
	if err := checkRegression(yTrue, yPred); err != nil {
		return 0, err
	}
	for i, y := range yTrue {
		if y < 0 {
			return 0, rowErrorf(core.TypeGroundTruth, i, fmt.Sprintf("ground truth at row %d is %v; RMSLE needs non-negative targets", i, y))
		}
	}
	for i, p := range yPred {
		if p < 0 {
			return 0, rowErrorf(core.TypeSubmissionInvalid, i, fmt.Sprintf("prediction at row %d is %v; RMSLE needs non-negative predictions", i, p)).
				WithCauses("the model can predict below zero; clip predictions at 0 before writing the submission")
		}
	}
	yPred = yPred[:len(yTrue)]
	var s compensatedSum
	for i, y := range yTrue {
		d := math.Log1p(y) - math.Log1p(yPred[i])
		s.add(float64(d * d))
	}
	return math.Sqrt(s.value() / float64(len(yTrue))), nil
}

// R2 returns sklearn.metrics.r2_score with its 1.2 default force_finite=True: 1 - SS_res/SS_tot, except
// that a constant yTrue (SS_tot = 0) scores 1 when the predictions are perfect and 0 otherwise.
//
// Two departures, both where sklearn's answer is an accident: constant yTrue is detected exactly,
// whereas sklearn's float mean of, say, a million copies of 0.1 misses 0.1 by an ulp, leaving SS_tot
// near 1e-30 and a score near -1e25; and fewer than two rows is TypeEvaluation, where sklearn warns
// and returns NaN.
func R2(yTrue, yPred []float64) (float64, error) {
	if err := checkRegression(yTrue, yPred); err != nil {
		return 0, err
	}
	if len(yTrue) < 2 {
		return 0, core.Errorf(core.TypeEvaluation, "R² is not defined for fewer than two rows, got %d", len(yTrue))
	}
	var total compensatedSum
	constant := true
	for _, y := range yTrue {
		total.add(y)
		constant = constant && y == yTrue[0]
	}
	mean := total.value() / float64(len(yTrue))
	residual := sumSquaredError(yTrue, yPred)
	var spread compensatedSum
	if !constant {
		for _, y := range yTrue {
			d := y - mean
			spread.add(float64(d * d))
		}
	}
	switch {
	case residual == 0:
		return 1, nil
	case spread.value() == 0:
		return 0, nil
	}
	return 1 - residual/spread.value(), nil
}

// sumSquaredError returns the sum of (yTrue-yPred)² without checks.
func sumSquaredError(yTrue, yPred []float64) float64 {
	yPred = yPred[:len(yTrue)]
	var s compensatedSum
	for i, y := range yTrue {
		d := y - yPred[i]
		s.add(float64(d * d))
	}
	return s.value()
}

func checkRegression(yTrue, yPred []float64) error {
	if err := checkRows(len(yTrue), len(yPred)); err != nil {
		return err
	}
	if err := checkTruthFinite(yTrue, 1); err != nil {
		return err
	}
	return checkPredictionsFinite(yPred, 1)
}
