package docker

import (
	"slices"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"

	"github.com/mledojo/dojo/host/sandbox"
)

func testSpec() sandbox.Spec {
	return sandbox.Spec{
		PublicDir:    "/srv/comp/public",
		WorkspaceDir: "/srv/episode/ws",
		Limits: sandbox.Limits{
			CPUs: 1.5, MemoryBytes: 1 << 30, Processes: 64, DiskBytes: 2 << 30, OutputBytes: 1000,
		},
	}
}

func TestContainerRequest_IsolatesByDefault(t *testing.T) {
	req := containerRequest(testSpec(), "img:1", "host/1/2")
	cfg, host := req.Config, req.HostConfig

	if host.NetworkMode != "none" || !cfg.NetworkDisabled {
		t.Errorf("network mode %q, disabled %v; want none, true", host.NetworkMode, cfg.NetworkDisabled)
	}
	if !host.ReadonlyRootfs {
		t.Error("root filesystem is writable")
	}
	if !slices.Equal(host.CapDrop, []string{"ALL"}) || len(host.CapAdd) != 0 {
		t.Errorf("capabilities: drop %v add %v; want drop ALL, add none", host.CapDrop, host.CapAdd)
	}
	if !slices.Contains(host.SecurityOpt, "no-new-privileges") {
		t.Errorf("security options %v lack no-new-privileges", host.SecurityOpt)
	}
	if host.Privileged || host.PidMode != "" || host.IpcMode != "private" || host.UsernsMode != "" {
		t.Errorf("namespaces shared with the host: privileged %v pid %q ipc %q userns %q",
			host.Privileged, host.PidMode, host.IpcMode, host.UsernsMode)
	}
	if cfg.User != idleUser {
		t.Errorf("init runs as %q, want %q", cfg.User, idleUser)
	}
	if cfg.Image != "img:1" || cfg.WorkingDir != sandbox.WorkspaceMount {
		t.Errorf("image %q workdir %q", cfg.Image, cfg.WorkingDir)
	}
	if cfg.Labels[LabelSandbox] != "1" || cfg.Labels[LabelHost] != "host/1/2" {
		t.Errorf("labels %v", cfg.Labels)
	}
}

func TestContainerRequest_AppliesLimits(t *testing.T) {
	r := containerRequest(testSpec(), "img:1", "h").HostConfig.Resources
	if r.Memory != 1<<30 || r.MemorySwap != r.Memory {
		t.Errorf("memory %d swap %d; want 1 GiB and no swap (equal)", r.Memory, r.MemorySwap)
	}
	if r.NanoCPUs != 1_500_000_000 {
		t.Errorf("NanoCPUs %d, want 1.5e9", r.NanoCPUs)
	}
	if r.PidsLimit == nil || *r.PidsLimit != 64 {
		t.Errorf("pids limit %v, want 64", r.PidsLimit)
	}
	ulimits := map[string]int64{}
	for _, u := range r.Ulimits {
		ulimits[u.Name] = u.Hard
	}
	if ulimits["fsize"] != 2<<30 || ulimits["core"] != 0 {
		t.Errorf("ulimits %v; want fsize = disk limit, no core dumps", ulimits)
	}
	tmp := containerRequest(testSpec(), "img:1", "h").HostConfig.Tmpfs[tmpMount]
	if !strings.Contains(tmp, "size=2147483648") || !strings.Contains(tmp, "nosuid") {
		t.Errorf("/tmp tmpfs options %q; want size-capped at the disk limit, nosuid", tmp)
	}
}

func TestContainerRequest_ZeroLimitsMeanDefaults(t *testing.T) {
	r := containerRequest(sandbox.Spec{PublicDir: "/p", WorkspaceDir: "/w"}, "img:1", "h").HostConfig.Resources
	d := sandbox.DefaultLimits
	if r.Memory != d.MemoryBytes || r.PidsLimit == nil || *r.PidsLimit != int64(d.Processes) || r.NanoCPUs == 0 {
		t.Errorf("resources %+v; want the defaults %+v, never unlimited", r, d)
	}
}

func TestContainerRequest_MountsPublicReadOnlyAndWorkspaceReadWrite(t *testing.T) {
	mounts := containerRequest(testSpec(), "img:1", "h").HostConfig.Mounts
	want := map[string]mount.Mount{
		sandbox.PublicMount:    {Type: mount.TypeBind, Source: "/srv/comp/public", ReadOnly: true},
		sandbox.WorkspaceMount: {Type: mount.TypeBind, Source: "/srv/episode/ws", ReadOnly: false},
	}
	if len(mounts) != len(want) {
		t.Fatalf("mounts %+v, want exactly /data and /workspace", mounts)
	}
	for _, m := range mounts {
		w, ok := want[m.Target]
		if !ok || m.Type != w.Type || m.Source != w.Source || m.ReadOnly != w.ReadOnly {
			t.Errorf("mount %+v, want %+v", m, w)
		}
	}
}

func TestContainerRequest_NetworkOnlyWhenTheSpecAsks(t *testing.T) {
	spec := testSpec()
	spec.Network = true
	req := containerRequest(spec, "img:1", "h")
	if req.HostConfig.NetworkMode != "bridge" || req.Config.NetworkDisabled {
		t.Errorf("network mode %q disabled %v; want bridge", req.HostConfig.NetworkMode, req.Config.NetworkDisabled)
	}
}

func TestContainerRequest_GPUs(t *testing.T) {
	tests := []struct {
		name string
		gpus []string
		want []container.DeviceRequest
	}{
		{"none", nil, nil},
		{"all", []string{"all"}, []container.DeviceRequest{{Count: -1, Capabilities: [][]string{{"gpu"}}}}},
		{"some", []string{"0", "2"}, []container.DeviceRequest{{DeviceIDs: []string{"0", "2"}, Capabilities: [][]string{{"gpu"}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := testSpec()
			spec.GPUs = tt.gpus
			got := containerRequest(spec, "img:1", "h").HostConfig.DeviceRequests
			if len(got) != len(tt.want) {
				t.Fatalf("device requests %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i].Count != tt.want[i].Count || !slices.Equal(got[i].DeviceIDs, tt.want[i].DeviceIDs) ||
					len(got[i].Capabilities) != 1 || !slices.Equal(got[i].Capabilities[0], []string{"gpu"}) {
					t.Errorf("device request %+v, want %+v", got[i], tt.want[i])
				}
			}
		})
	}
}

func TestContainerRequest_EnvironmentIsTheSandboxSet(t *testing.T) {
	t.Setenv("DOJO_TEST_SECRET", "hunter2")
	spec := testSpec()
	spec.Env = map[string]string{"SEED": "7"}
	got := containerRequest(spec, "img:1", "h").Config.Env
	if want := sandbox.EnvironList(sandbox.Environment(spec)); !slices.Equal(got, want) {
		t.Errorf("environment %v, want %v", got, want)
	}
	if !slices.Contains(got, "SEED=7") || slices.ContainsFunc(got, func(kv string) bool { return strings.Contains(kv, "hunter2") }) {
		t.Errorf("environment %v: want Spec.Env in and the host's environment out", got)
	}
}
