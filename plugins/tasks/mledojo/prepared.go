package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/hashicorp/go-hclog"
	"go.yaml.in/yaml/v3"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	native "github.com/mledojo/dojo/plugins/tasks/native/layout"
)

// PreparedFile records, beside <data>/<id>/data, what Dojo's preparation wrote: the recipe and the
// sha256 of every file under data/. Load verifies it when present; a layout prepared by the
// original's own scripts has none and loads unverified.
const PreparedFile = "prepared.yaml"

// Params the mledojo loader's Prepare reads.
const (
	// ParamForce replaces a competition already prepared under DataDir.
	ParamForce = "force"
)

// Prepared is the content of PreparedFile.
type Prepared struct {
	Format     string            `yaml:"format"`
	ID         string            `yaml:"id"`
	Recipe     string            `yaml:"recipe_sha256"`
	Transform  string            `yaml:"transform,omitempty"`
	PreparedAt time.Time         `yaml:"prepared_at"`
	Checksums  map[string]string `yaml:"checksums"`
}

const preparedFormat = "dojo-mledojo-prepared/1"

// prepare builds competition req.ID from the raw files in req.RawDir into req.DataDir/ID/data.
func (l loader) prepare(ctx context.Context, req pluginapi.PrepareTaskRequest) (pluginapi.PrepareTaskResponse, error) {
	if err := req.Params.CheckKnown(ParamForce); err != nil {
		return pluginapi.PrepareTaskResponse{}, err
	}
	force, err := req.Params.Bool(ParamForce, false)
	if err != nil {
		return pluginapi.PrepareTaskResponse{}, err
	}
	if req.RawDir == "" || req.DataDir == "" {
		return pluginapi.PrepareTaskResponse{}, core.Errorf(core.TypeInvalidArgument, "%s: preparing needs a raw directory and a data directory", req.ID)
	}
	rec, err := recipeFor(req.ID)
	if err != nil {
		return pluginapi.PrepareTaskResponse{}, err
	}
	if st, err := os.Stat(req.RawDir); err != nil || !st.IsDir() {
		return pluginapi.PrepareTaskResponse{}, problem(ErrRawMissing, "raw directory %s does not exist", req.RawDir).
			WithCauses(fmt.Sprintf("download the competition's files from %s and unzip them there", kagglePage(req.ID)))
	}
	dst := filepath.Join(req.DataDir, req.ID)
	if _, err := os.Stat(dst); err == nil && !force {
		return pluginapi.PrepareTaskResponse{}, problem(ErrAlreadyPrepared, "%s is already prepared in %s", req.ID, dst).
			WithCauses("prepare again with --force to replace it")
	}
	if err := os.MkdirAll(req.DataDir, 0o755); err != nil {
		return pluginapi.PrepareTaskResponse{}, core.Errorf(core.TypeCompetitionData, "creating %s: %w", req.DataDir, err)
	}
	// Build beside the target, hidden, and move it into place only when complete.
	tmp, err := os.MkdirTemp(req.DataDir, "."+req.ID+".preparing-")
	if err != nil {
		return pluginapi.PrepareTaskResponse{}, core.Errorf(core.TypeCompetitionData, "creating a directory in %s: %w", req.DataDir, err)
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "data")
	for _, d := range []string{"public", "private"} {
		if err := os.MkdirAll(filepath.Join(out, d), 0o755); err != nil {
			return pluginapi.PrepareTaskResponse{}, core.Errorf(core.TypeCompetitionData, "creating %s: %w", out, err)
		}
	}
	log := l.logger().With("competition", req.ID)
	r := &runner{ctx: ctx, id: req.ID, r: rec, raw: req.RawDir, out: out, progress: progressLogger(log)}
	log.Info("preparing", "raw", req.RawDir, "data", dst)
	if err := r.run(); err != nil {
		return pluginapi.PrepareTaskResponse{}, err
	}
	sums, err := native.Checksums(out)
	if err != nil {
		return pluginapi.PrepareTaskResponse{}, err
	}
	b, _ := files.ReadFile("recipes/" + req.ID + ".yaml")
	h := sha256.Sum256(b)
	p := Prepared{Format: preparedFormat, ID: req.ID, Recipe: hex.EncodeToString(h[:]), Transform: rec.Transform,
		PreparedAt: time.Now().UTC().Truncate(time.Second), Checksums: sums}
	y, _ := yaml.Marshal(p)
	if err := os.WriteFile(filepath.Join(tmp, PreparedFile), y, 0o644); err != nil {
		return pluginapi.PrepareTaskResponse{}, core.Errorf(core.TypeCompetitionData, "writing %s: %w", PreparedFile, err)
	}
	if force {
		if err := os.RemoveAll(dst); err != nil {
			return pluginapi.PrepareTaskResponse{}, core.Errorf(core.TypeCompetitionData, "removing the old %s: %w", dst, err)
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		return pluginapi.PrepareTaskResponse{}, core.Errorf(core.TypeCompetitionData, "moving the prepared competition to %s: %w", dst, err)
	}
	log.Info("prepared", "files", len(sums))
	comp, err := l.Load(ctx, pluginapi.LoadTaskRequest{Loader: req.Loader, Root: req.DataDir, ID: req.ID})
	if err != nil {
		return pluginapi.PrepareTaskResponse{}, err
	}
	written := make([]string, 0, len(sums))
	for k := range sums {
		written = append(written, "data/"+k)
	}
	sort.Strings(written)
	return pluginapi.PrepareTaskResponse{Competition: comp, Files: append([]string{PreparedFile}, written...)}, nil
}

// recipeFor returns the recipe of id, or a typed error saying why there is none.
func recipeFor(id string) (*Recipe, error) {
	if _, err := lookup(id); err != nil {
		return nil, err
	}
	all, err := allRecipes()
	if err != nil {
		return nil, err
	}
	rec, ok := all[id]
	if !ok {
		return nil, problem(ErrRecipeNeedsCode, "%s has no preparation recipe yet", id).
			WithCauses("prepare it with MLE-Dojo's own prepare script, which writes <data>/"+id+"/data/{public,private}",
				fmt.Sprintf("%d competitions have recipes: `dojo competitions list --source mledojo` marks them", len(all)))
	}
	if rec.Unsupported != "" {
		return nil, problem(ErrRecipeNeedsCode, "%s: recipe needs code: not supported yet (%s)", id, rec.Unsupported).
			WithCauses("prepare it with MLE-Dojo's own prepare script, which writes <data>/" + id + "/data/{public,private}")
	}
	return rec, nil
}

// verifyPrepared checks the files under root/id/data against root/id/prepared.yaml, when there is one.
func verifyPrepared(root, id string) error {
	b, err := os.ReadFile(filepath.Join(root, id, PreparedFile))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return core.Errorf(core.TypeCompetitionData, "reading %s: %w", PreparedFile, err)
	}
	var p Prepared
	if err := yaml.Unmarshal(b, &p); err != nil || p.Format != preparedFormat {
		return problem(ErrPreparedModified, "%s: %s is not a Dojo preparation record", id, filepath.Join(root, id, PreparedFile)).
			WithCauses("prepare it again with `dojo prepare " + id + " --raw DIR --force`")
	}
	if err := native.Verify(filepath.Join(root, id, "data"), native.Manifest{ID: id, Checksums: p.Checksums}); err != nil {
		ce := core.AsError(err)
		ce.Err = errors.Join(ErrPreparedModified, ce.Err)
		ce.Causes = []string{"a file under " + filepath.Join(root, id, "data") + " changed after preparation",
			"prepare it again with `dojo prepare " + id + " --raw DIR --force` (or --download)"}
		return ce
	}
	return nil
}

func (l loader) logger() hclog.Logger {
	if l.log != nil {
		return l.log
	}
	return hclog.NewNullLogger()
}

// progressLogger logs a long step at most every few seconds (and when it ends).
func progressLogger(log hclog.Logger) progressFunc {
	var last time.Time
	var lastStep string
	return func(step string, done, total int64) {
		if step == lastStep && time.Since(last) < 3*time.Second && done != total {
			return
		}
		last, lastStep = time.Now(), step
		if total > 0 {
			log.Info(step, "done", done, "total", total, "percent", fmt.Sprintf("%.0f", 100*float64(done)/float64(total)))
			return
		}
		log.Info(step, "done", done)
	}
}

func hasRecipe(id string) bool {
	all, err := allRecipes()
	if err != nil {
		return false
	}
	r, ok := all[id]
	return ok && r.Unsupported == ""
}
