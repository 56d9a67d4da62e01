package main

import (
	"context"
	"runtime"
	"sync"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/textsim"
)

// jaccard is the mean over rows of the word-level Jaccard similarity. Params: tokenize
// ("lower_whitespace", also spelt "lowercase_whitespace": set(text.lower().split()); or
// "whitespace": case kept) and empty_empty (a row's score when both texts have no word: 1 by
// default and in chaii's original; tweet-sentiment-extraction's original returns 0). An empty cell
// is the empty text.
func jaccard(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, "tokenize", "empty_empty"); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	name, err := req.Params.String("tokenize", "lower_whitespace")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	var tok textsim.Tokenize
	switch name {
	case "lower_whitespace", "lowercase_whitespace":
		tok = textsim.LowerWhitespace
	case "whitespace":
		tok = textsim.Whitespace
	default:
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument, "tokenize is %q; want lower_whitespace or whitespace", name)
	}
	emptyEmpty, err := req.Params.Float("empty_empty", 1)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	t, err := loadTexts(req, "jaccard")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	// The rows' values are independent, so they are computed on every CPU; the sum then runs in row
	// order, so the score does not depend on how the rows were split. Kahan-Babuška summation keeps
	// the mean within an ulp or two of numpy's pairwise sum.
	vals := make([]float64, len(t.truth))
	parallelRows(len(vals), func(lo, hi int) {
		var scorer textsim.JaccardScorer
		for i := lo; i < hi; i++ {
			vals[i] = scorer.Jaccard(t.truth[i], t.pred[i], tok, emptyEmpty)
		}
	})
	sum, c := 0.0, 0.0
	for _, v := range vals {
		s := sum + v
		if abs(sum) >= abs(v) {
			c += (sum - s) + v
		} else {
			c += (v - s) + sum
		}
		sum = s
	}
	return pluginapi.ScoreResponse{Score: (sum + c) / float64(t.Len()), Rows: int64(t.Len())}, nil
}

// parallelMinRows is the fewest rows worth a goroutine of their own.
var parallelMinRows = 1 << 14

// parallelRows calls fn on ranges that cover [0, n), one per CPU when n is large.
func parallelRows(n int, fn func(lo, hi int)) {
	parts := max(1, min(runtime.GOMAXPROCS(0), n/parallelMinRows))
	if parts == 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() { fn(p*n/parts, (p+1)*n/parts) })
	}
	wg.Wait()
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
