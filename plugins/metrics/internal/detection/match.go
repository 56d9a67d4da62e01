package detection

import (
	"cmp"
	"slices"
)

// Matrix holds the IoU of every true object (row) with every prediction (column) of one image,
// row-major. For ByConfidence matching the columns must be in descending confidence order.
type Matrix struct {
	Truth, Pred int
	IoU         []float64
}

// NewMatrix fills a matrix with iou(i, j) for true object i and prediction j.
func NewMatrix(truth, pred int, iou func(i, j int) float64) Matrix {
	m := Matrix{Truth: truth, Pred: pred, IoU: make([]float64, truth*pred)}
	for i := range truth {
		for j := range pred {
			m.IoU[i*pred+j] = iou(i, j)
		}
	}
	return m
}

// Matching says how predictions claim true objects at a threshold.
type Matching uint8

const (
	// GreedyIoU repeatedly pairs the unmatched true object and prediction of highest IoU, while
	// that IoU reaches the threshold; ties go to the lowest true object, then the lowest
	// prediction (Airbus Ship Detection).
	GreedyIoU Matching = iota
	// ByConfidence walks the predictions in column order (descending confidence); each claims the
	// unmatched true object of highest IoU that reaches the threshold, the first on ties (Global
	// Wheat Detection).
	ByConfidence
)

// Counts are an image's true positives, false positives and false negatives at one threshold.
type Counts struct{ TP, FP, FN int }

// Match counts matches at each threshold.
func (m Matrix) Match(thresholds []float64, how Matching) []Counts {
	out := make([]Counts, len(thresholds))
	if m.Truth == 0 || m.Pred == 0 {
		for i := range out {
			out[i] = Counts{FP: m.Pred, FN: m.Truth}
		}
		return out
	}
	var pairs []int // indexes into IoU, best first, for GreedyIoU
	if how == GreedyIoU {
		lowest := slices.Min(thresholds)
		for k, v := range m.IoU {
			if v >= lowest {
				pairs = append(pairs, k)
			}
		}
		slices.SortStableFunc(pairs, func(a, b int) int { return cmp.Compare(m.IoU[b], m.IoU[a]) })
	}
	truthUsed := make([]bool, m.Truth)
	predUsed := make([]bool, m.Pred)
	for ti, t := range thresholds {
		clear(truthUsed)
		clear(predUsed)
		tp := 0
		if how == GreedyIoU {
			for _, k := range pairs {
				if m.IoU[k] < t {
					break
				}
				i, j := k/m.Pred, k%m.Pred
				if truthUsed[i] || predUsed[j] {
					continue
				}
				truthUsed[i], predUsed[j] = true, true
				tp++
			}
		} else {
			for j := range m.Pred {
				best, bestIoU := -1, 0.0
				for i := range m.Truth {
					if truthUsed[i] {
						continue
					}
					if v := m.IoU[i*m.Pred+j]; v >= t && v > bestIoU {
						best, bestIoU = i, v
					}
				}
				if best >= 0 {
					truthUsed[best] = true
					tp++
				}
			}
		}
		out[ti] = Counts{TP: tp, FP: m.Pred - tp, FN: m.Truth - tp}
	}
	return out
}

// Precision is the DSB and Global Wheat "precision" TP / (TP + FP + FN); 0 when all are 0.
func (c Counts) Precision() float64 {
	d := c.TP + c.FP + c.FN
	if d == 0 {
		return 0
	}
	return float64(c.TP) / float64(d)
}

// FBeta is (1+β²)TP / ((1+β²)TP + β²FN + FP); 0 when all are 0.
func (c Counts) FBeta(beta float64) float64 {
	b2 := beta * beta
	num := (1 + b2) * float64(c.TP)
	d := num + b2*float64(c.FN) + float64(c.FP)
	if d == 0 {
		return 0
	}
	return num / d
}

// SortByConfidence returns the order of detections by descending confidence, stable on ties, as
// Python's sorted(..., reverse=True) orders them.
func SortByConfidence(conf []float64) []int {
	idx := make([]int, len(conf))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(conf[b], conf[a]) })
	return idx
}
