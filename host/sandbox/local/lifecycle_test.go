//go:build linux

package local

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
	"github.com/mledojo/dojo/host/sandbox/diskquota"
	"github.com/mledojo/dojo/host/sandbox/sandboxtest"
)

// ourCgroups lists the sandbox cgroups of process pid beneath every hierarchy.
func ourCgroups(t *testing.T, pid int) []string {
	t.Helper()
	l, err := detectCgroups(os.Getenv("DOJO_TEST_CGROUP_PARENT"))
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, base := range l.base {
		matches, _ := filepath.Glob(filepath.Join(base, fmt.Sprintf("%s%d-*", cgroupPrefix, pid)))
		found = append(found, matches...)
	}
	return found
}

// ourStageProcesses lists this process's children that run a sandbox stage.
func ourStageProcesses() []string {
	out, _ := exec.Command("ps", "-e", "-o", "pid=,ppid=,args=").Output()
	var found []string
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 3 && f[1] == strconv.Itoa(os.Getpid()) && strings.HasPrefix(f[2], "dojo-sandbox-") {
			found = append(found, sc.Text())
		}
	}
	return found
}

func TestClose_LeavesNoCgroupNoProcessAndGivesTheWorkspaceBack(t *testing.T) {
	requireIsolation(t)
	for _, mode := range []sandbox.ExecMode{sandbox.ModeFresh, sandbox.ModeSession} {
		t.Run(string(mode), func(t *testing.T) {
			before := ourCgroups(t, os.Getpid())
			base := t.TempDir()
			pub, ws := filepath.Join(base, "public"), filepath.Join(base, "workspace")
			for _, d := range []string{pub, ws} {
				if err := os.Mkdir(d, 0o700); err != nil {
					t.Fatal(err)
				}
			}
			sb, err := testBackend(Options{}).Start(context.Background(), sandbox.Spec{PublicDir: pub, WorkspaceDir: ws, Mode: mode})
			if err != nil {
				t.Fatal(err)
			}
			res, err := sb.Exec(context.Background(), sandbox.ExecRequest{Code: "import os\nos.makedirs('made/by/code')\nopen('made/by/code/f', 'w').write('x')\nprint(os.getuid())"})
			if err != nil || res.Outcome != core.OutcomeOK {
				t.Fatalf("%v: %s", err, sandboxtest.Describe(res))
			}
			if len(ourCgroups(t, os.Getpid())) <= len(before) || len(ourStageProcesses()) == 0 {
				t.Fatalf("a running sandbox must show its cgroup and init (else this test proves nothing)")
			}
			if err := sb.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			if after := ourCgroups(t, os.Getpid()); len(after) != len(before) {
				t.Errorf("cgroups left: %v", after)
			}
			if left := ourStageProcesses(); len(left) != 0 {
				t.Errorf("processes left: %v", left)
			}
			if os.Geteuid() == 0 {
				for _, p := range []string{ws, filepath.Join(ws, "made", "by", "code", "f")} {
					var st unix.Stat_t
					if err := unix.Lstat(p, &st); err != nil || st.Uid != 0 || st.Gid != 0 {
						t.Errorf("%s must be given back to root: %d:%d %v", p, st.Uid, st.Gid, err)
					}
				}
			}
			if mounts, _ := os.ReadFile("/proc/self/mountinfo"); strings.Contains(string(mounts), ws) {
				t.Errorf("a mount of the workspace shows on the host")
			}
		})
	}
}

// TestHostDeath_KillsTheSandbox kills a host process that runs a sandbox (a copy of this test
// binary, see TestHelperHostProcess) and checks that the sandbox's processes die with it and that
// its cgroup is swept by the next backend.
func TestHostDeath_KillsTheSandbox(t *testing.T) {
	requireIsolation(t)
	token := "DOJO-ORPHAN-" + sandboxtest.Token()
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHostProcess$")
	cmd.Env = append(os.Environ(), "DOJO_HELPER_HOST=1", "DOJO_HELPER_TOKEN="+token, "DOJO_HELPER_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(out)
	ready := false
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "helper ready" {
			ready = true
			break
		}
	}
	if !ready {
		t.Fatal("the helper did not get ready")
	}
	if len(sandboxtest.HostProcessesWith(token)) == 0 {
		t.Fatal("the helper's sandbox process is not running (else this test proves nothing)")
	}
	helperPID := cmd.Process.Pid
	if len(ourCgroups(t, helperPID)) == 0 {
		t.Fatal("the helper made no cgroup")
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	deadline := time.Now().Add(20 * time.Second)
	for len(sandboxtest.HostProcessesWith(token)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the sandbox outlived its host: %v", sandboxtest.HostProcessesWith(token))
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The dead host's cgroups are swept when a backend next makes a sandbox.
	f := localFixture(t, nil)
	f.ExpectOK()
	if left := ourCgroups(t, helperPID); len(left) != 0 {
		t.Errorf("the dead host's cgroups were not swept: %v", left)
	}
}

// TestHelperHostProcess is not a test: TestHostDeath_KillsTheSandbox runs it in a child process
// as a host to kill.
func TestHelperHostProcess(t *testing.T) {
	if os.Getenv("DOJO_HELPER_HOST") != "1" {
		t.Skip("a helper for TestHostDeath_KillsTheSandbox")
	}
	dir := os.Getenv("DOJO_HELPER_DIR")
	pub, ws := filepath.Join(dir, "public"), filepath.Join(dir, "workspace")
	_ = os.Mkdir(pub, 0o755)
	_ = os.Mkdir(ws, 0o755)
	sb, err := testBackend(Options{}).Start(context.Background(), sandbox.Spec{PublicDir: pub, WorkspaceDir: ws, Mode: sandbox.ModeSession})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		_, _ = sb.Exec(context.Background(), sandbox.ExecRequest{Code: "import subprocess, sys, time\n" +
			"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(3600)', " + sandboxtest.PyString(os.Getenv("DOJO_HELPER_TOKEN")) + "])\n" +
			"open('started', 'w').write('1')\ntime.sleep(3600)"})
	}()
	for {
		if _, err := os.Stat(filepath.Join(ws, "started")); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Println("helper ready")
	select {}
}

func TestStart_NamesTheMissingFeature(t *testing.T) {
	base := t.TempDir()
	pub, ws := filepath.Join(base, "public"), filepath.Join(base, "workspace")
	for _, d := range []string{pub, ws} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		opts Options
		spec sandbox.Spec
		want string
	}{
		{"no cgroup can be made", Options{CgroupParent: "/no/such/cgroup/parent"}, sandbox.Spec{PublicDir: pub, WorkspaceDir: ws}, FeatureCgroup},
		{"interpreter outside the sandbox", Options{}, sandbox.Spec{PublicDir: pub, WorkspaceDir: ws, Interpreter: os.Args[0]}, "ReadOnlyPaths"},
		{"relative interpreter", Options{}, sandbox.Spec{PublicDir: pub, WorkspaceDir: ws, Interpreter: "python3"}, "absolute"},
		{"public data inside the workspace", Options{}, sandbox.Spec{PublicDir: ws, WorkspaceDir: base}, "inside the workspace"},
		{"missing directory", Options{}, sandbox.Spec{PublicDir: filepath.Join(base, "nope"), WorkspaceDir: ws}, "no such file"},
		{"unknown mode", Options{}, sandbox.Spec{PublicDir: pub, WorkspaceDir: ws, Mode: "notebook"}, "mode"},
	}
	if matches, _ := filepath.Glob("/dev/nvidia[0-9]*"); len(matches) == 0 {
		cases = append(cases, struct {
			name string
			opts Options
			spec sandbox.Spec
			want string
		}{"GPUs on a machine without any", Options{}, sandbox.Spec{PublicDir: pub, WorkspaceDir: ws, GPUs: []string{"all"}}, "nvidia"})
	}
	for _, c := range cases {
		sb, err := New(c.opts).Start(context.Background(), c.spec)
		if err == nil {
			_ = sb.Close(context.Background())
			t.Errorf("%s: Start succeeded", c.name)
			continue
		}
		var ce *core.Error
		if !errors.As(err, &ce) || ce.Type != core.TypeSandboxInit {
			t.Errorf("%s: want a %s error, got %v", c.name, core.TypeSandboxInit, err)
		}
		if all := err.Error() + strings.Join(ce.Causes, " "); !strings.Contains(all, c.want) {
			t.Errorf("%s: the error must name %q: %v (causes %v)", c.name, c.want, err, ce.Causes)
		}
	}
}

func TestReset_ClearsTmpAndEveryProcess(t *testing.T) {
	f := localFixture(t, nil)
	f.Exec("open('/tmp/scratch', 'w').write('x')")
	if res := f.Exec("import os; print(os.path.exists('/tmp/scratch'))"); res.Stdout != "True\n" {
		t.Fatalf("/tmp must persist between fresh executions: %s", sandboxtest.Describe(res))
	}
	if err := f.Sandbox.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	if res := f.Exec("import os; print(os.path.exists('/tmp/scratch'))"); res.Stdout != "False\n" {
		t.Fatalf("Reset must clear /tmp: %s", sandboxtest.Describe(res))
	}
}

func TestWorkspaceQuota_ManyFilesAreStopped(t *testing.T) {
	const quota = 64 << 20
	f := localFixture(t, func(s *sandbox.Spec) { s.Limits.DiskBytes = quota })
	res := f.Exec(`
chunk = b"q" * (1 << 20)
for i in range(64):
    with open("part%02d.bin" % i, "wb") as fh:
        for j in range(16):
            fh.write(chunk)
print("wrote 1 GiB")
`)
	sandboxtest.ExpectOutcome(t, res, core.OutcomeResourceLimit)
	usage, err := diskquota.Usage(f.Workspace())
	if err != nil {
		t.Fatal(err)
	}
	// The watch polls; a writer overshoots by what it writes between two measurements.
	if usage > quota+512<<20 {
		t.Errorf("the workspace reached %d MiB under a %d MiB quota", usage>>20, quota>>20)
	}
	// Over quota, the agent may still run code that deletes.
	res = f.Exec("import glob, os\nfor p in glob.glob('part*.bin'):\n    os.remove(p)\nprint('cleaned')")
	sandboxtest.ExpectOutcome(t, res, core.OutcomeOK)
	f.ExpectOK()
}

func TestSession_ForgedOrOversizedAnswersEndTheSession(t *testing.T) {
	f := localFixture(t, func(s *sandbox.Spec) { s.Mode = sandbox.ModeSession })
	// The driver's channel is the one Unix socket among its descriptors.
	const findSocket = `
import os, stat
def is_socket(fd):
    try:
        return stat.S_ISSOCK(os.fstat(fd).st_mode)
    except OSError:
        return False
sock = [fd for fd in range(3, 64) if is_socket(fd)][0]
`
	for name, frame := range map[string]string{
		"another id":  `b'27\n{"id": 999, "exit_code": 0}'`,
		"huge frame":  `b'999999999\n{'`,
		"not a frame": `b'garbage\n'`,
	} {
		f.Exec("x = 1")
		res := f.Exec(findSocket + "os.write(sock, " + frame + ")\nimport time; time.sleep(1)")
		if res.Outcome == core.OutcomeExitNonZero {
			t.Fatalf("%s: the test's code failed: %s", name, sandboxtest.Describe(res))
		}
		next := f.Exec("print('x' in globals())")
		if !next.SessionRestarted || next.Stdout != "False\n" {
			t.Errorf("%s: a forged answer must end the session: %s", name, sandboxtest.Describe(next))
		}
	}
}
