//go:build linux

package local

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/mledojo/dojo/host/sandbox"
)

// Check reports what this machine offers, without leaving anything behind: it starts the probe
// stage in each namespace, reads the Landlock ABI and the cgroup layout, and finally builds a
// whole sandbox over two empty directories and closes it.
func (b *Backend) Check(ctx context.Context) sandbox.Isolation {
	if b.opts.Insecure {
		return insecureIsolation()
	}
	iso := sandbox.Isolation{Backend: BackendName}
	add := func(name string, active bool, format string, args ...any) {
		iso.Features = append(iso.Features, sandbox.Feature{Name: name, Active: active, Detail: fmt.Sprintf(format, args...)})
	}
	_, _, uidMap, gidMap, hostRoot, err := b.codeIDs()
	if err != nil {
		add(FeatureUserNS, false, "%v", err)
		iso.Insecure = true
		return iso
	}
	probe := func(flags uintptr) error {
		return probeNamespaces(ctx, flags, uidMap, gidMap, hostRoot)
	}
	namespaces := []struct {
		name string
		flag uintptr
	}{
		{FeatureUserNS, 0}, {FeatureMountNS, unix.CLONE_NEWNS}, {FeaturePIDNS, unix.CLONE_NEWPID},
		{FeatureNetNS, unix.CLONE_NEWNET}, {FeatureIPCNS, unix.CLONE_NEWIPC}, {FeatureUTSNS, unix.CLONE_NEWUTS},
		{FeatureCgroupNS, unix.CLONE_NEWCGROUP},
	}
	// One probe in all of them usually settles it; only a failure needs one probe per namespace.
	all := uintptr(unix.CLONE_NEWUSER)
	for _, ns := range namespaces {
		all |= ns.flag
	}
	allErr := probe(all)
	nsOK := true
	for _, ns := range namespaces {
		err := allErr
		if err != nil {
			err = probe(unix.CLONE_NEWUSER | ns.flag)
		}
		detail := "can be made"
		if err != nil {
			detail = err.Error()
			if ns.name != FeatureCgroupNS {
				nsOK = false
			}
		}
		add(ns.name, err == nil, "%s", detail)
	}
	abi := landlockABI()
	if abi > 0 {
		add(FeatureLandlock, true, "ABI %d: read-only everywhere but /workspace, /tmp and /dev/shm%s", abi,
			map[bool]string{true: "; signals and abstract sockets scoped to the sandbox", false: ""}[abi >= 6])
	} else {
		add(FeatureLandlock, false, "not in this kernel, or not enabled (boot with lsm=landlock,...)")
	}
	if seccompAvailable() {
		add(FeatureSeccomp, true, "deny-list filter: mounts, modules, ptrace, bpf, io_uring, keyrings, new namespaces...")
	} else {
		add(FeatureSeccomp, false, "no seccomp filter support for this kernel or architecture")
	}
	cgOK := b.checkCgroups(add)
	add(FeatureNoNewPrivs, true, "set before exec")
	if hostRoot {
		uid, gid, _, _, _, _ := b.codeIDs()
		add(FeatureNonRoot, true, "uid:gid %d:%d", uid, gid)
	} else {
		add(FeatureNonRoot, true, "uid %d, root of the sandbox's user namespace without capabilities", os.Geteuid())
	}
	add(FeatureCapabilities, true, "bounding, permitted, effective and ambient sets emptied; securebits locked")
	add(FeatureRlimits, true, "RLIMIT_CORE 0, RLIMIT_FSIZE = disk limit, RLIMIT_NOFILE 8192, RLIMIT_NPROC = process limit + 64 (a fallback behind the cgroup)")
	add(FeatureDisk, true, "workspace measured during and after each execution, each file capped by RLIMIT_FSIZE; /tmp is a capped tmpfs")
	add(FeatureEnv, true, "only PATH, HOME, LANG, LC_ALL, PYTHONUNBUFFERED, MPLBACKEND, thread counts and the spec's variables")
	if nsOK && cgOK {
		root, proc, detail := b.trialStart(ctx)
		add(FeaturePivotRoot, root, "%s", detail)
		add(FeatureProc, proc, "%s", map[bool]string{true: "fresh /proc of the sandbox's PID namespace, hidepid=2", false: "see " + FeaturePivotRoot}[proc])
	} else {
		add(FeaturePivotRoot, false, "needs the namespaces and cgroups above")
		add(FeatureProc, false, "needs the namespaces and cgroups above")
	}
	for _, f := range iso.Features {
		if !f.Active && contains(essentialFeatures, f.Name) {
			iso.Insecure = true
		}
	}
	return iso
}

// checkCgroups adds the cgroup features and says whether sandboxes can be limited.
func (b *Backend) checkCgroups(add func(string, bool, string, ...any)) bool {
	l, err := detectCgroups(b.opts.CgroupParent)
	if err != nil {
		add(FeatureCgroup, false, "%v", err)
		add(FeatureMemory, false, "needs cgroups")
		add(FeaturePids, false, "needs cgroups")
		add(FeatureCPU, false, "needs cgroups")
		return false
	}
	version := "v1"
	if l.v2 {
		version = "v2"
	}
	cg, err := newCgroup(l, 64<<20, 16, 1)
	if err != nil {
		add(FeatureCgroup, false, "cgroup %s beneath %v: %v", version, l.base, err)
		add(FeatureMemory, false, "needs cgroups")
		add(FeaturePids, false, "needs cgroups")
		add(FeatureCPU, false, "needs cgroups")
		return false
	}
	swap := "swap excluded"
	if !cg.swapOff {
		swap = "swap not accounted: swappiness 0 only"
	}
	_, cpu := cg.dirs["cpu"]
	cpu = cpu || l.v2 && !contains(l.missing, "cpu")
	_ = cg.remove()
	add(FeatureCgroup, true, "cgroup %s beneath %s", version, strings.Join(values(l.base), ", "))
	add(FeatureMemory, true, "%s; OOM kills detected from the cgroup's events", swap)
	add(FeaturePids, true, "pids.max = process limit + %d for the sandbox's own init", pidsSlack)
	add(FeatureCPU, cpu, "CFS quota")
	return true
}

// trialStart builds a sandbox over two empty directories and closes it.
func (b *Backend) trialStart(ctx context.Context) (root, proc bool, detail string) {
	dir, err := os.MkdirTemp("", "dojo-sandbox-check-")
	if err != nil {
		return false, false, err.Error()
	}
	defer os.RemoveAll(dir)
	pub, ws := dir+"/public", dir+"/workspace"
	_ = os.Mkdir(pub, 0o755)
	_ = os.Mkdir(ws, 0o755)
	sb, err := b.Start(ctx, sandbox.Spec{PublicDir: pub, WorkspaceDir: ws})
	if err != nil {
		return false, false, err.Error()
	}
	_ = sb.Close(ctx)
	return true, true, "tmpfs root with read-only system directories, pivot_root, the host's root detached"
}

// probeNamespaces starts the probe stage with flags and waits for it.
func probeNamespaces(ctx context.Context, flags uintptr, uidMap, gidMap []syscall.SysProcIDMap, setgroups bool) error {
	cmd := exec.CommandContext(ctx, selfExe)
	cmd.Args = []string{stageArgv0[stageProbe]}
	cmd.Env = stageEnviron(stageProbe)
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: flags, UidMappings: uidMap, GidMappings: gidMap,
		GidMappingsEnableSetgroups: setgroups, Pdeathsig: unix.SIGKILL}
	return cmd.Run()
}

func values(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// Isolation reports what this sandbox enforces.
func (s *localSandbox) Isolation() sandbox.Isolation {
	if s.insecure {
		return s.insecureSandboxIsolation()
	}
	iso := sandbox.Isolation{Backend: BackendName}
	add := func(name string, active bool, detail string) {
		iso.Features = append(iso.Features, sandbox.Feature{Name: name, Active: active, Detail: detail})
	}
	add(FeatureUserNS, true, fmt.Sprintf("uid map %v", s.uidMap))
	add(FeatureMountNS, true, "private mounts")
	add(FeaturePIDNS, true, "the code sees only the sandbox's processes")
	if s.spec.Network {
		add(FeatureNetNS, false, "the spec allows network: the host's network is shared")
	} else {
		add(FeatureNetNS, true, "own network namespace: loopback only, no route out")
	}
	add(FeatureIPCNS, true, "own System V IPC and POSIX message queues")
	add(FeatureUTSNS, true, "host name "+hostname)
	add(FeatureCgroupNS, true, "the code sees its cgroup as /")
	add(FeaturePivotRoot, true, "tmpfs root; /usr, /lib..., part of /etc and /data read-only; /workspace, /tmp, /dev/shm writable")
	add(FeatureProc, true, "fresh /proc of the sandbox's PID namespace, hidepid=2")
	if s.landlock > 0 {
		add(FeatureLandlock, true, fmt.Sprintf("ABI %d", s.landlock))
	} else {
		add(FeatureLandlock, false, "not available in this kernel")
	}
	add(FeatureSeccomp, s.seccomp, "deny-list filter")
	add(FeatureNoNewPrivs, true, "")
	add(FeatureNonRoot, true, fmt.Sprintf("uid %d on the host", s.hostUID))
	add(FeatureCapabilities, true, "none")
	add(FeatureCgroup, true, strings.Join(values(s.cg.dirs), ", "))
	add(FeatureMemory, true, fmt.Sprintf("%s, %s", sandbox.FormatBytes(s.lim.MemoryBytes),
		map[bool]string{true: "no swap", false: "swap not accounted"}[s.cg.swapOff]))
	add(FeaturePids, true, fmt.Sprintf("%d processes", s.lim.Processes))
	_, cpu := s.cg.dirs["cpu"]
	add(FeatureCPU, cpu || s.cg.v2, fmt.Sprintf("%g CPUs", s.lim.CPUs))
	add(FeatureRlimits, true, "core 0, fsize, nofile, nproc")
	add(FeatureDisk, true, fmt.Sprintf("%s: workspace measured, files capped; /tmp capped", sandbox.FormatBytes(s.lim.DiskBytes)))
	add(FeatureEnv, true, "")
	return iso
}
