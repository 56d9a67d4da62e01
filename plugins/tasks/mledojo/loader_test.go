package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk"
	"github.com/mledojo/dojo/sdk/plugintest"
)

// families are the metric family names a registry entry may bind (plugins/metrics implements them).
var families = []string{"accuracy", "roc_auc", "log_loss", "f1", "rmse", "mse", "rmsle", "mae", "r2",
	"map_at_k", "ndcg_at_k", "iou_map", "fbeta_iou", "qwk", "smape", "normalized_gini", "mcrmse", "weighted_mae",
	"levenshtein", "spearman", "pearson", "kendall_tau", "jaccard", "mc_rmsle", "dice", "dice_hausdorff",
	"macro_recall", "lwlrap", "kl_divergence", "laplace_log_likelihood", "mcc", "medae", "rmspe",
	"mean_angular_error", "haversine_percentile", "balanced_log_loss", "top1_error", "fbeta", "log_mae",
	"exact_match", "life_reverse_mae", "bias_auc"}

func TestRegistry_EveryCompetitionHasAValidEntryAndBoards(t *testing.T) {
	all, err := entries()
	if err != nil {
		t.Fatal(err)
	}
	dirs, _ := fs.ReadDir(files, "data")
	competitions := 0
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		competitions++
		e, ok := all[d.Name()]
		if !ok {
			t.Errorf("%s has data but no registry entry", d.Name())
			continue
		}
		if !slices.Contains(families, e.Metric.Name) {
			t.Errorf("%s binds unknown metric family %q", e.ID, e.Metric.Name)
		}
		if e.Split != "eval" && e.Split != "train" {
			t.Errorf("%s has split %q", e.ID, e.Split)
		}
		c, err := e.competition()
		if err != nil {
			t.Errorf("%s: %v", e.ID, err)
			continue
		}
		if len(c.Boards) == 0 || c.Description == "" {
			t.Errorf("%s: %d usable boards, description %d bytes", e.ID, len(c.Boards), len(c.Description))
		}
	}
	if competitions != 202 || len(all) != 202 {
		t.Errorf("%d competitions with data, %d registry entries; want 202 of each", competitions, len(all))
	}
}

// TestRegistry_DirectionsAgreeWithTheBoards audits every direction against its own leaderboard: the
// boards are published best first, so the first team's score must be at least as good as the last's.
func TestRegistry_DirectionsAgreeWithTheBoards(t *testing.T) {
	all, err := entries()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		c, err := e.competition()
		if err != nil {
			continue
		}
		for _, b := range c.Boards {
			first, last := b.Scores[0], b.Scores[len(b.Scores)-1]
			if first != last && !c.Direction.Better(first, last) {
				t.Errorf("%s %s board runs from %v to %v, against direction %s", e.ID, b.Name, first, last, c.Direction)
			}
		}
	}
}

func prepare(t *testing.T, root string, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoad_PreparedMLEDojoLayout(t *testing.T) {
	root := t.TempDir()
	prepare(t, root, "aerial-cactus-identification/data/public", "aerial-cactus-identification/data/private")
	os.WriteFile(filepath.Join(root, "aerial-cactus-identification/data/private/test_answer.csv"), []byte("id,has_cactus\na.jpg,1\n"), 0o644)
	l := plugintest.Serve(t, sdk.TaskLoader("mledojo", loader{layout: mledojoLayout})).TaskLoaders.Component("mledojo")
	c, err := l.Load(context.Background(), pluginapi.LoadTaskRequest{Root: root, ID: "aerial-cactus-identification"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Metric.Name != "roc_auc" || c.Direction != core.HigherIsBetter || len(c.Boards) != 2 ||
		c.AnswersPath != filepath.Join(root, "aerial-cactus-identification/data/private/test_answer.csv") || c.Source != "mledojo" {
		t.Fatalf("competition %+v", c)
	}
	tasks, err := l.List(context.Background(), pluginapi.ListTasksRequest{Root: root})
	if err != nil || len(tasks) != 202 {
		t.Fatalf("list: %d %v", len(tasks), err)
	}
	prepared := 0
	for _, task := range tasks {
		if task.Prepared {
			prepared++
		}
		if task.Labels["split"] == "" || task.Labels["direction"] == "" {
			t.Errorf("%s lacks labels: %v", task.ID, task.Labels)
		}
	}
	if prepared != 1 {
		t.Fatalf("%d prepared, want 1", prepared)
	}
}

func TestLoad_BrokenLayoutsAreTypedErrors(t *testing.T) {
	root := t.TempDir()
	prepare(t, root, "aerial-cactus-identification/data/public", "aerial-cactus-identification/data/private", "denoising-dirty-documents/prepared/private")
	cases := []struct {
		name    string
		l       layout
		id      string
		want    *core.Error
		mention string
	}{
		{"unknown id", mledojoLayout, "aerial-cactus-identificatoin", core.ErrCompetitionNotFound, "aerial-cactus-identification"},
		{"missing answers", mledojoLayout, "aerial-cactus-identification", core.ErrCompetitionData, "test_answer.csv"},
		{"not prepared", mledojoLayout, "denoising-dirty-documents", core.ErrCompetitionData, "not prepared"},
		{"mlebench without public", mlebenchLayout, "denoising-dirty-documents", core.ErrCompetitionData, "mlebench prepare"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := (loader{layout: c.l}).Load(context.Background(), pluginapi.LoadTaskRequest{Root: root, ID: c.id})
			var ce *core.Error
			if !errors.Is(err, c.want) || !errors.As(err, &ce) || !strings.Contains(ce.Error()+" "+strings.Join(ce.Causes, " "), c.mention) {
				t.Fatalf("got %v (causes %v), want %s mentioning %q", err, ce, c.want.Type, c.mention)
			}
		})
	}
}

func TestLoad_MLEBenchLayoutFindsItsAnswers(t *testing.T) {
	root := t.TempDir()
	prepare(t, root, "denoising-dirty-documents/prepared/public", "denoising-dirty-documents/prepared/private")
	os.WriteFile(filepath.Join(root, "denoising-dirty-documents/prepared/private/test.csv"), []byte("id,value\n1_1_1,1\n"), 0o644)
	c, err := loader{layout: mlebenchLayout}.Load(context.Background(), pluginapi.LoadTaskRequest{Root: root, ID: "denoising-dirty-documents"})
	if err != nil || filepath.Base(c.AnswersPath) != "test.csv" || c.Metric.Name != "rmse" {
		t.Fatalf("%+v %v", c, err)
	}
}
