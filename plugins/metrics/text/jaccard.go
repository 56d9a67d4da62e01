package main

import (
	"context"

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
	// Kahan-Babuška summation keeps the mean within an ulp or two of numpy's pairwise sum.
	sum, c := 0.0, 0.0
	for i := range t.truth {
		v := textsim.Jaccard(t.truth[i], t.pred[i], tok, emptyEmpty)
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

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
