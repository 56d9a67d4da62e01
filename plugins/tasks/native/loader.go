package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/go-hclog"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/tasks/native/layout"
	"github.com/mledojo/dojo/plugins/tasks/native/starter"
)

// Params the loader reads.
const (
	// ParamPack, on List, adds the pack's competitions that are not prepared under the root
	// (Prepared: false). The only pack is "starter".
	ParamPack = "pack"
	// ParamPython and ParamRscript, on Prepare, override the interpreters the starter builder runs.
	ParamPython  = "python"
	ParamRscript = "rscript"
)

const paramsSchema = `{"type": "object", "properties": {
  "pack": {"enum": ["starter"], "description": "List: also list the pack's unprepared competitions"},
  "python": {"type": "string", "default": "/usr/bin/python3", "description": "Prepare: the Python with numpy, pandas, scikit-learn, statsmodels"},
  "rscript": {"type": "string", "default": "/usr/bin/Rscript", "description": "Prepare: Rscript, for data sets of R packages"}}}`

// loader serves the native format.
type loader struct {
	log hclog.Logger
}

var _ pluginapi.TaskLoader = (*loader)(nil)

// List lists the competition directories directly under Root (and Root itself when it is one),
// sorted by id; with the pack param and no Root, just the pack's competitions. A directory whose competition.yaml cannot be read is listed under its directory
// name, unprepared, with the problem as its title, so a listing shows it rather than hiding it.
func (l *loader) List(_ context.Context, req pluginapi.ListTasksRequest) ([]pluginapi.TaskSummary, error) {
	if err := req.Params.CheckKnown(ParamPack); err != nil {
		return nil, err
	}
	pack, err := req.Params.String(ParamPack, "")
	if err != nil {
		return nil, err
	}
	if pack != "" && pack != "starter" {
		return nil, core.Errorf(core.TypeInvalidArgument, "unknown pack %q", pack).WithCauses(`the only pack is "starter"`)
	}
	var dirs []string
	if req.Root != "" || pack == "" { // with a pack and no root, list just the pack
		if dirs, err = competitionDirs(req.Root, pack != ""); err != nil {
			return nil, err
		}
	}
	var out []pluginapi.TaskSummary
	seen := map[string]bool{}
	for _, dir := range dirs {
		m, err := layout.ReadManifest(dir)
		if err != nil {
			out = append(out, pluginapi.TaskSummary{ID: filepath.Base(dir), Title: "invalid: " + core.AsError(err).Message})
			continue
		}
		seen[m.ID] = true
		out = append(out, summary(m, layout.Prepared(dir, m)))
	}
	if pack != "" {
		recipes, err := starter.Recipes()
		if err != nil {
			return nil, err
		}
		for _, r := range recipes {
			if !seen[r.ID] {
				out = append(out, pluginapi.TaskSummary{ID: r.ID, Title: r.Title, Domain: string(r.Domain), Metric: r.Metric.Name})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func summary(m layout.Manifest, prepared bool) pluginapi.TaskSummary {
	return pluginapi.TaskSummary{ID: m.ID, Title: m.Title, Domain: string(m.Domain), Metric: m.Metric.Name, Prepared: prepared}
}

// competitionDirs returns root itself when it holds competition.yaml, else its subdirectories that
// do (hidden ones, such as preparations in progress, skipped). A missing root is empty when
// missingOK, else an error.
func competitionDirs(root string, missingOK bool) ([]string, error) {
	if root == "" {
		return nil, core.Errorf(core.TypeInvalidArgument, "no competitions root given")
	}
	if _, err := os.Stat(filepath.Join(root, layout.ManifestFile)); err == nil {
		return []string{root}, nil
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && missingOK {
			return nil, nil
		}
		return nil, core.Errorf(core.TypeCompetitionData, "cannot list competitions in %s: %w", root, err).
			WithCauses("prepare the starter pack there (dojo competitions prepare --pack starter), or point to a directory of native competitions")
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		dir := filepath.Join(root, e.Name())
		if _, err := os.Stat(filepath.Join(dir, layout.ManifestFile)); err == nil {
			out = append(out, dir)
		}
	}
	return out, nil
}

// Load finds competition ID under Root (NAME@VERSION, or NAME for its highest version), checks its
// layout, verifies its checksums and returns it with absolute paths and both leaderboards.
func (l *loader) Load(_ context.Context, req pluginapi.LoadTaskRequest) (core.Competition, error) {
	dir, err := find(req.Root, req.ID)
	if err != nil {
		return core.Competition{}, err
	}
	return layout.Load(dir, "native")
}

// find returns the directory of competition id under root.
func find(root, id string) (string, error) {
	if id == "" {
		return "", core.Errorf(core.TypeInvalidArgument, "no competition id given")
	}
	// The usual layout names each directory by its id.
	if _, _, err := layout.ParseID(id); err == nil {
		if dir := filepath.Join(root, id); fileExists(filepath.Join(dir, layout.ManifestFile)) {
			if m, err := layout.ReadManifest(dir); err != nil || m.ID == id {
				return dir, nil // a broken manifest is reported by Load
			}
		}
	}
	dirs, err := competitionDirs(root, true)
	if err != nil {
		return "", err
	}
	best, bestVersion := "", 0
	var ids []string
	for _, dir := range dirs {
		m, err := layout.ReadManifest(dir)
		if err != nil {
			// A broken competition is reported by Load, not passed over as missing.
			if filepath.Base(dir) == id || layout.PeekID(dir) == id {
				return dir, nil
			}
			continue
		}
		ids = append(ids, m.ID)
		name, version, _ := layout.ParseID(m.ID)
		if m.ID == id {
			return dir, nil
		}
		if name == id && version > bestVersion {
			best, bestVersion = dir, version
		}
	}
	if best != "" {
		return best, nil
	}
	sort.Strings(ids)
	e := core.Errorf(core.TypeCompetitionNotFound, "no competition %q in %s", id, root)
	if len(ids) > 0 {
		e.WithDetails("competitions there: %s", strings.Join(ids, ", "))
	}
	if r, err := starter.Find(id); err == nil {
		e.WithCauses("it is in the starter pack but not prepared: dojo competitions prepare --pack starter --id " + r.ID)
	} else {
		e.WithCauses("list what there is with dojo competitions list")
	}
	return "", e
}

// Prepare builds starter competition ID into DataDir/ID; or, when RawDir is set, copies the
// hand-made competition there into DataDir/ID (in place when it is already there) and records its
// checksums. The response carries the loaded competition and the files written.
func (l *loader) Prepare(ctx context.Context, req pluginapi.PrepareTaskRequest) (pluginapi.PrepareTaskResponse, error) {
	if err := req.Params.CheckKnown(ParamPython, ParamRscript); err != nil {
		return pluginapi.PrepareTaskResponse{}, err
	}
	if req.DataDir == "" {
		return pluginapi.PrepareTaskResponse{}, core.Errorf(core.TypeInvalidArgument, "no data directory to prepare into")
	}
	var dir string
	var files []string
	if req.RawDir != "" {
		m, err := seal(req.RawDir, req.DataDir, req.ID)
		if err != nil {
			return pluginapi.PrepareTaskResponse{}, err
		}
		dir = filepath.Join(req.DataDir, m.ID)
		files = append([]string{layout.ManifestFile}, sortedKeys(m.Checksums)...)
	} else {
		r, err := starter.Find(req.ID)
		if err != nil {
			return pluginapi.PrepareTaskResponse{}, err
		}
		python, err := req.Params.String(ParamPython, "")
		if err != nil {
			return pluginapi.PrepareTaskResponse{}, err
		}
		rscript, err := req.Params.String(ParamRscript, "")
		if err != nil {
			return pluginapi.PrepareTaskResponse{}, err
		}
		log := l.log.With("competition", r.ID)
		res, err := starter.Build(ctx, r, req.DataDir, starter.Options{
			Python: python, Rscript: rscript, Progress: func(line string) { log.Debug(line) },
		})
		if err != nil {
			return pluginapi.PrepareTaskResponse{}, err
		}
		dir, files = res.Dir, res.Files
	}
	comp, err := layout.Load(dir, "native")
	if err != nil {
		return pluginapi.PrepareTaskResponse{}, err
	}
	return pluginapi.PrepareTaskResponse{Competition: comp, Files: files}, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
