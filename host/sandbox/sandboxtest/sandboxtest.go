// Package sandboxtest is the specification every sandbox backend must meet, as tests: Run starts
// the conformance suite (what the code can do: run, print, read /data, write /workspace, time out,
// run out of memory, keep or lose session state) and the adversarial suite (what it must not:
// find the answers or the host's secrets, reach the network, outlive its step, exhaust the
// machine, trick the host through the submission file). It uses only the sandbox.Backend
// interface and the paths /data and /workspace. A backend's own test calls
//
//	func TestConformance(t *testing.T) {
//		sandboxtest.Run(t, func(t *testing.T) sandbox.Backend { return mybackend.New(...) })
//	}
package sandboxtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
)

// LeakChecker may be implemented by a Backend to list what its sandboxes left behind (processes,
// mounts, cgroups, containers) once they are all closed; the suite fails on anything listed.
type LeakChecker interface {
	Leftovers(ctx context.Context) ([]string, error)
}

// Run runs the conformance and adversarial suites against backends made by newBackend, which is
// called once per test.
func Run(t *testing.T, newBackend func(t *testing.T) sandbox.Backend) {
	t.Run("Conformance", func(t *testing.T) { runConformance(t, newBackend) })
	t.Run("Adversarial", func(t *testing.T) { runAdversarial(t, newBackend) })
}

// TestLimits are the limits the suites run under unless a test needs others: small enough that
// exceeding them is quick, large enough for Python.
var TestLimits = sandbox.Limits{
	Timeout:     60 * time.Second,
	CPUs:        1,
	MemoryBytes: 512 << 20,
	Processes:   128,
	DiskBytes:   256 << 20,
	OutputBytes: 64 << 10,
}

// Fixture is one sandbox over a fresh directory tree:
//
//	base/public/     shown at /data: train.csv, sample_submission.csv
//	base/workspace/  shown at /workspace
//	base/private/    answers.csv holding AnswersToken: must stay out of the sandbox's sight
//
// and a second secret, SecretToken, in a file elsewhere in the host's temporary directory.
type Fixture struct {
	T            *testing.T
	Backend      sandbox.Backend
	Spec         sandbox.Spec
	Sandbox      sandbox.Sandbox
	Base         string
	PrivateDir   string
	AnswersPath  string
	AnswersToken string
	SecretPath   string
	SecretToken  string
}

// NewFixture makes the tree and starts a sandbox on it; edit adjusts the spec first (nil for
// none). The sandbox is closed, and the backend's leftovers checked, when the test ends.
func NewFixture(t *testing.T, newBackend func(t *testing.T) sandbox.Backend, edit func(*sandbox.Spec)) *Fixture {
	t.Helper()
	f := &Fixture{T: t, Backend: newBackend(t), Base: t.TempDir()}
	f.AnswersToken = "DOJO-ANSWERS-" + Token()
	f.SecretToken = "DOJO-SECRET-" + Token()
	public := filepath.Join(f.Base, "public")
	workspace := filepath.Join(f.Base, "workspace")
	f.PrivateDir = filepath.Join(f.Base, "private")
	for _, d := range []string{public, workspace, f.PrivateDir} {
		mustNoErr(t, os.Mkdir(d, 0o755))
	}
	mustNoErr(t, os.WriteFile(filepath.Join(public, "train.csv"), []byte("id,x,y\n1,0.5,1\n2,0.25,0\n"), 0o644))
	mustNoErr(t, os.WriteFile(filepath.Join(public, "sample_submission.csv"), []byte("id,y\n3,0\n"), 0o644))
	f.AnswersPath = filepath.Join(f.PrivateDir, "answers.csv")
	mustNoErr(t, os.WriteFile(f.AnswersPath, []byte("id,y\n3,"+f.AnswersToken+"\n"), 0o644))
	secretDir := t.TempDir()
	f.SecretPath = filepath.Join(secretDir, "secret.txt")
	mustNoErr(t, os.WriteFile(f.SecretPath, []byte(f.SecretToken+"\n"), 0o644))

	f.Spec = sandbox.Spec{PublicDir: public, WorkspaceDir: workspace, Limits: TestLimits, Mode: sandbox.ModeFresh,
		Env: map[string]string{"DOJO_SPEC_VAR": "from-spec"}}
	if edit != nil {
		edit(&f.Spec)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sb, err := f.Backend.Start(ctx, f.Spec)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	f.Sandbox = sb
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := sb.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
		if lc, ok := f.Backend.(LeakChecker); ok {
			left, err := lc.Leftovers(ctx)
			if err != nil {
				t.Errorf("Leftovers: %v", err)
			}
			if len(left) > 0 {
				t.Errorf("the backend left behind after Close: %v", left)
			}
		}
	})
	return f
}

// Workspace is the workspace's host path.
func (f *Fixture) Workspace() string { return f.Spec.WorkspaceDir }

// Public is the public directory's host path.
func (f *Fixture) Public() string { return f.Spec.PublicDir }

// Exec runs code and fails the test on a sandbox error.
func (f *Fixture) Exec(code string) sandbox.Result {
	f.T.Helper()
	return f.ExecReq(sandbox.ExecRequest{Code: code})
}

// ExecReq runs req and fails the test on a sandbox error.
func (f *Fixture) ExecReq(req sandbox.ExecRequest) sandbox.Result {
	f.T.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), f.Spec.Limits.WithDefaults().Timeout+2*time.Minute)
	defer cancel()
	res, err := f.Sandbox.Exec(ctx, req)
	if err != nil {
		what := req.Code
		if len(req.Argv) > 0 {
			what = strings.Join(req.Argv, " ")
		}
		if len(what) > 200 {
			what = what[:200] + "..."
		}
		f.T.Fatalf("Exec(%q): %v (result %s)", what, err, Describe(res))
	}
	return res
}

// ExecJSON runs code that prints one JSON object as its last stdout line, and decodes it into v.
func (f *Fixture) ExecJSON(code string, v any) sandbox.Result {
	f.T.Helper()
	res := f.Exec(code)
	lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), v); err != nil {
		f.T.Fatalf("the code's last line is not JSON: %v\n%s", err, Describe(res))
	}
	return res
}

// ExpectOK checks that the sandbox still runs code: a trivial execution succeeds.
func (f *Fixture) ExpectOK() {
	f.T.Helper()
	res := f.Exec("print('still ok')")
	if res.Outcome != core.OutcomeOK || strings.TrimSpace(res.Stdout) != "still ok" {
		f.T.Fatalf("the next execution failed: %s", Describe(res))
	}
}

// ExpectOutcome fails the test unless res ended one of the ways listed.
func ExpectOutcome(t *testing.T, res sandbox.Result, want ...core.Outcome) {
	t.Helper()
	for _, w := range want {
		if res.Outcome == w {
			return
		}
	}
	t.Fatalf("outcome %q, want one of %v: %s", res.Outcome, want, Describe(res))
}

// Describe renders a result for a failure message, output shortened.
func Describe(r sandbox.Result) string {
	short := func(s string) string {
		if len(s) > 2000 {
			return s[:1000] + "\n...\n" + s[len(s)-1000:]
		}
		return s
	}
	return "outcome=" + string(r.Outcome) + " exit=" + strconv.Itoa(r.ExitCode) + " duration=" + r.Duration.String() +
		" peak=" + strconv.FormatInt(r.PeakBytes, 10) + " restarted=" + strconv.FormatBool(r.SessionRestarted) +
		"\n--- stdout:\n" + short(r.Stdout) + "\n--- stderr:\n" + short(r.Stderr)
}

// HostProcessesWith lists the host's processes whose command line or environment holds token
// (those this test process may read), as "pid: cmdline".
func HostProcessesWith(token string) []string {
	entries, _ := os.ReadDir("/proc")
	var found []string
	self := strconv.Itoa(os.Getpid())
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil || e.Name() == self {
			continue
		}
		for _, file := range []string{"cmdline", "environ"} {
			b, err := os.ReadFile(filepath.Join("/proc", e.Name(), file))
			if err == nil && strings.Contains(string(b), token) {
				found = append(found, e.Name()+": "+strings.ReplaceAll(string(b), "\x00", " "))
				break
			}
		}
	}
	return found
}

// ExpectNoHostProcess fails the test when a host process holds token.
func ExpectNoHostProcess(t *testing.T, token string) {
	t.Helper()
	if left := HostProcessesWith(token); len(left) > 0 {
		t.Fatalf("processes outlived their step: %v", left)
	}
}

// Token is a random hex string for markers and secrets.
func Token() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// PyString quotes s as a Python string literal.
func PyString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func mustNoErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// modes is every execution mode, for tests that hold in both.
var modes = []sandbox.ExecMode{sandbox.ModeFresh, sandbox.ModeSession}

// inMode returns a spec edit that sets the mode (and then applies more edits).
func inMode(m sandbox.ExecMode, more ...func(*sandbox.Spec)) func(*sandbox.Spec) {
	return func(s *sandbox.Spec) {
		s.Mode = m
		for _, e := range more {
			e(s)
		}
	}
}

// withLimits returns a spec edit that changes the limits.
func withLimits(change func(*sandbox.Limits)) func(*sandbox.Spec) {
	return func(s *sandbox.Spec) { change(&s.Limits) }
}
