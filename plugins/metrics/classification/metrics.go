package main

import (
	"context"
	"slices"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
	"github.com/mledojo/dojo/plugins/metrics/internal/score"
)

// schema is the params JSON Schema: the common params plus the metric's own properties.
func schema(props ...string) string {
	common := []string{
		`"id_column": {"type": "string", "description": "id column; default: the answers' first column"}`,
		`"target_columns": {"type": "array", "items": {"type": "string"}, "description": "default: every answers column but the id"}`,
		`"allow_extra_columns": {"type": "boolean", "default": false}`,
		`"numeric_ids": {"type": "boolean", "default": false, "description": "compare ids as numbers (1 == 1.0)"}`,
	}
	return `{"type": "object", "properties": {` + strings.Join(append(common, props...), ", ") + `}}`
}

func known(req pluginapi.ScoreRequest, own ...string) error {
	return req.Params.CheckKnown(append(slices.Clone(inputs.CommonParams), own...)...)
}

// accuracy is sklearn's accuracy_score; with several target columns a row counts only when every
// column matches (subset accuracy). Labels are compared as Labels canonicalises them.
func accuracy(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	return rowsMatching(req, labelColumns)
}

// rowsMatching is the share of rows whose every target column matches, each column read by columns.
func rowsMatching(req pluginapi.ScoreRequest, columns func(*inputs.Inputs, string) ([]string, []string, error)) (pluginapi.ScoreResponse, error) {
	if err := known(req); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	in, err := inputs.Load(req, inputs.Options{})
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	n := in.Pair.Len()
	if n == 0 {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeEvaluation, "no rows to score")
	}
	match := make([]bool, n)
	for i := range match {
		match[i] = true
	}
	for _, col := range in.Targets {
		truth, pred, err := columns(in, col)
		if err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		for i := range match {
			match[i] = match[i] && truth[i] == pred[i]
		}
	}
	hits := 0
	for _, m := range match {
		if m {
			hits++
		}
	}
	return pluginapi.ScoreResponse{Score: float64(hits) / float64(n), Rows: int64(n)}, nil
}

func labelColumns(in *inputs.Inputs, col string) (truth, pred []string, err error) {
	t, err := in.Pair.AnswerStrings(col)
	if err != nil {
		return nil, nil, err
	}
	p, err := in.Pair.SubmissionStrings(col)
	if err != nil {
		return nil, nil, err
	}
	truth, pred = inputs.Labels(t, p)
	return truth, pred, nil
}

// f1 is sklearn's f1_score over one target column.
func f1(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, "average", "pos_label", paramPredictionColumn, paramValueFormat, paramMatching, paramTruthFormat,
		paramSubmissionFormat, paramMaxPredictions, paramEmptyEmpty); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if resp, handled, err := structuredF1(req); handled {
		return resp, err
	}
	average, err := req.Params.String("average", "binary")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	posLabel, err := req.Params.String("pos_label", "1")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	l, err := loadLabels(req, "f1")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	truth, pred := inputs.Labels(l.truth, l.pred)
	posLabel = inputs.Label(posLabel, inputs.IsNumeric(truth) && inputs.IsNumeric(pred))
	v, err := score.F1(truth, pred, score.Average(average), posLabel)
	return pluginapi.ScoreResponse{Score: v, Rows: int64(len(truth))}, err
}

func oneTarget(in *inputs.Inputs, metric string) error {
	if len(in.Targets) != 1 {
		return core.Errorf(core.TypeInvalidArgument, "%s scores one target column, the answers have %d (%s)",
			metric, len(in.Targets), strings.Join(in.Targets, ", ")).
			WithCauses("set the target_columns param to the one column to score")
	}
	return nil
}
