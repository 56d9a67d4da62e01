package pluginapi

import (
	"context"

	"github.com/mledojo/dojo/core"
)

// TaskLoader finds, loads and prepares competitions from one on-disk layout (native, MLE-Dojo,
// MLE-bench, ...).
type TaskLoader interface {
	List(ctx context.Context, req ListTasksRequest) ([]TaskSummary, error)
	Load(ctx context.Context, req LoadTaskRequest) (core.Competition, error)
	Prepare(ctx context.Context, req PrepareTaskRequest) (PrepareTaskResponse, error)
}

// ListTasksRequest lists the competitions under Root.
type ListTasksRequest struct {
	Loader string
	Root   string
	Params core.Params
}

// TaskSummary is one line of a competition listing.
type TaskSummary struct {
	ID       string
	Title    string
	Domain   string
	Metric   string
	Prepared bool
	// Labels carry what listings filter on (split, eval_group, task_type, direction, source).
	Labels map[string]string
}

// LoadTaskRequest loads competition ID from Root.
type LoadTaskRequest struct {
	Loader string
	Root   string
	ID     string
}

// PrepareTaskRequest builds a prepared competition in DataDir from raw downloads in RawDir.
type PrepareTaskRequest struct {
	Loader  string
	ID      string
	RawDir  string
	DataDir string
	Params  core.Params
}

// PrepareTaskResponse is the prepared competition and the files written.
type PrepareTaskResponse struct {
	Competition core.Competition
	Files       []string
}
