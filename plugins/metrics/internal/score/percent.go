package score

import (
	"math"

	"github.com/mledojo/dojo/core"
)

// SMAPEOptions are the two conventions on which definitions of SMAPE differ.
type SMAPEOptions struct {
	// Scale multiplies the mean of the row terms 2|p-y|/(|y|+|p|), each between 0 and 2: 100 gives
	// Kaggle's percent scale, from 0 to 200. It must be positive.
	Scale float64
	// ZeroZero is the term of a row whose truth and prediction are both 0, where the formula is 0/0.
	// Kaggle counts such a row as 0.
	ZeroZero float64
}

// KaggleSMAPE is Kaggle's SMAPE: percent, a 0/0 row counting 0.
var KaggleSMAPE = SMAPEOptions{Scale: 100, ZeroZero: 0}

// SMAPE returns the symmetric mean absolute percentage error, Scale/n · Σ 2|p-y|/(|y|+|p|), with
// opts.ZeroZero for the rows where y and p are both 0.
func SMAPE(yTrue, yPred []float64, opts SMAPEOptions) (float64, error) {
	if err := checkRegression(yTrue, yPred); err != nil {
		return 0, err
	}
	if !(opts.Scale > 0) || !finite(opts.Scale) || !finite(opts.ZeroZero) {
		return 0, core.Errorf(core.TypeInvalidArgument, "SMAPE needs a positive finite scale and a finite 0/0 term, got scale %v and %v",
			opts.Scale, opts.ZeroZero)
	}
	yPred = yPred[:len(yTrue)]
	var s compensatedSum
	for i, y := range yTrue {
		p := yPred[i]
		d := math.Abs(y) + math.Abs(p)
		if d == 0 {
			s.add(opts.ZeroZero)
			continue
		}
		s.add(2 * math.Abs(p-y) / d)
	}
	return finiteScore("SMAPE", opts.Scale*s.value()/float64(len(yTrue)))
}

// RMSPE returns the root mean squared percentage error √(mean(((y-p)/y)²)) over the rows whose truth
// y is not 0, as Kaggle's Rossmann competition defines it: the term of a zero truth is undefined, so
// those rows are left out. With no row left it is TypeEvaluation.
func RMSPE(yTrue, yPred []float64) (float64, error) {
	if err := checkRegression(yTrue, yPred); err != nil {
		return 0, err
	}
	yPred = yPred[:len(yTrue)]
	var s compensatedSum
	n := 0
	for i, y := range yTrue {
		if y == 0 {
			continue
		}
		r := (y - yPred[i]) / y
		s.add(float64(r * r))
		n++
	}
	if n == 0 {
		return 0, core.Errorf(core.TypeEvaluation, "RMSPE has no row to score: every ground truth value is 0").
			WithCauses("rows whose truth is 0 are left out of RMSPE; the answers need at least one non-zero value")
	}
	return finiteScore("RMSPE", math.Sqrt(s.value()/float64(n)))
}

// finiteScore passes a finite score through and turns an overflow into TypeEvaluation, since an
// infinite score cannot be ranked.
func finiteScore(metric string, v float64) (float64, error) {
	if !finite(v) {
		return 0, core.Errorf(core.TypeEvaluation, "%s overflowed to %v", metric, v).
			WithCauses("values near the largest float64 overflow the metric; check for absurdly large predictions")
	}
	return v, nil
}
