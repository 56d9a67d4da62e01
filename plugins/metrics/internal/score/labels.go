package score

import (
	"math"

	"github.com/mledojo/dojo/core"
)

// MCC returns sklearn.metrics.matthews_corrcoef for labels of any number of classes: with t and p
// each label's true and predicted counts, c the correct rows and n all rows,
// (c·n - Σt·p) / sqrt((n² - Σp²)(n² - Σt²)), and 0 where that denominator is 0 (one class on a side),
// as sklearn returns. Counts are exact; the arithmetic is sklearn's float64.
func MCC(yTrue, yPred []string) (float64, error) {
	if err := checkRows(len(yTrue), len(yPred)); err != nil {
		return 0, err
	}
	c := countLabels(yTrue, yPred)
	var correct, tp, pp, tt float64
	for id := range c.names {
		t, p := float64(c.truth[id]), float64(c.pred[id])
		correct += float64(c.tp[id])
		tp += t * p
		pp += p * p
		tt += t * t
	}
	n := float64(len(yTrue))
	covTP := correct*n - tp
	covPP := n*n - pp
	covTT := n*n - tt
	if covPP*covTT == 0 {
		return 0, nil
	}
	return covTP / math.Sqrt(covTT*covPP), nil
}

// MacroRecall returns sklearn.metrics.recall_score(yTrue, yPred, average="macro"): the mean over the
// labels of either column of each label's recall, tp / true count. As in sklearn, a label only the
// predictions use counts, with recall 0 (zero_division).
func MacroRecall(yTrue, yPred []string) (float64, error) {
	if err := checkRows(len(yTrue), len(yPred)); err != nil {
		return 0, err
	}
	c := countLabels(yTrue, yPred)
	var sum float64
	for _, id := range c.sortedIDs() {
		if c.truth[id] > 0 {
			sum += float64(c.tp[id]) / float64(c.truth[id])
		}
	}
	return sum / float64(len(c.names)), nil
}

// FBeta returns sklearn.metrics.fbeta_score(yTrue, yPred, beta=beta, average=average,
// pos_label=posLabel) with the default zero_division: F1 (see F1 for the labels, the averages and the
// errors) with recall weighted beta times as much as precision, (1+β²)·p·r / (β²·p + r), 0 where that
// is 0/0. beta must be positive and finite.
func FBeta(yTrue, yPred []string, beta float64, average Average, posLabel string) (float64, error) {
	if !(beta > 0) || math.IsInf(beta, 1) {
		return 0, core.Errorf(core.TypeInvalidArgument, "beta must be a positive number, got %v", beta)
	}
	if err := checkAverage("F-beta", average, AverageBinary, AverageMicro, AverageMacro, AverageWeighted); err != nil {
		return 0, err
	}
	if err := checkRows(len(yTrue), len(yPred)); err != nil {
		return 0, err
	}
	b2 := beta * beta
	c := countLabels(yTrue, yPred)
	switch average {
	case AverageBinary:
		id, err := c.positive(posLabel)
		if err != nil {
			return 0, err
		}
		if id < 0 {
			return 0, nil
		}
		return fbetaScore(c.tp[id], c.pred[id], c.truth[id], b2), nil
	case AverageMicro:
		tp := 0
		for _, n := range c.tp {
			tp += n
		}
		return fbetaScore(tp, len(yTrue), len(yTrue), b2), nil
	}
	var sum, weights float64
	for _, id := range c.sortedIDs() {
		f := fbetaScore(c.tp[id], c.pred[id], c.truth[id], b2)
		if average == AverageWeighted {
			f *= float64(c.truth[id])
			weights += float64(c.truth[id])
		} else {
			weights++
		}
		sum += f
	}
	return sum / weights, nil
}

// fbetaScore follows sklearn's arithmetic: precision and recall first (0 for 0/0), then
// (1+β²)·p·r / (β²·p + r), 0 when the denominator is 0.
func fbetaScore(tp, pred, truth int, b2 float64) float64 {
	var precision, recall float64
	if pred > 0 {
		precision = float64(tp) / float64(pred)
	}
	if truth > 0 {
		recall = float64(tp) / float64(truth)
	}
	return fbetaOf(precision, recall, b2)
}

// fbetaOf combines a precision and a recall with beta² = b2.
func fbetaOf(precision, recall, b2 float64) float64 {
	denom := b2*precision + recall
	if denom == 0 {
		return 0
	}
	return (1 + b2) * precision * recall / denom
}
