package score

import (
	"fmt"
	"math"

	"github.com/mledojo/dojo/core"
)

// NegativeValues says how RMSLEWith treats values below 0, where definitions of RMSLE differ.
type NegativeValues string

const (
	// NegativeReject rejects any negative value, as sklearn's mean_squared_log_error does.
	NegativeReject NegativeValues = "reject"
	// NegativeClip clips both columns at 0 before the logarithm (Grupo Bimbo's original).
	NegativeClip NegativeValues = "clip"
	// NegativeAboveMinusOne accepts values above -1, where ln(1+x) is defined, as a plain
	// numpy.log1p does, and rejects the rest.
	NegativeAboveMinusOne NegativeValues = "above_minus_one"
)

// RMSLEWith is RMSLE with a choice of how negative values are treated; RMSLE is
// RMSLEWith(…, NegativeReject).
func RMSLEWith(yTrue, yPred []float64, negative NegativeValues) (float64, error) {
	if err := checkRegression(yTrue, yPred); err != nil {
		return 0, err
	}
	lowest := 0.0
	switch negative {
	case NegativeReject:
		return RMSLE(yTrue, yPred)
	case NegativeClip:
	case NegativeAboveMinusOne:
		lowest = -1
		for i, y := range yTrue {
			if y <= lowest {
				return 0, rowErrorf(core.TypeGroundTruth, i, fmt.Sprintf("ground truth at row %d is %v; RMSLE needs targets above -1", i, y))
			}
		}
		for i, p := range yPred {
			if p <= lowest {
				return 0, rowErrorf(core.TypeSubmissionInvalid, i, fmt.Sprintf("prediction at row %d is %v; RMSLE needs predictions above -1, where ln(1+p) is defined", i, p)).
					WithCauses("clip predictions at 0 before writing the submission")
			}
		}
	default:
		return 0, core.Errorf(core.TypeInvalidArgument, "RMSLE does not support negative values %q; use %q, %q or %q",
			negative, NegativeReject, NegativeClip, NegativeAboveMinusOne)
	}
	yPred = yPred[:len(yTrue)]
	var s compensatedSum
	for i, y := range yTrue {
		p := yPred[i]
		if negative == NegativeClip {
			y, p = max(y, 0), max(p, 0)
		}
		d := math.Log1p(y) - math.Log1p(p)
		s.add(float64(d * d))
	}
	return math.Sqrt(s.value() / float64(len(yTrue))), nil
}
