//go:build linux

package local

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
)

// Backend makes sandboxes isolated by Linux namespaces, Landlock, seccomp, rlimits and cgroups,
// with no daemon. It is safe for concurrent use.
type Backend struct {
	opts  Options
	sweep sync.Once

	mu         sync.Mutex
	cgroupDirs []string // every cgroup made, for Leftovers
	initPIDs   []int    // every init started, for Leftovers
}

var _ sandbox.Backend = (*Backend)(nil)

// New returns a local backend. It checks nothing yet: Check reports what the machine offers and
// Start fails with a typed error naming a missing feature.
func New(opts Options) *Backend {
	return &Backend{opts: opts}
}

// Name returns "local".
func (b *Backend) Name() string { return BackendName }

// codeIDs returns the code's ids inside the sandbox's user namespace and the mappings that make
// them. As root: uid 0 inside is root (for init only), the code's ids map to themselves. Otherwise
// the one id this process may map becomes root inside, and the code keeps it without privileges.
func (b *Backend) codeIDs() (uid, gid int, uidMap, gidMap []syscall.SysProcIDMap, hostRoot bool, err error) {
	if os.Geteuid() != 0 {
		uidMap = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
		gidMap = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
		return 0, 0, uidMap, gidMap, false, nil
	}
	uid, gid = b.opts.UID, b.opts.GID
	if uid == 0 {
		uid = DefaultCodeID
	}
	if gid == 0 {
		gid = DefaultCodeID
	}
	if uid < 0 || gid < 0 {
		return 0, 0, nil, nil, true, fmt.Errorf("uid %d and gid %d must be positive", uid, gid)
	}
	uidMap = []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1}, {ContainerID: uid, HostID: uid, Size: 1}}
	gidMap = []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1}, {ContainerID: gid, HostID: gid, Size: 1}}
	return uid, gid, uidMap, gidMap, true, nil
}

// readOnlyPaths is every host path shown read-only.
func (b *Backend) readOnlyPaths() []string {
	return append(append([]string{}, DefaultReadOnlyPaths...), b.opts.ReadOnlyPaths...)
}

// Start makes a sandbox for spec: its cgroup, its init in new namespaces and its root. The code
// does not run until Exec.
func (b *Backend) Start(ctx context.Context, spec sandbox.Spec) (sandbox.Sandbox, error) {
	spec, err := b.resolveSpec(spec)
	if err != nil {
		return nil, err
	}
	s, err := newLocalSandbox(b, spec, b.opts.Insecure)
	if err != nil {
		return nil, err
	}
	if _, err := s.ensureProcs(ctx); err != nil {
		s.teardown()
		return nil, err
	}
	return s, nil
}

// resolveSpec checks spec and fills its defaults: directories exist and are resolved to their
// real paths, the public data does not lie inside the workspace, the interpreter is an absolute
// path the sandbox can see.
func (b *Backend) resolveSpec(spec sandbox.Spec) (sandbox.Spec, error) {
	bad := func(format string, args ...any) *core.Error {
		return core.Errorf(core.TypeSandboxInit, "local sandbox: "+format, args...)
	}
	var err error
	for _, d := range []*string{&spec.PublicDir, &spec.WorkspaceDir} {
		if *d == "" {
			return spec, bad("the public and workspace directories are both required")
		}
		if *d, err = filepath.Abs(*d); err == nil {
			*d, err = filepath.EvalSymlinks(*d)
		}
		if err != nil {
			return spec, bad("%w", err)
		}
		if fi, err := os.Stat(*d); err != nil || !fi.IsDir() {
			return spec, bad("%s is not a directory", *d)
		}
	}
	if within(spec.PublicDir, spec.WorkspaceDir) {
		return spec, bad("the public directory %s lies inside the workspace %s, where the code could write it",
			spec.PublicDir, spec.WorkspaceDir)
	}
	if spec.Mode == "" {
		spec.Mode = sandbox.ModeFresh
	}
	if spec.Mode != sandbox.ModeFresh && spec.Mode != sandbox.ModeSession {
		return spec, bad("unknown execution mode %q", spec.Mode)
	}
	if spec.Interpreter == "" {
		spec.Interpreter = DefaultInterpreter
	}
	if !filepath.IsAbs(spec.Interpreter) {
		return spec, bad("the interpreter %q must be an absolute path", spec.Interpreter)
	}
	if b.opts.Insecure {
		return spec, nil
	}
	real, err := filepath.EvalSymlinks(spec.Interpreter)
	if err != nil {
		return spec, bad("interpreter: %w", err)
	}
	visible := false
	for _, p := range b.readOnlyPaths() {
		if rp, err := filepath.EvalSymlinks(p); err == nil && within(real, rp) {
			visible = true
		}
	}
	if !visible {
		return spec, bad("the interpreter %s (%s) is outside the paths the sandbox shows", spec.Interpreter, real).
			WithCauses("add its installation directory to local.Options.ReadOnlyPaths")
	}
	return spec, nil
}

// within says whether path is dir or lies beneath it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

// syntheticEtc is the made-up part of /etc.
func syntheticEtc(uid, gid int, network bool) map[string]string {
	files := map[string]string{
		"/etc/passwd": fmt.Sprintf("root:x:0:0:root:/root:/usr/sbin/nologin\nsandbox:x:%d:%d:sandbox:%s:/usr/sbin/nologin\n",
			uid, gid, sandbox.WorkspaceMount),
		"/etc/group":         fmt.Sprintf("root:x:0:\nsandbox:x:%d:\n", gid),
		"/etc/hostname":      hostname + "\n",
		"/etc/hosts":         "127.0.0.1\tlocalhost " + hostname + "\n::1\tlocalhost ip6-localhost ip6-loopback\n",
		"/etc/nsswitch.conf": "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n",
		"/etc/resolv.conf":   "",
	}
	if uid == 0 {
		files["/etc/passwd"] = fmt.Sprintf("root:x:0:0:sandbox:%s:/usr/sbin/nologin\n", sandbox.WorkspaceMount)
		files["/etc/group"] = "root:x:0:\n"
	}
	if network {
		if b, err := os.ReadFile("/etc/resolv.conf"); err == nil {
			files["/etc/resolv.conf"] = string(b)
		}
	}
	return files
}

// gpuDevices lists the host device nodes for the GPUs spec asks for ("all", or NVIDIA indexes).
func gpuDevices(ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var devs []string
	for _, d := range []string{"/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools", "/dev/nvidia-modeset"} {
		if _, err := os.Stat(d); err == nil {
			devs = append(devs, d)
		}
	}
	if len(ids) == 1 && ids[0] == "all" {
		matches, _ := filepath.Glob("/dev/nvidia[0-9]*")
		if len(matches) == 0 {
			return nil, errors.New("no /dev/nvidia* device on this machine")
		}
		return append(devs, matches...), nil
	}
	for _, id := range ids {
		d := "/dev/nvidia" + id
		if _, err := os.Stat(d); err != nil {
			return nil, fmt.Errorf("GPU %s: %w", id, err)
		}
		devs = append(devs, d)
	}
	return devs, nil
}

// openPath opens dir as an O_PATH descriptor that init bind-mounts.
func openPath(dir string) (*os.File, error) {
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), dir), nil
}
