package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/registrytest"
	"github.com/mledojo/dojo/sdk/plugintest"
)

// TestRegistryBindings_ParamsAreAccepted reads every MLE-Dojo registry entry bound to one of this
// plugin's metrics and scores with its params against an answers file that does not exist: an
// accepted set of params gets as far as reading the answers (a ground_truth error), a param the
// metric does not know or cannot read stops earlier (invalid_argument).
func TestRegistryBindings_ParamsAreAccepted(t *testing.T) {
	d := plugintest.Serve(t, components()...)
	served := []string{"dice", "dice_hausdorff", "iou_map", "fbeta_iou"}
	bound := 0
	for _, entry := range registrytest.Entries(t, served...) {
		bound++
		_, err := d.Metrics.Component(entry.Metric).Score(context.Background(), pluginapi.ScoreRequest{
			Metric: entry.Metric, AnswersPath: filepath.Join(t.TempDir(), "missing.csv"),
			SubmissionPath: filepath.Join(t.TempDir(), "missing.csv"), Params: entry.Params})
		if core.TypeOf(err) != core.TypeGroundTruth {
			t.Errorf("%s (%s): %v", entry.ID, entry.Metric, err)
		}
	}
	if bound == 0 {
		t.Error("no registry entry binds this plugin's metrics")
	}
	t.Logf("%d registry entries bound here", bound)
}
