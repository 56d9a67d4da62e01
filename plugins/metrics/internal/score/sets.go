package score

import (
	"slices"
	"strings"

	"github.com/mledojo/dojo/core"
)

// AverageSamples scores each row (sample) on its own and averages the rows, as scikit-learn's
// average="samples" does for multilabel input.
const AverageSamples Average = "samples"

// SetF1 returns sklearn.metrics.f1_score over multilabel rows, each row's labels a white-space
// separated set (Python's str.split(); a label repeated within a row counts once), binarised over
// the union of both columns' labels as MultiLabelBinarizer would:
//   - AverageSamples: the mean over rows of each row's F1 = 2pr/(p+r) with p = |T∩P|/|P| and
//     r = |T∩P|/|T| (0 for 0/0); a row whose truth and prediction are both empty scores bothEmpty
//     (sklearn 1.2 gives 0, several Kaggle "mean F1" graders 1);
//   - AverageMicro: one F1 from the intersections and set sizes summed over rows;
//   - AverageMacro and AverageWeighted: each label's F1 over the rows, averaged, or weighted by how
//     many rows hold the label in the truth.
//
// bothEmpty matters only for AverageSamples.
func SetF1(yTrue, yPred []string, average Average, bothEmpty float64) (float64, error) {
	if err := checkAverage("F1 over label sets", average, AverageSamples, AverageMicro, AverageMacro, AverageWeighted); err != nil {
		return 0, err
	}
	if err := checkRows(len(yTrue), len(yPred)); err != nil {
		return 0, err
	}
	yPred = yPred[:len(yTrue)]
	var truth, pred []string
	var sum compensatedSum
	var tp, nPred, nTrue int
	var c *labelCounts
	if average == AverageMacro || average == AverageWeighted {
		c = &labelCounts{}
	}
	for i, t := range yTrue {
		truth = labelSet(truth[:0], t)
		pred = labelSet(pred[:0], yPred[i])
		common := 0
		for a, b := 0, 0; a < len(truth) && b < len(pred); {
			switch strings.Compare(truth[a], pred[b]) {
			case 0:
				if c != nil {
					c.tp[c.id(truth[a])]++
				}
				common++
				a++
				b++
			case -1:
				a++
			default:
				b++
			}
		}
		switch {
		case c != nil:
			for _, l := range truth {
				c.truth[c.id(l)]++
			}
			for _, l := range pred {
				c.pred[c.id(l)]++
			}
		case average == AverageMicro:
			tp, nPred, nTrue = tp+common, nPred+len(pred), nTrue+len(truth)
		case len(truth) == 0 && len(pred) == 0:
			sum.add(bothEmpty)
		default:
			sum.add(f1Score(common, len(pred), len(truth)))
		}
	}
	switch average {
	case AverageSamples:
		return sum.value() / float64(len(yTrue)), nil
	case AverageMicro:
		return f1Score(tp, nPred, nTrue), nil
	}
	if len(c.names) == 0 {
		// No labels at all: sklearn's binariser has no columns and the average is 0/0.
		return 0, core.Errorf(core.TypeEvaluation, "no labels in either column; the %s F1 is undefined", average)
	}
	var weights float64
	var total float64
	for _, id := range c.sortedIDs() {
		f := f1Score(c.tp[id], c.pred[id], c.truth[id])
		if average == AverageWeighted {
			f *= float64(c.truth[id])
			weights += float64(c.truth[id])
		} else {
			weights++
		}
		total += f
	}
	if weights == 0 {
		return 0, nil // sklearn: no true labels to weigh by
	}
	return total / weights, nil
}

// labelSet appends the distinct white-space separated labels of s to dst, sorted.
func labelSet(dst []string, s string) []string {
	dst = appendFields(dst, s)
	if len(dst) < 2 {
		return dst
	}
	slices.Sort(dst)
	return slices.Compact(dst)
}
