package score

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/mledojo/dojo/core"
)

// pythonWithSklearn is Debian's interpreter, which has python3-sklearn 1.2; the python3 first on PATH
// may lack it.
const pythonWithSklearn = "/usr/bin/python3"

var sklearnImportError = sync.OnceValue(func() error {
	out, err := exec.Command(pythonWithSklearn, "-c", "import sklearn.metrics").CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: %s", err, out)
	}
	return nil
})

// refArg is one array argument to an sklearn call, as testdata/sklearn_reference.py reads it.
type refArg struct {
	Kind   string   `json:"kind"`
	Path   string   `json:"path,omitempty"`
	Shape  []int    `json:"shape,omitempty"`
	Values []string `json:"values,omitempty"`
}

type refCall struct {
	Func   string         `json:"func"`
	Args   []refArg       `json:"args"`
	Kwargs map[string]any `json:"kwargs,omitempty"`
	Sqrt   bool           `json:"sqrt,omitempty"`
}

// refResult is sklearn's answer to one call: a value, or the message of the ValueError it raised.
type refResult struct {
	Value string `json:"value"`
	Error string `json:"error"`
}

// sklearnBatch collects one test's reference calls and runs them in a single Python process, since
// importing sklearn costs about a second.
type sklearnBatch struct {
	t       *testing.T
	dir     string
	files   int
	calls   []refCall
	results []*refResult
}

// newSklearnBatch skips the test when the interpreter cannot import sklearn.
func newSklearnBatch(t *testing.T) *sklearnBatch {
	t.Helper()
	if err := sklearnImportError(); err != nil {
		t.Skipf("%s cannot import sklearn: %v", pythonWithSklearn, err)
	}
	return &sklearnBatch{t: t, dir: t.TempDir()}
}

// floats writes xs as raw little-endian float64 and returns the argument; shape defaults to [len(xs)].
func (b *sklearnBatch) floats(xs []float64, shape ...int) refArg {
	buf := make([]byte, 8*len(xs))
	for i, x := range xs {
		binary.LittleEndian.PutUint64(buf[8*i:], math.Float64bits(x))
	}
	return b.write("f64", buf, len(xs), shape)
}

// ints is floats for integers.
func (b *sklearnBatch) ints(xs []int) refArg {
	buf := make([]byte, 8*len(xs))
	for i, x := range xs {
		binary.LittleEndian.PutUint64(buf[8*i:], uint64(int64(x)))
	}
	return b.write("i64", buf, len(xs), nil)
}

func (b *sklearnBatch) write(kind string, data []byte, n int, shape []int) refArg {
	b.t.Helper()
	b.files++
	path := filepath.Join(b.dir, fmt.Sprintf("arg%d.%s", b.files, kind))
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.t.Fatal(err)
	}
	if len(shape) == 0 {
		shape = []int{n}
	}
	return refArg{Kind: kind, Path: path, Shape: shape}
}

// strs passes string labels inline.
func strs(ss []string) refArg { return refArg{Kind: "strings", Values: ss} }

// call queues sklearn.metrics.<fn>(args..., **kwargs); the result is filled in by run.
func (b *sklearnBatch) call(fn string, kwargs map[string]any, args ...refArg) *refResult {
	b.calls = append(b.calls, refCall{Func: fn, Args: args, Kwargs: kwargs})
	r := &refResult{}
	b.results = append(b.results, r)
	return r
}

// callSqrt is call followed by np.sqrt of the value.
func (b *sklearnBatch) callSqrt(fn string, kwargs map[string]any, args ...refArg) *refResult {
	r := b.call(fn, kwargs, args...)
	b.calls[len(b.calls)-1].Sqrt = true
	return r
}

// run computes every queued call with testdata/sklearn_reference.py.
func (b *sklearnBatch) run() { b.runScript("sklearn_reference.py") }

// runScript computes every queued call with the named Python script in testdata.
func (b *sklearnBatch) runScript(script string) {
	b.t.Helper()
	manifest, err := json.Marshal(b.calls)
	if err != nil {
		b.t.Fatal(err)
	}
	path := filepath.Join(b.dir, "manifest.json")
	if err := os.WriteFile(path, manifest, 0o600); err != nil {
		b.t.Fatal(err)
	}
	cmd := exec.Command(pythonWithSklearn, filepath.Join("testdata", script), path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		b.t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	var results []refResult
	if err := json.Unmarshal(out, &results); err != nil || len(results) != len(b.results) {
		b.t.Fatalf("%s: %d results for %d calls (%v): %s", script, len(results), len(b.results), err, out)
	}
	for i, r := range results {
		*b.results[i] = r
	}
}

// assertMatchesSklearn checks a Go result against sklearn's: equal to 1e-9 relative (1e-12 absolute
// near zero) when wantErr is empty, and otherwise an error of type wantErr where sklearn raised too.
func assertMatchesSklearn(t *testing.T, got float64, err error, want *refResult, wantErr core.ErrorType) {
	t.Helper()
	if wantErr != "" {
		if core.TypeOf(err) != wantErr {
			t.Errorf("got %v, %v; want an error of type %s", got, err, wantErr)
		}
		if want.Error == "" {
			t.Errorf("sklearn returned %s where this package errs", want.Value)
		}
		return
	}
	if err != nil {
		t.Fatalf("unexpected error %v (sklearn: %q%q)", err, want.Value, want.Error)
	}
	if want.Error != "" {
		t.Fatalf("got %v; sklearn raised %q", got, want.Error)
	}
	w, perr := strconv.ParseFloat(want.Value, 64)
	if perr != nil {
		t.Fatal(perr)
	}
	if !closeTo(got, w) {
		t.Errorf("got %.17g, sklearn %.17g (relative difference %.3g)", got, w, math.Abs(got-w)/math.Abs(w))
	}
}

func closeTo(got, want float64) bool {
	if math.IsInf(want, 0) || math.IsNaN(want) {
		return got == want || (math.IsNaN(got) && math.IsNaN(want))
	}
	d := math.Abs(got - want)
	return d <= 1e-9*math.Abs(want) || d <= 1e-12
}

// assertErrorType checks that err is a *core.Error of type want.
func assertErrorType(t *testing.T, err error, want core.ErrorType) {
	t.Helper()
	var e *core.Error
	if !errors.As(err, &e) || e.Type != want {
		t.Errorf("got error %v; want a *core.Error of type %s", err, want)
	}
}

// Input generators. Each test seeds its own source so a failure reproduces alone.

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5c0e)) }

// largeN is the row count of the million-row cases, which -short drops to keep the suite quick.
func largeN() int {
	if testing.Short() {
		return 20_000
	}
	return 1_000_000
}

func normals(r *rand.Rand, n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = r.NormFloat64()
	}
	return xs
}

// binaryLabels draws 0/1 labels, 1 with probability pPos.
func binaryLabels(r *rand.Rand, n int, pPos float64) []float64 {
	ys := make([]float64, n)
	for i := range ys {
		if r.Float64() < pPos {
			ys[i] = 1
		}
	}
	return ys
}

// noisyScores scores labels with signal plus noise, so AUCs land between 0.5 and 1.
func noisyScores(r *rand.Rand, ys []float64) []float64 {
	xs := make([]float64, len(ys))
	for i, y := range ys {
		xs[i] = y + r.NormFloat64()
	}
	return xs
}

// rounded returns xs rounded to multiples of step, which makes many ties.
func rounded(xs []float64, step float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = math.Round(x/step) * step
	}
	return out
}

func classLabels(r *rand.Rand, n, k int) []int {
	ys := make([]int, n)
	for i := range ys {
		ys[i] = r.IntN(k)
	}
	return ys
}

// probRows draws an n×k row-major matrix of probabilities leaning towards each row's class in ys.
func probRows(r *rand.Rand, ys []int, k int) []float64 {
	ps := make([]float64, len(ys)*k)
	for i, y := range ys {
		row := ps[i*k : i*k+k]
		var sum float64
		for j := range row {
			row[j] = r.ExpFloat64()
			if j == y {
				row[j] += 1
			}
			sum += row[j]
		}
		for j := range row {
			row[j] /= sum
		}
	}
	return ps
}

func stringLabels(r *rand.Rand, n int, names ...string) []string {
	ss := make([]string, n)
	for i := range ss {
		ss[i] = names[r.IntN(len(names))]
	}
	return ss
}

// corrupt copies ys and replaces a fraction of them with random names, as a noisy classifier would.
func corrupt(r *rand.Rand, ys []string, fraction float64, names ...string) []string {
	out := make([]string, len(ys))
	for i, y := range ys {
		out[i] = y
		if r.Float64() < fraction {
			out[i] = names[r.IntN(len(names))]
		}
	}
	return out
}

func constant(n int, v float64) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = v
	}
	return xs
}

func rangeLabels(k int) []int {
	ls := make([]int, k)
	for i := range ls {
		ls[i] = i
	}
	return ls
}
