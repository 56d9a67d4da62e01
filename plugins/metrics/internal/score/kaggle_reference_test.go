package score

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// newKaggleBatch is newSklearnBatch for testdata/kaggle_reference.py, whose functions implement the
// competitions' published definitions (and call scipy.stats and scikit-learn where the metric is
// theirs); run it with runKaggle.
func newKaggleBatch(t *testing.T) *sklearnBatch { return newSklearnBatch(t) }

// runKaggle computes every queued call with testdata/kaggle_reference.py.
func runKaggle(b *sklearnBatch) {
	b.t.Helper()
	manifest, err := json.Marshal(b.calls)
	if err != nil {
		b.t.Fatal(err)
	}
	path := filepath.Join(b.dir, "kaggle_manifest.json")
	if err := os.WriteFile(path, manifest, 0o600); err != nil {
		b.t.Fatal(err)
	}
	cmd := exec.Command(pythonWithSklearn, filepath.Join("testdata", "kaggle_reference.py"), path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		b.t.Fatalf("kaggle reference: %v\n%s", err, stderr.String())
	}
	var results []refResult
	if err := json.Unmarshal(out, &results); err != nil || len(results) != len(b.results) {
		b.t.Fatalf("kaggle reference: %d results for %d calls (%v): %s", len(results), len(b.results), err, out)
	}
	for i, r := range results {
		*b.results[i] = r
	}
}

// Input generators for lists, sets and orders.

// itemNames returns k distinct item names.
func itemNames(k int) []string {
	names := make([]string, k)
	for i := range names {
		names[i] = "item" + strconv.Itoa(i)
	}
	return names
}

// randomList joins m items drawn (with repeats) from names, separated by sep.
func randomList(r *rand.Rand, names []string, m int, sep string) string {
	parts := make([]string, m)
	for i := range parts {
		parts[i] = names[r.IntN(len(names))]
	}
	return strings.Join(parts, sep)
}

// distinctList joins m distinct items drawn from names.
func distinctList(r *rand.Rand, names []string, m int) string {
	perm := r.Perm(len(names))[:m]
	parts := make([]string, m)
	for i, p := range perm {
		parts[i] = names[p]
	}
	return strings.Join(parts, " ")
}

// numbersList joins xs as a white-space separated list.
func numbersList(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strings.Join(parts, " ")
}

func assertClose(t *testing.T, got float64, err error, want *refResult) {
	t.Helper()
	assertMatchesSklearn(t, got, err, want, "")
}

func TestAppendFields_SplitsLikePython(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"   ", nil},
		{"a", []string{"a"}},
		{" a  b\tc\n", []string{"a", "b", "c"}},
		{"a\x1fb", []string{"a", "b"}},
		{"é\u00a0ü\u3000x", []string{"é", "ü", "x"}},
	}
	for _, tc := range tests {
		got := appendFields(nil, tc.in)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) || len(got) != len(tc.want) {
			t.Errorf("appendFields(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// must returns a function that fails the test on an error and returns the value otherwise:
// must(t)(Metric(...)).
func must(t *testing.T) func(float64, error) float64 {
	return func(v float64, err error) float64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
