package score

import (
	"math"

	"github.com/mledojo/dojo/core"
)

// KendallTau returns scipy.stats.kendalltau(yTrue, yPred).statistic (scipy 1.10, variant "b"):
// (concordant - discordant pairs) / sqrt((pairs - pairs tied in yTrue) * (pairs - pairs tied in
// yPred)), clipped to [-1, 1]. Pairs are counted exactly in O(n log n): a radix argsort of each
// column and a merge count of discordant pairs. Errors are as for Pearson.
func KendallTau(yTrue, yPred []float64) (float64, error) {
	if err := checkCorrelation(yTrue, yPred); err != nil {
		return 0, err
	}
	n := len(yTrue)
	yPred = yPred[:n]
	var s sortScratch
	// Dense ranks of the predictions, from a sort by prediction.
	order, keys := s.argsort(yPred)
	rank := make([]int32, n)
	predTies := tiedPairs(keys)
	r := int32(0)
	for i, o := range order {
		if i > 0 && keys[i] != keys[i-1] {
			r++
		}
		rank[o] = r
	}
	// Now sort by truth, ties in prediction order: the sort is stable and starts from that order.
	for i, o := range order {
		keys[i] = scoreKey(yTrue[o])
	}
	s.sortPairs()
	order, keys = s.order, s.keys
	truthTies := tiedPairs(keys)
	seq := make([]int32, n)
	var jointTies int64
	run := int64(1)
	for i, o := range order {
		seq[i] = rank[o]
		if i > 0 && keys[i] == keys[i-1] && seq[i] == seq[i-1] {
			run++
			continue
		}
		jointTies += run * (run - 1) / 2
		run = 1
	}
	jointTies += run * (run - 1) / 2
	// Within tied truth the ranks ascend, so every inversion left is a discordant pair.
	discordant := countInversions(seq, rank)
	total := int64(n) * int64(n-1) / 2
	conMinusDis := total - truthTies - predTies + jointTies - 2*discordant
	tau := float64(conMinusDis) / math.Sqrt(float64(total-truthTies)) / math.Sqrt(float64(total-predTies))
	return max(-1, min(1, tau)), nil
}

// tiedPairs counts the pairs of equal keys in sorted keys.
func tiedPairs(keys []uint64) int64 {
	var pairs int64
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j] == keys[i] {
			j++
		}
		m := int64(j - i)
		pairs += m * (m - 1) / 2
		i = j
	}
	return pairs
}

// countInversions returns the number of pairs i < j with seq[i] > seq[j], sorting seq; buf is scratch
// space at least as long. Short runs are insertion sorted first, then merged bottom-up.
func countInversions(seq, buf []int32) int64 {
	n := len(seq)
	const run = 16
	var inv int64
	for lo := 0; lo < n; lo += run {
		hi := min(lo+run, n)
		for i := lo + 1; i < hi; i++ {
			v := seq[i]
			j := i
			for j > lo && seq[j-1] > v {
				seq[j] = seq[j-1]
				j--
			}
			inv += int64(i - j)
			seq[j] = v
		}
	}
	src, dst := seq, buf[:n]
	for width := run; width < n; width *= 2 {
		for lo := 0; lo < n; lo += 2 * width {
			mid, hi := min(lo+width, n), min(lo+2*width, n)
			i, j, k := lo, mid, lo
			for i < mid && j < hi {
				if src[j] < src[i] {
					inv += int64(mid - i)
					dst[k] = src[j]
					j++
				} else {
					dst[k] = src[i]
					i++
				}
				k++
			}
			k += copy(dst[k:], src[i:mid])
			copy(dst[k:], src[j:hi])
		}
		src, dst = dst, src
	}
	return inv
}

// PooledOrderTau returns the Kendall tau of Kaggle's AI4Code competition, pooled over rows: each
// row's actual and predicted values are white-space separated orders of the same item ids (the
// prediction a permutation of the truth). With inv the inversions of a row's predicted order against
// its true order and m its item count, the score is 1 - 4·Σinv / Σm(m-1), and 1 when every row holds
// fewer than two items.
//
// A prediction that is not a permutation of its row's items (an item missing, unknown or repeated)
// is TypeSubmissionInvalid naming the row; an item repeated in the truth is TypeGroundTruth.
func PooledOrderTau(actual, predicted []string) (float64, error) {
	if err := checkRows(len(actual), len(predicted)); err != nil {
		return 0, err
	}
	predicted = predicted[:len(actual)]
	var truth, pred []string
	var seq, buf []int32
	var used []bool
	var index map[string]int32
	var inversions, pairs int64
	for i, a := range actual {
		truth = appendFields(truth[:0], a)
		pred = appendFields(pred[:0], predicted[i])
		m := len(truth)
		long := m > linearSetLimit
		if long {
			if index == nil {
				index = make(map[string]int32)
			}
			clear(index)
			for j, t := range truth {
				index[t] = int32(j)
			}
		}
		if long && len(index) < m || !long && hasRepeat(truth) {
			return 0, core.Errorf(core.TypeGroundTruth, "the ground truth at %w lists an item more than once", &RowError{i})
		}
		if len(pred) != m {
			return 0, core.Errorf(core.TypeSubmissionInvalid, "the order at %w lists %d items; the row has %d",
				&RowError{i}, len(pred), m).
				WithCauses("list every item of the row exactly once, separated by spaces")
		}
		seq, buf, used = grow(seq, m), grow(buf, m), grow(used, m)
		clear(used)
		for j, p := range pred {
			pos := int32(-1)
			if long {
				if v, ok := index[p]; ok {
					pos = v
				}
			} else {
				for k, t := range truth {
					if t == p {
						pos = int32(k)
						break
					}
				}
			}
			if pos < 0 || used[pos] {
				what := "is not one of the row's items"
				if pos >= 0 {
					what = "is listed more than once"
				}
				return 0, core.Errorf(core.TypeSubmissionInvalid, "the order at %w: item %q %s", &RowError{i}, p, what).
					WithCauses("list every item of the row exactly once, separated by spaces")
			}
			used[pos] = true
			seq[j] = pos
		}
		inversions += countInversions(seq, buf)
		pairs += int64(m) * int64(m-1)
	}
	if pairs == 0 {
		return 1, nil
	}
	return 1 - 4*(float64(inversions)/float64(pairs)), nil
}

// hasRepeat reports whether a short list holds an item twice.
func hasRepeat(list []string) bool {
	for j, t := range list {
		if containsToken(list[:j], t) {
			return true
		}
	}
	return false
}
