package score

import (
	"math"
	"math/bits"
	"slices"
)

// MedianAbsoluteError returns sklearn.metrics.median_absolute_error: the median of |yTrue-yPred|,
// the mean of the two middle values for an even row count. It selects the median in linear time
// rather than sorting.
func MedianAbsoluteError(yTrue, yPred []float64) (float64, error) {
	if err := checkRegression(yTrue, yPred); err != nil {
		return 0, err
	}
	yPred = yPred[:len(yTrue)]
	errs := make([]float64, len(yTrue))
	for i, y := range yTrue {
		errs[i] = math.Abs(y - yPred[i])
	}
	return median(errs), nil
}

// median returns the median of xs (not empty, no NaN), reordering xs.
func median(xs []float64) float64 {
	n := len(xs)
	k := n / 2
	selectKth(xs, k)
	if n%2 == 1 {
		return xs[k]
	}
	// After selection xs[:k] holds the k smallest values, so the lower middle is their maximum.
	lower := xs[0]
	for _, x := range xs[1:k] {
		lower = max(lower, x)
	}
	return (lower + xs[k]) / 2
}

// selectKth reorders xs so that xs[k] is the value a sort would put there, smaller or equal values
// before it and greater or equal after: Hoare's quickselect with a median-of-three pivot, falling
// back to sorting the remaining range when the partitions keep coming out lopsided.
func selectKth(xs []float64, k int) {
	lo, hi := 0, len(xs)-1
	budget := 2 * bits.Len(uint(len(xs)))
	for hi-lo > 16 {
		if budget == 0 {
			slices.Sort(xs[lo : hi+1])
			return
		}
		budget--
		mid := lo + (hi-lo)/2
		// Order xs[lo], xs[mid], xs[hi] so the pivot is their median.
		if xs[mid] < xs[lo] {
			xs[mid], xs[lo] = xs[lo], xs[mid]
		}
		if xs[hi] < xs[lo] {
			xs[hi], xs[lo] = xs[lo], xs[hi]
		}
		if xs[hi] < xs[mid] {
			xs[hi], xs[mid] = xs[mid], xs[hi]
		}
		pivot := xs[mid]
		i, j := lo, hi
		for i <= j {
			for xs[i] < pivot {
				i++
			}
			for xs[j] > pivot {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i++
				j--
			}
		}
		// Now xs[lo..j] <= pivot <= xs[i..hi], and values between j and i equal the pivot.
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
	slices.Sort(xs[lo : hi+1])
}
