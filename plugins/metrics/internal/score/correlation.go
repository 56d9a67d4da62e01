package score

import (
	"errors"
	"fmt"
	"math"

	"github.com/mledojo/dojo/core"
)

// ErrUndefinedCorrelation is wrapped by the error a correlation returns when one side is constant
// (scipy warns and returns NaN there), so a caller that scores such a case as a fixed value, as some
// competitions do, can tell it from other errors with errors.Is.
var ErrUndefinedCorrelation = errors.New("the correlation is undefined")

// Pearson returns scipy.stats.pearsonr(yTrue, yPred).statistic (scipy 1.10): the covariance of the
// two columns over the product of their standard deviations, clipped to [-1, 1]. Means and sums of
// products are compensated sums, so the result agrees with scipy's to about 1e-15 relative.
//
// Fewer than two rows is TypeEvaluation (scipy raises). Where scipy returns NaN because a column is
// constant, Pearson returns an error wrapping ErrUndefinedCorrelation: TypeEvaluation when the ground
// truth is constant (checked first), TypeSubmissionInvalid when the predictions are.
func Pearson(yTrue, yPred []float64) (float64, error) {
	if err := checkCorrelation(yTrue, yPred); err != nil {
		return 0, err
	}
	return pearson(yTrue, yPred[:len(yTrue)]), nil
}

// Spearman returns scipy.stats.spearmanr(yTrue, yPred).statistic (scipy 1.10): the Pearson
// correlation of the two columns' ranks, tied values sharing their average rank (rankdata's
// "average" method). Errors are as for Pearson.
func Spearman(yTrue, yPred []float64) (float64, error) {
	if err := checkCorrelation(yTrue, yPred); err != nil {
		return 0, err
	}
	n := len(yTrue)
	var s sortScratch
	rt, rp := make([]float64, n), make([]float64, n)
	s.averageRanks(yTrue, rt)
	s.averageRanks(yPred[:n], rp)
	return pearson(rt, rp), nil
}

// SpearmanRows returns the mean over rows of each row's Spearman correlation, for competitions whose
// rows each hold a short list of values (a ranking of a few images, say): yTrue[i] and yPred[i] are
// row i's lists, of equal length. A row whose correlation is undefined (a list of fewer than two
// values, or a constant one) makes the result an error wrapping ErrUndefinedCorrelation, naming the
// row, unless undefinedAs is not nil, when the row scores *undefinedAs instead.
//
// Lists of unequal lengths are TypeSubmissionInvalid, naming the row.
func SpearmanRows(yTrue, yPred [][]float64, undefinedAs *float64) (float64, error) {
	if err := checkRows(len(yTrue), len(yPred)); err != nil {
		return 0, err
	}
	var s sortScratch
	var rt, rp []float64
	var sum compensatedSum
	for i, t := range yTrue {
		p := yPred[i]
		if len(p) != len(t) {
			return 0, core.Errorf(core.TypeSubmissionInvalid, "prediction at %w lists %d values; the ground truth lists %d",
				&RowError{i}, len(p), len(t)).
				WithCauses("write one value per item of the row, in the ground truth's item order")
		}
		if err := checkTruthFinite(t, 1); err != nil {
			return 0, err
		}
		if err := checkPredictionsFinite(p, 1); err != nil {
			return 0, err
		}
		if err := checkDefined(t, p, i); err != nil {
			if undefinedAs == nil {
				return 0, err
			}
			sum.add(*undefinedAs)
			continue
		}
		rt, rp = grow(rt, len(t)), grow(rp, len(p))
		s.averageRanks(t, rt)
		s.averageRanks(p, rp)
		sum.add(pearson(rt, rp))
	}
	return sum.value() / float64(len(yTrue)), nil
}

// checkCorrelation applies the checks every correlation shares: equal lengths, at least two rows,
// finite values, and neither side constant.
func checkCorrelation(yTrue, yPred []float64) error {
	if err := checkRows(len(yTrue), len(yPred)); err != nil {
		return err
	}
	if len(yTrue) < 2 {
		return core.Errorf(core.TypeEvaluation, "a correlation needs at least two rows, got %d", len(yTrue))
	}
	if err := checkTruthFinite(yTrue, 1); err != nil {
		return err
	}
	if err := checkPredictionsFinite(yPred, 1); err != nil {
		return err
	}
	return checkDefined(yTrue, yPred, -1)
}

// checkDefined reports a constant column, or fewer than two values, as scipy's NaN cases. row is the
// row of a per-row correlation, or -1 for a correlation over a whole column.
func checkDefined(yTrue, yPred []float64, row int) error {
	var e *core.Error
	switch {
	case len(yTrue) < 2:
		e = core.Errorf(core.TypeEvaluation, "%v: the ground truth%s holds fewer than two values", ErrUndefinedCorrelation, atRow(row))
	case constantColumn(yTrue):
		e = core.Errorf(core.TypeEvaluation, "%v: the ground truth%s is constant", ErrUndefinedCorrelation, atRow(row))
	case constantColumn(yPred):
		e = core.Errorf(core.TypeSubmissionInvalid, "%v: the predictions%s are constant", ErrUndefinedCorrelation, atRow(row)).
			WithCauses("a constant prediction has no order to correlate; predict values that vary")
	default:
		return nil
	}
	e.Err = ErrUndefinedCorrelation
	if row >= 0 {
		e.Err = errors.Join(ErrUndefinedCorrelation, &RowError{row})
	}
	return e
}

// atRow names row in a message, or nothing for -1.
func atRow(row int) string {
	if row < 0 {
		return ""
	}
	return fmt.Sprintf(" at row %d", row)
}

func constantColumn(xs []float64) bool {
	for _, x := range xs[1:] {
		if x != xs[0] {
			return false
		}
	}
	return true
}

// pearson computes the clipped correlation of two columns of equal length, at least two rows,
// neither constant. Two rows give ±1 exactly, as scipy's special case does.
func pearson(x, y []float64) float64 {
	n := len(x)
	y = y[:n]
	if n == 2 {
		return sign(x[1]-x[0]) * sign(y[1]-y[0])
	}
	var sx, sy compensatedSum
	for i, v := range x {
		sx.add(v)
		sy.add(y[i])
	}
	mx, my := sx.value()/float64(n), sy.value()/float64(n)
	var sxy, sxx, syy compensatedSum
	for i, v := range x {
		dx, dy := v-mx, y[i]-my
		sxy.add(float64(dx * dy))
		sxx.add(float64(dx * dx))
		syy.add(float64(dy * dy))
	}
	r := sxy.value() / math.Sqrt(sxx.value()) / math.Sqrt(syy.value())
	return max(-1, min(1, r))
}

func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// grow returns xs resized to n, reusing its storage when it is large enough.
func grow[T any](xs []T, n int) []T {
	if cap(xs) < n {
		return make([]T, n)
	}
	return xs[:n]
}

// sortScratch holds the buffers of an argsort, reused from call to call.
type sortScratch struct {
	keys, keyScratch    []uint64
	order, orderScratch []uint32
}

// argsort sorts xs's positions by value, ascending and stable; it returns the positions and their
// sorted keys (scoreKey of each value), valid until the next call.
func (s *sortScratch) argsort(xs []float64) (order []uint32, keys []uint64) {
	n := len(xs)
	s.keys, s.order = grow(s.keys, n), grow(s.order, n)
	for i, x := range xs {
		s.keys[i] = scoreKey(x)
		s.order[i] = uint32(i)
	}
	s.sortPairs()
	return s.order, s.keys
}

// sortPairs sorts s.keys ascending, carrying s.order along; stable.
func (s *sortScratch) sortPairs() {
	n := len(s.keys)
	if n < radixMinLen {
		insertionSortPairs(s.keys, s.order)
		return
	}
	s.keyScratch, s.orderScratch = grow(s.keyScratch, n), grow(s.orderScratch, n)
	radixSortPairs(s.keys, s.order, s.keyScratch, s.orderScratch)
}

// averageRanks fills ranks with scipy.stats.rankdata(xs) ("average"): 1-based ranks, tied values
// sharing the mean of the ranks they span, which is a whole or half number and so exact.
func (s *sortScratch) averageRanks(xs, ranks []float64) {
	order, keys := s.argsort(xs)
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j] == keys[i] {
			j++
		}
		r := float64(i+1+j) / 2
		for _, o := range order[i:j] {
			ranks[o] = r
		}
		i = j
	}
}
