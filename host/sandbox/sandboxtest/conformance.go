package sandboxtest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
)

type backendMaker = func(t *testing.T) sandbox.Backend

// runConformance is what every backend must do for ordinary code.
func runConformance(t *testing.T, nb backendMaker) {
	for _, m := range modes {
		t.Run(string(m), func(t *testing.T) {
			t.Run("HelloWorld", func(t *testing.T) { testHelloWorld(t, nb, m) })
			t.Run("ExitCodes", func(t *testing.T) { testExitCodes(t, nb, m) })
			t.Run("StdoutAndStderrApart", func(t *testing.T) { testStreams(t, nb, m) })
			t.Run("SubprocessOutputCaptured", func(t *testing.T) { testSubprocessOutput(t, nb, m) })
			t.Run("OutputTruncatedWithMarker", func(t *testing.T) { testTruncation(t, nb, m) })
			t.Run("TimeoutThenNextExecWorks", func(t *testing.T) { testTimeout(t, nb, m) })
			t.Run("MemoryLimitIsOutOfMemory", func(t *testing.T) { testMemoryLimit(t, nb, m) })
			t.Run("ArgvRunsInTheSandbox", func(t *testing.T) { testArgv(t, nb, m) })
		})
	}
	t.Run("DataIsReadable", func(t *testing.T) { testReadData(t, nb) })
	t.Run("DataIsNotWritable", func(t *testing.T) { testDataReadOnly(t, nb) })
	t.Run("WorkspaceIsWritableWorkingDirectory", func(t *testing.T) { testWriteWorkspace(t, nb) })
	t.Run("EnvironmentIsMinimal", func(t *testing.T) { testEnvironment(t, nb) })
	t.Run("FreshModeForgetsVariables", func(t *testing.T) { testFreshForgets(t, nb) })
	t.Run("SessionModeKeepsVariables", func(t *testing.T) { testSessionKeeps(t, nb) })
	t.Run("SessionExceptionKeepsState", func(t *testing.T) { testSessionException(t, nb) })
	t.Run("SessionRestartAfterCrashIsReported", func(t *testing.T) { testSessionCrash(t, nb) })
	t.Run("SessionRestartAfterTimeoutIsReported", func(t *testing.T) { testSessionTimeoutRestart(t, nb) })
	t.Run("ResetClearsSessionState", func(t *testing.T) { testReset(t, nb) })
	t.Run("CloseAbortsExecAndLeavesNothing", func(t *testing.T) { testCloseAborts(t, nb) })
	t.Run("ClosedSandboxRefusesExec", func(t *testing.T) { testClosedRefuses(t, nb) })
	t.Run("IsolationIsReported", func(t *testing.T) { testIsolationReported(t, nb) })
}

func testHelloWorld(t *testing.T, nb backendMaker, m sandbox.ExecMode) {
	f := NewFixture(t, nb, inMode(m))
	res := f.Exec("print('hello, world')")
	ExpectOutcome(t, res, core.OutcomeOK)
	if res.Stdout != "hello, world\n" || res.Stderr != "" || res.ExitCode != 0 || res.Truncated {
		t.Fatalf("unexpected result: %s", Describe(res))
	}
	if res.Duration <= 0 {
		t.Errorf("duration %v, want > 0", res.Duration)
	}
}

func testExitCodes(t *testing.T, nb backendMaker, m sandbox.ExecMode) {
	f := NewFixture(t, nb, inMode(m))
	cases := []struct {
		name    string
		code    string
		exit    int
		outcome core.Outcome
		stderr  string
	}{
		{"fall off the end", "x = 1", 0, core.OutcomeOK, ""},
		{"sys.exit(0)", "import sys; sys.exit(0)", 0, core.OutcomeOK, ""},
		{"sys.exit(3)", "import sys; sys.exit(3)", 3, core.OutcomeExitNonZero, ""},
		{"exception", "raise ValueError('boom')", 1, core.OutcomeExitNonZero, "ValueError: boom"},
		{"syntax error", "def f(:\n  pass", 1, core.OutcomeExitNonZero, "SyntaxError"},
		{"killed by a signal", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)", 137, core.OutcomeKilled, ""},
	}
	for _, c := range cases {
		res := f.Exec(c.code)
		if res.ExitCode != c.exit || res.Outcome != c.outcome || !strings.Contains(res.Stderr, c.stderr) {
			t.Errorf("%s: got exit %d outcome %s, want %d %s with %q in stderr: %s", c.name, res.ExitCode,
				res.Outcome, c.exit, c.outcome, c.stderr, Describe(res))
		}
	}
	if res := f.Exec("raise ValueError('boom')"); !strings.Contains(res.Stderr, "Traceback") {
		t.Errorf("an exception must show its traceback: %s", Describe(res))
	}
}

func testStreams(t *testing.T, nb backendMaker, m sandbox.ExecMode) {
	f := NewFixture(t, nb, inMode(m))
	res := f.Exec("import sys\nprint('to out')\nprint('to err', file=sys.stderr)\nsys.stdout.write('more out\\n')")
	if res.Stdout != "to out\nmore out\n" || res.Stderr != "to err\n" {
		t.Fatalf("streams mixed up: %s", Describe(res))
	}
}

func testSubprocessOutput(t *testing.T, nb backendMaker, m sandbox.ExecMode) {
	f := NewFixture(t, nb, inMode(m))
	res := f.Exec("import subprocess, sys\nsubprocess.run([sys.executable, '-c', 'import sys; print(\"child out\"); print(\"child err\", file=sys.stderr)'], check=True)\nprint('parent')")
	ExpectOutcome(t, res, core.OutcomeOK)
	if !strings.Contains(res.Stdout, "child out") || !strings.Contains(res.Stdout, "parent") || !strings.Contains(res.Stderr, "child err") {
		t.Fatalf("a subprocess's output must be captured: %s", Describe(res))
	}
}

func testTruncation(t *testing.T, nb backendMaker, m sandbox.ExecMode) {
	f := NewFixture(t, nb, inMode(m, withLimits(func(l *sandbox.Limits) { l.OutputBytes = 4 << 10 })))
	res := f.Exec("import sys\nsys.stdout.write('o' * 100000)\nsys.stderr.write('e' * 50000)")
	ExpectOutcome(t, res, core.OutcomeOK)
	if !res.Truncated {
		t.Fatalf("Truncated must be set: %s", Describe(res))
	}
	for name, s := range map[string]string{"stdout": res.Stdout, "stderr": res.Stderr} {
		if !strings.Contains(s, "dropped") || !strings.Contains(s, name) {
			t.Errorf("%s must end with a truncation marker naming it: %q", name, tail(s))
		}
		if len(s) > 4<<10+200 {
			t.Errorf("%s holds %d bytes, more than the 4 KiB limit and a marker", name, len(s))
		}
	}
	if !strings.HasPrefix(res.Stdout, strings.Repeat("o", 4<<10)) {
		t.Errorf("stdout must keep its first 4 KiB: %q", res.Stdout[:min(len(res.Stdout), 100)])
	}
	if res := f.Exec("print('short')"); res.Truncated || res.Stdout != "short\n" {
		t.Errorf("the next execution must not be truncated: %s", Describe(res))
	}
}

func testTimeout(t *testing.T, nb backendMaker, m sandbox.ExecMode) {
	f := NewFixture(t, nb, inMode(m, withLimits(func(l *sandbox.Limits) { l.Timeout = 2 * time.Second })))
	for _, code := range []string{"while True: pass", "import time; time.sleep(3600)"} {
		began := time.Now()
		res := f.Exec("print('started', flush=True)\n" + code)
		ExpectOutcome(t, res, core.OutcomeTimedOut)
		if took := time.Since(began); took > 2*time.Second+15*time.Second {
			t.Errorf("a 2 s timeout took %v to stop", took)
		}
		if !strings.Contains(res.Stdout, "started") {
			t.Errorf("output before the timeout must be kept: %s", Describe(res))
		}
		f.ExpectOK()
	}
	res := f.ExecReq(sandbox.ExecRequest{Code: "import time; time.sleep(3600)", Timeout: 500 * time.Millisecond})
	ExpectOutcome(t, res, core.OutcomeTimedOut)
	if res.Duration > 10*time.Second {
		t.Errorf("a request's shorter timeout must apply: took %v", res.Duration)
	}
}

func testMemoryLimit(t *testing.T, nb backendMaker, m sandbox.ExecMode) {
	f := NewFixture(t, nb, inMode(m, withLimits(func(l *sandbox.Limits) { l.MemoryBytes = 256 << 20 })))
	res := f.Exec("chunks = []\nfor i in range(64):\n    chunks.append(bytearray(64 << 20))\nprint('allocated 4 GiB')")
	ExpectOutcome(t, res, core.OutcomeOutOfMemory)
	if strings.Contains(res.Stdout, "allocated") {
		t.Fatalf("4 GiB fit in a 256 MiB limit: %s", Describe(res))
	}
	f.ExpectOK()
	if res := f.Exec("x = bytearray(32 << 20); print(len(x))"); res.Outcome != core.OutcomeOK {
		t.Errorf("32 MiB must fit in 256 MiB: %s", Describe(res))
	} else if res.PeakBytes != 0 && res.PeakBytes < 32<<20 {
		t.Errorf("peak memory %d is below the 32 MiB the code held", res.PeakBytes)
	}
}

func testArgv(t *testing.T, nb backendMaker, m sandbox.ExecMode) {
	f := NewFixture(t, nb, inMode(m))
	f.Exec("x = 5")
	res := f.ExecReq(sandbox.ExecRequest{Argv: []string{"python3", "-c", "import os, sys; print(os.getcwd()); print(open('/data/train.csv').readline().strip()); sys.exit(4)"}})
	if res.ExitCode != 4 || res.Outcome != core.OutcomeExitNonZero || res.Stdout != "/workspace\nid,x,y\n" {
		t.Fatalf("argv must run in the sandbox with /workspace as working directory: %s", Describe(res))
	}
	if m == sandbox.ModeSession {
		if res := f.Exec("print(x)"); res.Stdout != "5\n" {
			t.Errorf("an argv request must not disturb the session: %s", Describe(res))
		}
	}
}

func testReadData(t *testing.T, nb backendMaker) {
	f := NewFixture(t, nb, nil)
	res := f.Exec("import os\nprint(sorted(os.listdir('/data')))\nprint(open('/data/train.csv').read(), end='')")
	want := "['sample_submission.csv', 'train.csv']\nid,x,y\n1,0.5,1\n2,0.25,0\n"
	if res.Stdout != want {
		t.Fatalf("reading /data: got %q, want %q: %s", res.Stdout, want, Describe(res))
	}
}

func testDataReadOnly(t *testing.T, nb backendMaker) {
	f := NewFixture(t, nb, nil)
	res := f.Exec(`
import os
results = []
for what, act in [
    ("create", lambda: open("/data/new.csv", "w").write("x")),
    ("overwrite", lambda: open("/data/train.csv", "w").write("x")),
    ("append", lambda: open("/data/train.csv", "a").write("x")),
    ("remove", lambda: os.remove("/data/train.csv")),
    ("rename", lambda: os.rename("/data/train.csv", "/data/t.csv")),
    ("mkdir", lambda: os.mkdir("/data/d")),
    ("chmod", lambda: os.chmod("/data/train.csv", 0o777)),
]:
    try:
        act()
        results.append(what + ": allowed")
    except OSError as e:
        results.append(what + ": refused")
print("\n".join(results))
`)
	if strings.Contains(res.Stdout, "allowed") || !strings.Contains(res.Stdout, "chmod: refused") {
		t.Errorf("/data must be read-only: %s", Describe(res))
	}
	entries, _ := os.ReadDir(f.Public())
	if len(entries) != 2 {
		t.Errorf("the public directory changed: %v", entries)
	}
	if b, _ := os.ReadFile(filepath.Join(f.Public(), "train.csv")); string(b) != "id,x,y\n1,0.5,1\n2,0.25,0\n" {
		t.Errorf("train.csv changed: %q", b)
	}
}

func testWriteWorkspace(t *testing.T, nb backendMaker) {
	f := NewFixture(t, nb, nil)
	res := f.Exec(`
import os
print(os.getcwd())
os.makedirs("sub/dir", exist_ok=True)
with open("submission.csv", "w") as fh:
    fh.write("id,y\n3,1\n")
with open("/workspace/sub/dir/model.txt", "w") as fh:
    fh.write("weights")
os.rename("sub/dir/model.txt", "sub/model.txt")
open("/tmp/scratch", "w").write("tmp is writable")
print(open("/tmp/scratch").read())
`)
	ExpectOutcome(t, res, core.OutcomeOK)
	if !strings.HasPrefix(res.Stdout, "/workspace\n") || !strings.Contains(res.Stdout, "tmp is writable") {
		t.Fatalf("unexpected output: %s", Describe(res))
	}
	if b, err := os.ReadFile(filepath.Join(f.Workspace(), "submission.csv")); err != nil || string(b) != "id,y\n3,1\n" {
		t.Errorf("submission.csv on the host: %q, %v", b, err)
	}
	if b, err := os.ReadFile(filepath.Join(f.Workspace(), "sub", "model.txt")); err != nil || string(b) != "weights" {
		t.Errorf("sub/model.txt on the host: %q, %v", b, err)
	}
	sub, err := sandbox.OpenSubmission(f.Workspace(), "submission.csv")
	if err != nil {
		t.Fatalf("OpenSubmission: %v", err)
	}
	sub.Close()
	// What the host put in the workspace between steps is visible to the next one.
	mustNoErr(t, os.WriteFile(filepath.Join(f.Workspace(), "from_host.txt"), []byte("hello from the host"), 0o644))
	if res := f.Exec("print(open('from_host.txt').read())"); !strings.Contains(res.Stdout, "hello from the host") {
		t.Errorf("a host file written between steps must be readable: %s", Describe(res))
	}
}

func testEnvironment(t *testing.T, nb backendMaker) {
	t.Setenv("DOJO_HOST_ONLY_VAR", "must-not-leak")
	f := NewFixture(t, nb, nil)
	var env map[string]string
	f.ExecJSON("import os, json; print(json.dumps(dict(os.environ)))", &env)
	if env["HOME"] != sandbox.WorkspaceMount || env["DOJO_SPEC_VAR"] != "from-spec" || env["PATH"] == "" ||
		env["MPLBACKEND"] != "Agg" || env["PYTHONUNBUFFERED"] == "" {
		t.Errorf("the environment lacks the fixed variables or the spec's: %v", env)
	}
	if _, ok := env["DOJO_HOST_ONLY_VAR"]; ok {
		t.Errorf("a host variable reached the code: %v", env)
	}
	for k := range env {
		if strings.HasPrefix(k, "_DOJO") {
			t.Errorf("a backend variable reached the code: %s", k)
		}
	}
}

func testCloseAborts(t *testing.T, nb backendMaker) {
	for _, m := range modes {
		t.Run(string(m), func(t *testing.T) {
			f := NewFixture(t, nb, inMode(m))
			token := "DOJO-CLOSE-" + Token()
			started := filepath.Join(f.Workspace(), "started")
			done := make(chan sandbox.Result, 1)
			go func() {
				res, _ := f.Sandbox.Exec(context.Background(), sandbox.ExecRequest{Code: `
import subprocess, sys, time
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)", ` + PyString(token) + `], start_new_session=True)
open("started", "w").write("yes")
time.sleep(3600)
`})
				done <- res
			}()
			waitForFile(t, started, time.Minute)
			if len(HostProcessesWith(token)) == 0 {
				t.Logf("the sandbox's processes are not visible from this process; the leak check below is weaker")
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			began := time.Now()
			if err := f.Sandbox.Close(ctx); err != nil {
				t.Fatalf("Close: %v", err)
			}
			select {
			case res := <-done:
				if res.Outcome == core.OutcomeOK {
					t.Errorf("an execution aborted by Close must not be ok: %s", Describe(res))
				}
			case <-time.After(time.Minute):
				t.Fatal("Exec did not return after Close")
			}
			if took := time.Since(began); took > 30*time.Second {
				t.Errorf("Close took %v", took)
			}
			ExpectNoHostProcess(t, token)
			if err := f.Sandbox.Close(ctx); err != nil {
				t.Errorf("a second Close must be a no-op: %v", err)
			}
		})
	}
}

func testClosedRefuses(t *testing.T, nb backendMaker) {
	f := NewFixture(t, nb, nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := f.Sandbox.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	_, err := f.Sandbox.Exec(ctx, sandbox.ExecRequest{Code: "print(1)"})
	var ce *core.Error
	if !errors.As(err, &ce) || !strings.HasPrefix(string(ce.Type), "sandbox_") {
		t.Fatalf("Exec after Close must fail with a typed sandbox error, got %v", err)
	}
}

func testIsolationReported(t *testing.T, nb backendMaker) {
	f := NewFixture(t, nb, nil)
	iso := f.Sandbox.Isolation()
	if iso.Backend == "" || len(iso.Features) == 0 {
		t.Fatalf("Isolation must name the backend and list features: %+v", iso)
	}
	if iso.Insecure {
		t.Logf("the sandbox reports itself insecure: %+v", iso)
	}
	check := f.Backend.Check(context.Background())
	if check.Backend != iso.Backend || len(check.Features) == 0 {
		t.Errorf("Check must report the same backend and list features: %+v", check)
	}
}

// waitForFile polls for a file the code writes when it has reached a point; the sandbox offers no
// other channel to the host while the code runs.
func waitForFile(t *testing.T, path string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s did not appear within %v", path, limit)
}

func tail(s string) string {
	if len(s) > 200 {
		return s[len(s)-200:]
	}
	return s
}
