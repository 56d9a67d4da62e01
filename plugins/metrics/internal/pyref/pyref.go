package pyref

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// Python is the interpreter with python3-numpy and python3-scipy (make deps); the python3 first on
// PATH may be another one.
const Python = "/usr/bin/python3"

var importErrors sync.Map // module list → error

// Require skips the test when Python cannot import every module.
func Require(t testing.TB, modules ...string) {
	t.Helper()
	key := strings.Join(modules, ",")
	v, ok := importErrors.Load(key)
	if !ok {
		var err error
		if out, e := exec.Command(Python, "-c", "import "+key).CombinedOutput(); e != nil {
			err = fmt.Errorf("%w: %s", e, out)
		}
		v, _ = importErrors.LoadOrStore(key, err)
	}
	if err, _ := v.(error); err != nil {
		t.Skipf("%s cannot import %s: %v", Python, key, err)
	}
}

// Run runs the script with input as JSON on stdin and decodes its stdout into out.
func Run(t testing.TB, script string, input, out any) {
	t.Helper()
	in, err := json.Marshal(input)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(Python, script)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", Python, script, err, stderr.String())
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("%s %s: %v: %.500s", Python, script, err, stdout)
	}
}

// Close reports whether got equals want to 1e-9 relative, or 1e-12 absolute near zero.
func Close(got, want float64) bool {
	if math.IsNaN(want) || math.IsInf(want, 0) {
		return got == want || (math.IsNaN(got) && math.IsNaN(want))
	}
	d := math.Abs(got - want)
	return d <= 1e-9*math.Abs(want) || d <= 1e-12
}
