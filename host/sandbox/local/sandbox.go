//go:build linux

package local

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
	"github.com/mledojo/dojo/host/sandbox/diskquota"
)

// localSandbox is one episode's sandbox: a cgroup for its whole life, and a box (init and its
// namespaces) that is replaced when it dies or is reset; in insecure mode plain host processes
// stand in for the box.
type localSandbox struct {
	b        *Backend
	spec     sandbox.Spec
	lim      sandbox.Limits
	env      []string
	insecure bool
	paths    sandboxPaths

	uid, gid       int // the code's ids (inside the user namespace, or on the host when insecure)
	uidMap, gidMap []syscall.SysProcIDMap
	hostRoot       bool
	hostUID        int    // the code's uid on the host
	owner          [2]int // the workspace's owner before Start, restored at Close
	chowned        bool   // the workspace was given to the code's user
	landlock       int    // Landlock ABI, 0 when absent
	seccomp        bool
	devices        []string
	scratch        string // insecure mode's directory for the code and the driver

	cg        *cgroup  // nil in insecure mode when cgroups cannot be made
	public    *os.File // O_PATH descriptors of the two directories
	workspace *os.File
	jobs      atomic.Int64

	// runs serialises Exec, Reset and the end of Close.
	runs sync.Mutex
	// The fields below are guarded by runs.
	procs       processes
	sess        *session
	sessionLost bool  // the session interpreter died; the next one reports SessionRestarted
	usage       int64 // the workspace's disk usage after the last execution

	mu      sync.Mutex
	closed  bool
	closing chan struct{} // closed by Close, to abort a running Exec
}

// sandboxPaths are where the code sees things.
type sandboxPaths struct {
	code    string // the file a fresh execution's code is written to
	driver  string // the session driver
	workdir string // the working directory, the workspace
}

var _ sandbox.Sandbox = (*localSandbox)(nil)

// newLocalSandbox prepares everything but the processes: the cgroup, the directories' ownership
// and the descriptors.
func newLocalSandbox(b *Backend, spec sandbox.Spec, insecure bool) (*localSandbox, error) {
	s := &localSandbox{b: b, spec: spec, lim: spec.Limits.WithDefaults(), closing: make(chan struct{}), insecure: insecure,
		paths: sandboxPaths{code: codePath, driver: driverPath, workdir: sandbox.WorkspaceMount}}
	env := sandbox.Environment(spec)
	var err error
	if insecure {
		// The code runs as this process's user: without a mount namespace, dropping to another
		// user would need the directories' every parent opened to it.
		s.uid, s.gid = os.Geteuid(), os.Getegid()
		if s.scratch, err = os.MkdirTemp("", "dojo-insecure-"); err == nil {
			err = os.Chmod(s.scratch, 0o755) // the code's user reads its code there
		}
		if err != nil {
			return nil, core.Errorf(core.TypeSandboxInit, "local sandbox: %w", err)
		}
		s.paths = sandboxPaths{code: filepath.Join(s.scratch, "main.py"), driver: filepath.Join(s.scratch, "session.py"),
			workdir: spec.WorkspaceDir}
		if err := os.WriteFile(s.paths.driver, sandbox.SessionDriver, 0o644); err != nil {
			s.teardown()
			return nil, core.Errorf(core.TypeSandboxInit, "local sandbox: %w", err)
		}
		if _, set := spec.Env["HOME"]; !set {
			env["HOME"] = spec.WorkspaceDir
		}
		env["DOJO_DATA"], env["DOJO_WORKSPACE"] = spec.PublicDir, spec.WorkspaceDir
	} else {
		s.landlock, s.seccomp = landlockABI(), seccompAvailable()
		if s.uid, s.gid, s.uidMap, s.gidMap, s.hostRoot, err = b.codeIDs(); err != nil {
			return nil, core.Errorf(core.TypeConfig, "local sandbox: %w", err)
		}
	}
	s.env = sandbox.EnvironList(env)
	s.hostUID = os.Geteuid()
	if s.hostRoot {
		s.hostUID = s.uid
	}
	if s.devices, err = gpuDevices(spec.GPUs); err != nil {
		s.teardown()
		return nil, core.Errorf(core.TypeSandboxInit, "local sandbox: %w", err)
	}
	if err := s.makeCgroup(); err != nil && !insecure {
		s.teardown()
		return nil, err
	}
	var st unix.Stat_t
	if err := unix.Stat(spec.WorkspaceDir, &st); err != nil {
		s.teardown()
		return nil, core.Errorf(core.TypeSandboxInit, "local sandbox: %w", err)
	}
	s.owner = [2]int{int(st.Uid), int(st.Gid)}
	if s.hostRoot {
		// The code's user must be able to write the workspace and read the public data.
		s.chowned = s.owner != [2]int{s.uid, s.gid}
		if err := chownTree(spec.WorkspaceDir, s.uid, s.gid); err != nil {
			s.teardown()
			return nil, core.Errorf(core.TypeSandboxInit, "local sandbox: give the workspace to uid %d: %w", s.uid, err)
		}
		if err := openToOthers(spec.PublicDir); err != nil {
			s.teardown()
			return nil, core.Errorf(core.TypeSandboxInit, "local sandbox: make the public data readable: %w", err)
		}
	}
	if s.public, err = openPath(spec.PublicDir); err == nil {
		s.workspace, err = openPath(spec.WorkspaceDir)
	}
	if err != nil {
		s.teardown()
		return nil, core.Errorf(core.TypeSandboxInit, "local sandbox: %w", err)
	}
	s.usage, _ = diskquota.Usage(spec.WorkspaceDir)
	return s, nil
}

// makeCgroup makes the sandbox's cgroup.
func (s *localSandbox) makeCgroup() error {
	layout, err := detectCgroups(s.b.opts.CgroupParent)
	if err != nil {
		return core.Errorf(core.TypeSandboxInit, "local sandbox: cgroups: %w", err).
			WithDetails("feature %s unavailable", FeatureCgroup)
	}
	s.b.sweep.Do(func() { sweepStaleCgroups(layout) })
	cg, err := newCgroup(layout, s.lim.MemoryBytes, s.lim.Processes, s.lim.CPUs)
	if err != nil {
		return core.Errorf(core.TypeSandboxInit, "local sandbox: make the cgroup: %w", err).
			WithDetails("features %s, %s, %s unavailable", FeatureCgroup, FeatureMemory, FeaturePids).
			WithCauses("this process may not create cgroups beneath its own: run as root, or set local.Options.CgroupParent to a cgroup delegated to this user")
	}
	s.cg = cg
	s.b.remember(cg, 0)
	return nil
}

// initConfig is what every box of this sandbox builds.
func (s *localSandbox) initConfig() initConfig {
	etc := s.b.opts.Etc
	if etc == nil {
		etc = DefaultEtc
	}
	cfg := initConfig{
		PublicDir:    s.spec.PublicDir,
		WorkspaceDir: s.spec.WorkspaceDir,
		Network:      s.spec.Network,
		ReadOnly:     s.b.readOnlyPaths(),
		Etc:          etc,
		Files:        syntheticEtc(s.uid, s.gid, s.spec.Network),
		Devices:      s.devices,
		// tmpfs pages count against the memory limit: /tmp alone must not be able to fill it.
		TmpBytes: min(s.lim.DiskBytes, max(s.lim.MemoryBytes/2, 64<<20)),
		ShmBytes: max(s.lim.MemoryBytes/2, 64<<20),
		CgroupNS: true,
	}
	if s.spec.Mode == sandbox.ModeSession {
		cfg.SessionDriver = sandbox.SessionDriver
	}
	return cfg
}

// ensureProcs returns the running box (or insecure runner), starting a new one when there is
// none or it died. A session that lived in a dead box is lost.
func (s *localSandbox) ensureProcs(ctx context.Context) (processes, error) {
	if s.procs != nil && s.procs.alive() {
		return s.procs, nil
	}
	if s.procs != nil {
		s.procs.kill()
		s.procs = nil
		if s.sess != nil {
			s.loseSession()
		}
	}
	if s.insecure {
		s.procs = newHostRunner(s.cg)
		return s.procs, nil
	}
	b, err := startBox(ctx, boxConfig{
		network:   s.spec.Network,
		uidMap:    s.uidMap,
		gidMap:    s.gidMap,
		setgroups: s.hostRoot,
		init:      s.initConfig(),
		public:    s.public,
		workspace: s.workspace,
		cg:        s.cg,
	})
	if err != nil {
		return nil, err
	}
	s.b.remember(nil, b.pid())
	s.procs = b
	return b, nil
}

// Exec runs one execution: the code in a fresh interpreter or the session's, or an argv as a
// process of its own.
func (s *localSandbox) Exec(ctx context.Context, req sandbox.ExecRequest) (sandbox.Result, error) {
	s.runs.Lock()
	defer s.runs.Unlock()
	if s.isClosed() {
		return sandbox.Result{}, core.Errorf(core.TypeSandboxExecution, "local sandbox: closed")
	}
	timeout := s.lim.Timeout
	if req.Timeout > 0 && req.Timeout < timeout {
		timeout = req.Timeout
	}
	if s.spec.Mode == sandbox.ModeSession && len(req.Argv) == 0 {
		return s.execSession(ctx, req.Code, timeout)
	}
	return s.execProcess(ctx, req, timeout)
}

// Reset discards the session and everything running, /tmp and /dev/shm included: the next Exec
// starts a new box.
func (s *localSandbox) Reset(ctx context.Context) error {
	s.runs.Lock()
	defer s.runs.Unlock()
	if s.isClosed() {
		return core.Errorf(core.TypeSandboxExecution, "local sandbox: closed")
	}
	s.dropBox()
	s.sessionLost = false
	return nil
}

// dropBox kills the box and forgets the session.
func (s *localSandbox) dropBox() {
	if s.sess != nil {
		s.sess.close()
		s.sess = nil
	}
	if s.procs != nil {
		s.procs.kill()
		s.procs = nil
	}
}

// Close kills every process, which takes the namespaces and mounts with them, removes the cgroup
// and gives the workspace back to its owner. A running Exec is stopped first.
func (s *localSandbox) Close(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.closing)
	s.mu.Unlock()
	s.runs.Lock()
	defer s.runs.Unlock()
	return s.teardown()
}

func (s *localSandbox) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// teardown releases everything; it is also how a failed Start cleans up.
func (s *localSandbox) teardown() error {
	s.dropBox()
	var errs []error
	if s.cg != nil {
		if err := s.cg.remove(); err != nil {
			errs = append(errs, err)
		}
	}
	if s.chowned {
		if err := chownTree(s.spec.WorkspaceDir, s.owner[0], s.owner[1]); err != nil {
			errs = append(errs, fmt.Errorf("give the workspace back: %w", err))
		}
	}
	for _, f := range []*os.File{s.public, s.workspace} {
		if f != nil {
			f.Close()
		}
	}
	if s.scratch != "" {
		if err := os.RemoveAll(s.scratch); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return core.Errorf(core.TypeSandboxCleanup, "local sandbox: %w", errors.Join(errs...))
	}
	return nil
}
