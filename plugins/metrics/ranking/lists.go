package main

import (
	"context"
	"strings"
	"unicode"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
	"github.com/mledojo/dojo/plugins/metrics/internal/score"
)

// mapAtK is Kaggle's MAP@K: each row's answer and prediction are white-space separated lists.
func mapAtK(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, "k", "value_format"); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	k, err := kParam(req.Params)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if err := valueFormat(req.Params); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	actual, predicted, ids, err := lists(req, "map_at_k")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	v, err := score.MAPAtK(actual, predicted, k)
	return pluginapi.ScoreResponse{Score: v, Rows: int64(len(actual))}, withID(err, ids)
}

// ndcgAtK is NDCG@K with binary relevance; layout long reads one predicted item per submission row.
func ndcgAtK(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, "k", "value_format", "layout"); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	k, err := kParam(req.Params)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if err := valueFormat(req.Params); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	layout, err := req.Params.String("layout", "wide")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	var actual, predicted, ids []string
	switch layout {
	case "wide":
		actual, predicted, ids, err = lists(req, "ndcg_at_k")
	case "long":
		actual, predicted, ids, err = longLists(req, k)
	default:
		err = core.Errorf(core.TypeInvalidArgument, "layout %q is not one of wide, long", layout)
	}
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	v, err := score.NDCGAtK(actual, predicted, k)
	return pluginapi.ScoreResponse{Score: v, Rows: int64(len(actual))}, withID(err, ids)
}

// lists reads one target column of lists from both files, aligned by id.
func lists(req pluginapi.ScoreRequest, metric string) (actual, predicted, ids []string, err error) {
	in, err := inputs.Load(req, inputs.Options{})
	if err != nil {
		return nil, nil, nil, err
	}
	if err := oneTarget(in.Targets, metric); err != nil {
		return nil, nil, nil, err
	}
	if actual, err = in.Pair.AnswerStrings(in.Targets[0]); err != nil {
		return nil, nil, nil, err
	}
	if predicted, err = in.Pair.SubmissionStrings(in.Targets[0]); err != nil {
		return nil, nil, nil, err
	}
	return actual, predicted, in.Pair.IDs(), nil
}

// longLists reads a submission with one row per predicted item, ranked by file order within each id,
// and joins each id's items into one list.
func longLists(req pluginapi.ScoreRequest, k int) (actual, predicted, ids []string, err error) {
	g, err := inputs.LoadGrouped(req, inputs.GroupedOptions{MaxPerID: k})
	if err != nil {
		return nil, nil, nil, err
	}
	if actual, err = g.Answers.Strings(g.Targets[0]); err != nil {
		return nil, nil, nil, err
	}
	if ids, err = g.Answers.Strings(g.ID); err != nil {
		return nil, nil, nil, err
	}
	predicted = make([]string, len(g.Values))
	for i, vals := range g.Values {
		for j, v := range vals {
			v = strings.TrimSpace(v)
			if v == "" || strings.IndexFunc(v, unicode.IsSpace) >= 0 {
				return nil, nil, nil, core.Errorf(core.TypeSubmissionInvalid, "submission value %q for id %q is not one item; the long layout takes one item per row",
					v, strings.TrimSpace(ids[i])).
					WithDetails("prediction %d of the id", j+1).
					WithCauses("write one predicted item per row, the best first")
			}
			vals[j] = v
		}
		predicted[i] = strings.Join(vals, " ")
	}
	return actual, predicted, ids, nil
}
