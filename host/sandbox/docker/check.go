package docker

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/client"

	"github.com/mledojo/dojo/host/sandbox"
)

// Feature names this backend reports, in the order it reports them.
const (
	FeatureEngine       = "docker_engine"
	FeatureImage        = "runtime_image"
	FeatureNetwork      = "network_none"
	FeatureReadOnlyRoot = "read_only_root"
	FeatureCapabilities = "capabilities_dropped"
	FeatureNoNewPrivs   = "no_new_privileges"
	FeatureNonRoot      = "non_root_user"
	FeatureSeccomp      = "seccomp"
	FeatureMemory       = "memory_limit"
	FeatureCPU          = "cpu_limit"
	FeaturePids         = "pids_limit"
	FeatureDisk         = "disk_limit"
	FeatureUserNS       = "user_namespace"
	// FeatureSweep appears, inactive, only when removing dead hosts' containers failed.
	FeatureSweep = "leftovers_swept"
)

// Check asks the engine what it enforces, without starting a container. Without an engine or the
// image every feature is inactive and the result is insecure.
func (b *Backend) Check(ctx context.Context) sandbox.Isolation {
	iso := sandbox.Isolation{Backend: BackendName}
	info, err := b.cli.Info(ctx, client.InfoOptions{})
	if err != nil {
		iso.Insecure = true
		iso.Features = []sandbox.Feature{{Name: FeatureEngine, Detail: err.Error() + "; start the Docker daemon"}}
		return iso
	}
	iso.Features = append(iso.Features, sandbox.Feature{Name: FeatureEngine, Active: true,
		Detail: fmt.Sprintf("engine %s, API %s, cgroup v%s", info.Info.ServerVersion, b.cli.ClientVersion(), cgroupVersion(info.Info))})
	img := sandbox.Feature{Name: FeatureImage, Detail: b.image}
	if _, err := b.cli.ImageInspect(ctx, b.image); err == nil {
		img.Active = true
	} else {
		img.Detail += " missing: run `make image`"
	}
	iso.Features = append(iso.Features, img)
	iso.Features = append(iso.Features, b.enforced(sandbox.Spec{}, &info.Info)...)
	b.mu.Lock()
	sweepErr := b.sweepErr
	b.mu.Unlock()
	if sweepErr != nil {
		iso.Features = append(iso.Features, sandbox.Feature{Name: FeatureSweep, Detail: sweepErr.Error()})
	}
	for _, f := range iso.Features {
		if !f.Active && essential(f.Name) {
			iso.Insecure = true
		}
	}
	return iso
}

// enforced lists what a container made for spec enforces; info, when known, says what the engine
// can apply.
func (b *Backend) enforced(spec sandbox.Spec, info *system.Info) []sandbox.Feature {
	lim := spec.Limits.WithDefaults()
	can := func(v bool) bool { return info == nil || v }
	secOpts := []string{}
	if info != nil {
		secOpts = info.SecurityOptions
	}
	has := func(name string) bool {
		return slices.ContainsFunc(secOpts, func(o string) bool { return strings.HasPrefix(o, "name="+name) })
	}
	return []sandbox.Feature{
		{Name: FeatureNetwork, Active: !spec.Network, Detail: "network mode none: only lo"},
		{Name: FeatureReadOnlyRoot, Active: true, Detail: "read-only root; /tmp is a tmpfs"},
		{Name: FeatureCapabilities, Active: true, Detail: "cap-drop ALL"},
		{Name: FeatureNoNewPrivs, Active: true},
		{Name: FeatureNonRoot, Active: b.uid != 0, Detail: "uid:gid " + b.user},
		{Name: FeatureSeccomp, Active: info == nil || has("seccomp"), Detail: "the engine's default profile"},
		{Name: FeatureMemory, Active: can(info != nil && info.MemoryLimit),
			Detail: fmt.Sprintf("%d bytes, no swap", lim.MemoryBytes)},
		{Name: FeatureCPU, Active: can(info != nil && info.CPUCfsQuota), Detail: fmt.Sprintf("%g CPUs", lim.CPUs)},
		{Name: FeaturePids, Active: can(info != nil && info.PidsLimit), Detail: fmt.Sprintf("%d processes", lim.Processes)},
		{Name: FeatureDisk, Active: true, Detail: fmt.Sprintf(
			"%d bytes: the workspace measured by the host during each execution, /tmp capped, each file by RLIMIT_FSIZE", lim.DiskBytes)},
		{Name: FeatureUserNS, Active: has("userns") || has("rootless"),
			Detail: "root in the container is root on the host unless the engine remaps users"},
	}
}

// essential features make a sandbox insecure when missing; the others are defence in depth.
func essential(name string) bool {
	switch name {
	case FeatureEngine, FeatureImage, FeatureNetwork, FeatureReadOnlyRoot, FeatureCapabilities,
		FeatureNoNewPrivs, FeatureNonRoot, FeatureMemory:
		return true
	}
	return false
}

func cgroupVersion(info system.Info) string {
	if info.CgroupVersion == "" {
		return "1"
	}
	return info.CgroupVersion
}

// Isolation reports what this sandbox's container enforces.
func (s *containerSandbox) Isolation() sandbox.Isolation {
	iso := sandbox.Isolation{Backend: BackendName, Features: s.b.enforced(s.spec, nil)}
	for _, f := range iso.Features {
		if !f.Active && essential(f.Name) && !(f.Name == FeatureNetwork && s.spec.Network) {
			iso.Insecure = true
		}
	}
	return iso
}
