//go:build linux

package local

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
)

// A box is the host's handle on one running init: the namespaces, the root it built, and the
// processes in it. A sandbox keeps one box and replaces it when it dies or is reset.
type box struct {
	cmd    *exec.Cmd
	ctl    *conn
	stderr *sandbox.OutputBuffer // init's own diagnostics
	info   []string

	mu       sync.Mutex
	seq      int64
	replies  map[int64]chan message
	exits    map[int64]chan exitStatus
	asyncErr error // a failure init reported unasked (a sweep after a job)

	dead     chan struct{} // closed when the control socket broke
	deadErr  error
	waitDone chan struct{} // closed when init has been reaped
}

// boxConfig is what starting a box takes.
type boxConfig struct {
	network bool
	uidMap  []syscall.SysProcIDMap
	gidMap  []syscall.SysProcIDMap
	// setgroups may be called inside (the host is root); otherwise the kernel needs "deny".
	setgroups bool
	init      initConfig
	public    *os.File
	workspace *os.File
	cg        *cgroup
}

// cloneFlags are the namespaces every box gets; the network one unless the spec allows network.
func cloneFlags(network bool) uintptr {
	f := uintptr(unix.CLONE_NEWUSER | unix.CLONE_NEWNS | unix.CLONE_NEWPID | unix.CLONE_NEWIPC | unix.CLONE_NEWUTS)
	if !network {
		f |= unix.CLONE_NEWNET
	}
	return f
}

// startTimeout bounds how long init may take to build the root.
const startTimeout = 30 * time.Second

// startBox starts init in new namespaces, moves it into the cgroup, and has it build the root.
func startBox(ctx context.Context, bc boxConfig) (*box, error) {
	hostEnd, childEnd, err := socketPair()
	if err != nil {
		return nil, core.Errorf(core.TypeSandboxInit, "local sandbox: control socket: %w", err)
	}
	b := &box{
		stderr:   sandbox.NewOutputBuffer("init stderr", 8<<10),
		replies:  map[int64]chan message{},
		exits:    map[int64]chan exitStatus{},
		dead:     make(chan struct{}),
		waitDone: make(chan struct{}),
	}
	cmd := exec.Command(selfExe)
	cmd.Args = []string{stageArgv0[stageInit]}
	cmd.Env = stageEnviron(stageInit)
	cmd.Dir = "/"
	cmd.ExtraFiles = []*os.File{childEnd}
	cmd.Stderr = b.stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:                 cloneFlags(bc.network),
		UidMappings:                bc.uidMap,
		GidMappings:                bc.gidMap,
		GidMappingsEnableSetgroups: bc.setgroups,
		Setsid:                     true,
		// Also, init exits when the control socket closes, which covers a host that dies from a
		// thread other than the one that started it.
		Pdeathsig: unix.SIGKILL,
	}
	err = cmd.Start()
	childEnd.Close()
	if err != nil {
		hostEnd.Close()
		return nil, namespaceError(err, bc.network)
	}
	b.cmd = cmd
	go func() {
		_ = cmd.Wait()
		close(b.waitDone)
	}()
	if b.ctl, err = newConn(hostEnd); err != nil {
		b.kill()
		return nil, core.Errorf(core.TypeSandboxInit, "local sandbox: control socket: %w", err)
	}
	go b.read()
	if bc.cg != nil {
		if err := bc.cg.addProc(cmd.Process.Pid); err != nil {
			b.kill()
			return nil, core.Errorf(core.TypeSandboxInit, "local sandbox: move init into its cgroup: %w", err).
				WithDetails("feature %s", FeatureCgroup)
		}
	}
	// The OOM killer must pick the code, never init (the code's processes raise their own score).
	// Only a privileged host may lower a score; elsewhere init keeps the default.
	_ = os.WriteFile("/proc/"+strconv.Itoa(cmd.Process.Pid)+"/oom_score_adj", []byte("-1000"), 0)

	sctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	cfg := bc.init
	reply, err := b.request(sctx, message{Op: opConfig, Config: &cfg}, bc.public, bc.workspace)
	if err != nil {
		b.kill()
		diag, _ := b.stderr.Text()
		return nil, core.Errorf(core.TypeSandboxInit, "local sandbox: init did not start: %w", err).WithDetails("%s", diag)
	}
	if reply.Op != opReady {
		b.kill()
		e := core.Errorf(core.TypeSandboxInit, "local sandbox: %s", reply.Err)
		if reply.Feature != "" {
			e = e.WithDetails("feature %s unavailable", reply.Feature).
				WithCauses(featureCause(reply.Feature))
		}
		return nil, e
	}
	b.info = reply.Info
	return b, nil
}

// namespaceError explains a failure to clone into new namespaces.
func namespaceError(err error, network bool) error {
	e := core.Errorf(core.TypeSandboxInit, "local sandbox: create the namespaces: %w", err).
		WithDetails("features %s, %s, %s, %s, %s", FeatureUserNS, FeatureMountNS, FeaturePIDNS, FeatureIPCNS, FeatureUTSNS)
	switch {
	case errors.Is(err, unix.EPERM), errors.Is(err, unix.EACCES):
		e = e.WithCauses("unprivileged user namespaces are disabled (sysctl kernel.unprivileged_userns_clone or user.max_user_namespaces), or a security module (AppArmor's restrict_unprivileged_userns) forbids them; run as root or enable them")
	case errors.Is(err, unix.ENOSPC):
		e = e.WithCauses("the limit on user namespaces (/proc/sys/user/max_user_namespaces) is reached")
	case errors.Is(err, unix.EINVAL):
		e = e.WithCauses("this kernel lacks one of the namespaces (CONFIG_USER_NS, CONFIG_PID_NS, CONFIG_NET_NS...)")
	}
	if !network {
		e = e.WithDetails("%s, %s", e.Details, FeatureNetNS)
	}
	return e
}

func featureCause(feature string) string {
	switch feature {
	case FeatureProc:
		return "a fresh /proc cannot be mounted: the host's /proc has parts covered by other mounts (as in some containers)"
	case FeatureNetNS:
		return "the loopback interface of the new network namespace cannot be configured"
	case FeaturePivotRoot:
		return "pivot_root failed: the host's root may be a ramfs/initramfs, where pivot_root is impossible"
	}
	return "the kernel refused a mount the sandbox needs; see the message"
}

// read dispatches init's messages until the control socket breaks.
func (b *box) read() {
	for {
		m, files, err := b.ctl.recv()
		closeAll(files)
		if err != nil {
			b.markDead(err)
			return
		}
		b.mu.Lock()
		switch {
		case m.Op == opExited && m.Status != nil:
			b.exitChan(m.JobID) <- *m.Status
		case m.Seq != 0:
			if ch, ok := b.replies[m.Seq]; ok {
				delete(b.replies, m.Seq)
				ch <- m
			}
		case m.Op == opFailed:
			b.asyncErr = errors.New(m.Err)
		}
		b.mu.Unlock()
	}
}

// exitChan is the channel a job's exit arrives on; b.mu must be held.
func (b *box) exitChan(id int64) chan exitStatus {
	ch, ok := b.exits[id]
	if !ok {
		ch = make(chan exitStatus, 1)
		b.exits[id] = ch
	}
	return ch
}

func (b *box) markDead(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case <-b.dead:
	default:
		b.deadErr = err
		close(b.dead)
	}
}

// alive says whether init still serves.
func (b *box) alive() bool {
	select {
	case <-b.dead:
		return false
	default:
		return true
	}
}

// request sends m (with files) and waits for its reply.
func (b *box) request(ctx context.Context, m message, files ...*os.File) (message, error) {
	ch := make(chan message, 1)
	b.mu.Lock()
	b.seq++
	m.Seq = b.seq
	b.replies[m.Seq] = ch
	b.mu.Unlock()
	if err := b.ctl.send(m, files...); err != nil {
		b.mu.Lock()
		delete(b.replies, m.Seq)
		b.mu.Unlock()
		return message{}, err
	}
	select {
	case r := <-ch:
		return r, nil
	case <-b.dead:
		return message{}, fmt.Errorf("init ended: %v", b.deadErr)
	case <-ctx.Done():
		b.mu.Lock()
		delete(b.replies, m.Seq)
		b.mu.Unlock()
		return message{}, ctx.Err()
	}
}

// spawn starts j; files are sent along (j indexes them). The returned channel receives the job's
// exit once init has also killed whatever the job left (unless j.Keep).
func (b *box) spawn(ctx context.Context, j job, files ...*os.File) (<-chan exitStatus, int, error) {
	b.mu.Lock()
	exit := b.exitChan(j.ID)
	b.mu.Unlock()
	reply, err := b.request(ctx, message{Op: opSpawn, Job: &j}, files...)
	if err == nil && reply.Op != opStarted {
		err = errors.New(reply.Err)
	}
	if err != nil {
		b.mu.Lock()
		delete(b.exits, j.ID)
		b.mu.Unlock()
		return nil, 0, err
	}
	return exit, reply.PID, nil
}

// forget drops the bookkeeping of a finished job.
func (b *box) forget(id int64) {
	b.mu.Lock()
	delete(b.exits, id)
	b.mu.Unlock()
}

// killGrace bounds how long init may take to kill the processes of a stopped execution before the
// whole box is killed instead.
const killGrace = 5 * time.Second

// killAll has init kill every process but itself (keep=false) or but itself and the kept jobs.
func (b *box) killAll(keep bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), killGrace)
	defer cancel()
	op := opKill
	if keep {
		op = opSweep
	}
	reply, err := b.request(ctx, message{Op: op})
	if err == nil && reply.Op != opDone {
		err = errors.New(reply.Err)
	}
	return err
}

// takeAsyncErr returns and clears a failure init reported unasked.
func (b *box) takeAsyncErr() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	err := b.asyncErr
	b.asyncErr = nil
	return err
}

// kill ends init, and with it, by the kernel's hand, every process of its PID namespace; the mount
// namespace and its tmpfs mounts go with the last of them. It returns once init is reaped.
func (b *box) kill() {
	if b.ctl != nil {
		b.ctl.close()
	}
	if b.cmd != nil && b.cmd.Process != nil {
		_ = b.cmd.Process.Signal(unix.SIGKILL)
		<-b.waitDone
	}
	b.markDead(errors.New("killed"))
}
