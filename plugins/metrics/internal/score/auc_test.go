package score

import (
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/mledojo/dojo/core"
)

func TestROCAUC_MatchesSklearn(t *testing.T) {
	r := newRand(1)
	random := binaryLabels(r, 10_000, 0.3)
	tied := binaryLabels(r, 10_000, 0.5)
	large := binaryLabels(r, largeN(), 0.1)
	tests := []struct {
		name         string
		yTrue, score []float64
		wantErr      core.ErrorType
	}{
		{name: "continuous scores", yTrue: random, score: noisyScores(r, random)},
		{name: "fewer rows than the radix threshold", yTrue: random[:100], score: noisyScores(r, random[:100])},
		{name: "ties get half credit", yTrue: tied, score: rounded(noisyScores(r, tied), 0.5)},
		{name: "every score equal is 0.5", yTrue: tied, score: constant(len(tied), 0.3)},
		{name: "perfect separation is 1", yTrue: []float64{0, 0, 1, 1}, score: []float64{0.1, 0.2, 0.8, 0.9}},
		{name: "inverted separation is 0", yTrue: []float64{1, 1, 0, 0}, score: []float64{0.1, 0.2, 0.8, 0.9}},
		{name: "single positive", yTrue: []float64{0, 0, 0, 1, 0}, score: []float64{0.5, 0.1, 0.9, 0.5, 0.2}},
		{name: "negative zero ties positive zero", yTrue: []float64{1, 0, 1, 0}, score: []float64{0, math.Copysign(0, -1), -1, 1}},
		{name: "extreme magnitudes", yTrue: []float64{1, 0, 1, 0, 1}, score: []float64{1e300, -1e300, 5e-324, -5e-324, -1e-300}},
		{name: "only negatives is undefined", yTrue: constant(5, 0), score: []float64{1, 2, 3, 4, 5}, wantErr: core.TypeEvaluation},
		{name: "only positives is undefined", yTrue: constant(5, 1), score: []float64{1, 2, 3, 4, 5}, wantErr: core.TypeEvaluation},
		{name: "a million rows with ties", yTrue: large, score: rounded(noisyScores(r, large), 0.001)},
	}
	b := newSklearnBatch(t)
	wants := make([]*refResult, len(tests))
	for i, tc := range tests {
		wants[i] = b.call("roc_auc_score", nil, b.floats(tc.yTrue), b.floats(tc.score))
	}
	b.run()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ROCAUC(tc.yTrue, tc.score)
			assertMatchesSklearn(t, got, err, wants[i], tc.wantErr)
		})
	}
}

func TestROCAUCOvR_MatchesSklearn(t *testing.T) {
	r := newRand(2)
	y3 := classLabels(r, 5_000, 3)
	y5 := classLabels(r, 5_000, 5)
	absent := slices.Clone(y5)
	for i, y := range absent {
		if y == 2 {
			absent[i] = 0
		}
	}
	// Probabilities from a coarse grid tie often: every row is one of a few fixed distributions.
	grid := make([]float64, 0, 3*len(y3))
	for i := range y3 {
		switch (y3[i] + r.IntN(2)) % 3 {
		case 0:
			grid = append(grid, 0.5, 0.25, 0.25)
		case 1:
			grid = append(grid, 0.25, 0.5, 0.25)
		default:
			grid = append(grid, 0, 0, 1)
		}
	}
	unnormalised := probRows(r, y3, 3)
	unnormalised[3*7+1] += 0.01
	large := classLabels(r, largeN(), 3)
	tests := []struct {
		name    string
		yTrue   []int
		scores  []float64
		k       int
		average Average
		wantErr core.ErrorType
	}{
		{name: "macro over three classes", yTrue: y3, scores: probRows(r, y3, 3), k: 3, average: AverageMacro},
		{name: "weighted over five classes", yTrue: y5, scores: probRows(r, y5, 5), k: 5, average: AverageWeighted},
		{name: "micro over five classes", yTrue: y5, scores: probRows(r, y5, 5), k: 5, average: AverageMicro},
		{name: "macro with tied probabilities", yTrue: y3, scores: grid, k: 3, average: AverageMacro},
		{name: "micro with tied probabilities", yTrue: y3, scores: grid, k: 3, average: AverageMicro},
		{name: "macro with a class absent from the ground truth is undefined", yTrue: absent, scores: probRows(r, absent, 5), k: 5, average: AverageMacro, wantErr: core.TypeEvaluation},
		{name: "weighted with a class absent from the ground truth is undefined", yTrue: absent, scores: probRows(r, absent, 5), k: 5, average: AverageWeighted, wantErr: core.TypeEvaluation},
		{name: "micro with a class absent from the ground truth is defined", yTrue: absent, scores: probRows(r, absent, 5), k: 5, average: AverageMicro},
		{name: "rows that do not sum to 1 are invalid", yTrue: y3, scores: unnormalised, k: 3, average: AverageMacro, wantErr: core.TypeSubmissionInvalid},
		{name: "a million rows", yTrue: large, scores: probRows(r, large, 3), k: 3, average: AverageMacro},
	}
	b := newSklearnBatch(t)
	wants := make([]*refResult, len(tests))
	for i, tc := range tests {
		kwargs := map[string]any{"multi_class": "ovr", "labels": rangeLabels(tc.k), "average": string(tc.average)}
		wants[i] = b.call("roc_auc_score", kwargs, b.ints(tc.yTrue), b.floats(tc.scores, len(tc.yTrue), tc.k))
	}
	b.run()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ROCAUCOvR(tc.yTrue, tc.scores, tc.k, tc.average)
			assertMatchesSklearn(t, got, err, wants[i], tc.wantErr)
		})
	}
}

func TestROCAUCMultilabel_MatchesSklearn(t *testing.T) {
	r := newRand(3)
	const k = 4
	indicator := func(n int) []float64 {
		ys := make([]float64, n*k)
		for i := range ys {
			if r.Float64() < 0.1*float64(1+i%k) {
				ys[i] = 1
			}
		}
		return ys
	}
	y := indicator(5_000)
	emptyColumn := slices.Clone(y)
	for i := 2; i < len(emptyColumn); i += k {
		emptyColumn[i] = 0
	}
	large := indicator(largeN() / k)
	tests := []struct {
		name          string
		yTrue, scores []float64
		average       Average
		wantErr       core.ErrorType
	}{
		{name: "macro is the column-wise mean", yTrue: y, scores: noisyScores(r, y), average: AverageMacro},
		{name: "weighted by positives per column", yTrue: y, scores: noisyScores(r, y), average: AverageWeighted},
		{name: "micro over every cell", yTrue: y, scores: noisyScores(r, y), average: AverageMicro},
		{name: "macro with tied scores", yTrue: y, scores: rounded(noisyScores(r, y), 0.25), average: AverageMacro},
		{name: "a column without positives is undefined", yTrue: emptyColumn, scores: noisyScores(r, y), average: AverageMacro, wantErr: core.TypeEvaluation},
		{name: "a million cells", yTrue: large, scores: noisyScores(r, large), average: AverageMacro},
	}
	b := newSklearnBatch(t)
	wants := make([]*refResult, len(tests))
	for i, tc := range tests {
		n := len(tc.yTrue) / k
		wants[i] = b.call("roc_auc_score", map[string]any{"average": string(tc.average)},
			b.floats(tc.yTrue, n, k), b.floats(tc.scores, n, k))
	}
	b.run()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ROCAUCMultilabel(tc.yTrue, tc.scores, k, tc.average)
			assertMatchesSklearn(t, got, err, wants[i], tc.wantErr)
		})
	}
}

// sklearn's weighted average returns 0 when no column has a positive; an undefined AUC is an error here.
func TestROCAUCMultilabel_NoPositivesAnywhereIsEvaluationError(t *testing.T) {
	for _, average := range []Average{AverageMacro, AverageWeighted, AverageMicro} {
		t.Run(string(average), func(t *testing.T) {
			_, err := ROCAUCMultilabel(constant(6, 0), []float64{1, 2, 3, 4, 5, 6}, 2, average)
			assertErrorType(t, err, core.TypeEvaluation)
		})
	}
}

func TestROCAUCOvR_TwoClassesAverageBothColumns(t *testing.T) {
	tests := []struct {
		name    string
		average Average
	}{
		{name: "macro", average: AverageMacro},
		{name: "weighted", average: AverageWeighted},
	}
	yTrue := []int{0, 1, 1, 0, 1}
	scores := []float64{0.75, 0.25, 0.5, 0.5, 0.125, 0.875, 0.625, 0.375, 0.25, 0.75}
	col1 := []float64{0.25, 0.5, 0.875, 0.375, 0.75}
	want, err := ROCAUC([]float64{0, 1, 1, 0, 1}, col1)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ROCAUCOvR(yTrue, scores, 2, tc.average)
			if err != nil || !closeTo(got, want) {
				t.Errorf("got %v, %v; want %v (ROCAUC of column 1)", got, err, want)
			}
		})
	}
}

func TestRadixSort_OrdersLikeNumericSort(t *testing.T) {
	r := newRand(4)
	special := []float64{0, math.Copysign(0, -1), 1, -1, math.MaxFloat64, -math.MaxFloat64, 5e-324, -5e-324, 1e-300, -1e300}
	for _, n := range []int{0, 1, 7, radixMinLen - 1, radixMinLen, 10_000} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			xs := normals(r, n)
			for i := range xs {
				switch i % 5 {
				case 0:
					xs[i] = special[r.IntN(len(special))]
				case 1:
					xs[i] = math.Round(xs[i]) // ties
				}
			}
			keys := make([]uint64, n)
			for i, x := range xs {
				keys[i] = scoreKey(x)
			}
			radixSort(keys, make([]uint64, n))
			slices.Sort(xs)
			for i, x := range xs {
				if keys[i] != scoreKey(x) {
					t.Fatalf("position %d holds key %#x; want the key of %v, %#x", i, keys[i], x, scoreKey(x))
				}
			}
		})
	}
}

func TestScoreKey_TiesOnlyEqualScores(t *testing.T) {
	tests := []struct {
		name string
		a, b float64
		want int
	}{
		{name: "negative zero ties positive zero", a: math.Copysign(0, -1), b: 0, want: 0},
		{name: "negative below positive", a: -1, b: 1, want: -1},
		{name: "more negative below less negative", a: -2, b: -1, want: -1},
		{name: "smallest subnormal above zero", a: 0, b: 5e-324, want: -1},
		{name: "largest finite above one", a: 1, b: math.MaxFloat64, want: -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ka, kb := scoreKey(tc.a), scoreKey(tc.b)
			got := 0
			switch {
			case ka < kb:
				got = -1
			case ka > kb:
				got = 1
			}
			if got != tc.want {
				t.Errorf("key order of %v and %v is %d; want %d", tc.a, tc.b, got, tc.want)
			}
		})
	}
}
