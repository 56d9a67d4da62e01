package score

import "github.com/mledojo/dojo/core"

// Average names how per-label (or per-class) values combine into one score, as scikit-learn's
// average parameter does.
type Average string

// The averages this package supports; each function's doc comment says which it accepts.
const (
	// AverageBinary scores only the positive label.
	AverageBinary Average = "binary"
	// AverageMicro pools the counts of every label (for ROC AUC, every cell of the score matrix)
	// before computing the metric once.
	AverageMicro Average = "micro"
	// AverageMacro is the unweighted mean of the per-label values.
	AverageMacro Average = "macro"
	// AverageWeighted is the mean of the per-label values weighted by each label's count in the
	// ground truth.
	AverageWeighted Average = "weighted"
)

func checkAverage(metric string, a Average, allowed ...Average) error {
	for _, ok := range allowed {
		if a == ok {
			return nil
		}
	}
	return core.Errorf(core.TypeInvalidArgument, "%s does not support average %q; use one of %q", metric, a, allowed)
}
