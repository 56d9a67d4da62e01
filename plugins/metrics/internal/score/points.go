package score

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/mledojo/dojo/core"
)

// PointInBoxF1 returns the F1 of Kaggle's Kuzushiji Recognition competition, pooled over rows: each
// row's truth lists boxes as white-space separated "label X Y W H" groups, and its prediction points
// as "label x y" groups. Taking the predictions in order, each one matches the first box of the row,
// in listed order, that is not yet matched, carries the same label and contains the point
// (X <= x < X+W and Y <= y < Y+H); matched predictions are true positives, the others false
// positives, unmatched boxes false negatives. From the totals, p = TP/(TP+FP), r = TP/(TP+FN) (0 for
// 0/0) and F1 = 2pr/(p+r) (0 for 0/0), except that F1 is 1 when no row has a box or a prediction.
//
// maxPredictions, when positive, caps a row's predictions (the competition allowed 1200). Values
// that are not groups of the right size with finite numbers, negative widths or heights in the truth,
// and rows over the cap are typed errors naming the row.
func PointInBoxF1(yTrue, yPred []string, maxPredictions int) (float64, error) {
	if err := checkRows(len(yTrue), len(yPred)); err != nil {
		return 0, err
	}
	yPred = yPred[:len(yTrue)]
	var toks []string
	var boxes []box
	var byLabel []labelRef // the boxes sorted by label, then listed order
	var matched []bool
	var tp, fp, fn int
	for i, t := range yTrue {
		toks = appendFields(toks[:0], t)
		if len(toks)%5 != 0 {
			return 0, core.Errorf(core.TypeGroundTruth, "the ground truth at %w holds %d values; boxes are 'label X Y W H' groups", &RowError{i}, len(toks))
		}
		boxes = boxes[:0]
		for j := 0; j < len(toks); j += 5 {
			var b box
			var ok bool
			b.label = toks[j]
			if b.x, ok = finiteNumber(toks[j+1]); ok {
				if b.y, ok = finiteNumber(toks[j+2]); ok {
					if b.w, ok = finiteNumber(toks[j+3]); ok {
						b.h, ok = finiteNumber(toks[j+4])
					}
				}
			}
			if !ok || b.w < 0 || b.h < 0 {
				return 0, core.Errorf(core.TypeGroundTruth, "the ground truth at %w has the box %q; X Y W H must be finite numbers, W and H not negative",
					&RowError{i}, toks[j:j+5])
			}
			boxes = append(boxes, b)
		}
		byLabel, matched = grow(byLabel, len(boxes)), grow(matched, len(boxes))
		clear(matched)
		for j := range byLabel {
			byLabel[j] = labelRef{boxes[j].label, int32(j)}
		}
		slices.SortFunc(byLabel, compareLabelRefs)

		toks = appendFields(toks[:0], yPred[i])
		if len(toks)%3 != 0 {
			return 0, core.Errorf(core.TypeSubmissionInvalid, "the prediction at %w holds %d values; predictions are 'label x y' groups", &RowError{i}, len(toks)).
				WithCauses("write each predicted character as its label and the x and y of its centre, separated by spaces")
		}
		if maxPredictions > 0 && len(toks)/3 > maxPredictions {
			return 0, core.Errorf(core.TypeSubmissionInvalid, "the prediction at %w holds %d points; at most %d are allowed per row",
				&RowError{i}, len(toks)/3, maxPredictions).
				WithCauses("keep only the most confident predictions of each row")
		}
		hits := 0
		for j := 0; j < len(toks); j += 3 {
			label := toks[j]
			x, okX := finiteNumber(toks[j+1])
			y, okY := finiteNumber(toks[j+2])
			if !okX || !okY {
				return 0, core.Errorf(core.TypeSubmissionInvalid, "the prediction at %w has the point %q; x and y must be finite numbers",
					&RowError{i}, toks[j:j+3]).
					WithCauses("write each predicted character as its label and the x and y of its centre, separated by spaces")
			}
			first, _ := slices.BinarySearchFunc(byLabel, label, compareRefLabel)
			for _, ref := range byLabel[first:] {
				if ref.label != label {
					break
				}
				b := ref.box
				bx := &boxes[b]
				if !matched[b] && bx.x <= x && x < bx.x+bx.w && bx.y <= y && y < bx.y+bx.h {
					matched[b] = true
					hits++
					break
				}
			}
		}
		tp += hits
		fp += len(toks)/3 - hits
		fn += len(boxes) - hits
	}
	if tp == 0 && fp == 0 && fn == 0 {
		return 1, nil
	}
	return f1Score(tp, tp+fp, tp+fn), nil
}

// labelRef is a box's label and index, sorted to find a label's boxes by binary search.
type labelRef struct {
	label string
	box   int32
}

func compareLabelRefs(a, b labelRef) int {
	if c := cmp.Compare(a.label, b.label); c != 0 {
		return c
	}
	return cmp.Compare(a.box, b.box)
}

func compareRefLabel(r labelRef, label string) int { return cmp.Compare(r.label, label) }

type box struct {
	label      string
	x, y, w, h float64
}

// finiteNumber parses a decimal number as Python's float() would, refusing NaN and infinities.
func finiteNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && finite(f)
}
