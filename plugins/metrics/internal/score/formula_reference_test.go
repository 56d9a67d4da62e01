package score

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
)

// runFormulas computes every queued call with testdata/formula_reference.py, which holds the
// published formulas scikit-learn lacks (and falls back to sklearn.metrics for the rest).
func (b *sklearnBatch) runFormulas() {
	b.t.Helper()
	manifest, err := json.Marshal(b.calls)
	if err != nil {
		b.t.Fatal(err)
	}
	path := filepath.Join(b.dir, "manifest.json")
	if err := os.WriteFile(path, manifest, 0o600); err != nil {
		b.t.Fatal(err)
	}
	cmd := exec.Command(pythonWithSklearn, filepath.Join("testdata", "formula_reference.py"), path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		b.t.Fatalf("formula reference: %v\n%s", err, stderr.String())
	}
	var results []refResult
	if err := json.Unmarshal(out, &results); err != nil || len(results) != len(b.results) {
		b.t.Fatalf("formula reference: %d results for %d calls (%v): %s", len(results), len(b.results), err, out)
	}
	for i, r := range results {
		*b.results[i] = r
	}
}
