package score

import (
	"fmt"
	"math"

	"github.com/mledojo/dojo/core"
)

// LaplaceOptions are the clips of the OSIC modified Laplace log likelihood.
type LaplaceOptions struct {
	// SigmaMin is the smallest standard deviation credited: a submitted confidence below it counts
	// as SigmaMin (70 in OSIC). It must be positive, since the score takes log σ.
	SigmaMin float64
	// DeltaMax caps each absolute error (1000 in OSIC); +Inf leaves errors uncapped.
	DeltaMax float64
}

// OSICLaplace is the OSIC Pulmonary Fibrosis Progression competition's clipping.
var OSICLaplace = LaplaceOptions{SigmaMin: 70, DeltaMax: 1000}

// LaplaceLogLikelihood returns the mean over rows of the modified Laplace log likelihood
// -√2·Δ/σ - ln(√2·σ), where σ = max(sigma, SigmaMin) and Δ = min(|yTrue-yPred|, DeltaMax). Higher is
// better; scores are negative for σ above 1/√2. sigma is the submitted confidence; it must be finite
// (a caller that counts a missing confidence as 0, as OSIC does, substitutes 0 first).
func LaplaceLogLikelihood(yTrue, yPred, sigma []float64, opts LaplaceOptions) (float64, error) {
	if err := checkRegression(yTrue, yPred); err != nil {
		return 0, err
	}
	if len(sigma) != len(yTrue) {
		return 0, core.Errorf(core.TypeInvalidArgument, "ground truth has %d rows but confidences have %d", len(yTrue), len(sigma))
	}
	if !(opts.SigmaMin > 0) || !finite(opts.SigmaMin) || !(opts.DeltaMax > 0) || math.IsNaN(opts.DeltaMax) {
		return 0, core.Errorf(core.TypeInvalidArgument, "the Laplace log likelihood needs a positive finite sigma_min and a positive delta_max, got %v and %v",
			opts.SigmaMin, opts.DeltaMax)
	}
	for i, s := range sigma {
		if !finite(s) {
			return 0, rowErrorf(core.TypeSubmissionInvalid, i, fmt.Sprintf("confidence at row %d is %v; confidences must be finite numbers", i, s)).
				WithCauses("write a finite standard deviation in the confidence column")
		}
	}
	yPred = yPred[:len(yTrue)]
	sigma = sigma[:len(yTrue)]
	var s compensatedSum
	for i, y := range yTrue {
		sd := max(sigma[i], opts.SigmaMin)
		delta := min(math.Abs(y-yPred[i]), opts.DeltaMax)
		s.add(-math.Sqrt2*delta/sd - math.Log(math.Sqrt2*sd))
	}
	return s.value() / float64(len(yTrue)), nil
}
