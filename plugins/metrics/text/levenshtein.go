package main

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/pytext"
	"github.com/mledojo/dojo/plugins/metrics/internal/textsim"
)

// levenshtein is the edit distance between each row's true and predicted text. Params:
//   - tokens: "characters" (code points, as Python's Levenshtein.distance on str), "whitespace"
//     (the words of str.split()) or "space_separated_ints" (str.split() tokens read by int(), so
//     "07" and "7" are one gesture; multi-modal-gesture-recognition);
//   - normalize: "none" (the mean distance per row) or "total_truth_length" (the sum of distances
//     over the total number of true tokens, Kaggle's gesture error rate).
func levenshtein(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, "tokens", "normalize"); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	tokens, err := req.Params.String("tokens", "characters")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	normalize, err := req.Params.String("normalize", "none")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if tokens != "characters" && tokens != "whitespace" && tokens != "space_separated_ints" {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument, "tokens is %q; want characters, whitespace or space_separated_ints", tokens)
	}
	if normalize != "none" && normalize != "total_truth_length" {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument, "normalize is %q; want none or total_truth_length", normalize)
	}
	t, err := loadTexts(req, "levenshtein")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	dist, truthLen, err := distances(t, tokens)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	var sum, total int64
	for i, d := range dist {
		sum += int64(d)
		total += int64(truthLen[i])
	}
	resp := pluginapi.ScoreResponse{Rows: int64(t.Len()), Extras: map[string]float64{
		"total_distance": float64(sum), "mean_distance": float64(sum) / float64(t.Len())}}
	if normalize == "none" {
		resp.Score = resp.Extras["mean_distance"]
		return resp, nil
	}
	if total == 0 {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeEvaluation, "the answers hold no %s, so the error rate is undefined", tokenNoun(tokens))
	}
	resp.Score = float64(sum) / float64(total)
	return resp, nil
}

func tokenNoun(tokens string) string {
	if tokens == "characters" {
		return "characters"
	}
	return "tokens"
}

// distances computes every row's distance and truth length on all cores.
func distances(t *texts, tokens string) (dist, truthLen []int, err error) {
	n := t.Len()
	dist, truthLen = make([]int, n), make([]int, n)
	workers := min(runtime.GOMAXPROCS(0), max(1, n/256))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var l textsim.Levenshtein
			var ids textsim.Interner
			for i := w * n / workers; i < (w+1)*n/workers; i++ {
				a, b, err := symbols(t, i, tokens, &ids)
				if err != nil {
					errs[w] = err
					return
				}
				dist[i], truthLen[i] = l.Distance(a, b), len(a)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err // the first worker's error is the earliest row's
		}
	}
	return dist, truthLen, nil
}

// symbols turns row i's texts into the symbol sequences the distance compares.
func symbols(t *texts, i int, tokens string, ids *textsim.Interner) (truth, pred []int32, err error) {
	switch tokens {
	case "characters":
		return []int32(t.truth[i]), []int32(t.pred[i]), nil
	case "whitespace":
		return ids.IDs(pytext.Split(t.truth[i])), ids.IDs(pytext.Split(t.pred[i])), nil
	}
	tt, err := ints(pytext.Split(t.truth[i]))
	if err != nil {
		return nil, nil, t.cellError(core.TypeGroundTruth, i, "%v", err)
	}
	pt, err := ints(pytext.Split(t.pred[i]))
	if err != nil {
		return nil, nil, t.cellError(core.TypeSubmissionInvalid, i, "%v", err).
			WithCauses("write each sequence as integers separated by spaces, e.g. \"2 14 20 5\"")
	}
	return ids.IDs(tt), ids.IDs(pt), nil
}

// ints reads each token as Python's int() does and returns the canonical spellings.
func ints(toks []string) ([]string, error) {
	out := make([]string, len(toks))
	for k, tok := range toks {
		c, ok := pytext.CanonicalInt(tok)
		if !ok {
			return nil, fmt.Errorf("token %d, %q, is not an integer", k+1, tok)
		}
		out[k] = c
	}
	return out, nil
}
