package main

import (
	"context"
	"errors"
	"math"
	"strconv"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
	"github.com/mledojo/dojo/plugins/metrics/internal/score"
)

// Aggregations of a correlation over several columns or rows.
const (
	meanPerColumn = "mean_per_column"
	meanPerRow    = "mean_per_row"
	pooled        = "pooled"
)

// Sequence formats: each cell a list.
const (
	seqInts    = "space_separated_ints"
	seqNumbers = "space_separated_numbers"
	seqIDs     = "space_separated_ids"
)

var correlationParams = []string{"aggregation", "sequence", "nan_as", inputs.ParamSkipMissingTruth}

// correlationOptions are the params every correlation reads.
type correlationOptions struct {
	aggregation, sequence string
	nanAs                 *float64 // score of an undefined correlation; nil: an error
	skipMissing           bool
}

func readCorrelationOptions(req pluginapi.ScoreRequest) (correlationOptions, error) {
	var o correlationOptions
	if err := known(req, correlationParams...); err != nil {
		return o, err
	}
	var err error
	if o.sequence, err = req.Params.String("sequence", ""); err != nil {
		return o, err
	}
	def := meanPerColumn
	switch o.sequence {
	case "":
	case seqInts, seqNumbers:
		def = meanPerRow
	case seqIDs:
		def = pooled
	default:
		return o, core.Errorf(core.TypeInvalidArgument, "sequence %q is not one of %s, %s, %s", o.sequence, seqInts, seqNumbers, seqIDs)
	}
	if o.aggregation, err = req.Params.String("aggregation", def); err != nil {
		return o, err
	}
	if req.Params.Has("nan_as") {
		v, err := req.Params.Float("nan_as", 0)
		if err != nil {
			return o, err
		}
		o.nanAs = &v
	}
	o.skipMissing, err = req.Params.Bool(inputs.ParamSkipMissingTruth, false)
	return o, err
}

// spearman is scipy's Spearman rank correlation: per target column (averaged), or per row of lists.
func spearman(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	o, err := readCorrelationOptions(req)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	switch {
	case o.sequence == "" && o.aggregation == meanPerColumn:
		return columnCorrelation(req, o, score.Spearman)
	case (o.sequence == seqInts || o.sequence == seqNumbers) && o.aggregation == meanPerRow:
		return rowSpearman(req, o)
	}
	return pluginapi.ScoreResponse{}, badCombination("spearman", o, "mean_per_column over numeric columns, or sequence space_separated_ints (or _numbers) with mean_per_row")
}

// pearson is scipy's Pearson correlation, averaged over target columns.
func pearson(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	o, err := readCorrelationOptions(req)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if o.sequence != "" || o.aggregation != meanPerColumn {
		return pluginapi.ScoreResponse{}, badCombination("pearson", o, "mean_per_column over numeric columns")
	}
	return columnCorrelation(req, o, score.Pearson)
}

// kendallTau is scipy's tau-b per target column (averaged), or Kaggle's AI4Code tau pooled over rows
// of predicted item orders.
func kendallTau(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	o, err := readCorrelationOptions(req)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	switch {
	case o.sequence == "" && o.aggregation == meanPerColumn:
		return columnCorrelation(req, o, score.KendallTau)
	case o.sequence == seqIDs && o.aggregation == pooled:
		actual, predicted, ids, err := lists(req, "kendall_tau")
		if err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		v, err := score.PooledOrderTau(actual, predicted)
		return pluginapi.ScoreResponse{Score: v, Rows: int64(len(actual))}, withID(err, ids)
	}
	return pluginapi.ScoreResponse{}, badCombination("kendall_tau", o, "mean_per_column over numeric columns, or sequence space_separated_ids with pooled")
}

func badCombination(metric string, o correlationOptions, supported string) error {
	seq := o.sequence
	if seq == "" {
		seq = "none"
	}
	return core.Errorf(core.TypeInvalidArgument, "%s does not support aggregation %q with sequence %s", metric, o.aggregation, seq).
		WithCauses("supported: " + supported)
}

// columnCorrelation scores each target column with fn and averages the columns, reporting each
// column's value as an extra when there are several.
func columnCorrelation(req pluginapi.ScoreRequest, o correlationOptions, fn func(a, b []float64) (float64, error)) (pluginapi.ScoreResponse, error) {
	in, err := inputs.Load(req, inputs.Options{})
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	ids := in.Pair.IDs()
	resp := pluginapi.ScoreResponse{Rows: int64(in.Pair.Len())}
	if len(in.Targets) > 1 {
		resp.Extras = make(map[string]float64, len(in.Targets))
	}
	for _, col := range in.Targets {
		truth, err := truthColumn(in, col, o.skipMissing)
		if err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		pred, err := in.Pair.SubmissionFloats(col)
		if err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		colIDs := ids
		if len(truth) < len(pred) || hasNaN(truth) {
			truth, pred, colIDs = dropMissing(truth, pred, ids)
		}
		v, err := fn(truth, pred)
		if err != nil {
			if !errors.Is(err, score.ErrUndefinedCorrelation) || o.nanAs == nil {
				e := core.AsError(withID(err, colIDs))
				if len(in.Targets) > 1 && e.Details == "" {
					e = e.WithDetails("column %q", col)
				}
				return pluginapi.ScoreResponse{}, e
			}
			v = *o.nanAs
		}
		if resp.Extras != nil {
			resp.Extras[col] = v
		}
		resp.Score += v
	}
	resp.Score /= float64(len(in.Targets))
	return resp, nil
}

// truthColumn reads an answers column as numbers, empty cells as NaN when they are to be skipped.
func truthColumn(in *inputs.Inputs, col string, skipMissing bool) ([]float64, error) {
	if skipMissing {
		return inputs.FloatsOrMissing(in.Pair.Answers, col, core.TypeGroundTruth)
	}
	return in.Pair.AnswerFloats(col)
}

func hasNaN(xs []float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) {
			return true
		}
	}
	return false
}

// dropMissing keeps the rows whose truth is a number.
func dropMissing(truth, pred []float64, ids []string) (t, p []float64, kept []string) {
	for i, v := range truth {
		if !math.IsNaN(v) {
			t, p, kept = append(t, v), append(p, pred[i]), append(kept, ids[i])
		}
	}
	return t, p, kept
}

// rowSpearman is the mean over rows of the Spearman correlation between each row's true and
// predicted lists (Draper's chronology: five day ranks per set).
func rowSpearman(req pluginapi.ScoreRequest, o correlationOptions) (pluginapi.ScoreResponse, error) {
	actual, predicted, ids, err := lists(req, "spearman")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	truth := make([][]float64, len(actual))
	pred := make([][]float64, len(predicted))
	for i := range actual {
		if truth[i], err = numberList(actual[i], o.sequence, ids[i], core.TypeGroundTruth); err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		if pred[i], err = numberList(predicted[i], o.sequence, ids[i], core.TypeSubmissionInvalid); err != nil {
			return pluginapi.ScoreResponse{}, err
		}
	}
	v, err := score.SpearmanRows(truth, pred, o.nanAs)
	return pluginapi.ScoreResponse{Score: v, Rows: int64(len(actual))}, withID(err, ids)
}

// numberList parses a white-space separated list of integers (seqInts) or numbers.
func numberList(s, sequence, id string, t core.ErrorType) ([]float64, error) {
	var out []float64
	for _, tok := range fields(s) {
		var v float64
		var err error
		if sequence == seqInts {
			var n int64
			n, err = strconv.ParseInt(tok, 10, 64)
			v = float64(n)
		} else {
			v, err = strconv.ParseFloat(tok, 64)
			if err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
				err = strconv.ErrSyntax
			}
		}
		if err != nil {
			what, kind := "prediction", "integers"
			if t == core.TypeGroundTruth {
				what = "ground truth"
			}
			if sequence == seqNumbers {
				kind = "finite numbers"
			}
			e := core.Errorf(t, "the %s for id %q holds %q; the list must hold %s separated by spaces", what, id, tok, kind)
			if t == core.TypeSubmissionInvalid {
				e = e.WithCauses("write each row's values as " + kind + " separated by single spaces")
			}
			return nil, e
		}
		out = append(out, v)
	}
	return out, nil
}
