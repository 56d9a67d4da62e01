//go:build linux

package local

import (
	"encoding/json"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
	"github.com/mledojo/dojo/host/sandbox/sandboxtest"
)

// These tests look at the sandbox from inside: each runs a Python probe and checks what it saw.

func newLocal(t *testing.T) sandbox.Backend { return testBackend(Options{}) }

func localFixture(t *testing.T, edit func(*sandbox.Spec)) *sandboxtest.Fixture {
	t.Helper()
	requireIsolation(t)
	return sandboxtest.NewFixture(t, newLocal, edit)
}

func TestInside_TheCodeHasNoPrivilege(t *testing.T) {
	f := localFixture(t, nil)
	var got map[string]string
	f.ExecJSON(`
import json, os
status = dict(l.split(":\t", 1) for l in open("/proc/self/status").read().splitlines() if ":\t" in l)
keys = ["Uid", "Gid", "Groups", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp"]
out = {k: status.get(k, "").strip() for k in keys}
out["cgroup"] = open("/proc/self/cgroup").read().strip()
out["hostname"] = os.uname().nodename
print(json.dumps(out))
`, &got)
	// As root the code runs as nobody; otherwise as root of its user namespace, without privilege.
	id := "65534\t65534\t65534\t65534"
	if os.Geteuid() != 0 {
		id = "0\t0\t0\t0"
	}
	want := map[string]string{
		"Uid": id, "Gid": id, "Groups": "",
		"CapInh": "0000000000000000", "CapPrm": "0000000000000000", "CapEff": "0000000000000000",
		"CapBnd": "0000000000000000", "CapAmb": "0000000000000000", "NoNewPrivs": "1", "hostname": "sandbox",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if seccompAvailable() && got["Seccomp"] != "2" {
		t.Errorf("Seccomp = %q, want 2 (filter)", got["Seccomp"])
	}
	for _, line := range strings.Split(got["cgroup"], "\n") {
		if !strings.HasSuffix(line, ":/") {
			t.Errorf("the cgroup namespace must hide the host's cgroup path: %q", got["cgroup"])
			break
		}
	}
}

func TestInside_TheFilesystemIsTheMinimalRoot(t *testing.T) {
	f := localFixture(t, nil)
	var got struct {
		Root, Dev, Etc []string
		Procs          []string
		Writes         map[string]string
		Mountinfo      string
	}
	f.ExecJSON(`
import json, os
def attempt(path, mode="w"):
    try:
        with open(path, mode) as fh:
            fh.write("x")
        return "allowed"
    except OSError as e:
        return "refused"
out = {
    "root": sorted(os.listdir("/")),
    "dev": sorted(os.listdir("/dev")),
    "etc": sorted(os.listdir("/etc")),
    "procs": sorted(p for p in os.listdir("/proc") if p.isdigit()),
    "mountinfo": open("/proc/self/mountinfo").read(),
    "writes": {p: attempt(p) for p in ["/usr/x", "/etc/passwd", "/x", "/.dojo/x", "/data/x", "/proc/self/comm",
                                          "/proc/sys/kernel/hostname", "/dev/x", "/workspace/x", "/tmp/x", "/dev/shm/x", "/dev/null"]},
}
print(json.dumps(out))
`, &got)
	if want := ".dojo bin data dev etc lib lib64 proc sbin tmp usr workspace"; strings.Join(got.Root, " ") != want &&
		strings.Join(filterOut(got.Root, "lib32", "libx32"), " ") != want {
		t.Errorf("/ holds %v, want %s", got.Root, want)
	}
	if want := "fd null random shm stderr stdin stdout urandom zero"; strings.Join(got.Dev, " ") != want {
		t.Errorf("/dev holds %v, want %s", got.Dev, want)
	}
	for _, name := range got.Etc {
		if name == "shadow" || name == "gshadow" || name == "sudoers" || name == "ssh" || name == "ld.so.preload" {
			t.Errorf("/etc shows %s", name)
		}
	}
	if len(got.Procs) != 1 {
		t.Errorf("the code must see only itself in /proc, saw %v", got.Procs)
	}
	for path, res := range got.Writes {
		allowed := path == "/workspace/x" || path == "/tmp/x" || path == "/dev/shm/x" || path == "/dev/null"
		if (res == "allowed") != allowed {
			t.Errorf("writing %s: %s", path, res)
		}
	}
	for _, host := range []string{"/root", "/home", "/var", "/work "} {
		for _, line := range strings.Split(got.Mountinfo, "\n") {
			fields := strings.Fields(line)
			if len(fields) > 4 && (fields[4] == strings.TrimSpace(host) || strings.HasPrefix(fields[4], strings.TrimSpace(host)+"/")) {
				t.Errorf("a host directory is mounted: %s", line)
			}
		}
	}
}

func filterOut(list []string, drop ...string) []string {
	var out []string
	for _, s := range list {
		keep := true
		for _, d := range drop {
			keep = keep && s != d
		}
		if keep {
			out = append(out, s)
		}
	}
	return out
}

func TestInside_SeccompRefusesDangerousCallsButThreadsWork(t *testing.T) {
	if !seccompAvailable() {
		t.Skip("no seccomp")
	}
	f := localFixture(t, nil)
	var got map[string]int
	f.ExecJSON(`
import ctypes, errno, json, os, threading
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
def call(nr, *args):
    r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) for a in args])
    return 0 if r >= 0 else ctypes.get_errno()
out = {
    "unshare_user": call(272, 0x10000000),
    "io_uring_setup": call(425, 8, 0),
    "ptrace_traceme": call(101, 0, 0, 0, 0),
    "keyctl": call(250, 0, 0, 0, 0, 0),
    "bpf": call(321, 0, 0, 0),
    "perf_event_open": call(298, 0, 0, -1, -1, 0),
    "clone3": call(435, 0, 0),
    "clone_newuser": call(56, 0x10000000 | 17, 0, 0, 0, 0),
    "mount": call(165, 0, 0, 0, 0, 0),
}
t = threading.Thread(target=lambda: None)
t.start(); t.join()
out["thread"] = 0
pid = os.fork()
if pid == 0:
    os._exit(7)
out["fork"] = os.WEXITSTATUS(os.waitpid(pid, 0)[1])
print(json.dumps(out))
`, &got)
	const eperm, enosys = 1, 38
	want := map[string]int{"unshare_user": eperm, "io_uring_setup": eperm, "ptrace_traceme": eperm, "keyctl": eperm,
		"bpf": eperm, "perf_event_open": eperm, "clone3": enosys, "clone_newuser": eperm, "mount": eperm, "thread": 0, "fork": 7}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %d, want %d", k, got[k], v)
		}
	}
}

func TestInside_LimitsAreApplied(t *testing.T) {
	f := localFixture(t, func(s *sandbox.Spec) {
		s.Limits = sandbox.Limits{MemoryBytes: 300 << 20, Processes: 50, DiskBytes: 100 << 20, CPUs: 1}
	})
	var got map[string][]int64
	f.ExecJSON(`
import json, resource, os
out = {name: list(resource.getrlimit(getattr(resource, "RLIMIT_" + name))) for name in ["CORE", "FSIZE", "NOFILE", "NPROC"]}
st = os.statvfs("/tmp")
out["tmp"] = [st.f_blocks * st.f_frsize]
out["oom_score_adj"] = [int(open("/proc/self/oom_score_adj").read())]
print(json.dumps(out))
`, &got)
	want := map[string][]int64{"CORE": {0, 0}, "FSIZE": {100 << 20, 100 << 20}, "NOFILE": {8192, 8192},
		"NPROC": {50 + 2*pidsSlack, 50 + 2*pidsSlack}, "tmp": {100 << 20}, "oom_score_adj": {1000}}
	for k, v := range want {
		if len(got[k]) != len(v) || got[k][0] != v[0] || (len(v) > 1 && got[k][1] != v[1]) {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}

func TestInside_TheScientificStackWorks(t *testing.T) {
	if err := exec.Command(DefaultInterpreter, "-c", "import sklearn, pandas, matplotlib, joblib").Run(); err != nil {
		t.Skipf("the host's python lacks the scientific stack: %v", err)
	}
	f := localFixture(t, func(s *sandbox.Spec) { s.Limits.CPUs = 2; s.Limits.Timeout = 0 })
	res := f.Exec(`
import multiprocessing as mp
import numpy as np, pandas as pd
import matplotlib.pyplot as plt
from joblib import Parallel, delayed
from sklearn.linear_model import LogisticRegression
df = pd.read_csv("/data/train.csv")
X = np.random.RandomState(0).rand(200, 3); y = (X[:, 0] > 0.5).astype(int)
print("fit", LogisticRegression().fit(X, y).score(X, y) > 0.9)
plt.plot([1, 2, 3]); plt.savefig("/workspace/plot.png")
print("joblib", sum(Parallel(n_jobs=2)(delayed(abs)(-i) for i in range(10))))
def square(v):
    return v * v
if __name__ == "__main__":
    with mp.Pool(2) as pool:
        print("pool", sum(pool.map(square, range(10))))
print("rows", len(df))
`)
	sandboxtest.ExpectOutcome(t, res, core.OutcomeOK)
	for _, want := range []string{"fit True", "joblib 45", "pool 285", "rows 2"} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("missing %q: %s", want, sandboxtest.Describe(res))
		}
	}
}

func TestInside_StdinIsEmptyInBothModes(t *testing.T) {
	for _, m := range []sandbox.ExecMode{sandbox.ModeFresh, sandbox.ModeSession} {
		f := localFixture(t, func(s *sandbox.Spec) { s.Mode = m })
		if res := f.Exec("import sys; print(repr(sys.stdin.read()))"); res.Stdout != "''\n" {
			t.Errorf("%s: %s", m, sandboxtest.Describe(res))
		}
	}
}

func TestCheck_ReportsEveryFeature(t *testing.T) {
	requireIsolation(t)
	iso := testBackend(Options{}).Check(t.Context())
	var names []string
	for _, f := range iso.Features {
		names = append(names, f.Name)
		if contains(essentialFeatures, f.Name) && !f.Active {
			t.Errorf("%s inactive on a machine that passed requireIsolation: %s", f.Name, f.Detail)
		}
	}
	sort.Strings(names)
	for _, want := range []string{FeatureUserNS, FeatureMountNS, FeaturePIDNS, FeatureNetNS, FeatureIPCNS, FeatureUTSNS,
		FeatureCgroupNS, FeatureLandlock, FeatureSeccomp, FeatureNoNewPrivs, FeatureNonRoot, FeatureCapabilities,
		FeatureCgroup, FeatureMemory, FeaturePids, FeatureCPU, FeatureRlimits, FeatureDisk, FeatureEnv, FeaturePivotRoot, FeatureProc} {
		if !contains(names, want) {
			t.Errorf("Check does not report %s", want)
		}
	}
	b, _ := json.MarshalIndent(iso, "", "  ")
	t.Logf("%s", b)
}

// TestInside_NetworkAllowedSharesTheHostsInterfaces checks the one spec setting that lifts an
// isolation: with Network the code sees the host's interfaces (only read here: nothing is sent).
func TestInside_NetworkAllowedSharesTheHostsInterfaces(t *testing.T) {
	f := localFixture(t, func(s *sandbox.Spec) { s.Network = true })
	res := f.Exec("print(sorted(l.split(':')[0].strip() for l in open('/proc/net/dev').read().splitlines()[2:] if ':' in l))")
	host, err := os.ReadFile("/proc/net/dev")
	if err != nil || strings.Count(string(host), ":") < 2 {
		t.Skip("the host has no interface but lo")
	}
	// Interfaces come and go on a busy host (containers); seeing any besides lo is the point.
	if res.Outcome != core.OutcomeOK || res.Stdout == "['lo']\n" {
		t.Errorf("with Network the code must see the host's interfaces: %s", sandboxtest.Describe(res))
	}
	for _, feat := range f.Sandbox.Isolation().Features {
		if feat.Name == FeatureNetNS && feat.Active {
			t.Errorf("Isolation must not report %s with Network: %+v", FeatureNetNS, feat)
		}
	}
}
