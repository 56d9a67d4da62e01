package docker

import (
	"fmt"
	"math"
	"slices"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"

	"github.com/mledojo/dojo/host/sandbox"
)

// Labels every sandbox container carries, so a later host can find and remove what a dead one left.
const (
	// LabelSandbox marks a container as a Dojo sandbox ("1").
	LabelSandbox = "org.mledojo.dojo.sandbox"
	// LabelHost names the host process that made the container: "hostname/pid/start-ticks".
	LabelHost = "org.mledojo.dojo.host"
)

// Users inside the container. The init process runs as idleUser, the code as the sandbox user
// (see Options.User); they must differ so that the code, which has no capabilities, can neither
// signal init nor be spared by the runner's kill(-1) sweep.
const (
	idleUser  = "65534:65534"
	imageUser = "10001:10001" // the image's dojo user, see images/runtime/build.sh
)

// tmpMount is the size-capped tmpfs every sandbox gets, writable although the root is read-only.
const tmpMount = "/tmp"

// containerRequest translates an episode's Spec into Docker's create request. It is a pure function
// so that every isolation setting can be checked without a daemon.
func containerRequest(spec sandbox.Spec, image, hostID string) client.ContainerCreateOptions {
	lim := spec.Limits.WithDefaults()
	network := container.NetworkMode("none")
	if spec.Network {
		network = "bridge"
	}
	pids := int64(lim.Processes)
	shm := min(lim.MemoryBytes/2, lim.DiskBytes)
	cfg := &container.Config{
		Image:           image,
		User:            idleUser,
		WorkingDir:      sandbox.WorkspaceMount,
		Hostname:        "sandbox",
		Env:             sandbox.EnvironList(sandbox.Environment(spec)),
		Entrypoint:      []string{"/usr/bin/tini", "-s", "--"},
		Cmd:             []string{"sleep", "infinity"},
		NetworkDisabled: !spec.Network,
		Labels:          map[string]string{LabelSandbox: "1", LabelHost: hostID},
	}
	host := &container.HostConfig{
		NetworkMode:    network,
		ReadonlyRootfs: true,
		CapDrop:        []string{"ALL"},
		SecurityOpt:    []string{"no-new-privileges"},
		IpcMode:        "private",
		ShmSize:        shm,
		LogConfig:      container.LogConfig{Type: "none"},
		Tmpfs: map[string]string{
			tmpMount: fmt.Sprintf("rw,nosuid,nodev,noexec,size=%d,mode=1777", lim.DiskBytes),
		},
		Mounts: []mount.Mount{
			{Type: mount.TypeBind, Source: spec.PublicDir, Target: sandbox.PublicMount, ReadOnly: true,
				BindOptions: &mount.BindOptions{Propagation: mount.PropagationRPrivate}},
			{Type: mount.TypeBind, Source: spec.WorkspaceDir, Target: sandbox.WorkspaceMount,
				BindOptions: &mount.BindOptions{Propagation: mount.PropagationRPrivate}},
		},
		Resources: container.Resources{
			Memory:     lim.MemoryBytes,
			MemorySwap: lim.MemoryBytes, // equal to Memory: no swap
			NanoCPUs:   int64(math.Round(lim.CPUs * 1e9)),
			PidsLimit:  &pids,
			Ulimits: []*container.Ulimit{
				{Name: "core", Soft: 0, Hard: 0},
				{Name: "fsize", Soft: lim.DiskBytes, Hard: lim.DiskBytes},
			},
			DeviceRequests: deviceRequests(spec.GPUs),
		},
	}
	return client.ContainerCreateOptions{Config: cfg, HostConfig: host}
}

// deviceRequests asks the NVIDIA runtime for the listed GPUs ("all" for every one).
func deviceRequests(gpus []string) []container.DeviceRequest {
	if len(gpus) == 0 {
		return nil
	}
	req := container.DeviceRequest{Capabilities: [][]string{{"gpu"}}}
	if slices.Contains(gpus, "all") {
		req.Count = -1
	} else {
		req.DeviceIDs = slices.Clone(gpus)
	}
	return []container.DeviceRequest{req}
}
