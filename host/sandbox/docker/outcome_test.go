package docker

import (
	"strings"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
)

func TestDocker_Outcomes(t *testing.T) {
	b := newBackend(t, Options{})
	sb := startSandbox(t, b, sandbox.Spec{Limits: sandbox.Limits{
		MemoryBytes: 200 << 20, Processes: 40, DiskBytes: 8 << 20, Timeout: time.Minute,
	}})
	const short = 2 * time.Second // the timeout of the cases that time out
	tests := []struct {
		name     string
		code     string
		outcome  core.Outcome
		exitCode int
	}{
		{"ok", "print('hello')", core.OutcomeOK, 0},
		{"exit non-zero", "import sys; sys.exit(3)", core.OutcomeExitNonZero, 3},
		{"an exception", "1/0", core.OutcomeExitNonZero, 1},
		{"a syntax error", "def (:", core.OutcomeExitNonZero, 1},
		{"killed by a signal", "import os; os.kill(os.getpid(), 9)", core.OutcomeKilled, 137},
		{"out of memory", "b = bytearray(1 << 30)", core.OutcomeOutOfMemory, 137},
		{"out of memory in a child process", `
import subprocess, sys
sys.exit(subprocess.call([sys.executable, '-c', 'b = bytearray(1 << 30)']) and 1)`, core.OutcomeOutOfMemory, 1},
		{"timed out", "import time; time.sleep(60)", core.OutcomeTimedOut, 137},
		{"timed out ignoring SIGTERM", `
import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
while True: pass`, core.OutcomeTimedOut, 137},
		{"file size limit", `
import signal
signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
open('/workspace/big', 'wb').write(b'x' * (9 << 20))`, core.OutcomeResourceLimit, 128 + 25},
		{"process limit", `
import subprocess
procs = []
while True:
    procs.append(subprocess.Popen(['sleep', '60']))`, core.OutcomeResourceLimit, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := sandbox.ExecRequest{Code: tt.code}
			if tt.outcome == core.OutcomeTimedOut {
				req.Timeout = short
			}
			res, err := sb.Exec(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != tt.outcome || res.ExitCode != tt.exitCode {
				t.Errorf("outcome %s exit %d, want %s exit %d\nstdout: %s\nstderr: %s",
					res.Outcome, res.ExitCode, tt.outcome, tt.exitCode, res.Stdout, res.Stderr)
			}
		})
	}
	// Whatever the previous executions did, the sandbox still works and nothing of theirs runs.
	assertOnlyInit(t, sb)
}

func TestDocker_TimeoutOfTheRequestWhenShorter(t *testing.T) {
	sb := startSandbox(t, newBackend(t, Options{}), sandbox.Spec{Limits: sandbox.Limits{Timeout: time.Minute}})
	res, err := sb.Exec(t.Context(), sandbox.ExecRequest{Code: "import time; time.sleep(60)", Timeout: 500 * time.Millisecond})
	if err != nil || res.Outcome != core.OutcomeTimedOut || res.Duration > 10*time.Second {
		t.Errorf("result %+v, %v; want timed out after about half a second", res, err)
	}
}

func TestDocker_TimeoutKillsDetachedDescendants(t *testing.T) {
	sb := startSandbox(t, newBackend(t, Options{}), sandbox.Spec{Limits: sandbox.Limits{Timeout: 5 * time.Second}})
	res := run(t, sb, `
import os, signal, subprocess, time
# A grandchild in its own session that ignores SIGTERM and SIGHUP, and a plain child.
subprocess.Popen(['sh', '-c', 'trap "" TERM HUP; while :; do sleep 1; done'], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        time.sleep(600)
    os._exit(0)
print('spawned', flush=True)
time.sleep(600)`)
	if res.Outcome != core.OutcomeTimedOut || res.Stdout != "spawned\n" {
		t.Fatalf("result %+v; want timed out after printing", res)
	}
	assertOnlyInit(t, sb)
}

func TestDocker_FreshModeLeavesNothingRunning(t *testing.T) {
	sb := startSandbox(t, newBackend(t, Options{}), sandbox.Spec{})
	res := run(t, sb, `
import subprocess
subprocess.Popen(['sleep', '600'], start_new_session=True)
print('left a sleeper')`)
	if res.Outcome != core.OutcomeOK {
		t.Fatalf("result %+v", res)
	}
	assertOnlyInit(t, sb)
}

func TestDocker_ForkBombIsStoppedAndTheNextExecutionWorks(t *testing.T) {
	sb := startSandbox(t, newBackend(t, Options{}), sandbox.Spec{Limits: sandbox.Limits{
		Processes: 50, Timeout: 2 * time.Second, MemoryBytes: 256 << 20,
	}})
	res := run(t, sb, `
import os
while True:
    try:
        os.fork()
    except OSError:
        pass`)
	if res.Outcome != core.OutcomeTimedOut {
		t.Errorf("fork bomb: %s, want timed out", res.Outcome)
	}
	if res := run(t, sb, "print(6 * 7)"); res.Stdout != "42\n" {
		t.Errorf("after the fork bomb: %+v", res)
	}
	assertOnlyInit(t, sb)
}

func TestDocker_OutputIsCappedPerStream(t *testing.T) {
	sb := startSandbox(t, newBackend(t, Options{}), sandbox.Spec{Limits: sandbox.Limits{OutputBytes: 1000}})
	res := run(t, sb, `
import sys
for i in range(20000):
    sys.stdout.write('o' * 99 + '\n')
    sys.stderr.write('e' * 99 + '\n')
print('the end')`)
	if !res.Truncated || res.Outcome != core.OutcomeOK {
		t.Fatalf("truncated %v outcome %s, want truncated and ok", res.Truncated, res.Outcome)
	}
	for _, tt := range []struct{ name, out, char string }{{"stdout", res.Stdout, "o"}, {"stderr", res.Stderr, "e"}} {
		kept, marker, found := strings.Cut(tt.out, "\n[... ")
		if !found || len(kept) != 1000 || strings.Trim(kept, tt.char+"\n") != "" {
			t.Errorf("%s: %d bytes kept, marker found %v; want the first 1000 bytes and a marker", tt.name, len(kept), found)
		}
		if want := "bytes of " + tt.name + " dropped: output limit 1000 B ...]\n"; !strings.HasSuffix(marker, want) {
			t.Errorf("%s marker %q, want it to end %q", tt.name, marker, want)
		}
	}
}

func TestDocker_StdoutAndStderrStaySeparate(t *testing.T) {
	sb := startSandbox(t, newBackend(t, Options{}), sandbox.Spec{})
	res := run(t, sb, `
import sys
for i in range(3):
    print('out', i)
    print('err', i, file=sys.stderr)
print(repr(sys.stdin.read()))`)
	if res.Stdout != "out 0\nout 1\nout 2\n''\n" || res.Stderr != "err 0\nerr 1\nerr 2\n" {
		t.Errorf("stdout %q stderr %q", res.Stdout, res.Stderr)
	}
}

func TestDocker_ArgvRunsACommand(t *testing.T) {
	sb := startSandbox(t, newBackend(t, Options{}), sandbox.Spec{Env: map[string]string{"SEED": "7"}})
	res, err := sb.Exec(t.Context(), sandbox.ExecRequest{Argv: []string{"sh", "-c", `echo "$SEED $HOME $(pwd)"; exit 4`}})
	if err != nil || res.Stdout != "7 /workspace /workspace\n" || res.Outcome != core.OutcomeExitNonZero || res.ExitCode != 4 {
		t.Errorf("result %+v, %v", res, err)
	}
}

func TestDocker_LargeCodeAndPeakMemory(t *testing.T) {
	sb := startSandbox(t, newBackend(t, Options{}), sandbox.Spec{})
	code := strings.Repeat("# padding to make the source large\n", 30000) + `
b = bytearray(100 << 20)
print(len(b) >> 20)`
	res := run(t, sb, code)
	if res.Stdout != "100\n" || res.PeakBytes < 100<<20 || res.PeakBytes > 200<<20 {
		t.Errorf("stdout %q peak %d MiB; want 100 and a peak of 100 to 200 MiB\n%s", res.Stdout, res.PeakBytes>>20, res.Stderr)
	}
}
