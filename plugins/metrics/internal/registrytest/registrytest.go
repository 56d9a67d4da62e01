// Package registrytest gives metric plugins' tests the MLE-Dojo registry entries bound to their
// metrics, so each plugin can prove it accepts (and scores with) every entry's params as written.
package registrytest

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/mledojo/dojo/core"
)

// Entry is the part of a registry entry that binds a metric.
type Entry struct {
	ID     string
	Metric string
	Params core.Params
}

// Entries returns the registry entries whose metric is one of served, sorted by id. It fails the
// test when the registry cannot be read.
func Entries(t testing.TB, served ...string) []Entry {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(here), "..", "..", "..", "tasks", "mledojo", "registry")
	paths, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no registry entries in %s (%v)", dir, err)
	}
	var out []Entry
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			ID     string `yaml:"id"`
			Metric struct {
				Name   string         `yaml:"name"`
				Params map[string]any `yaml:"params"`
			} `yaml:"metric"`
		}
		if err := yaml.Unmarshal(data, &e); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if slices.Contains(served, e.Metric.Name) {
			out = append(out, Entry{ID: e.ID, Metric: e.Metric.Name, Params: core.Params(e.Metric.Params)})
		}
	}
	return out
}
