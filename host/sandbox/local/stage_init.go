//go:build linux

package local

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// The init stage is PID 1 of the sandbox's PID namespace. It runs as root of the sandbox's user
// namespace (no capability outside it), builds the root, then serves the host over the control
// socket (fd 3): it spawns jobs through the exec stage, reaps every process, and after each job
// kills whatever the job left. When the host goes away (the socket closes) it exits, and the kernel
// kills every process of the namespace with it.

// initProc is the init stage's state.
type initProc struct {
	ctl *conn
	// exe re-executes this binary after pivot_root: a /proc/self/fd path of exeFile.
	exe     string
	exeFile *os.File
	null    *os.File // /dev/null of the sandbox

	// mu is held while a job is forked and registered, and while children are reaped, so that a
	// job's exit is never collected before it is known.
	mu   sync.Mutex
	jobs map[int]*job // running jobs by pid
	kept map[int]bool // pids of running jobs that sweeps spare
}

func initMain() int {
	ctl, err := newConn(os.NewFile(3, "control"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "dojo sandbox init:", err)
		return 1
	}
	// As PID 1 of a namespace this process gets no signal from inside unless it handles it; Go
	// handles them all, so every signal is taken here and dropped, except SIGCHLD, which reaps.
	sigs := make(chan os.Signal, 64)
	signal.Notify(sigs)
	in := &initProc{ctl: ctl, jobs: map[int]*job{}, kept: map[int]bool{}}
	go in.signals(sigs)

	m, files, err := ctl.recv()
	if err != nil || m.Op != opConfig || m.Config == nil || len(files) != 2 {
		fmt.Fprintln(os.Stderr, "dojo sandbox init: expected the configuration, got", m.Op, err)
		return 1
	}
	info, err := in.setup(m.Config, files[0], files[1])
	closeAll(files)
	if err != nil {
		reply := message{Op: opFailed, Seq: m.Seq, Err: err.Error()}
		var se *setupError
		if errors.As(err, &se) {
			reply.Feature = se.feature
		}
		_ = ctl.send(reply)
		return 1
	}
	if err := ctl.send(message{Op: opReady, Seq: m.Seq, Info: info}); err != nil {
		return 1
	}
	for {
		m, files, err := ctl.recv()
		if err != nil {
			// The host is gone or closed the sandbox: everything goes.
			_ = unix.Kill(-1, unix.SIGKILL)
			return 0
		}
		switch m.Op {
		case opSpawn:
			in.spawn(m, files)
		case opKill:
			closeAll(files)
			go in.reply(m.Seq, in.killAll(nil))
		case opSweep:
			closeAll(files)
			go in.reply(m.Seq, in.killAll(in.keptPIDs()))
		default:
			closeAll(files)
			_ = ctl.send(message{Op: opFailed, Seq: m.Seq, Err: "unknown operation " + m.Op})
		}
	}
}

// setup builds the sandbox's world; info lists what it found, for the host's log.
func (in *initProc) setup(cfg *initConfig, public, workspace *os.File) ([]string, error) {
	var info []string
	// The binary must stay reachable for the exec stage once the host's root is gone.
	exe, err := openHighFD(selfExe)
	if err != nil {
		return nil, failed(FeatureMountNS, "open this binary: %w", err)
	}
	in.exe = "/proc/self/fd/" + strconv.Itoa(int(exe.Fd()))
	if cfg.CgroupNS {
		if err := unix.Unshare(unix.CLONE_NEWCGROUP); err != nil {
			info = append(info, "cgroup namespace: "+err.Error())
		}
	}
	if err := buildRoot(cfg, public, workspace); err != nil {
		return nil, err
	}
	if in.null, err = os.OpenFile("/dev/null", os.O_RDWR, 0); err != nil {
		return nil, failed(FeatureMountNS, "open /dev/null: %w", err)
	}
	if !cfg.Network {
		if err := loopbackUp(); err != nil {
			return nil, failed(FeatureNetNS, "bring the loopback interface up: %w", err)
		}
	}
	if err := unix.Sethostname([]byte(hostname)); err != nil {
		return nil, failed(FeatureUTSNS, "set the host name: %w", err)
	}
	// The exec stage is reached through a descriptor of this binary's file; keep it open.
	in.exeFile = exe
	return info, nil
}

// spawn starts a job through the exec stage and answers with its pid.
func (in *initProc) spawn(m message, files []*os.File) {
	defer closeAll(files)
	j := m.Job
	fail := func(err error) {
		_ = in.ctl.send(message{Op: opFailed, Seq: m.Seq, JobID: j.ID, Err: err.Error()})
	}
	if j == nil {
		_ = in.ctl.send(message{Op: opFailed, Seq: m.Seq, Err: "spawn without a job"})
		return
	}
	pick := func(i int) (*os.File, error) {
		if i < 0 {
			return in.null, nil
		}
		if i >= len(files) {
			return nil, fmt.Errorf("job %d names file %d of %d", j.ID, i, len(files))
		}
		return files[i], nil
	}
	stdio := make([]uintptr, 3)
	for k, i := range []int{j.Stdin, j.Stdout, j.Stderr} {
		f, err := pick(i)
		if err != nil {
			fail(err)
			return
		}
		stdio[k] = f.Fd()
	}
	if j.Code >= 0 {
		src, err := pick(j.Code)
		if err == nil {
			err = copyCode(src, j.CodePath)
		}
		if err != nil {
			fail(fmt.Errorf("write the code: %w", err))
			return
		}
	}
	spec, err := json.Marshal(j.Exec)
	if err != nil {
		fail(err)
		return
	}
	r, w, err := os.Pipe()
	if err != nil {
		fail(err)
		return
	}
	go func() {
		_, _ = w.Write(spec)
		w.Close()
	}()
	attr := &syscall.ProcAttr{
		Dir:   "/",
		Env:   stageEnviron(stageExec),
		Files: append(stdio, r.Fd()),
		// Its own session and process group: the code cannot signal init's group by accident.
		Sys: &syscall.SysProcAttr{Setsid: true},
	}
	in.mu.Lock()
	pid, err := syscall.ForkExec(in.exe, []string{stageArgv0[stageExec]}, attr)
	if err == nil {
		in.jobs[pid] = j
		if j.Keep {
			in.kept[pid] = true
		}
	}
	in.mu.Unlock()
	r.Close()
	if err != nil {
		fail(fmt.Errorf("start the exec stage: %w", err))
		return
	}
	_ = in.ctl.send(message{Op: opStarted, Seq: m.Seq, JobID: j.ID, PID: pid})
}

// copyCode writes the source held by the memfd src to path, a file of the internal tmpfs.
func copyCode(src *os.File, path string) error {
	var st unix.Stat_t
	if err := unix.Fstat(int(src.Fd()), &st); err != nil {
		return err
	}
	dst, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|unix.O_NOFOLLOW, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, io.NewSectionReader(src, 0, st.Size))
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	return err
}

// signals reaps on SIGCHLD and drops every other signal.
func (in *initProc) signals(sigs chan os.Signal) {
	for s := range sigs {
		if s == unix.SIGCHLD {
			in.reap()
		}
	}
}

// reap collects every child that ended: jobs are finished, orphans the code left (reparented to
// PID 1) are simply collected.
func (in *initProc) reap() {
	in.mu.Lock()
	defer in.mu.Unlock()
	for {
		var ws unix.WaitStatus
		var ru unix.Rusage
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, &ru)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil || pid <= 0 {
			return
		}
		if !ws.Exited() && !ws.Signaled() {
			continue
		}
		st := statusOf(ws, &ru)
		j, ok := in.jobs[pid]
		if !ok {
			continue // an orphan the code left, reparented to PID 1
		}
		delete(in.jobs, pid)
		delete(in.kept, pid)
		go in.finish(j, pid, st)
	}
}

// finish reports a job's end; a job that was not kept has everything it left killed first, so that
// when the host hears of the exit, every copy of the job's output pipes is closed.
func (in *initProc) finish(j *job, pid int, st exitStatus) {
	if !j.Keep {
		if err := in.killAll(in.keptPIDs()); err != nil {
			_ = in.ctl.send(message{Op: opFailed, JobID: j.ID, Err: err.Error()})
		}
	}
	_ = in.ctl.send(message{Op: opExited, JobID: j.ID, PID: pid, Status: &st})
}

func (in *initProc) keptPIDs() map[int]bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	keep := make(map[int]bool, len(in.kept))
	for pid := range in.kept {
		keep[pid] = true
	}
	return keep
}

func (in *initProc) reply(seq int64, err error) {
	if err != nil {
		_ = in.ctl.send(message{Op: opFailed, Seq: seq, Err: err.Error()})
		return
	}
	_ = in.ctl.send(message{Op: opDone, Seq: seq})
}

// killAll kills every process of the namespace except init and keep, and returns once none of them
// runs any more. Without anything to keep one kill(-1) does it: the kernel signals every process
// under one lock, so none can fork away. With processes to keep, /proc is swept until it is clean;
// a process being killed cannot fork, so each round leaves fewer.
func (in *initProc) killAll(keep map[int]bool) error {
	if len(keep) == 0 {
		if err := unix.Kill(-1, unix.SIGKILL); err != nil && !errors.Is(err, unix.ESRCH) {
			return fmt.Errorf("kill(-1): %w", err)
		}
	}
	deadline := time.Now().Add(killTimeout)
	delay := 100 * time.Microsecond
	for {
		alive, err := livePIDs(keep)
		if err != nil {
			return err
		}
		if len(alive) == 0 {
			return nil
		}
		for _, pid := range alive {
			_ = unix.Kill(pid, unix.SIGKILL)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d processes still run %v after SIGKILL", len(alive), killTimeout)
		}
		// The killed processes need a moment to exit; poll /proc at a growing interval.
		time.Sleep(delay)
		delay = min(2*delay, 10*time.Millisecond)
	}
}

// killTimeout bounds how long killAll waits for killed processes to exit (one stuck in the kernel,
// say on a hung filesystem, can take long).
const killTimeout = 10 * time.Second

// livePIDs lists the processes of the namespace, other than init and keep, that have not exited.
func livePIDs(keep map[int]bool) ([]int, error) {
	d, err := os.Open("/proc")
	if err != nil {
		return nil, err
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	var alive []int
	for _, name := range names {
		pid, err := strconv.Atoi(name)
		if err != nil || pid == 1 || keep[pid] {
			continue
		}
		if state := procState(pid); state == 'Z' || state == 'X' || state == 0 {
			continue
		}
		alive = append(alive, pid)
	}
	return alive, nil
}

// procState is the state letter of /proc/pid/stat, or 0 when the process is gone.
func procState(pid int) byte {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold anything; the state follows its closing parenthesis.
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == ')' && i+2 < len(b) {
			return b[i+2]
		}
	}
	return 0
}

// minExeFD is the lowest descriptor the binary's file may take in init. A child started by
// ForkExec resolves /proc/self/fd/N after its descriptors 0..len(Files)-1 were replaced by the job's
// files; were N among them, the child would exec a pipe instead of this binary (EACCES), which
// happened whenever the file got descriptor 3.
const minExeFD = 100

// openHighFD opens path read-only, close-on-exec, on a descriptor no lower than minExeFD.
func openHighFD(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fd, err := unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, minExeFD)
	if err != nil {
		return nil, fmt.Errorf("move the descriptor of %s above %d: %w", path, minExeFD, err)
	}
	return os.NewFile(uintptr(fd), path), nil
}
