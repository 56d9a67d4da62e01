package docker

import (
	"strings"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
)

func startSession(t *testing.T, limits sandbox.Limits) *containerSandbox {
	t.Helper()
	return startSandbox(t, newBackend(t, Options{}), sandbox.Spec{Mode: sandbox.ModeSession, Limits: limits})
}

// expect checks one result's outcome, stdout and restart flag.
func expect(t *testing.T, res sandbox.Result, outcome core.Outcome, stdout string, restarted bool) {
	t.Helper()
	if res.Outcome != outcome || res.Stdout != stdout || res.SessionRestarted != restarted {
		t.Errorf("outcome %s stdout %q restarted %v; want %s %q %v\nstderr: %s",
			res.Outcome, res.Stdout, res.SessionRestarted, outcome, stdout, restarted, res.Stderr)
	}
}

func TestDockerSession_StateSurvivesBetweenExecutions(t *testing.T) {
	sb := startSession(t, sandbox.Limits{})
	expect(t, run(t, sb, "import numpy as np\nx = np.arange(4)"), core.OutcomeOK, "", false)
	expect(t, run(t, sb, "def double(v):\n    return 2 * v"), core.OutcomeOK, "", false)
	expect(t, run(t, sb, "print(double(x).sum())"), core.OutcomeOK, "12\n", false)
	// An exception or sys.exit ends the execution, not the interpreter.
	res := run(t, sb, "import sys\nprint('bye')\nsys.exit(3)")
	if res.ExitCode != 3 {
		t.Errorf("exit code %d, want 3", res.ExitCode)
	}
	expect(t, res, core.OutcomeExitNonZero, "bye\n", false)
	expect(t, run(t, sb, "raise ValueError('boom')"), core.OutcomeExitNonZero, "", false)
	expect(t, run(t, sb, "print(x.tolist())"), core.OutcomeOK, "[0, 1, 2, 3]\n", false)
}

func TestDockerSession_TimeoutKeepsTheOutputAndRestartsTheInterpreter(t *testing.T) {
	sb := startSession(t, sandbox.Limits{Timeout: 2 * time.Second})
	run(t, sb, "x = 1")
	res := run(t, sb, "print('working', flush=True)\nimport time\ntime.sleep(60)")
	expect(t, res, core.OutcomeTimedOut, "working\n", true)
	res = run(t, sb, "print('x' in globals())")
	expect(t, res, core.OutcomeOK, "False\n", true)
	expect(t, run(t, sb, "print('again')"), core.OutcomeOK, "again\n", false)
	assertOnlyInit(t, sb)
}

func TestDockerSession_CrashesRestartTheInterpreter(t *testing.T) {
	sb := startSession(t, sandbox.Limits{MemoryBytes: 200 << 20})
	tests := []struct {
		name    string
		code    string
		outcome core.Outcome
		exit    int
	}{
		{"out of memory", "print('allocating', flush=True)\nb = bytearray(1 << 30)", core.OutcomeOutOfMemory, 137},
		{"os._exit", "import os\nos._exit(5)", core.OutcomeExitNonZero, 5},
		{"a signal", "import os\nos.kill(os.getpid(), 9)", core.OutcomeKilled, 137},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run(t, sb, "state = 'kept'")
			res := run(t, sb, tt.code)
			if res.Outcome != tt.outcome || res.ExitCode != tt.exit || !res.SessionRestarted {
				t.Errorf("outcome %s exit %d restarted %v; want %s %d true\nstderr: %s",
					res.Outcome, res.ExitCode, res.SessionRestarted, tt.outcome, tt.exit, res.Stderr)
			}
			expect(t, run(t, sb, "print('state' in globals())"), core.OutcomeOK, "False\n", true)
		})
	}
}

func TestDockerSession_OutputOfSubprocessesIsCapturedAndCapped(t *testing.T) {
	sb := startSession(t, sandbox.Limits{OutputBytes: 100})
	res := run(t, sb, "import subprocess\nsubprocess.run(['echo', 'from a child'])\nsubprocess.Popen(['sleep', '600'])")
	expect(t, res, core.OutcomeOK, "from a child\n", false)
	res = run(t, sb, "print('y' * 5000)")
	if !res.Truncated || !strings.HasPrefix(res.Stdout, strings.Repeat("y", 100)+"\n[... 4901 bytes of stdout dropped") {
		t.Errorf("stdout %q truncated %v; want 100 bytes and a marker", res.Stdout, res.Truncated)
	}
	// The sleeper the first execution left is gone; the interpreter stays.
	assertOnlyInit(t, sb)
}

func TestDockerSession_ArgvRunsWithoutTouchingTheNamespace(t *testing.T) {
	sb := startSession(t, sandbox.Limits{})
	run(t, sb, "before = set(globals())")
	res, err := sb.Exec(t.Context(), sandbox.ExecRequest{Argv: []string{"sh", "-c", "echo \"it's $HOME\"; exit 4"}})
	if err != nil || res.Stdout != "it's /workspace\n" || res.ExitCode != 4 || res.Outcome != core.OutcomeExitNonZero {
		t.Errorf("result %+v, %v", res, err)
	}
	expect(t, run(t, sb, "print(sorted(set(globals()) - before - {'before'}))"), core.OutcomeOK, "[]\n", false)
}

func TestDockerSession_ResetForgetsState(t *testing.T) {
	sb := startSession(t, sandbox.Limits{})
	run(t, sb, "x = 1\nopen('/tmp/scratch', 'w').write('x')")
	if err := sb.Reset(t.Context()); err != nil {
		t.Fatal(err)
	}
	res := run(t, sb, "import os\nprint('x' in globals(), os.path.exists('/tmp/scratch'))")
	expect(t, res, core.OutcomeOK, "False False\n", false)
}
