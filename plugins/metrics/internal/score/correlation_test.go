package score

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
)

func TestCorrelations_MatchScipy(t *testing.T) {
	r := newRand(111)
	x := normals(r, 10_000)
	noisy := make([]float64, len(x))
	for i, v := range x {
		noisy[i] = v + 0.8*r.NormFloat64()
	}
	reversed := make([]float64, len(x))
	for i, v := range x {
		reversed[i] = -3 * v
	}
	tiedX, tiedY := rounded(x, 0.5), rounded(noisy, 0.5)
	grades := make([]float64, len(x))
	for i := range grades {
		grades[i] = float64(r.IntN(3))
	}
	big := normals(r, largeN())
	bigNoisy := make([]float64, len(big))
	for i, v := range big {
		bigNoisy[i] = math.Round((v+r.NormFloat64())*100) / 100
	}
	tests := []struct {
		name         string
		yTrue, yPred []float64
		wantErr      core.ErrorType
	}{
		{name: "continuous values", yTrue: x, yPred: noisy},
		{name: "fewer rows than the radix threshold", yTrue: x[:300], yPred: noisy[:300]},
		{name: "perfectly reversed", yTrue: x, yPred: reversed},
		{name: "heavy ties on both sides", yTrue: tiedX, yPred: tiedY},
		{name: "three grades against continuous scores", yTrue: grades, yPred: noisy},
		{name: "negative zero ties zero", yTrue: []float64{0, math.Copysign(0, -1), 1, 2}, yPred: []float64{3, 1, 2, 5}},
		{name: "two rows", yTrue: []float64{1, 2}, yPred: []float64{5, 3}},
		{name: "three rows", yTrue: []float64{1, 2, 3}, yPred: []float64{1, 3, 2}},
		{name: "a million rows with ties", yTrue: big, yPred: bigNoisy},
		{name: "constant predictions are undefined", yTrue: x[:100], yPred: constant(100, 0.5), wantErr: core.TypeSubmissionInvalid},
		{name: "constant ground truth is undefined", yTrue: constant(100, 2), yPred: x[:100], wantErr: core.TypeEvaluation},
	}
	b := newKaggleBatch(t)
	type want struct{ pearson, spearman, kendall *refResult }
	wants := make([]want, len(tests))
	for i, tc := range tests {
		yt, yp := b.floats(tc.yTrue), b.floats(tc.yPred)
		wants[i] = want{b.call("pearsonr", nil, yt, yp), b.call("spearmanr", nil, yt, yp), b.call("kendalltau", nil, yt, yp)}
	}
	runKaggle(b)
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Pearson(tc.yTrue, tc.yPred)
			assertMatchesSklearn(t, got, err, wants[i].pearson, tc.wantErr)
			got, err = Spearman(tc.yTrue, tc.yPred)
			assertMatchesSklearn(t, got, err, wants[i].spearman, tc.wantErr)
			got, err = KendallTau(tc.yTrue, tc.yPred)
			assertMatchesSklearn(t, got, err, wants[i].kendall, tc.wantErr)
		})
	}
}

func TestCorrelations_UndefinedIsDistinguishable(t *testing.T) {
	for name, fn := range map[string]func([]float64, []float64) (float64, error){"pearson": Pearson, "spearman": Spearman, "kendall": KendallTau} {
		_, err := fn([]float64{1, 2, 3}, []float64{4, 4, 4})
		if !errors.Is(err, ErrUndefinedCorrelation) {
			t.Errorf("%s on constant predictions: %v; want ErrUndefinedCorrelation", name, err)
		}
		_, err = fn([]float64{1}, []float64{4})
		assertErrorType(t, err, core.TypeEvaluation)
		if errors.Is(err, ErrUndefinedCorrelation) {
			t.Errorf("%s on one row: %v is not a constant-input case", name, err)
		}
		_, err = fn([]float64{1, 2}, []float64{math.NaN(), 1})
		assertErrorType(t, err, core.TypeSubmissionInvalid)
	}
}

func TestSpearmanRows_MatchesScipyPerRow(t *testing.T) {
	r := newRand(112)
	var perms, tiedRows, undefined [2][]string
	for range 3_000 {
		truth := make([]float64, 5)
		pred := make([]float64, 5)
		for j, p := range r.Perm(5) {
			truth[j] = float64(j + 1)
			pred[j] = float64(p + 1)
		}
		perms[0] = append(perms[0], numbersList(truth))
		perms[1] = append(perms[1], numbersList(pred))
		for j := range pred {
			pred[j] = float64(r.IntN(3))
		}
		pred[0], pred[1] = 0, 1 // never constant
		tiedRows[0] = append(tiedRows[0], numbersList(truth))
		tiedRows[1] = append(tiedRows[1], numbersList(pred))
	}
	undefined[0] = append([]string(nil), perms[0][:50]...)
	undefined[1] = append([]string(nil), perms[1][:50]...)
	undefined[1][7] = "3 3 3 3 3"
	zero := 0.0
	tests := []struct {
		name        string
		rows        [2][]string
		undefinedAs *float64
		wantErr     core.ErrorType
	}{
		{name: "permutations of five", rows: perms},
		{name: "predictions with ties", rows: tiedRows},
		{name: "a constant row scored as 0", rows: undefined, undefinedAs: &zero},
		{name: "a constant row is an error by default", rows: undefined, wantErr: core.TypeSubmissionInvalid},
	}
	b := newKaggleBatch(t)
	wants := make([]*refResult, len(tests))
	for i, tc := range tests {
		var kw map[string]any
		if tc.undefinedAs != nil {
			kw = map[string]any{"undefined_as": *tc.undefinedAs}
		}
		wants[i] = b.call("spearman_rows", kw, strs(tc.rows[0]), strs(tc.rows[1]))
	}
	runKaggle(b)
	parse := func(rows []string) [][]float64 {
		out := make([][]float64, len(rows))
		for i, s := range rows {
			for _, f := range strings.Fields(s) {
				v, _ := strconv.ParseFloat(f, 64)
				out[i] = append(out[i], v)
			}
		}
		return out
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SpearmanRows(parse(tc.rows[0]), parse(tc.rows[1]), tc.undefinedAs)
			assertMatchesSklearn(t, got, err, wants[i], tc.wantErr)
			if tc.wantErr != "" {
				if row, ok := ErrorRow(err); !ok || row != 7 {
					t.Errorf("error %v names row %d (%v); want row 7", err, row, ok)
				}
			}
		})
	}
}

func TestSpearmanRows_RejectsListsOfOtherLengths(t *testing.T) {
	_, err := SpearmanRows([][]float64{{1, 2, 3}, {1, 2}}, [][]float64{{1, 2, 3}, {1, 2, 3}}, nil)
	assertErrorType(t, err, core.TypeSubmissionInvalid)
	if row, ok := ErrorRow(err); !ok || row != 1 {
		t.Errorf("error %v names row %d; want row 1", err, row)
	}
}

func TestPooledOrderTau_MatchesAI4CodeMetric(t *testing.T) {
	r := newRand(113)
	var actual, predicted []string
	for range 2_000 {
		m := 1 + r.IntN(40) // includes single-cell notebooks and lists past the linear-scan limit
		cells := make([]string, m)
		for j := range cells {
			cells[j] = "c" + strconv.Itoa(j) + "x"
		}
		actual = append(actual, strings.Join(cells, " "))
		pred := make([]string, m)
		copy(pred, cells)
		// Partly shuffled: swap a few neighbours, sometimes everything.
		if r.IntN(4) == 0 {
			r.Shuffle(m, func(a, b int) { pred[a], pred[b] = pred[b], pred[a] })
		} else {
			for range r.IntN(m + 1) {
				j := r.IntN(m)
				k := min(m-1, j+1)
				pred[j], pred[k] = pred[k], pred[j]
			}
		}
		predicted = append(predicted, strings.Join(pred, "  "))
	}
	tests := []struct {
		name              string
		actual, predicted []string
	}{
		{name: "partly shuffled notebooks", actual: actual, predicted: predicted},
		{name: "perfect orders", actual: actual, predicted: actual},
		{name: "only single cells", actual: []string{"a", "b"}, predicted: []string{"a", "b"}},
		{name: "reversed", actual: []string{"a b c d"}, predicted: []string{"d c b a"}},
	}
	b := newKaggleBatch(t)
	wants := make([]*refResult, len(tests))
	for i, tc := range tests {
		wants[i] = b.call("ai4code_tau", nil, strs(tc.actual), strs(tc.predicted))
	}
	runKaggle(b)
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := PooledOrderTau(tc.actual, tc.predicted)
			assertClose(t, got, err, wants[i])
		})
	}
}

func TestPooledOrderTau_RejectsOrdersThatAreNotPermutations(t *testing.T) {
	long := strings.Fields("a b c d e f g h i j k l m n o p q r s t")
	tests := []struct {
		name              string
		actual, predicted string
		want              core.ErrorType
	}{
		{"a missing cell", "a b c", "a b", core.TypeSubmissionInvalid},
		{"an unknown cell", "a b c", "a b z", core.TypeSubmissionInvalid},
		{"a repeated cell", "a b c", "a b b", core.TypeSubmissionInvalid},
		{"a repeated cell in a long order", strings.Join(long, " "), strings.Join(append(long[:19:19], "a"), " "), core.TypeSubmissionInvalid},
		{"a cell repeated in the truth", "a b a", "a b a", core.TypeGroundTruth},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := PooledOrderTau([]string{"x", tc.actual}, []string{"x", tc.predicted})
			assertErrorType(t, err, tc.want)
			if row, ok := ErrorRow(err); !ok || row != 1 {
				t.Errorf("error %v names row %d; want row 1", err, row)
			}
		})
	}
}

func TestCountInversions_CountsEveryPair(t *testing.T) {
	r := newRand(114)
	for _, n := range []int{0, 1, 2, 15, 16, 17, 100, 1000} {
		seq := make([]int32, n)
		for i := range seq {
			seq[i] = int32(r.IntN(n/2 + 1))
		}
		var want int64
		for i := range seq {
			for j := i + 1; j < n; j++ {
				if seq[i] > seq[j] {
					want++
				}
			}
		}
		if got := countInversions(seq, make([]int32, n)); got != want {
			t.Errorf("n=%d: %d inversions, want %d", n, got, want)
		}
	}
}
