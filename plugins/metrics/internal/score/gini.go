package score

import (
	"math"

	"github.com/mledojo/dojo/core"
)

// GiniTies says how NormalizedGini orders rows whose predictions are equal.
type GiniTies string

const (
	// GiniTiesAverage scores tied predictions by the mean over every order of the tied rows, as ROC
	// AUC does; for a 0/1 truth the normalized Gini is then exactly 2·AUC - 1. The result does not
	// depend on the order of the rows in any file.
	GiniTiesAverage GiniTies = "average"
	// GiniTiesRowOrder breaks ties by row order, earlier rows first, as Kaggle's published
	// reference implementation does.
	GiniTiesRowOrder GiniTies = "row_order"
)

// NormalizedGini returns Kaggle's normalized Gini coefficient: Gini(yTrue, yPred)/Gini(yTrue, yTrue),
// where Gini orders the rows by descending prediction and compares the cumulative share of yTrue
// with the diagonal: (Σ cumulative shares)/n - (n+1)/(2n). yTrue may be any finite values (a 0/1
// label or a continuous target such as Liberty Mutual's hazard). Where the original returns 0 — the
// truth sums to 0 or is constant, so the perfect ordering has no Gini to normalise by — so does this.
//
// The sum of cumulative shares is computed as Σ yTrue·(position weight) with weights centred on the
// diagonal, so no cumulative sum and no subtraction of two large, nearly equal numbers occurs.
func NormalizedGini(yTrue, yPred []float64, ties GiniTies) (float64, error) {
	if err := checkRegression(yTrue, yPred); err != nil {
		return 0, err
	}
	if ties != GiniTiesAverage && ties != GiniTiesRowOrder {
		return 0, core.Errorf(core.TypeInvalidArgument, "normalized Gini does not support ties %q; use %q or %q",
			ties, GiniTiesAverage, GiniTiesRowOrder)
	}
	n := len(yTrue)
	if uint64(n) > math.MaxUint32 {
		return 0, core.Errorf(core.TypeInvalidArgument, "normalized Gini handles at most %d rows, got %d", uint32(math.MaxUint32), n)
	}
	var total compensatedSum
	for _, y := range yTrue {
		total.add(y)
	}
	if total.value() == 0 {
		return 0, nil
	}
	order := make([]uint32, 2*n)
	keys := make([]uint64, 2*n)
	g := giniSorter{order: order[:n], keys: keys[:n], orderScratch: order[n:], keyScratch: keys[n:]}
	perfect := g.centredSum(yTrue, yTrue, GiniTiesAverage) // ties of yTrue with itself add equal values: any order gives the same sum
	if perfect == 0 {
		return 0, nil
	}
	return g.centredSum(yTrue, yPred, ties) / perfect, nil
}

// giniSorter holds the scratch space of one NormalizedGini call.
type giniSorter struct {
	order, orderScratch []uint32
	keys, keyScratch    []uint64
}

// centredSum returns Σ_j y[order_j]·((n-1)/2 - j) over the rows ordered by descending by: n times the
// unnormalised Gini times Σy. Under GiniTiesAverage a run of tied rows from position s to e-1 shares
// the mean weight (n-s-e)/2. The weights are halves of integers, so they are exact.
func (g giniSorter) centredSum(y, by []float64, ties GiniTies) float64 {
	n := len(y)
	argsortDescending(by, g.order, g.keys, g.orderScratch, g.keyScratch)
	var s compensatedSum
	if ties == GiniTiesRowOrder {
		for j, i := range g.order {
			s.add(float64(y[i] * (float64(n-1-2*j) / 2)))
		}
		return s.value()
	}
	for start := 0; start < n; {
		end := start + 1
		for end < n && g.keys[end] == g.keys[start] {
			end++
		}
		w := float64(n-start-end) / 2
		if end-start == 1 {
			s.add(float64(y[g.order[start]] * w))
		} else {
			var run compensatedSum
			for _, i := range g.order[start:end] {
				run.add(y[i])
			}
			s.add(float64(run.value() * w))
		}
		start = end
	}
	return s.value()
}
