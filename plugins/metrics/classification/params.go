package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
	"github.com/mledojo/dojo/plugins/metrics/internal/score"
)

// paramPredictionColumn names the submission's value column when it differs from the answers'
// target column (Quora Insincere Questions: target in the answers, prediction in the submission).
const paramPredictionColumn = "prediction_column"

// labelInputs are one target column of the answers and the submission's matching column, as text,
// in answers order.
type labelInputs struct {
	in          *inputs.Inputs
	column      string // the answers' target column
	truth, pred []string
}

// loadLabels reads one target column of labels (or lists, or spans) and the submission's column of
// the same name, or the prediction_column param's.
func loadLabels(req pluginapi.ScoreRequest, metric string) (*labelInputs, error) {
	predCol, err := req.Params.String(paramPredictionColumn, "")
	if err != nil {
		return nil, err
	}
	var opts inputs.Options
	if predCol != "" {
		opts.SubmissionColumns = func(inputs.Columns, []string) ([]string, error) { return []string{predCol}, nil }
	}
	in, err := inputs.Load(req, opts)
	if err != nil {
		return nil, err
	}
	if err := oneTarget(in, metric); err != nil {
		return nil, err
	}
	l := &labelInputs{in: in, column: in.Targets[0]}
	if predCol == "" {
		predCol = l.column
	}
	if l.truth, err = in.Pair.AnswerStrings(l.column); err != nil {
		return nil, err
	}
	if l.pred, err = in.Pair.SubmissionStrings(predCol); err != nil {
		return nil, err
	}
	return l, nil
}

// withID adds to an error about one row the id of that row (ids in the order of the rows scored).
func withID(err error, ids []string) error {
	return withIDOf(err, len(ids), func(i int) string { return ids[i] })
}

// withIDOf is withID for n rows whose ids id looks up.
func withIDOf(err error, n int, id func(row int) string) error {
	row, ok := score.ErrorRow(err)
	if !ok || row < 0 || row >= n {
		return err
	}
	e := core.AsError(err)
	detail := fmt.Sprintf("id %q", strings.TrimSpace(id(row)))
	if e.Details != "" {
		detail = e.Details + "; " + detail
	}
	return e.WithDetails("%s", detail)
}

// floatList reads a list of numbers: a JSON list, or a comma-separated string (as a command line
// gives it).
func floatList(p core.Params, key string) ([]float64, error) {
	v, ok := p[key]
	if !ok || v == nil {
		return nil, nil
	}
	bad := func() error {
		return core.Errorf(core.TypeInvalidArgument, "parameter %q is %v (%T), want a list of numbers", key, v, v)
	}
	var out []float64
	switch x := v.(type) {
	case []float64:
		out = append(out, x...)
	case []any:
		for _, e := range x {
			switch n := e.(type) {
			case float64:
				out = append(out, n)
			case int:
				out = append(out, float64(n))
			case int64:
				out = append(out, float64(n))
			default:
				return nil, bad()
			}
		}
	case string:
		for _, part := range strings.Split(strings.Trim(strings.TrimSpace(x), "[]"), ",") {
			f, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
			if err != nil {
				return nil, bad()
			}
			out = append(out, f)
		}
	default:
		return nil, bad()
	}
	return out, nil
}

// optionalFloat reads a number param, nil when unset.
func optionalFloat(p core.Params, key string) (*float64, error) {
	if !p.Has(key) || p[key] == nil {
		return nil, nil
	}
	v, err := p.Float(key, 0)
	if err != nil {
		return nil, err
	}
	return &v, nil
}
