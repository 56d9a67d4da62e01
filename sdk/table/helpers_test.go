package table

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
)

// records returns every kept column of t row by row, the shape encoding/csv returns.
func records(t *Table) [][]string {
	var cols []Column
	for _, name := range t.Header() {
		if c, ok := t.Column(name); ok {
			cols = append(cols, c)
		}
	}
	out := make([][]string, t.Len())
	for r := range out {
		for _, c := range cols {
			out[r] = append(out[r], c.String(r))
		}
	}
	return out
}

// mustRead reads data as a submission or fails the test.
func mustRead(t *testing.T, data string) *Table {
	t.Helper()
	tab, err := Read([]byte(data), ReadOptions{})
	if err != nil {
		t.Fatalf("Read(%q): %v", data, err)
	}
	return tab
}

// requireError checks that err is a *core.Error of type typ whose message contains every fragment
// and that says what would fix it, and returns it.
func requireError(t *testing.T, err error, typ core.ErrorType, fragments ...string) *core.Error {
	t.Helper()
	var e *core.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *core.Error", err, err)
	}
	if e.Type != typ {
		t.Fatalf("error type = %s, want %s (%v)", e.Type, typ, e)
	}
	if len(e.Causes) == 0 {
		t.Errorf("error %v has no causes", e)
	}
	full := e.Message + " | " + e.Details + " | " + strings.Join(e.Causes, " | ")
	for _, f := range fragments {
		if !strings.Contains(full, f) {
			t.Errorf("error %q lacks %q", full, f)
		}
	}
	return e
}

// withSmallChunks makes every parse split its input into many spans, so small inputs exercise the
// parallel path, and restores the defaults when the test ends.
func withSmallChunks(t testing.TB) {
	minBytes, minFloats, minIDs, procs := parallelMinBytes, parallelMinFloats, parallelMinIDs, runtime.GOMAXPROCS(8)
	parallelMinBytes, parallelMinFloats, parallelMinIDs = 4, 2, 3
	t.Cleanup(func() {
		parallelMinBytes, parallelMinFloats, parallelMinIDs = minBytes, minFloats, minIDs
		runtime.GOMAXPROCS(procs)
	})
}
