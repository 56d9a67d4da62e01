package docker

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moby/moby/client"
	"github.com/moby/moby/client/pkg/versions"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
)

func TestDocker_ClientNegotiatesTheEnginesAPIVersion(t *testing.T) {
	b := newBackend(t, Options{})
	ping, err := b.cli.Ping(t.Context(), client.PingOptions{NegotiateAPIVersion: true})
	if err != nil {
		t.Fatal(err)
	}
	want := ping.APIVersion
	if versions.LessThan(client.MaxAPIVersion, want) {
		want = client.MaxAPIVersion
	}
	if got := b.cli.ClientVersion(); got != want || versions.LessThan(got, client.MinAPIVersion) {
		t.Errorf("client speaks API %s; the engine offers %s, the module %s to %s",
			got, ping.APIVersion, client.MinAPIVersion, client.MaxAPIVersion)
	}
}

func TestDocker_NoNetworkButLoopback(t *testing.T) {
	sb := startSandbox(t, newBackend(t, Options{}), sandbox.Spec{})
	// Nothing here leaves the machine: the sandbox has no route, which is what is being shown.
	res := run(t, sb, `
import os, socket
print(sorted(os.listdir('/sys/class/net')))
for family, addr in [(socket.AF_INET, ('192.0.2.1', 80)), (socket.AF_INET6, ('2001:db8::1', 80))]:
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(1)
    try:
        s.connect(addr)
        print('connected')
    except OSError as e:
        print('refused', e.errno)
`)
	lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
	if len(lines) != 3 || lines[0] != "['lo']" || !strings.HasPrefix(lines[1], "refused") || !strings.HasPrefix(lines[2], "refused") {
		t.Errorf("network from inside:\n%s%s\nwant only lo and no route out", res.Stdout, res.Stderr)
	}
}

func TestDocker_ContainerIsHardened(t *testing.T) {
	b := newBackend(t, Options{})
	sb := startSandbox(t, b, sandbox.Spec{Limits: sandbox.Limits{MemoryBytes: 300 << 20, Processes: 100, CPUs: 1}})
	got, err := b.cli.ContainerInspect(t.Context(), sb.currentID(), client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h := got.Container.HostConfig
	switch {
	case h.NetworkMode != "none":
		t.Errorf("network mode %q", h.NetworkMode)
	case !h.ReadonlyRootfs:
		t.Error("root filesystem writable")
	case !slices.Contains(h.CapDrop, "ALL"), len(h.CapAdd) > 0, h.Privileged:
		t.Errorf("capabilities: drop %v add %v privileged %v", h.CapDrop, h.CapAdd, h.Privileged)
	case !slices.Contains(h.SecurityOpt, "no-new-privileges"):
		t.Errorf("security options %v", h.SecurityOpt)
	case h.Memory != 300<<20 || h.MemorySwap != h.Memory:
		t.Errorf("memory %d swap %d", h.Memory, h.MemorySwap)
	case h.PidsLimit == nil || *h.PidsLimit != 100:
		t.Errorf("pids limit %v", h.PidsLimit)
	case h.NanoCPUs != 1e9:
		t.Errorf("NanoCPUs %d", h.NanoCPUs)
	}
	if got.Container.Config.User != idleUser {
		t.Errorf("init runs as %q", got.Container.Config.User)
	}
}

func TestDocker_CodeRunsUnprivileged(t *testing.T) {
	sb := startSandbox(t, newBackend(t, Options{}), sandbox.Spec{})
	res := run(t, sb, `
import json, os
status = dict(l.split(':', 1) for l in open('/proc/self/status').read().splitlines() if ':' in l)
def attempt(f):
    try:
        f()
        return 'allowed'
    except OSError as e:
        return 'denied'
print(json.dumps({
    'uid': os.getuid(), 'cap_eff': status['CapEff'].strip(), 'cap_bnd': status['CapBnd'].strip(),
    'no_new_privs': status['NoNewPrivs'].strip(),
    'write_root': attempt(lambda: open('/etc/dojo', 'w')),
    'write_data': attempt(lambda: open('/data/x', 'w')),
    'write_workspace': attempt(lambda: open('/workspace/x', 'w')),
    'write_tmp': attempt(lambda: open('/tmp/x', 'w')),
    'kill_init': attempt(lambda: os.kill(1, 9)),
    'cwd': os.getcwd(), 'env': sorted(os.environ),
}))`)
	var got struct {
		UID        int      `json:"uid"`
		CapEff     string   `json:"cap_eff"`
		CapBnd     string   `json:"cap_bnd"`
		NoNewPrivs string   `json:"no_new_privs"`
		Root       string   `json:"write_root"`
		Data       string   `json:"write_data"`
		Workspace  string   `json:"write_workspace"`
		Tmp        string   `json:"write_tmp"`
		KillInit   string   `json:"kill_init"`
		Cwd        string   `json:"cwd"`
		Env        []string `json:"env"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &got); err != nil {
		t.Fatalf("%v: %s%s", err, res.Stdout, res.Stderr)
	}
	want := []string{"HOME", "LANG", "LC_ALL", "MKL_NUM_THREADS", "MPLBACKEND", "NUMEXPR_NUM_THREADS", "OMP_NUM_THREADS",
		"OPENBLAS_NUM_THREADS", "PATH", "PYTHONUNBUFFERED", "VECLIB_MAXIMUM_THREADS"}
	if got.UID == 0 {
		t.Error("the code runs as root")
	}
	if got.CapEff != "0000000000000000" || got.CapBnd != "0000000000000000" || got.NoNewPrivs != "1" {
		t.Errorf("capabilities effective %s bounding %s, NoNewPrivs %s; want none, none, 1",
			got.CapEff, got.CapBnd, got.NoNewPrivs)
	}
	if got.Root != "denied" || got.Data != "denied" || got.KillInit != "denied" {
		t.Errorf("write / %s, write /data %s, kill init %s: want all denied", got.Root, got.Data, got.KillInit)
	}
	if got.Workspace != "allowed" || got.Tmp != "allowed" {
		t.Errorf("write /workspace %s, /tmp %s: want both allowed", got.Workspace, got.Tmp)
	}
	if got.Cwd != sandbox.WorkspaceMount || !slices.Equal(got.Env, want) {
		t.Errorf("working directory %s, environment %v; want %s and exactly %v", got.Cwd, got.Env, sandbox.WorkspaceMount, want)
	}
}

func TestDocker_MountsShowPublicDataAndTheWorkspace(t *testing.T) {
	pub, ws := t.TempDir(), t.TempDir()
	must(t, os.WriteFile(filepath.Join(pub, "train.csv"), []byte("id,y\n1,0\n"), 0o600))
	must(t, os.WriteFile(filepath.Join(filepath.Dir(pub), "answers.csv"), []byte("secret"), 0o644))
	sb := startSandbox(t, newBackend(t, Options{}), sandbox.Spec{PublicDir: pub, WorkspaceDir: ws})
	res := run(t, sb, `
import os
print(open('/data/train.csv').read().splitlines()[1])
print(os.path.exists('/data/../answers.csv'), os.listdir('/data'))
open('submission.csv', 'w').write('id,y\n1,1\n')`)
	if want := "1,0\nFalse ['train.csv']\n"; res.Stdout != want || res.Outcome != core.OutcomeOK {
		t.Errorf("stdout %q (%s), want %q\n%s", res.Stdout, res.Outcome, want, res.Stderr)
	}
	if b, err := os.ReadFile(filepath.Join(ws, "submission.csv")); err != nil || string(b) != "id,y\n1,1\n" {
		t.Errorf("the workspace on the host holds %q, %v", b, err)
	}
}

func TestDocker_CheckReportsTheEngineAndImage(t *testing.T) {
	b := newBackend(t, Options{})
	iso := b.Check(t.Context())
	active := map[string]bool{}
	for _, f := range iso.Features {
		active[f.Name] = f.Active
	}
	for _, name := range []string{FeatureEngine, FeatureImage, FeatureNetwork, FeatureReadOnlyRoot,
		FeatureCapabilities, FeatureNoNewPrivs, FeatureNonRoot, FeatureMemory, FeaturePids} {
		if !active[name] {
			t.Errorf("feature %s inactive: %+v", name, iso.Features)
		}
	}
	if iso.Backend != BackendName || iso.Insecure {
		t.Errorf("isolation %+v", iso)
	}
}

func TestDocker_StartWithoutTheImageSaysToBuildIt(t *testing.T) {
	b := newBackend(t, Options{})
	b.image = "dojo-runtime:no-such-version"
	_, err := b.Start(context.Background(), sandbox.Spec{PublicDir: t.TempDir(), WorkspaceDir: t.TempDir()})
	e := core.AsError(err)
	if e == nil || e.Type != core.TypeSandboxInit || !strings.Contains(strings.Join(e.Causes, " "), "make image") {
		t.Errorf("error %#v, want sandbox_init saying to run make image", e)
	}
	if iso := b.Check(t.Context()); !iso.Insecure {
		t.Errorf("Check without the image: %+v, want insecure", iso)
	}
}

func TestDocker_StartRefusesMissingDirectories(t *testing.T) {
	b := newBackend(t, Options{})
	_, err := b.Start(context.Background(), sandbox.Spec{PublicDir: filepath.Join(t.TempDir(), "nope"), WorkspaceDir: t.TempDir()})
	if core.TypeOf(err) != core.TypeSandboxInit {
		t.Errorf("error %v, want sandbox_init", err)
	}
}
