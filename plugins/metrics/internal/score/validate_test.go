package score

import (
	"math"
	"testing"

	"github.com/mledojo/dojo/core"
)

func TestMetrics_RejectInvalidInputWithTypedErrors(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name string
		call func() (float64, error)
		want core.ErrorType
	}{
		{name: "accuracy with mismatched lengths", call: func() (float64, error) { return Accuracy([]string{"a"}, nil) }, want: core.TypeInvalidArgument},
		{name: "accuracy with no rows", call: func() (float64, error) { return Accuracy(nil, nil) }, want: core.TypeEvaluation},
		{name: "F1 with an unknown average", call: func() (float64, error) { return F1([]string{"a"}, []string{"a"}, "samples", "a") }, want: core.TypeInvalidArgument},
		{name: "F1 with no rows", call: func() (float64, error) { return F1(nil, nil, AverageMacro, "") }, want: core.TypeEvaluation},
		{name: "ROC AUC with mismatched lengths", call: func() (float64, error) { return ROCAUC([]float64{0, 1}, []float64{0.5}) }, want: core.TypeInvalidArgument},
		{name: "ROC AUC with a NaN score", call: func() (float64, error) { return ROCAUC([]float64{0, 1}, []float64{0.5, nan}) }, want: core.TypeSubmissionInvalid},
		{name: "ROC AUC with a label of 2", call: func() (float64, error) { return ROCAUC([]float64{0, 2}, []float64{0.5, 0.6}) }, want: core.TypeGroundTruth},
		{name: "one-vs-rest ROC AUC with the binary average", call: func() (float64, error) {
			return ROCAUCOvR([]int{0, 1}, []float64{1, 0, 0, 1}, 2, AverageBinary)
		}, want: core.TypeInvalidArgument},
		{name: "one-vs-rest ROC AUC with one class", call: func() (float64, error) { return ROCAUCOvR([]int{0}, []float64{1}, 1, AverageMacro) }, want: core.TypeInvalidArgument},
		{name: "one-vs-rest ROC AUC with a class index out of range", call: func() (float64, error) {
			return ROCAUCOvR([]int{0, 3}, []float64{1, 0, 0, 1}, 2, AverageMacro)
		}, want: core.TypeGroundTruth},
		{name: "one-vs-rest ROC AUC with an infinite score", call: func() (float64, error) {
			return ROCAUCOvR([]int{0, 1}, []float64{1, 0, inf, 1}, 2, AverageMacro)
		}, want: core.TypeSubmissionInvalid},
		{name: "multilabel ROC AUC with a ragged ground truth", call: func() (float64, error) {
			return ROCAUCMultilabel([]float64{0, 1, 1}, []float64{1, 0, 0}, 2, AverageMacro)
		}, want: core.TypeInvalidArgument},
		{name: "multilabel ROC AUC with zero columns", call: func() (float64, error) { return ROCAUCMultilabel(nil, nil, 0, AverageMacro) }, want: core.TypeInvalidArgument},
		{name: "log loss with a NaN probability", call: func() (float64, error) { return LogLoss([]int{0}, []float64{nan, 1}, 2, DefaultLogLossEps) }, want: core.TypeSubmissionInvalid},
		{name: "log loss with no rows", call: func() (float64, error) { return LogLoss(nil, nil, 2, DefaultLogLossEps) }, want: core.TypeEvaluation},
		{name: "MSE with an infinite ground truth", call: func() (float64, error) { return MSE([]float64{inf}, []float64{1}) }, want: core.TypeGroundTruth},
		{name: "RMSE with a NaN prediction", call: func() (float64, error) { return RMSE([]float64{1}, []float64{nan}) }, want: core.TypeSubmissionInvalid},
		{name: "MAE with mismatched lengths", call: func() (float64, error) { return MAE([]float64{1, 2}, []float64{1}) }, want: core.TypeInvalidArgument},
		{name: "R2 with no rows", call: func() (float64, error) { return R2(nil, nil) }, want: core.TypeEvaluation},
		{name: "RMSLE with a NaN prediction", call: func() (float64, error) { return RMSLE([]float64{1}, []float64{nan}) }, want: core.TypeSubmissionInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.call()
			assertErrorType(t, err, tc.want)
		})
	}
}

func TestInvalidPrediction_NamesRowAndColumn(t *testing.T) {
	_, err := LogLoss([]int{0, 1}, []float64{0.5, 0.5, 0.5, math.Inf(-1)}, 2, DefaultLogLossEps)
	want := "prediction at row 1, column 1 is -Inf; predictions must be finite numbers"
	if e := core.AsError(err); e == nil || e.Message != want {
		t.Errorf("got %v; want message %q", err, want)
	}
}

func TestCompensatedSum_KeepsWhatNaiveSummationLoses(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		want float64
	}{
		{name: "small term between cancelling large ones", xs: []float64{1e16, 1, -1e16}, want: 1},
		{name: "many small terms after a large one", xs: append([]float64{1}, constant(1000, 1e-17)...), want: 1 + 1e-14},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var s compensatedSum
			for _, x := range tc.xs {
				s.add(x)
			}
			if got := s.value(); got != tc.want {
				t.Errorf("got %.17g; want %.17g", got, tc.want)
			}
		})
	}
}
