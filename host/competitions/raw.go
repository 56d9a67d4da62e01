package competitions

import (
	"context"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
)

// MLEDojoLoader is the task loader of the original benchmark's layout, which prepares its
// competitions from Kaggle's raw files with per-competition recipes.
const MLEDojoLoader = "mledojo"

// PrepareRawRequest asks for one competition to be built from raw downloads.
type PrepareRawRequest struct {
	// Loader prepares it (MLEDojoLoader when empty).
	Loader string
	ID     string
	// RawDir holds Kaggle's files for the competition, unzipped.
	RawDir string
	// DataDir is the loader's root: the competition lands in DataDir/ID.
	DataDir string
	// Force replaces a competition already prepared there.
	Force bool
}

// PrepareRaw builds competition req.ID from the raw files in req.RawDir with the loader's recipe
// and returns it loaded and verified, with the files written.
func (l *Library) PrepareRaw(ctx context.Context, req PrepareRawRequest) (core.Competition, []string, error) {
	if req.Loader == "" {
		req.Loader = MLEDojoLoader
	}
	if req.ID == "" || req.RawDir == "" || req.DataDir == "" {
		return core.Competition{}, nil, core.Errorf(core.TypeInvalidArgument, "preparing from raw files needs an id, a raw directory and a data directory")
	}
	tl, err := l.loaders.TaskLoader(req.Loader)
	if err != nil {
		return core.Competition{}, nil, err
	}
	params := core.Params{}
	if req.Force {
		params["force"] = true
	}
	resp, err := tl.Prepare(ctx, pluginapi.PrepareTaskRequest{Loader: req.Loader, ID: req.ID, RawDir: req.RawDir, DataDir: req.DataDir, Params: params})
	if err != nil {
		return core.Competition{}, nil, err
	}
	return resp.Competition, resp.Files, nil
}
