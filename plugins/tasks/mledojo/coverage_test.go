package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	"github.com/mledojo/dojo/pluginapi"
)

// TestRegistry_EveryFamilyIsServedByAMetricPlugin builds the metric plugins and checks that each
// registry entry's family is a component one of them serves: all 202 competitions are scored by a
// built-in family. A family that no plugin serves is reported with its competitions and fails the test.
// The metric plugins' own tests score a synthetic answers/submission pair for every entry they
// serve, with that entry's params.
func TestRegistry_EveryFamilyIsServedByAMetricPlugin(t *testing.T) {
	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", dir+"/", "github.com/mledojo/dojo/plugins/metrics/...")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building metric plugins: %v\n%s", err, out)
	}
	served := map[string]string{}
	bins, _ := os.ReadDir(dir)
	for _, b := range bins {
		out, err := exec.Command(filepath.Join(dir, b.Name()), "describe").Output()
		if err != nil {
			t.Fatalf("%s describe: %v", b.Name(), err)
		}
		var d pluginapi.Description
		if err := json.Unmarshal(out, &d); err != nil {
			t.Fatal(err)
		}
		for _, c := range d.Components {
			if c.Kind == pluginapi.KindMetric {
				served[c.Name] = b.Name()
			}
		}
	}
	all, err := entries()
	if err != nil {
		t.Fatal(err)
	}
	unserved := map[string][]string{}
	for id, e := range all {
		if _, ok := served[e.Metric.Name]; !ok {
			unserved[e.Metric.Name] = append(unserved[e.Metric.Name], id)
		}
	}
	for family, ids := range unserved {
		sort.Strings(ids)
		t.Errorf("family %q has no metric plugin: %d competitions %v", family, len(ids), ids)
	}
	t.Logf("%d of %d competitions bind a served family", len(all)-count(unserved), len(all))
	if len(all) != 202 {
		t.Errorf("%d registry entries, want MLE-Dojo's 202", len(all))
	}
}

func count(m map[string][]string) int {
	n := 0
	for _, v := range m {
		n += len(v)
	}
	return n
}
