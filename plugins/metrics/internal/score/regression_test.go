package score

import (
	"math"
	"testing"

	"github.com/mledojo/dojo/core"
)

// regressionMetrics pairs each regression function with the sklearn call it must agree with.
var regressionMetrics = []struct {
	name    string
	fn      func(yTrue, yPred []float64) (float64, error)
	sklearn string
	kwargs  map[string]any
	sqrt    bool
}{
	{name: "MSE", fn: MSE, sklearn: "mean_squared_error"},
	{name: "RMSE", fn: RMSE, sklearn: "mean_squared_error", kwargs: map[string]any{"squared": false}},
	{name: "MAE", fn: MAE, sklearn: "mean_absolute_error"},
	{name: "R2", fn: R2, sklearn: "r2_score"},
	{name: "RMSLE", fn: RMSLE, sklearn: "mean_squared_log_error", sqrt: true},
}

func TestRegression_MatchesSklearn(t *testing.T) {
	r := newRand(9)
	positive := func(n int) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = r.ExpFloat64() * 100
		}
		return xs
	}
	perturbed := func(ys []float64, scale float64) []float64 {
		out := make([]float64, len(ys))
		for i, y := range ys {
			out[i] = math.Abs(y + scale*r.NormFloat64())
		}
		return out
	}
	offset := func(ys []float64, by float64) []float64 {
		out := make([]float64, len(ys))
		for i, y := range ys {
			out[i] = y + by
		}
		return out
	}
	y := positive(10_000)
	large := positive(largeN())
	withZeros := positive(1000)
	for i := 0; i < len(withZeros); i += 3 {
		withZeros[i] = 0
	}
	tests := []struct {
		name         string
		yTrue, yPred []float64
		rmsleErr     core.ErrorType // RMSLE's error; the other metrics take any finite values
	}{
		{name: "noisy predictions", yTrue: y, yPred: perturbed(y, 10)},
		{name: "perfect predictions", yTrue: y, yPred: y},
		{name: "constant predictions", yTrue: y, yPred: constant(len(y), 42)},
		{name: "zeros in both columns", yTrue: withZeros, yPred: perturbed(withZeros, 1)},
		{name: "large offset where naive sums cancel", yTrue: offset(y, 1e9), yPred: offset(perturbed(y, 1), 1e9)},
		{name: "exactly constant ground truth, imperfect predictions", yTrue: constant(100, 2), yPred: perturbed(constant(100, 2), 1)},
		{name: "exactly constant ground truth, perfect predictions", yTrue: constant(100, 2), yPred: constant(100, 2)},
		{name: "negative values", yTrue: normals(r, 1000), yPred: normals(r, 1000), rmsleErr: core.TypeGroundTruth},
		{name: "negative prediction", yTrue: y, yPred: offset(y, -1), rmsleErr: core.TypeSubmissionInvalid},
		{name: "a million rows", yTrue: large, yPred: perturbed(large, 30)},
	}
	b := newSklearnBatch(t)
	wants := make([][]*refResult, len(tests))
	for i, tc := range tests {
		yTrue, yPred := b.floats(tc.yTrue), b.floats(tc.yPred)
		for _, m := range regressionMetrics {
			call := b.call
			if m.sqrt {
				call = b.callSqrt
			}
			wants[i] = append(wants[i], call(m.sklearn, m.kwargs, yTrue, yPred))
		}
	}
	b.run()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for j, m := range regressionMetrics {
				t.Run(m.name, func(t *testing.T) {
					var wantErr core.ErrorType
					if m.name == "RMSLE" {
						wantErr = tc.rmsleErr
					}
					got, err := m.fn(tc.yTrue, tc.yPred)
					assertMatchesSklearn(t, got, err, wants[i][j], wantErr)
				})
			}
		})
	}
}

// sklearn's mean of a constant that is not a binary fraction can miss it by an ulp, which turns a zero
// total sum of squares into 1e-30 and R² into -1e25; R2 detects the constant exactly instead.
func TestR2_ConstantGroundTruthFollowsForceFinite(t *testing.T) {
	tests := []struct {
		name  string
		value float64
		n     int
		miss  float64
		want  float64
	}{
		{name: "perfect predictions score 1", value: 0.1, n: 1_000_001, want: 1},
		{name: "any miss scores 0", value: 0.1, n: 1_000_001, miss: 1, want: 0},
		{name: "a tiny miss scores 0", value: 1.0 / 3, n: 10, miss: 1e-12, want: 0},
		// Even an exactly rounded sum of 25 copies, divided by 25, misses this value by an ulp.
		{name: "a constant whose float mean misses it scores 0", value: 6.047654075331631, n: 25, miss: 1, want: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			yPred := constant(tc.n, tc.value)
			yPred[0] += tc.miss
			got, err := R2(constant(tc.n, tc.value), yPred)
			if err != nil || got != tc.want {
				t.Errorf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestR2_FewerThanTwoRowsIsEvaluationError(t *testing.T) {
	_, err := R2([]float64{1}, []float64{1})
	assertErrorType(t, err, core.TypeEvaluation)
}

func TestRMSLE_NamesFirstNegativeRow(t *testing.T) {
	tests := []struct {
		name         string
		yTrue, yPred []float64
		wantType     core.ErrorType
		wantMessage  string
	}{
		{name: "prediction", yTrue: []float64{1, 2, 3, 4}, yPred: []float64{1, 2, -0.5, -1},
			wantType: core.TypeSubmissionInvalid, wantMessage: "prediction at row 2 is -0.5; RMSLE needs non-negative predictions"},
		{name: "ground truth before prediction", yTrue: []float64{1, -2, 3}, yPred: []float64{-1, 2, 3},
			wantType: core.TypeGroundTruth, wantMessage: "ground truth at row 1 is -2; RMSLE needs non-negative targets"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := RMSLE(tc.yTrue, tc.yPred)
			e := core.AsError(err)
			if e == nil || e.Type != tc.wantType || e.Message != tc.wantMessage {
				t.Errorf("got %v; want %s: %s", err, tc.wantType, tc.wantMessage)
			}
		})
	}
}

func TestRMSLE_NegativeZeroIsNotNegative(t *testing.T) {
	got, err := RMSLE([]float64{0, 1}, []float64{math.Copysign(0, -1), 1})
	if err != nil || got != 0 {
		t.Errorf("got %v, %v; want 0", got, err)
	}
}
