package main

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/go-hclog"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
)

// layout says where a benchmark's preparation puts a competition's files.
type layout struct {
	name string
	// dirs returns the public and private directories of id under root.
	dirs func(root, id string) (public, private string)
	// answers finds the answers file in the private directory.
	answers func(private string) (string, error)
	prepare string // how to prepare, for error messages
}

var mledojoLayout = layout{
	name: "mledojo",
	dirs: func(root, id string) (string, string) {
		return filepath.Join(root, id, "data", "public"), filepath.Join(root, id, "data", "private")
	},
	answers: func(private string) (string, error) { return requireFile(filepath.Join(private, "test_answer.csv")) },
	prepare: "prepare it with MLE-Dojo's prepare script (or `dojo prepare ID --raw DIR`) so that <data>/ID/data/{public,private} exist",
}

var mlebenchLayout = layout{
	name: "mlebench",
	dirs: func(root, id string) (string, string) {
		return filepath.Join(root, id, "prepared", "public"), filepath.Join(root, id, "prepared", "private")
	},
	answers: func(private string) (string, error) {
		// MLE-bench names the answers per competition; most have one CSV in private/.
		for _, name := range []string{"answers.csv", "test.csv", "test_answer.csv"} {
			if p, err := requireFile(filepath.Join(private, name)); err == nil {
				return p, nil
			}
		}
		matches, _ := filepath.Glob(filepath.Join(private, "*.csv"))
		if len(matches) == 1 {
			return matches[0], nil
		}
		return "", core.Errorf(core.TypeCompetitionData, "cannot tell the answers file in %s (found %d CSV files)", private, len(matches)).
			WithCauses("name it answers.csv")
	},
	prepare: "prepare it with `mlebench prepare -c ID` so that <data>/ID/prepared/{public,private} exist",
}

func requireFile(p string) (string, error) {
	st, err := os.Stat(p)
	if err != nil || !st.Mode().IsRegular() {
		return "", core.Errorf(core.TypeCompetitionData, "missing %s", p)
	}
	return p, nil
}

type loader struct {
	layout layout
	log    hclog.Logger
}

var _ pluginapi.TaskLoader = loader{}

// List lists every registry competition, saying which are prepared under root.
func (l loader) List(_ context.Context, req pluginapi.ListTasksRequest) ([]pluginapi.TaskSummary, error) {
	all, err := entries()
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(all))
	for id := range all {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]pluginapi.TaskSummary, 0, len(ids))
	for _, id := range ids {
		e := all[id]
		prepared := false
		if req.Root != "" {
			_, private := l.layout.dirs(req.Root, id)
			_, err := l.layout.answers(private)
			prepared = err == nil
		}
		out = append(out, pluginapi.TaskSummary{
			ID: id, Title: e.Title, Domain: e.Domain, Metric: e.Metric.Name, Prepared: prepared,
			Labels: map[string]string{
				"split": e.Split, "eval_group": e.EvalGroup, "task_type": e.TaskType, "direction": e.Direction,
				"source": e.Source, "kaggle_metric": e.KaggleMetric, "recipe": recipeLabel(id),
			},
		})
	}
	return out, nil
}

// Load returns a prepared competition, its metric binding and its human leaderboards.
func (l loader) Load(_ context.Context, req pluginapi.LoadTaskRequest) (core.Competition, error) {
	e, err := lookup(req.ID)
	if err != nil {
		return core.Competition{}, err
	}
	c, err := e.competition()
	if err != nil {
		return core.Competition{}, err
	}
	if req.Root == "" {
		return core.Competition{}, core.Errorf(core.TypeCompetitionData, "no data directory given for %s", req.ID).
			WithCauses("set data_dir in the config, or pass --data-dir")
	}
	public, private := l.layout.dirs(req.Root, req.ID)
	if st, err := os.Stat(public); err != nil || !st.IsDir() {
		return core.Competition{}, core.Errorf(core.TypeCompetitionData, "%s is not prepared under %s: no %s", req.ID, req.Root, public).
			WithCauses(strings.ReplaceAll(l.layout.prepare, "ID", req.ID))
	}
	answers, err := l.layout.answers(private)
	if err != nil {
		return core.Competition{}, core.AsError(err).WithCauses(strings.ReplaceAll(l.layout.prepare, "ID", req.ID))
	}
	if l.layout.name == mledojoLayout.name {
		if err := verifyPrepared(req.Root, req.ID); err != nil {
			return core.Competition{}, err
		}
	}
	if len(c.Boards) == 0 {
		return core.Competition{}, core.Errorf(core.TypeLeaderboard, "%s has no usable leaderboard", req.ID)
	}
	abs := func(p string) string { a, _ := filepath.Abs(p); return a }
	c.PublicDir, c.AnswersPath, c.Source = abs(public), abs(answers), l.layout.name
	if c.Description == "" {
		if b, err := os.ReadFile(filepath.Join(public, "description.txt")); err == nil {
			c.Description = string(b)
		}
	}
	return c, nil
}

// Prepare builds competition ID from Kaggle's raw files in RawDir into DataDir/ID/data with the
// competition's recipe (recipes/ID.yaml), records the checksums in DataDir/ID/prepared.yaml, and
// returns the loaded competition. Only the mledojo layout is prepared.
func (l loader) Prepare(ctx context.Context, req pluginapi.PrepareTaskRequest) (pluginapi.PrepareTaskResponse, error) {
	if _, err := lookup(req.ID); err != nil {
		return pluginapi.PrepareTaskResponse{}, err
	}
	if l.layout.name != mledojoLayout.name {
		return pluginapi.PrepareTaskResponse{}, core.Errorf(core.TypeInvalidArgument, "%s: the %s loader does not prepare competitions", req.ID, l.layout.name).
			WithCauses(strings.ReplaceAll(l.layout.prepare, "ID", req.ID), "or prepare it in MLE-Dojo's layout: dojo prepare "+req.ID+" --raw DIR")
	}
	return l.prepare(ctx, req)
}

// recipeLabel says whether `dojo prepare` can build a competition: yes, or no.
func recipeLabel(id string) string {
	if hasRecipe(id) {
		return "yes"
	}
	return "no"
}
