package score

import (
	"slices"
	"strings"

	"github.com/mledojo/dojo/core"
)

// Accuracy returns the fraction of rows whose predicted label equals the true label exactly, as
// sklearn.metrics.accuracy_score does for string labels.
func Accuracy(yTrue, yPred []string) (float64, error) {
	if err := checkRows(len(yTrue), len(yPred)); err != nil {
		return 0, err
	}
	yPred = yPred[:len(yTrue)]
	correct := 0
	for i, y := range yTrue {
		if y == yPred[i] {
			correct++
		}
	}
	return float64(correct) / float64(len(yTrue)), nil
}

// F1 returns sklearn.metrics.f1_score(yTrue, yPred, average=average, pos_label=posLabel) with the
// default zero_division="warn", which scores an undefined precision, recall or F1 as 0.
//
// The labels are the union of those in yTrue and yPred, so a label that only the predictions use
// counts as a class with F1 0 under AverageMacro. posLabel matters only for AverageBinary, which, as in
// scikit-learn, needs at most two labels in all, one of them posLabel when there are two; otherwise
// F1 returns TypeInvalidArgument when the ground truth alone breaks the rule (a configuration
// mistake) and TypeSubmissionInvalid when the predictions bring in the extra label.
// AverageMicro, AverageMacro and AverageWeighted are the other averages accepted.
func F1(yTrue, yPred []string, average Average, posLabel string) (float64, error) {
	if err := checkAverage("F1", average, AverageBinary, AverageMicro, AverageMacro, AverageWeighted); err != nil {
		return 0, err
	}
	if err := checkRows(len(yTrue), len(yPred)); err != nil {
		return 0, err
	}
	c := countLabels(yTrue, yPred)
	switch average {
	case AverageBinary:
		id, err := c.positive(posLabel)
		if err != nil {
			return 0, err
		}
		if id < 0 { // posLabel appears nowhere: no true positives, and 0/0 precision and recall.
			return 0, nil
		}
		return f1Score(c.tp[id], c.pred[id], c.truth[id]), nil
	case AverageMicro:
		tp := 0
		for _, n := range c.tp {
			tp += n
		}
		return f1Score(tp, len(yTrue), len(yTrue)), nil
	}
	// Sum in sklearn's sorted label order, so the two round alike.
	var sum, weights float64
	for _, id := range c.sortedIDs() {
		f := f1Score(c.tp[id], c.pred[id], c.truth[id])
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

// f1Score follows sklearn's arithmetic (precision and recall first, then their harmonic mean) rather
// than 2tp/(2tp+fp+fn), so the last bits agree too.
func f1Score(tp, pred, truth int) float64 {
	var precision, recall float64
	if pred > 0 {
		precision = float64(tp) / float64(pred)
	}
	if truth > 0 {
		recall = float64(tp) / float64(truth)
	}
	denom := precision + recall
	if denom == 0 {
		return 0
	}
	return 2 * precision * recall / denom
}

// labelCounts holds, per label id, the true positives and how often the label was predicted and true.
type labelCounts struct {
	names             []string
	ids               map[string]int // names' ids, once there are too many names to scan
	tp, pred, truth   []int
	truthLabels       int    // how many labels occur in the ground truth
	firstPredOnlyName string // the first label seen that only the predictions use
}

func countLabels(yTrue, yPred []string) *labelCounts {
	c := &labelCounts{}
	yPred = yPred[:len(yTrue)]
	for i, t := range yTrue {
		id := c.id(t)
		c.truth[id]++
		if p := yPred[i]; p != t {
			c.pred[c.id(p)]++
			continue
		}
		c.tp[id]++
		c.pred[id]++
	}
	for i, n := range c.truth {
		if n > 0 {
			c.truthLabels++
		} else if c.firstPredOnlyName == "" {
			c.firstPredOnlyName = c.names[i]
		}
	}
	return c
}

// linearLabelLimit is the label count up to which scanning the names beats hashing the label.
const linearLabelLimit = 8

// id returns label s's id, adding the label when it is new.
func (c *labelCounts) id(s string) int {
	if len(c.names) <= linearLabelLimit {
		for i, name := range c.names {
			if name == s {
				return i
			}
		}
	} else if i, ok := c.ids[s]; ok {
		return i
	}
	i := len(c.names)
	c.names = append(c.names, s)
	c.tp, c.pred, c.truth = append(c.tp, 0), append(c.pred, 0), append(c.truth, 0)
	if len(c.names) > linearLabelLimit {
		if c.ids == nil {
			c.ids = make(map[string]int)
			for j, name := range c.names {
				c.ids[name] = j
			}
		} else {
			c.ids[s] = i
		}
	}
	return i
}

// sortedIDs lists label ids in the order of their names, as sklearn's unique_labels sorts them.
func (c *labelCounts) sortedIDs() []int {
	ids := make([]int, len(c.names))
	for i := range ids {
		ids[i] = i
	}
	slices.SortFunc(ids, func(a, b int) int { return strings.Compare(c.names[a], c.names[b]) })
	return ids
}

// positive applies sklearn's checks for average="binary" and returns posLabel's id, or -1 when it
// occurs in neither column.
func (c *labelCounts) positive(posLabel string) (int, error) {
	id := slices.Index(c.names, posLabel)
	if len(c.names) < 2 || (len(c.names) == 2 && id >= 0) {
		return id, nil
	}
	posInTruth := id >= 0 && c.truth[id] > 0
	if c.truthLabels > 2 || (c.truthLabels == 2 && !posInTruth) {
		return 0, core.Errorf(core.TypeInvalidArgument,
			"F1 with average %q needs at most two labels, one of them the positive label %q, but the ground truth has %q",
			AverageBinary, posLabel, c.truthNames())
	}
	return 0, core.Errorf(core.TypeSubmissionInvalid,
		"predictions use label %q, which the ground truth (labels %q, positive label %q) does not have",
		c.firstPredOnlyName, c.truthNames(), posLabel).
		WithCauses("predictions must use the same label values as the ground truth")
}

// truthNames lists the labels that occur in the ground truth, sorted.
func (c *labelCounts) truthNames() []string {
	var names []string
	for i, n := range c.truth {
		if n > 0 {
			names = append(names, c.names[i])
		}
	}
	slices.Sort(names)
	return names
}
