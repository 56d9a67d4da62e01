package sandboxtest

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
)

// Attacks on the limits: processes, memory, time, disk, output, signals, and processes that try
// to outlive their step.

// forkBombCode forks sleeping children until fork fails, then exits 3.
const forkBombCode = `
import os, sys, time
n = 0
try:
    while n < 100000:
        pid = os.fork()
        if pid == 0:
            time.sleep(3600)
            os._exit(0)
        n += 1
except OSError as e:
    print("fork failed after", n, "children:", e)
    sys.exit(3)
print("forked", n, "children")
`

func testForkBomb(t *testing.T, nb backendMaker) {
	f := NewFixture(t, nb, withLimits(func(l *sandbox.Limits) { l.Processes = 64; l.Timeout = 60 * time.Second }))
	res := f.Exec(forkBombCode)
	ExpectOutcome(t, res, core.OutcomeResourceLimit)
	if !strings.Contains(res.Stdout, "fork failed") {
		t.Fatalf("fork must fail at the process limit: %s", Describe(res))
	}
	fields := strings.Fields(res.Stdout)
	// A backend may count its own processes in the limit or grant them a little room on top.
	if n, err := strconv.Atoi(fields[3]); err != nil || n > 64+64 {
		t.Errorf("the code made %s processes under a limit of 64", fields[3])
	}
	f.ExpectOK()
	// A real bomb, every child forking too, ignoring every failure: it ends at the timeout.
	res = f.ExecReq(sandbox.ExecRequest{Code: "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
		Timeout: 3 * time.Second})
	ExpectOutcome(t, res, core.OutcomeTimedOut, core.OutcomeResourceLimit)
	if res.Duration > 30*time.Second {
		t.Errorf("the bomb ran %v past its 3 s timeout", res.Duration)
	}
	f.ExpectOK()
}

func testMemoryHog(t *testing.T, nb backendMaker, m sandbox.ExecMode) {
	f := NewFixture(t, nb, inMode(m, withLimits(func(l *sandbox.Limits) { l.MemoryBytes = 256 << 20 })))
	// Touch every page, in the interpreter and in children, far past the limit.
	res := f.Exec(`
import os
pids = []
for i in range(2):
    pid = os.fork()
    if pid == 0:
        hog = [b"x" * (16 << 20) for _ in range(256)]
        os._exit(0)
    pids.append(pid)
hog = []
while True:
    hog.append(b"y" * (16 << 20))
`)
	ExpectOutcome(t, res, core.OutcomeOutOfMemory)
	f.ExpectOK()
}

func testInfiniteLoop(t *testing.T, nb backendMaker, m sandbox.ExecMode) {
	f := NewFixture(t, nb, inMode(m, withLimits(func(l *sandbox.Limits) { l.Timeout = 2 * time.Second })))
	// Ignoring SIGTERM and SIGINT does not help.
	res := f.Exec("import signal\nfor s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):\n    signal.signal(s, signal.SIG_IGN)\nwhile True: pass")
	ExpectOutcome(t, res, core.OutcomeTimedOut)
	if res.Duration > 20*time.Second {
		t.Errorf("a 2 s timeout took %v", res.Duration)
	}
	f.ExpectOK()
}

func testKillEverything(t *testing.T, nb backendMaker, m sandbox.ExecMode) {
	f := NewFixture(t, nb, inMode(m))
	res := f.Exec(`
import os, signal
for pid in [os.getppid(), 1]:
    for s in range(1, 32):
        if s in (signal.SIGKILL, signal.SIGSTOP):
            continue
        try:
            os.kill(pid, s)
        except OSError:
            pass
    for s in (signal.SIGSTOP, signal.SIGKILL):
        try:
            os.kill(pid, s)
        except OSError:
            pass
for pid in os.listdir("/proc"):
    if pid.isdigit() and int(pid) != os.getpid():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except OSError:
            pass
try:
    os.kill(-1, signal.SIGKILL)
except OSError:
    pass
print("survived")
`)
	ExpectOutcome(t, res, core.OutcomeOK, core.OutcomeKilled, core.OutcomeExitNonZero)
	f.ExpectOK()
	f.ExpectOK()
}

func testLeftovers(t *testing.T, nb backendMaker, m sandbox.ExecMode) {
	f := NewFixture(t, nb, inMode(m))
	token := "DOJO-LEFTOVER-" + Token()
	began := time.Now()
	res := f.Exec(`
import os, subprocess, sys, time
TOKEN = ` + PyString(token) + `
# A plain child, a child in its own session, and a double-forked daemon.
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)", TOKEN])
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)", TOKEN], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c",
            "import time\nwhile True:\n    open('/workspace/daemon.txt', 'a').write('x')\n    time.sleep(0.05)", TOKEN])
    os._exit(0)
time.sleep(0.5)
print("spawned")
`)
	ExpectOutcome(t, res, core.OutcomeOK)
	if took := time.Since(began); took > 30*time.Second {
		t.Errorf("the step waited %v for its background processes", took)
	}
	ExpectNoHostProcess(t, token)
	next := f.Exec("import os\nTOKEN = " + PyString(token) + "\nleft = []\nfor pid in os.listdir('/proc'):\n    try:\n        if pid.isdigit() and TOKEN in open('/proc/%s/cmdline' % pid).read():\n            left.append(pid)\n    except OSError:\n        pass\nprint(left)")
	if next.Stdout != "[]\n" {
		t.Fatalf("background processes survived their step: %s", Describe(next))
	}
	size := fileSize(filepath.Join(f.Workspace(), "daemon.txt"))
	f.ExpectOK()
	if after := fileSize(filepath.Join(f.Workspace(), "daemon.txt")); after != size {
		t.Errorf("the daemon still writes: daemon.txt grew from %d to %d bytes", size, after)
	}
}

func testDiskQuota(t *testing.T, nb backendMaker) {
	const quota = 64 << 20
	f := NewFixture(t, nb, withLimits(func(l *sandbox.Limits) { l.DiskBytes = quota; l.Timeout = 2 * time.Minute }))
	for _, target := range []string{"/workspace/big.bin", "/tmp/big.bin"} {
		res := f.Exec(`
import sys
written = 0
chunk = b"z" * (1 << 20)
try:
    with open(` + PyString(target) + `, "wb") as fh:
        for i in range(1024):
            fh.write(chunk)
            fh.flush()
            written += len(chunk)
except OSError as e:
    print("stopped after", written, "bytes:", e)
    sys.exit(1)
print("wrote", written)
`)
		ExpectOutcome(t, res, core.OutcomeResourceLimit, core.OutcomeExitNonZero)
		if strings.Contains(res.Stdout, "wrote 1073741824") {
			t.Fatalf("1 GiB fit in a 64 MiB quota at %s: %s", target, Describe(res))
		}
		if strings.HasPrefix(target, "/workspace") {
			if size := fileSize(filepath.Join(f.Workspace(), "big.bin")); size > quota {
				t.Errorf("the workspace file grew to %d bytes past the %d quota", size, quota)
			}
		}
		f.Exec("import os\nfor p in ['/workspace/big.bin', '/tmp/big.bin']:\n    try:\n        os.remove(p)\n    except OSError:\n        pass")
		f.ExpectOK()
	} // Many files each under the per-file cap: only a limit on the workspace's total holds them.
	res := f.Exec(`
import os
written = 0
for i in range(512):
    with open("/workspace/part%03d.bin" % i, "wb") as fh:
        fh.write(b"q" * (4 << 20))
    written += 4 << 20
print("wrote", written)
`)
	ExpectOutcome(t, res, core.OutcomeResourceLimit)
	if strings.Contains(res.Stdout, "wrote 2147483648") {
		t.Fatalf("2 GiB in 4 MiB files fit in a 64 MiB workspace quota: %s", Describe(res))
	}
	// The watch polls, so a fast writer overshoots by what it writes between two measurements; far
	// less than the 2 GiB it tried.
	if usage := dirSize(f.Workspace()); usage > 4*quota {
		t.Errorf("the workspace grew to %d bytes, far past the %d quota", usage, quota)
	}
	// Over quota, code that deletes still runs.
	f.Exec("import glob, os\nfor p in glob.glob('/workspace/part*.bin'):\n    os.remove(p)")
	f.ExpectOK()
}

// dirSize is the total size of the regular files beneath dir.
func dirSize(dir string) int64 {
	var total int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	return total
}

func testHugeOutput(t *testing.T, nb backendMaker) {
	f := NewFixture(t, nb, withLimits(func(l *sandbox.Limits) { l.Timeout = 5 * time.Minute }))
	res := f.Exec(`
import os, sys
chunk = b"g" * (1 << 20)
for i in range(2048):
    os.write(1, chunk)
    if i % 64 == 0:
        os.write(2, chunk)
print("", end="")
`)
	ExpectOutcome(t, res, core.OutcomeOK)
	if !res.Truncated || len(res.Stdout) > TestLimits.OutputBytes+200 || len(res.Stderr) > TestLimits.OutputBytes+200 {
		t.Fatalf("2 GiB of output must be cut to the limit: stdout %d bytes, stderr %d bytes, truncated %v",
			len(res.Stdout), len(res.Stderr), res.Truncated)
	}
	if !strings.Contains(res.Stdout, "2147418112 bytes of stdout dropped") {
		t.Errorf("the marker must count the dropped bytes exactly: %q", tail(res.Stdout))
	}
	f.ExpectOK()
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	if err != nil {
		return -1
	}
	return fi.Size()
}
