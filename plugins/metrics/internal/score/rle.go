package score

import (
	"math"
	"slices"
	"strconv"

	"github.com/mledojo/dojo/core"
)

// RLEFBetaOptions say how RLEFBeta scores rows where precision or recall is 0/0.
type RLEFBetaOptions struct {
	// Beta weighs recall Beta times as much as precision; it must be positive.
	Beta float64
	// EmptyPrecision is a row's precision when it predicts no pixel, EmptyRecall its recall when its
	// truth holds none (Vesuvius Ink Detection scores both as 1).
	EmptyPrecision, EmptyRecall float64
}

// RLEFBeta returns the mean over rows of the F-beta score of each row's predicted pixel set against
// its true one, both run-length encoded as white-space separated "start length" pairs of positive
// integers (1-based pixel numbers, as Kaggle's segmentation competitions write masks); an empty value
// is an empty mask. Per row, precision = TP/(TP+FP) and recall = TP/(TP+FN) over pixels, with the
// options' values for 0/0, and F = (1+β²)·p·r / (β²·p + r), 0 when that denominator is 0.
//
// Runs are compared as intervals, never expanded to pixels. A value that is not pairs of positive
// integers, or that covers a pixel twice, is TypeSubmissionInvalid naming the row (TypeGroundTruth in
// the truth).
func RLEFBeta(yTrue, yPred []string, opts RLEFBetaOptions) (float64, error) {
	if !(opts.Beta > 0) || math.IsInf(opts.Beta, 1) {
		return 0, core.Errorf(core.TypeInvalidArgument, "beta must be a positive number, got %v", opts.Beta)
	}
	if err := checkRows(len(yTrue), len(yPred)); err != nil {
		return 0, err
	}
	yPred = yPred[:len(yTrue)]
	b2 := opts.Beta * opts.Beta
	var toks []string
	var truth, pred []interval
	var sum compensatedSum
	for i, t := range yTrue {
		var err error
		if truth, toks, err = decodeRLE(truth[:0], toks, t, i, core.TypeGroundTruth); err != nil {
			return 0, err
		}
		if pred, toks, err = decodeRLE(pred[:0], toks, yPred[i], i, core.TypeSubmissionInvalid); err != nil {
			return 0, err
		}
		nTrue, nPred, tp := totalLength(truth), totalLength(pred), overlap(truth, pred)
		precision, recall := opts.EmptyPrecision, opts.EmptyRecall
		if nPred > 0 {
			precision = float64(tp) / float64(nPred)
		}
		if nTrue > 0 {
			recall = float64(tp) / float64(nTrue)
		}
		sum.add(fbetaOf(precision, recall, b2))
	}
	return sum.value() / float64(len(yTrue)), nil
}

// interval is the half-open range [lo, hi) of integers.
type interval struct{ lo, hi int64 }

// decodeRLE appends the runs of s to dst as sorted, non-overlapping intervals.
func decodeRLE(dst []interval, toks []string, s string, row int, t core.ErrorType) ([]interval, []string, error) {
	toks = appendFields(toks[:0], s)
	if len(toks)%2 != 0 {
		return dst, toks, rleError(t, row, "holds %d numbers; run-length encodings are start-length pairs", len(toks))
	}
	for j := 0; j < len(toks); j += 2 {
		start, err1 := strconv.ParseInt(toks[j], 10, 64)
		length, err2 := strconv.ParseInt(toks[j+1], 10, 64)
		if err1 != nil || err2 != nil || start < 1 || length < 1 || start > math.MaxInt64/2 || length > math.MaxInt64/2 {
			return dst, toks, rleError(t, row, "has the run %q %q; starts and lengths must be positive integers", toks[j], toks[j+1])
		}
		dst = append(dst, interval{start, start + length})
	}
	slices.SortFunc(dst, func(a, b interval) int {
		switch {
		case a.lo < b.lo:
			return -1
		case a.lo > b.lo:
			return 1
		}
		return 0
	})
	for j := 1; j < len(dst); j++ {
		if dst[j].lo < dst[j-1].hi {
			return dst, toks, rleError(t, row, "covers pixel %d twice; runs must not overlap", dst[j].lo)
		}
	}
	return dst, toks, nil
}

func rleError(t core.ErrorType, row int, format string, args ...any) error {
	side := "prediction"
	if t == core.TypeGroundTruth {
		side = "ground truth"
	}
	e := core.Errorf(t, "the %s mask at %w "+format, append([]any{side, &RowError{row}}, args...)...)
	if t == core.TypeSubmissionInvalid {
		e = e.WithCauses("encode each mask as space-separated 'start length' pairs, 1-based, runs in any order but not overlapping")
	}
	return e
}

// totalLength is the number of integers the sorted, disjoint intervals cover.
func totalLength(xs []interval) int64 {
	var n int64
	for _, x := range xs {
		n += x.hi - x.lo
	}
	return n
}

// overlap is the number of integers two sorted lists of disjoint intervals share.
func overlap(a, b []interval) int64 {
	var n int64
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		lo, hi := max(a[i].lo, b[j].lo), min(a[i].hi, b[j].hi)
		if hi > lo {
			n += hi - lo
		}
		if a[i].hi < b[j].hi {
			i++
		} else {
			j++
		}
	}
	return n
}
