package score

import (
	"math"

	"github.com/mledojo/dojo/core"
)

// MAPAtK returns Kaggle's mean average precision at k (the apk and mapk of Ben Hamner's ml_metrics,
// which Kaggle's MAP@K competitions use): each row's actual and predicted values are white-space
// separated lists of items (Python's str.split()), compared exactly as strings.
//
// For one row, only the first k predictions count; a prediction is a hit when the actual list holds
// it and it did not occur earlier in the predictions (a repeated item scores once), and the row's
// average precision is the sum over hits of (hits so far)/(position) divided by min(len(actual), k),
// where len counts the actual list as written, repeats included. A row whose actual list is empty
// scores 0, as does a row with no predictions. The score is the mean over rows.
//
// k must be at least 1 (TypeInvalidArgument).
func MAPAtK(actual, predicted []string, k int) (float64, error) {
	if err := checkRanking(len(actual), len(predicted), k); err != nil {
		return 0, err
	}
	predicted = predicted[:len(actual)]
	var l listScratch
	var sum compensatedSum
	for i, a := range actual {
		truth := l.truth(a)
		if len(truth) == 0 {
			continue
		}
		pred := l.predictions(predicted[i], k)
		hits, score := 0, 0.0
		for j, p := range pred {
			if l.inTruth(p) && !l.seenBefore(pred, j) {
				hits++
				score += float64(hits) / float64(j+1)
			}
		}
		sum.add(score / float64(min(len(truth), k)))
	}
	return sum.value() / float64(len(actual)), nil
}

// NDCGAtK returns the mean normalised discounted cumulative gain at k with binary relevance, the
// measure of Kaggle's NDCG@K competitions (Airbnb's new-user bookings among them): each row's actual
// value is a white-space separated set of relevant items, and its predicted value a ranked,
// white-space separated list.
//
// For one row, the first k predictions count; a prediction at 0-based position j gains
// 1/log2(j+2) when it is relevant and did not occur earlier in the list (repeats gain nothing). The
// gain is divided by the ideal one, the sum of 1/log2(j+2) over the first min(relevant items, k)
// positions, so with a single relevant item a row scores 1/log2(position+2) when the item is ranked
// and 0 otherwise. A row without relevant items scores 0. The score is the mean over rows.
//
// k must be at least 1 (TypeInvalidArgument).
func NDCGAtK(actual, predicted []string, k int) (float64, error) {
	if err := checkRanking(len(actual), len(predicted), k); err != nil {
		return 0, err
	}
	predicted = predicted[:len(actual)]
	// discount[j] is 1/log2(j+2); ideal[m] the ideal gain of m relevant items.
	discount := make([]float64, k)
	ideal := make([]float64, k+1)
	for j := range discount {
		discount[j] = 1 / math.Log2(float64(j+2))
		ideal[j+1] = ideal[j] + discount[j]
	}
	var l listScratch
	var sum compensatedSum
	for i, a := range actual {
		truth := l.uniqueTruth(a)
		if len(truth) == 0 {
			continue
		}
		pred := l.predictions(predicted[i], k)
		dcg := 0.0
		for j, p := range pred {
			if l.inTruth(p) && !l.seenBefore(pred, j) {
				dcg += discount[j]
			}
		}
		sum.add(dcg / ideal[min(len(truth), k)])
	}
	return sum.value() / float64(len(actual)), nil
}

func checkRanking(nTrue, nPred, k int) error {
	if k < 1 {
		return core.Errorf(core.TypeInvalidArgument, "k must be at least 1, got %d", k)
	}
	return checkRows(nTrue, nPred)
}

// linearSetLimit is the list length up to which scanning a list beats hashing its items.
const linearSetLimit = 16

// listScratch holds one row's tokens while a ranking metric scores it; its buffers are reused from
// row to row, so scoring allocates only while they grow.
type listScratch struct {
	truthToks, predToks []string
	truthSet, predSet   map[string]struct{} // for long lists only
}

// truth splits a row's actual list and indexes it for inTruth.
func (l *listScratch) truth(s string) []string {
	l.truthToks = appendFields(l.truthToks[:0], s)
	if len(l.truthToks) > linearSetLimit {
		l.truthSet = fill(l.truthSet, l.truthToks)
	}
	return l.truthToks
}

// uniqueTruth is truth with repeated items dropped.
func (l *listScratch) uniqueTruth(s string) []string {
	toks := appendFields(l.truthToks[:0], s)
	if len(toks) > linearSetLimit {
		l.truthSet = fill(l.truthSet, toks)
		if len(l.truthSet) < len(toks) {
			// Keep the first occurrence of each item, in order.
			clear(l.predSet)
			l.predSet = ensure(l.predSet)
			unique := toks[:0]
			for _, t := range toks {
				if _, dup := l.predSet[t]; !dup {
					l.predSet[t] = struct{}{}
					unique = append(unique, t)
				}
			}
			toks = unique
		}
	} else {
		unique := toks[:0]
		for j, t := range toks {
			if !containsToken(toks[:j], t) {
				unique = append(unique, t)
			}
		}
		toks = unique
	}
	l.truthToks = toks
	return toks
}

// predictions splits a row's predicted list and keeps its first k items.
func (l *listScratch) predictions(s string, k int) []string {
	l.predToks = appendFields(l.predToks[:0], s)
	if len(l.predToks) > k {
		l.predToks = l.predToks[:k]
	}
	if len(l.predToks) > linearSetLimit {
		clear(l.predSet)
		l.predSet = ensure(l.predSet)
	}
	return l.predToks
}

// inTruth reports whether the current row's actual list holds p.
func (l *listScratch) inTruth(p string) bool {
	if len(l.truthToks) > linearSetLimit {
		_, ok := l.truthSet[p]
		return ok
	}
	return containsToken(l.truthToks, p)
}

// seenBefore reports whether pred[j] occurs in pred[:j]. For long lists it must be called for every
// j in order, as it records each item it sees.
func (l *listScratch) seenBefore(pred []string, j int) bool {
	if len(pred) <= linearSetLimit {
		return containsToken(pred[:j], pred[j])
	}
	if _, ok := l.predSet[pred[j]]; ok {
		return true
	}
	l.predSet[pred[j]] = struct{}{}
	return false
}

func ensure(m map[string]struct{}) map[string]struct{} {
	if m == nil {
		return make(map[string]struct{})
	}
	return m
}

// fill empties m (allocating it when nil) and adds toks.
func fill(m map[string]struct{}, toks []string) map[string]struct{} {
	m = ensure(m)
	clear(m)
	for _, t := range toks {
		m[t] = struct{}{}
	}
	return m
}
