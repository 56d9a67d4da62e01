// Command testtasks is a test plugin serving a task loader that treats each subdirectory of the root
// as a competition scored by accuracy.
package main

import (
	"context"
	"os"
	"path/filepath"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk"
)

type dirs struct{}

func (dirs) List(_ context.Context, req pluginapi.ListTasksRequest) ([]pluginapi.TaskSummary, error) {
	entries, err := os.ReadDir(req.Root)
	if err != nil {
		return nil, core.Errorf(core.TypeCompetitionData, "cannot list %s: %w", req.Root, err)
	}
	var out []pluginapi.TaskSummary
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, pluginapi.TaskSummary{ID: e.Name(), Title: e.Name(), Metric: "accuracy", Prepared: true})
		}
	}
	return out, nil
}

func (dirs) Load(_ context.Context, req pluginapi.LoadTaskRequest) (core.Competition, error) {
	dir := filepath.Join(req.Root, req.ID)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return core.Competition{}, core.Errorf(core.TypeCompetitionNotFound, "no competition %q under %s", req.ID, req.Root)
	}
	return core.Competition{
		ID: req.ID, Title: req.ID, Metric: core.MetricRef{Name: "accuracy"}, Direction: core.HigherIsBetter,
		PublicDir: filepath.Join(dir, "public"), AnswersPath: filepath.Join(dir, "private", "answers.csv"),
		Source: "testtasks",
	}, nil
}

func (dirs) Prepare(context.Context, pluginapi.PrepareTaskRequest) (pluginapi.PrepareTaskResponse, error) {
	return pluginapi.PrepareTaskResponse{}, core.Errorf(core.TypeInvalidArgument, "testtasks prepares nothing")
}

func main() {
	sdk.Serve(sdk.TaskLoader("dirs", dirs{}, sdk.Describe("one competition per subdirectory")))
}
