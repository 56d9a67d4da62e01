package pluginapi

import (
	"context"

	"github.com/mledojo/dojo/core"
)

// Metric scores a submission file against an answers file. Both are paths on the host's disk: large
// data never crosses RPC. A malformed submission is a *core.Error of TypeSubmissionInvalid that says
// what is wrong and what would fix it; a problem with the answers is TypeGroundTruth.
type Metric interface {
	// Validate checks the submission's shape against the answers without computing the score.
	Validate(ctx context.Context, req ScoreRequest) (ValidateResponse, error)
	// Score validates and scores the submission.
	Score(ctx context.Context, req ScoreRequest) (ScoreResponse, error)
}

// ScoreRequest names the files to compare and the params that specialise the metric for a competition
// (id column, target columns, averaging, clipping, ...).
type ScoreRequest struct {
	// Metric is the component name; the host fills it in.
	Metric         string
	AnswersPath    string
	SubmissionPath string
	Params         core.Params
}

// ValidateResponse reports a valid submission's size and any non-fatal warnings.
type ValidateResponse struct {
	Rows     int64
	Warnings []string
}

// ScoreResponse is the raw metric value and optional named sub-scores (per column, per class).
type ScoreResponse struct {
	Score  float64
	Rows   int64
	Extras map[string]float64
}
