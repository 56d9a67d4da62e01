package competitions

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
)

// PrepareRequest asks for a pack (or some of its competitions) to be built into DataDir.
type PrepareRequest struct {
	// Pack is the pack to prepare; only StarterPack exists.
	Pack string
	// DataDir is the competitions directory to build into (usually Dir(config data_dir)).
	DataDir string
	// IDs, when set, prepares only these competitions of the pack (NAME@VERSION or NAME).
	IDs []string
	// Force rebuilds competitions that are already prepared and verify.
	Force bool
	// Params are passed to the loader's Prepare (for the native loader: python, rscript).
	Params core.Params
	// Progress, when set, is called as each competition starts and ends.
	Progress func(Progress)
}

// Progress reports one competition of a preparation.
type Progress struct {
	// Index counts from 1 to Total.
	Index, Total int
	ID           string
	// State is "start", "done", "kept" (already prepared and verified) or "failed".
	State   string
	Elapsed time.Duration
	Files   int
	Err     error
}

// PrepareResult says what a preparation did.
type PrepareResult struct {
	Prepared []string      `json:"prepared"`
	Kept     []string      `json:"kept"`
	Failed   []string      `json:"failed"`
	Elapsed  time.Duration `json:"elapsed_ns"`
}

// Prepare builds the pack's competitions into req.DataDir with the native loader, one at a time,
// skipping those already prepared that still verify (unless Force). A competition that fails does
// not stop the others; the error at the end names every failure, and the first failure's causes.
func (l *Library) Prepare(ctx context.Context, req PrepareRequest) (PrepareResult, error) {
	start := time.Now()
	if req.Pack != StarterPack {
		return PrepareResult{}, core.Errorf(core.TypeInvalidArgument, "unknown pack %q", req.Pack).
			WithCauses(`the only pack is "starter"`)
	}
	if req.DataDir == "" {
		return PrepareResult{}, core.Errorf(core.TypeInvalidArgument, "no data directory to prepare into")
	}
	tl, err := l.loaders.TaskLoader(NativeLoader)
	if err != nil {
		return PrepareResult{}, err
	}
	// An empty root lists only the pack.
	pack, err := tl.List(ctx, pluginapi.ListTasksRequest{Loader: NativeLoader, Params: core.Params{"pack": req.Pack}})
	if err != nil {
		return PrepareResult{}, err
	}
	ids, err := selectIDs(pack, req.IDs)
	if err != nil {
		return PrepareResult{}, err
	}
	report := func(p Progress) {
		if req.Progress != nil {
			req.Progress(p)
		}
	}
	var res PrepareResult
	var firstErr *core.Error
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		p := Progress{Index: i + 1, Total: len(ids), ID: id}
		if !req.Force {
			if _, err := tl.Load(ctx, pluginapi.LoadTaskRequest{Loader: NativeLoader, Root: req.DataDir, ID: id}); err == nil {
				p.State = "kept"
				report(p)
				res.Kept = append(res.Kept, id)
				continue
			}
		}
		p.State = "start"
		report(p)
		t0 := time.Now()
		resp, err := tl.Prepare(ctx, pluginapi.PrepareTaskRequest{Loader: NativeLoader, ID: id, DataDir: req.DataDir, Params: req.Params})
		p.Elapsed = time.Since(t0)
		if err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			p.State, p.Err = "failed", err
			report(p)
			res.Failed = append(res.Failed, id)
			if firstErr == nil {
				firstErr = core.AsError(err)
			}
			continue
		}
		p.State, p.Files = "done", len(resp.Files)
		report(p)
		res.Prepared = append(res.Prepared, id)
	}
	res.Elapsed = time.Since(start)
	if len(res.Failed) > 0 {
		return res, core.Errorf(core.TypeCompetitionData, "%d of %d competitions could not be prepared: %s",
			len(res.Failed), len(ids), strings.Join(res.Failed, ", ")).
			WithDetails("first failure: %s", firstErr.Error()).WithCauses(firstErr.Causes...)
	}
	return res, nil
}

// PrepareDir records the checksums of a hand-made native competition in src, copying it into
// dataDir first unless it is already there, and returns the loaded competition.
func (l *Library) PrepareDir(ctx context.Context, src, dataDir string) (core.Competition, error) {
	tl, err := l.loaders.TaskLoader(NativeLoader)
	if err != nil {
		return core.Competition{}, err
	}
	resp, err := tl.Prepare(ctx, pluginapi.PrepareTaskRequest{Loader: NativeLoader, RawDir: src, DataDir: dataDir})
	if err != nil {
		return core.Competition{}, err
	}
	return resp.Competition, nil
}

func selectIDs(pack []pluginapi.TaskSummary, want []string) ([]string, error) {
	var all []string
	for _, s := range pack {
		all = append(all, s.ID)
	}
	if len(want) == 0 {
		return all, nil
	}
	var out []string
	for _, w := range want {
		found := ""
		for _, id := range all {
			if id == w || strings.HasPrefix(id, w+"@") {
				found = id
				break
			}
		}
		if found == "" {
			return nil, core.Errorf(core.TypeCompetitionNotFound, "the starter pack has no competition %q", w).
				WithDetails("starter competitions: %s", strings.Join(all, ", "))
		}
		out = append(out, found)
	}
	return out, nil
}

// ProgressWriter returns a Progress callback that writes one line per finished competition to w.
func ProgressWriter(w io.Writer) func(Progress) {
	return func(p Progress) {
		prefix := fmt.Sprintf("[%*d/%d] %s", len(fmt.Sprint(p.Total)), p.Index, p.Total, p.ID)
		switch p.State {
		case "start":
			fmt.Fprintf(w, "%s: preparing...\n", prefix)
		case "done":
			fmt.Fprintf(w, "%s: prepared in %.1fs (%d files)\n", prefix, p.Elapsed.Seconds(), p.Files)
		case "kept":
			fmt.Fprintf(w, "%s: already prepared (checksums verified)\n", prefix)
		case "failed":
			fmt.Fprintf(w, "%s: FAILED after %.1fs: %v\n", prefix, p.Elapsed.Seconds(), p.Err)
		}
	}
}
