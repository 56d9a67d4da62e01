// Package scoring turns a submission file into a scored result through a metric plugin: the one path
// that `dojo score`, the episode's execute_code step and the evaluation report share.
package scoring

import (
	"context"
	"math"
	"os"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
)

// Metrics finds metric components by name; *catalog.Catalog is one.
type Metrics interface {
	Metric(name string) (pluginapi.Metric, error)
}

// Request names a metric, its params, and the two files to compare.
type Request struct {
	Metric         string
	Params         core.Params
	AnswersPath    string
	SubmissionPath string
}

// Result is a scored (or rejected) submission. Error is set exactly when Valid is false.
type Result struct {
	Valid    bool               `json:"valid"`
	RawScore float64            `json:"raw_score"`
	Rows     int64              `json:"rows,omitempty"`
	Extras   map[string]float64 `json:"extras,omitempty"`
	Error    *core.Error        `json:"error,omitempty"`
}

// Score validates and scores a submission. A problem with the submission or answers comes back as an
// invalid Result with a typed error; only a failure of the host itself (the metric cannot be found,
// the context ends) is returned as an error.
func Score(ctx context.Context, metrics Metrics, req Request) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	m, err := metrics.Metric(req.Metric)
	if err != nil {
		return Result{}, err
	}
	if err := checkFile(req.SubmissionPath, core.TypeSubmissionNotFound, "submission"); err != nil {
		return invalid(err), nil
	}
	if err := checkFile(req.AnswersPath, core.TypeGroundTruth, "answers"); err != nil {
		return invalid(err), nil
	}
	resp, err := m.Score(ctx, pluginapi.ScoreRequest{
		Metric: req.Metric, AnswersPath: req.AnswersPath, SubmissionPath: req.SubmissionPath, Params: req.Params,
	})
	// A metric that finished anyway must not turn an abandoned step into a score.
	if cerr := ctx.Err(); cerr != nil {
		return Result{}, cerr
	}
	if err != nil {
		return invalid(err), nil
	}
	if math.IsNaN(resp.Score) || math.IsInf(resp.Score, 0) {
		return invalid(core.Errorf(core.TypeEvaluation, "metric %s produced %v", req.Metric, resp.Score).
			WithCauses("the submission holds values the metric cannot score (check for extreme or degenerate predictions)")), nil
	}
	return Result{Valid: true, RawScore: resp.Score, Rows: resp.Rows, Extras: resp.Extras}, nil
}

func invalid(err error) Result { return Result{Error: core.AsError(err)} }

// checkFile rejects a missing path, a directory or a non-regular file before a plugin sees it.
func checkFile(path string, t core.ErrorType, what string) error {
	if path == "" {
		return core.Errorf(t, "no %s file given", what)
	}
	st, err := os.Stat(path)
	if err != nil {
		return core.Errorf(t, "%s file %s: %w", what, path, err)
	}
	if !st.Mode().IsRegular() {
		return core.Errorf(t, "%s %s is not a regular file", what, path).
			WithCauses("write the " + what + " as a CSV file")
	}
	return nil
}
