package sandboxtest

import (
	"encoding/hex"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
)

// runAdversarial runs agent code that attacks the sandbox. After each attack: nothing leaked, the
// execution ended within its limit with a typed outcome, this process still runs, and the next
// execution works.
func runAdversarial(t *testing.T, nb backendMaker) {
	t.Run("FilesystemSearchFindsNoSecret", func(t *testing.T) { testFilesystemSearch(t, nb) })
	t.Run("HostEnvironmentAndProcessesAreInvisible", func(t *testing.T) { testSecretsInEnvironment(t, nb) })
	t.Run("NoNetwork", func(t *testing.T) { testNoNetwork(t, nb) })
	t.Run("ForkBombIsBounded", func(t *testing.T) { testForkBomb(t, nb) })
	for _, m := range modes {
		t.Run(string(m), func(t *testing.T) {
			t.Run("MemoryHogIsKilled", func(t *testing.T) { testMemoryHog(t, nb, m) })
			t.Run("InfiniteLoopTimesOut", func(t *testing.T) { testInfiniteLoop(t, nb, m) })
			t.Run("SignalsEverything", func(t *testing.T) { testKillEverything(t, nb, m) })
			t.Run("BackgroundProcessesDieWithTheStep", func(t *testing.T) { testLeftovers(t, nb, m) })
		})
	}
	t.Run("DiskQuotaHolds", func(t *testing.T) { testDiskQuota(t, nb) })
	t.Run("GigabytesOfOutput", func(t *testing.T) { testHugeOutput(t, nb) })
	t.Run("SubmissionTricksAreRefused", func(t *testing.T) { testSubmissionTricks(t, nb) })
	t.Run("PrivilegeEscalationFails", func(t *testing.T) { testPrivileges(t, nb) })
}

// searchCode walks the whole filesystem the code can see, reading small files, and prints every
// place a token shows up; it also tries the host's real paths directly.
const searchCode = `
import os, sys, time
# The tokens arrive hex-encoded so that this very code, saved somewhere in the sandbox, holds none.
tokens = [bytes.fromhex(t) for t in TOKENS]
direct = DIRECT
found = []
for p in direct:
    try:
        with open(p, "rb") as fh:
            data = fh.read(1 << 20)
        found.append("OPENED " + p)
    except OSError:
        pass
    try:
        os.listdir(p)
        found.append("LISTED " + p)
    except OSError:
        pass
deadline = time.time() + 90
files = 0
for root, dirs, names in os.walk("/", onerror=lambda e: None):
    if root == "/" :
        dirs[:] = [d for d in dirs if d not in ("proc", "sys")]
    if time.time() > deadline:
        print("search stopped at the deadline", file=sys.stderr)
        break
    for name in names + dirs:
        for t in tokens:
            if t in name.encode():
                found.append("NAME " + os.path.join(root, name))
    for name in names:
        p = os.path.join(root, name)
        try:
            if os.path.islink(p) or not os.path.isfile(p) or os.path.getsize(p) > (256 << 10):
                continue
            with open(p, "rb") as fh:
                data = fh.read()
            files += 1
        except OSError:
            continue
        for t in tokens:
            if t in data:
                found.append("CONTENT " + p)
print("searched", files, "files", file=sys.stderr)
print("\n".join(found))
`

func testFilesystemSearch(t *testing.T, nb backendMaker) {
	f := NewFixture(t, nb, withLimits(func(l *sandbox.Limits) { l.Timeout = 3 * time.Minute }))
	home, _ := os.UserHomeDir()
	cwd, _ := os.Getwd()
	direct := []string{f.AnswersPath, f.PrivateDir, f.SecretPath, filepath.Dir(f.SecretPath), f.Base,
		filepath.Join(f.Base, "private", "answers.csv"), home, cwd, "/root", "/home", "/work", "/var", "/etc/shadow"}
	code := strings.NewReplacer("TOKENS", pyList([]string{hex.EncodeToString([]byte(f.AnswersToken)), hex.EncodeToString([]byte(f.SecretToken))}),
		"DIRECT", pyList(direct)).Replace(searchCode)
	res := f.Exec(code)
	ExpectOutcome(t, res, core.OutcomeOK)
	for _, line := range strings.Split(strings.TrimSpace(res.Stdout), "\n") {
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "LISTED ") || strings.HasPrefix(line, "OPENED ") {
			p := strings.SplitN(line, " ", 2)[1]
			// A path that exists inside the sandbox by the same name (/etc, say) is no leak;
			// the host's private paths must not exist at all.
			if p == f.AnswersPath || p == f.PrivateDir || p == f.SecretPath || p == f.Base || strings.HasPrefix(p, f.Base+"/") ||
				p == filepath.Dir(f.SecretPath) || p == "/etc/shadow" {
				t.Errorf("the code reached a host path: %s", line)
			}
			continue
		}
		t.Errorf("the code found a secret: %s", line)
	}
	if !strings.Contains(res.Stderr, "searched") {
		t.Errorf("the search did not run to its end: %s", Describe(res))
	}
	f.ExpectOK()
}

func testSecretsInEnvironment(t *testing.T, nb backendMaker) {
	envSecret := "DOJO-ENV-" + Token()
	apiKey := "sk-DOJO-" + Token()
	t.Setenv("DOJO_TEST_SECRET", envSecret)
	t.Setenv("OPENAI_API_KEY", apiKey)
	// A host process holding a secret in its environment and its command line.
	procSecret := "DOJO-PROC-" + Token()
	helper := exec.Command("sleep", "3600", procSecret)
	helper.Env = append(os.Environ(), "DOJO_HELPER_SECRET="+procSecret)
	if err := helper.Start(); err != nil {
		t.Skipf("cannot start a helper process: %v", err)
	}
	t.Cleanup(func() { _ = helper.Process.Kill(); _ = helper.Wait() })
	f := NewFixture(t, nb, nil)
	var hexed []string
	for _, s := range []string{envSecret, apiKey, procSecret, "DOJO_TEST_SECRET", "OPENAI_API_KEY"} {
		hexed = append(hexed, hex.EncodeToString([]byte(s)))
	}
	code := strings.NewReplacer("TOKENS", pyList(hexed)).Replace(`
import os
tokens = [bytes.fromhex(t).decode() for t in TOKENS]
found = []
for k, v in os.environ.items():
    for t in tokens:
        if t in k or t in v:
            found.append("ENV " + k)
seen = 0
for pid in os.listdir("/proc"):
    if not pid.isdigit():
        continue
    seen += 1
    for what in ("environ", "cmdline"):
        try:
            data = open("/proc/%s/%s" % (pid, what), "rb").read().decode("utf-8", "replace")
        except OSError:
            continue
        for t in tokens:
            if t in data:
                found.append("PROC %s %s" % (pid, what))
print("processes visible:", seen)
print("\n".join(found))
`)
	res := f.Exec(code)
	ExpectOutcome(t, res, core.OutcomeOK)
	for _, line := range strings.Split(res.Stdout, "\n") {
		if strings.HasPrefix(line, "ENV ") || strings.HasPrefix(line, "PROC ") {
			t.Errorf("the code found a host secret: %s", line)
		}
	}
	f.ExpectOK()
}

func testNoNetwork(t *testing.T, nb backendMaker) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Skipf("cannot listen on the host's loopback: %v", err)
	}
	defer ln.Close()
	var accepted atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	// An abstract Unix socket lives in the network namespace too.
	abstract := "dojo-test-" + Token()
	uln, err := net.Listen("unix", "@"+abstract)
	if err == nil {
		defer uln.Close()
		go func() {
			for {
				c, err := uln.Accept()
				if err != nil {
					return
				}
				accepted.Add(1)
				c.Close()
			}
		}()
	}
	f := NewFixture(t, nb, nil)
	// Nothing here sends a packet off this machine: the only connections tried are to loopback
	// addresses and an abstract socket, and the routing table is only read.
	var got struct {
		Interfaces []string `json:"interfaces"`
		Routes     []string `json:"routes"`
		TCP        string   `json:"tcp"`
		Abstract   string   `json:"abstract"`
	}
	code := `
import json, socket
ifaces = [l.split(":")[0].strip() for l in open("/proc/net/dev").read().splitlines()[2:] if ":" in l]
routes = [l for l in open("/proc/net/route").read().splitlines()[1:] if l.strip()]
try:
    routes += [l for l in open("/proc/net/ipv6_route").read().splitlines() if l.strip() and not l.split()[-1] == "lo"]
except OSError:
    pass
def attempt(fn):
    try:
        fn()
        return "connected"
    except OSError as e:
        return "refused: %s" % e
def tcp():
    s = socket.create_connection(("127.0.0.1", PORT), timeout=3)
    s.close()
def abstract():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(3)
    s.connect("\0" + ABSTRACT)
    s.close()
print(json.dumps({"interfaces": ifaces, "routes": routes, "tcp": attempt(tcp), "abstract": attempt(abstract)}))
`
	f.ExecJSON(strings.NewReplacer("PORT", strconv.Itoa(port), "ABSTRACT", PyString(abstract)).Replace(code), &got)
	if len(got.Interfaces) != 1 || got.Interfaces[0] != "lo" {
		t.Errorf("the only interface must be lo, got %v", got.Interfaces)
	}
	if len(got.Routes) != 0 {
		t.Errorf("there must be no route out, got %v", got.Routes)
	}
	if got.TCP == "connected" || got.Abstract == "connected" || accepted.Load() != 0 {
		t.Errorf("the code reached the host: tcp %s, abstract %s, accepted %d", got.TCP, got.Abstract, accepted.Load())
	}
	f.ExpectOK()
}

func testSubmissionTricks(t *testing.T, nb backendMaker) {
	f := NewFixture(t, nb, nil)
	cases := []struct {
		name string
		code string
	}{
		{"symlink to the public data", "os.symlink('/data/train.csv', 'submission.csv')"},
		{"symlink to the host's answers", "os.symlink(" + PyString(f.AnswersPath) + ", 'submission.csv')"},
		{"symlink to a relative escape", "os.symlink('../private/answers.csv', 'submission.csv')"},
		{"symlink to a device", "os.symlink('/dev/zero', 'submission.csv')"},
		{"fifo", "os.mkfifo('submission.csv')"},
		{"directory", "os.mkdir('submission.csv')"},
		{"socket", "import socket; s = socket.socket(socket.AF_UNIX); s.bind('submission.csv')"},
		{"symlinked parent", "os.symlink('/data', 'out'); open('/tmp/x', 'w')"},
	}
	for _, c := range cases {
		f.Exec(cleanSubmission)
		res := f.Exec("import os\n" + c.code)
		if res.Outcome != core.OutcomeOK {
			t.Logf("%s: the code failed to set it up: %s", c.name, Describe(res))
		}
		name := "submission.csv"
		if c.name == "symlinked parent" {
			name = "out/train.csv"
		}
		done := make(chan error, 1)
		go func() {
			sub, err := sandbox.OpenSubmission(f.Workspace(), name)
			if err == nil {
				sub.Close()
			}
			done <- err
		}()
		select {
		case err := <-done:
			if res.Outcome == core.OutcomeOK && core.TypeOf(err) != core.TypeSubmissionInvalid {
				t.Errorf("%s: OpenSubmission returned %v, want a %s error", c.name, err, core.TypeSubmissionInvalid)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: OpenSubmission blocked", c.name)
		}
		f.ExpectOK()
	}
	// A device node cannot be made at all.
	res := f.Exec("import os, stat\ntry:\n    os.mknod('submission.csv', 0o600 | stat.S_IFCHR, os.makedev(1, 3))\n    print('made')\nexcept OSError as e:\n    print('refused')")
	if strings.Contains(res.Stdout, "made") {
		if err := openErr(f.Workspace()); core.TypeOf(err) != core.TypeSubmissionInvalid {
			t.Errorf("a device node as submission: OpenSubmission returned %v", err)
		}
		t.Errorf("the code could make a device node")
	}
}

// cleanSubmission removes whatever the previous case left as submission.csv or out.
const cleanSubmission = `
import os, shutil
for p in ["submission.csv", "out"]:
    if os.path.isdir(p) and not os.path.islink(p):
        shutil.rmtree(p)
    elif os.path.lexists(p):
        os.remove(p)
`

func openErr(dir string) error {
	sub, err := sandbox.OpenSubmission(dir, "submission.csv")
	if err == nil {
		sub.Close()
	}
	return err
}

func testPrivileges(t *testing.T, nb backendMaker) {
	f := NewFixture(t, nb, nil)
	res := f.Exec(`
import ctypes, os
results = {}
def attempt(name, fn):
    try:
        fn()
        results[name] = "allowed"
    except (OSError, PermissionError, AttributeError, ValueError) as e:
        results[name] = "refused"
libc = ctypes.CDLL(None, use_errno=True)
def check(r):
    if r != 0:
        raise OSError(ctypes.get_errno(), "failed")
if os.getuid() != 0:  # a backend may run the code as root of a user namespace without privilege
    attempt("setuid0", lambda: os.setuid(0))
attempt("mount", lambda: check(libc.mount(b"none", b"/tmp", b"tmpfs", 0, None)))
attempt("chroot", lambda: os.chroot("/tmp"))
attempt("sethostname", lambda: check(libc.sethostname(b"x", 1)))
attempt("write /proc/sys", lambda: open("/proc/sys/kernel/hostname", "w").write("x"))
attempt("write /etc", lambda: open("/etc/passwd", "a").write("x"))
attempt("write /usr", lambda: open("/usr/dojo-test", "w").write("x"))
attempt("unshare user", lambda: os.unshare(os.CLONE_NEWUSER) if hasattr(os, "unshare") else check(libc.unshare(0x10000000)))
for k, v in sorted(results.items()):
    print(k + ": " + v)
`)
	if strings.Contains(res.Stdout, "allowed") || !strings.Contains(res.Stdout, "mount: refused") {
		t.Errorf("the code did something only a privileged process may: %s", Describe(res))
	}
	f.ExpectOK()
}

func pyList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = PyString(s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}
