package main

import (
	"context"
	"fmt"
	"math"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
	"github.com/mledojo/dojo/plugins/metrics/internal/score"
	"github.com/mledojo/dojo/sdk"
)

// scoreFunc scores one column of truths against one of predictions.
type scoreFunc func(truth, pred []float64) (float64, error)

// Params of the column-by-column metrics.
const (
	paramAggregation = "aggregation"
	paramPooled      = "pooled"
)

// Aggregations over several target columns.
const (
	meanPerColumn = "mean_per_column" // score each column, then average: sklearn's uniform_average
	pooled        = "pooled"          // score every cell at once, as one long column
)

var aggregationSchema = `"aggregation": {"enum": ["mean_per_column", "pooled"], "default": "mean_per_column", "description": "with several target columns, average the per-column scores or score all cells as one column"}, ` +
	`"pooled": {"type": "boolean", "default": false, "description": "the same as aggregation: pooled"}, ` +
	`"skip_missing_truth": {"type": "boolean", "default": false, "description": "leave out rows whose truth is empty or NaN"}`

// columnMetric describes a metric scored column by column.
type columnMetric struct {
	// own lists the metric's params besides the common ones, the filter and, when poolable, the
	// aggregation params.
	own []string
	// poolable metrics accept aggregation (pooled or mean_per_column) and skip_missing_truth;
	// the "mean column-wise" families average per column by definition.
	poolable bool
	// build reads the metric's own params.
	build func(core.Params) (scoreFunc, error)
}

// columnwise scores each target column with the function m builds and averages the results (the
// per-column values are reported as extras), or, when pooled, scores every cell at once. A filter
// param scores only the answers rows that pass it.
func columnwise(m columnMetric) sdk.MetricFunc {
	return func(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
		params := append([]string{inputs.ParamFilter}, m.own...)
		if m.poolable {
			params = append(params, paramAggregation, paramPooled, inputs.ParamSkipMissingTruth)
		}
		if err := known(req, params...); err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		fn, err := m.build(req.Params)
		if err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		aggregation, err := aggregationOf(req.Params)
		if err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		skipMissing, err := req.Params.Bool(inputs.ParamSkipMissingTruth, false)
		if err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		s, err := loadScored(req, skipMissing)
		if err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		resp := pluginapi.ScoreResponse{Rows: int64(s.rows)}
		if aggregation == pooled && len(s.cols) > 1 {
			all := s.pool()
			v, err := fn(all.truth, all.pred)
			if err != nil {
				return pluginapi.ScoreResponse{}, s.nameRow(err, all)
			}
			resp.Score = v
			return resp, nil
		}
		if len(s.cols) > 1 {
			resp.Extras = make(map[string]float64, len(s.cols))
		}
		for _, c := range s.cols {
			v, err := fn(c.truth, c.pred)
			if err != nil {
				return pluginapi.ScoreResponse{}, s.nameRow(err, c)
			}
			if resp.Extras != nil {
				resp.Extras[c.name] = v
			}
			resp.Score += v
		}
		resp.Score /= float64(len(s.cols))
		return resp, nil
	}
}

func aggregationOf(p core.Params) (string, error) {
	agg, err := choice(p, paramAggregation, meanPerColumn, pooled)
	if err != nil {
		return "", err
	}
	pool, err := p.Bool(paramPooled, false)
	if err != nil {
		return "", err
	}
	if pool && p.Has(paramAggregation) && agg != pooled {
		return "", core.Errorf(core.TypeInvalidArgument, "parameters %q and %q disagree", paramPooled, paramAggregation)
	}
	if pool {
		agg = pooled
	}
	return agg, nil
}

// scored are the aligned inputs reduced to the rows that are scored.
type scored struct {
	in   *inputs.Inputs
	cols []column
	rows int // answers rows passing the filter
}

// column is one target's scored values.
type column struct {
	name        string
	truth, pred []float64
	// rows[k] is the answers row of value k; nil when value k is answers row k. For a pooled
	// column, cols[k] names the target of value k.
	rows []int
	cols []string
}

// loadScored aligns the files and keeps, per target column, the rows that pass the filter (and,
// with skipMissing, whose truth is present). aux names answers columns the metric reads besides the
// targets, which default target columns leave out.
func loadScored(req pluginapi.ScoreRequest, skipMissing bool, aux ...string) (*scored, error) {
	req, err := withAuxiliaryColumns(req, aux...)
	if err != nil {
		return nil, err
	}
	filters, err := inputs.ParseFilters(req.Params)
	if err != nil {
		return nil, err
	}
	in, err := inputs.Load(req, inputs.Options{})
	if err != nil {
		return nil, err
	}
	keep, err := filters.Rows(in.Pair.Answers)
	if err != nil {
		return nil, err
	}
	s := &scored{in: in, rows: in.Pair.Len()}
	if keep != nil {
		s.rows = len(keep)
	}
	for _, name := range in.Targets {
		var truth []float64
		if skipMissing {
			truth, err = inputs.FloatsOrMissing(in.Pair.Answers, name, core.TypeGroundTruth)
		} else {
			truth, err = in.Pair.AnswerFloats(name)
		}
		if err != nil {
			return nil, err
		}
		pred, err := in.Pair.SubmissionFloats(name)
		if err != nil {
			return nil, err
		}
		c := column{name: name, truth: truth, pred: pred}
		if keep != nil || skipMissing {
			c = c.subset(keep, skipMissing)
		}
		if len(c.truth) == 0 {
			return nil, core.Errorf(core.TypeEvaluation, "no rows to score in column %q: every ground truth value is missing", name)
		}
		s.cols = append(s.cols, c)
	}
	return s, nil
}

// subset keeps the given answers rows (all when nil), dropping missing truths when skipMissing.
func (c column) subset(keep []int, skipMissing bool) column {
	n := len(c.truth)
	if keep != nil {
		n = len(keep)
	}
	out := column{name: c.name, truth: make([]float64, 0, n), pred: make([]float64, 0, n), rows: make([]int, 0, n)}
	add := func(i int) {
		if skipMissing && math.IsNaN(c.truth[i]) {
			return
		}
		out.truth = append(out.truth, c.truth[i])
		out.pred = append(out.pred, c.pred[i])
		out.rows = append(out.rows, i)
	}
	if keep == nil {
		for i := range c.truth {
			add(i)
		}
	} else {
		for _, i := range keep {
			add(i)
		}
	}
	return out
}

// answersRow returns the answers row of value k.
func (c column) answersRow(k int) int {
	if c.rows == nil {
		return k
	}
	return c.rows[k]
}

// pool concatenates the columns into one.
func (s *scored) pool() column {
	var total int
	for _, c := range s.cols {
		total += len(c.truth)
	}
	out := column{name: "all target columns", truth: make([]float64, 0, total), pred: make([]float64, 0, total),
		rows: make([]int, 0, total), cols: make([]string, 0, total)}
	for _, c := range s.cols {
		out.truth = append(out.truth, c.truth...)
		out.pred = append(out.pred, c.pred...)
		for k := range c.truth {
			out.rows = append(out.rows, c.answersRow(k))
			out.cols = append(out.cols, c.name)
		}
	}
	return out
}

// nameRow adds the id, column and submission line to an error about one value of c.
func (s *scored) nameRow(err error, c column) error {
	k, ok := score.ErrorRow(err)
	if !ok || k >= len(c.truth) {
		return err
	}
	name := c.name
	if c.cols != nil {
		name = c.cols[k]
	}
	return withDetail(core.AsError(err), "column %q, %s", name, describeRow(s.in, c.answersRow(k)))
}

// describeRow names answers row i by its id and the submission line that holds it.
func describeRow(in *inputs.Inputs, i int) string {
	ids, _ := in.Pair.Answers.Column(in.ID)
	return fmt.Sprintf("id %q (submission line %d)", string(ids.Bytes(i)), in.Pair.Submission.Line(in.Pair.Alignment.SubmissionRow(i)))
}
