package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
)

// TestRegistryBindings_ParamsAreAccepted reads every MLE-Dojo registry entry bound to one of this
// plugin's metrics and scores with its params against an answers file that does not exist: an
// accepted set of params gets as far as reading the answers (a ground_truth error), a param the
// metric does not know or cannot read stops earlier (invalid_argument).
func TestRegistryBindings_ParamsAreAccepted(t *testing.T) {
	files, _ := filepath.Glob("../../tasks/mledojo/registry/*.yaml")
	if len(files) == 0 {
		t.Skip("no registry beside this plugin")
	}
	d := serve(t)
	served := []string{"levenshtein", "jaccard"}
	bound := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var entry struct {
			ID     string `yaml:"id"`
			Metric struct {
				Name   string         `yaml:"name"`
				Params map[string]any `yaml:"params"`
			} `yaml:"metric"`
		}
		if err := yaml.Unmarshal(raw, &entry); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !slices.Contains(served, entry.Metric.Name) {
			continue
		}
		bound++
		_, err = d.Metrics.Component(entry.Metric.Name).Score(context.Background(), pluginapi.ScoreRequest{
			Metric: entry.Metric.Name, AnswersPath: filepath.Join(t.TempDir(), "missing.csv"),
			SubmissionPath: filepath.Join(t.TempDir(), "missing.csv"), Params: core.Params(entry.Metric.Params)})
		if core.TypeOf(err) != core.TypeGroundTruth {
			t.Errorf("%s (%s): %v", entry.ID, entry.Metric.Name, err)
		}
	}
	if bound == 0 {
		t.Error("no registry entry binds this plugin's metrics")
	}
	t.Logf("%d registry entries bound here", bound)
}
