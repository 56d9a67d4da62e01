package score

import (
	"math"

	"github.com/mledojo/dojo/core"
)

// WeightedROCAUC returns the TPR-banded weighted ROC AUC of Kaggle's ALASKA2 and Flavours of Physics
// competitions: the ROC curve of score against the 0/1 labels in yTrue is cut into horizontal bands
// [thresholds[b], thresholds[b+1]] of true positive rate; band b's area under the curve, counted from
// the band's floor (∫ clip(tpr, lo, hi) - lo d fpr), is weighted by weights[b], and the sum divided by
// Σ weights[b]·(hi - lo), so a perfect ranking scores 1. With thresholds [0, 1] and weights [1] it is
// the plain ROC AUC.
//
// The curve is sklearn's roc_curve, tied scores forming one diagonal step, and the areas are exact
// for that piecewise-linear curve. Kaggle's published graders (roc_auc_truncated, which integrates
// the curve's vertices clipped to each band, and ALASKA2's) agree with it except where a diagonal
// step, a tie between a positive and a negative score, crosses a band edge.
//
// thresholds must ascend within [0, 1], weights be finite, not negative, one per band and not all
// zero (TypeInvalidArgument). Labels, scores and the one-class case are as for ROCAUC.
func WeightedROCAUC(yTrue, score []float64, thresholds, weights []float64) (float64, error) {
	norm, err := checkBands(thresholds, weights)
	if err != nil {
		return 0, err
	}
	keys, scratch, nPos, err := keysByClass(yTrue, score)
	if err != nil {
		return 0, err
	}
	pos, neg := keys[:nPos], keys[nPos:]
	if len(pos) == 0 || len(neg) == 0 {
		return 0, errOneClass("")
	}
	radixSort(pos, scratch)
	radixSort(neg, scratch)
	areas := make([]compensatedSum, len(weights))
	nP, nN := float64(len(pos)), float64(len(neg))
	// Walk the scores from the highest down; each distinct score is one vertex of the curve.
	ip, in := len(pos)-1, len(neg)-1
	tp, fp := 0, 0
	for ip >= 0 || in >= 0 {
		var s uint64
		switch {
		case ip < 0:
			s = neg[in]
		case in < 0:
			s = pos[ip]
		default:
			s = max(pos[ip], neg[in])
		}
		tp0, fp0 := tp, fp
		for ip >= 0 && pos[ip] == s {
			ip--
			tp++
		}
		for in >= 0 && neg[in] == s {
			in--
			fp++
		}
		if fp == fp0 {
			continue // a vertical step: no area
		}
		dx := float64(fp-fp0) / nN
		y0, y1 := float64(tp0)/nP, float64(tp)/nP
		for b := range areas {
			areas[b].add(bandArea(dx, y0, y1, thresholds[b], thresholds[b+1]))
		}
	}
	var total float64
	for b, a := range areas {
		total += weights[b] * a.value()
	}
	return total / norm, nil
}

// bandArea is ∫ (clip(y, lo, hi) - lo) dx over a segment of width dx on which y rises linearly from
// y0 to y1.
func bandArea(dx, y0, y1, lo, hi float64) float64 {
	c0, c1 := min(max(y0, lo), hi), min(max(y1, lo), hi)
	if y1 == y0 {
		return dx * (c0 - lo)
	}
	dy := y1 - y0
	tLo := min(max((lo-y0)/dy, 0), 1)
	tHi := min(max((hi-y0)/dy, 0), 1)
	return dx * ((tHi-tLo)*((c0+c1)/2-lo) + (1-tHi)*(hi-lo))
}

// checkBands validates the bands and returns the normalisation Σ weights[b]·(hi - lo).
func checkBands(thresholds, weights []float64) (float64, error) {
	if len(thresholds) < 2 || len(weights) != len(thresholds)-1 {
		return 0, core.Errorf(core.TypeInvalidArgument, "weighted ROC AUC needs n+1 TPR thresholds for n weights, got %d thresholds and %d weights",
			len(thresholds), len(weights))
	}
	var norm float64
	for b, w := range weights {
		lo, hi := thresholds[b], thresholds[b+1]
		if !(lo >= 0 && hi > lo && hi <= 1) {
			return 0, core.Errorf(core.TypeInvalidArgument, "TPR thresholds must ascend within [0, 1], got %v", thresholds)
		}
		if !(w >= 0) || math.IsInf(w, 1) {
			return 0, core.Errorf(core.TypeInvalidArgument, "band weights must be finite and not negative, got %v", weights)
		}
		norm += w * (hi - lo)
	}
	if norm == 0 {
		return 0, core.Errorf(core.TypeInvalidArgument, "band weights %v are all zero", weights)
	}
	return norm, nil
}
