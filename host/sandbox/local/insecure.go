//go:build linux

package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mledojo/dojo/host/sandbox"
)

// In insecure mode (Options.Insecure) there is no init and no namespace: each job is the exec
// stage started straight from the host, in a process group of its own, with the rlimits, the
// scrubbed environment and, when this process may make cgroups, the cgroup limits. Leftover
// processes are found through the cgroup, or else through the jobs' process groups (a process
// that made itself a new session escapes those).

// hostRunner runs jobs as host processes.
type hostRunner struct {
	cg *cgroup

	mu       sync.Mutex
	jobs     map[int64]*hostJob
	asyncErr error
	dead     chan struct{}
}

type hostJob struct {
	j      job
	pgid   int // the job's process group: its pid
	exited bool
	exit   chan exitStatus
}

var _ processes = (*hostRunner)(nil)

func newHostRunner(cg *cgroup) *hostRunner {
	return &hostRunner{cg: cg, jobs: map[int64]*hostJob{}, dead: make(chan struct{})}
}

func (h *hostRunner) spawn(ctx context.Context, j job, files ...*os.File) (<-chan exitStatus, int, error) {
	pick := func(i int, flag int) (*os.File, error) {
		if i < 0 {
			return os.OpenFile(os.DevNull, flag, 0)
		}
		if i >= len(files) {
			return nil, fmt.Errorf("job %d names file %d of %d", j.ID, i, len(files))
		}
		return files[i], nil
	}
	var stdio []*os.File
	for k, i := range []int{j.Stdin, j.Stdout, j.Stderr} {
		f, err := pick(i, map[bool]int{true: os.O_RDONLY, false: os.O_WRONLY}[k == 0])
		if err != nil {
			return nil, 0, err
		}
		if i < 0 {
			defer f.Close()
		}
		stdio = append(stdio, f)
	}
	if j.Code >= 0 {
		src, err := pick(j.Code, 0)
		if err == nil {
			err = copyCode(src, j.CodePath)
		}
		if err != nil {
			return nil, 0, fmt.Errorf("write the code: %w", err)
		}
	}
	spec, err := json.Marshal(j.Exec)
	if err != nil {
		return nil, 0, err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, 0, err
	}
	go func() {
		_, _ = w.Write(spec)
		w.Close()
	}()
	proc, err := os.StartProcess(selfExe, []string{stageArgv0[stageExec]}, &os.ProcAttr{
		Dir:   "/",
		Env:   stageEnviron(stageExec),
		Files: append(stdio, r),
		Sys:   &syscall.SysProcAttr{Setpgid: true, Pdeathsig: unix.SIGKILL},
	})
	r.Close()
	if err != nil {
		return nil, 0, err
	}
	pid := proc.Pid
	hj := &hostJob{j: j, pgid: pid, exit: make(chan exitStatus, 1)}
	h.mu.Lock()
	h.jobs[j.ID] = hj
	h.mu.Unlock()
	go h.wait(hj, proc, pid)
	return hj.exit, pid, nil
}

// wait reaps a job, kills what it left unless it is kept, and reports its exit.
func (h *hostRunner) wait(hj *hostJob, proc *os.Process, pid int) {
	var ws syscall.WaitStatus
	var ru syscall.Rusage
	for {
		_, err := syscall.Wait4(pid, &ws, 0, &ru)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	_ = proc.Release()
	st := statusOf(unix.WaitStatus(ws), &unix.Rusage{Maxrss: ru.Maxrss})
	h.mu.Lock()
	hj.exited = true
	h.mu.Unlock()
	if !hj.j.Keep {
		if err := h.killAll(true); err != nil {
			h.mu.Lock()
			h.asyncErr = err
			h.mu.Unlock()
		}
	}
	hj.exit <- st
}

func (h *hostRunner) forget(id int64) {
	h.mu.Lock()
	delete(h.jobs, id)
	h.mu.Unlock()
}

// killAll kills the jobs' process groups and everything in the cgroup, sparing the kept jobs'
// processes when keep is set.
func (h *hostRunner) killAll(keep bool) error {
	h.mu.Lock()
	spare := map[int]bool{}
	var groups []int
	for _, hj := range h.jobs {
		if keep && hj.j.Keep && !hj.exited {
			spare[hj.pgid] = true
			continue
		}
		groups = append(groups, hj.pgid)
	}
	h.mu.Unlock()
	for _, pgid := range groups {
		_ = unix.Kill(-pgid, unix.SIGKILL)
	}
	// A kept job's children share its process group; kill them one by one.
	for pid := range spare {
		for _, member := range groupMembers(pid) {
			if member != pid {
				_ = unix.Kill(member, unix.SIGKILL)
			}
		}
	}
	if h.cg == nil {
		return nil
	}
	deadline := time.Now().Add(killTimeout)
	for {
		var alive []int
		for _, pid := range h.cg.procs() {
			if !spare[pid] && procState(pid) != 'Z' && procState(pid) != 0 {
				alive = append(alive, pid)
			}
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
		time.Sleep(time.Millisecond)
	}
}

// groupMembers lists the processes in process group pgid, from /proc.
func groupMembers(pgid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		// Fields after the command name: state, ppid, pgrp...
		if f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]); len(f) > 2 && f[2] == strconv.Itoa(pgid) {
			out = append(out, pid)
		}
	}
	return out
}

func (h *hostRunner) kill() {
	_ = h.killAll(false)
	select {
	case <-h.dead:
	default:
		close(h.dead)
	}
}

func (h *hostRunner) alive() bool {
	select {
	case <-h.dead:
		return false
	default:
		return true
	}
}

func (h *hostRunner) deadChan() <-chan struct{} { return h.dead }

func (h *hostRunner) takeAsyncErr() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	err := h.asyncErr
	h.asyncErr = nil
	return err
}

func (h *hostRunner) failure() string { return "the insecure runner was stopped" }

func (h *hostRunner) pid() int { return 0 }

// insecureIsolation is what an insecure backend offers.
func insecureIsolation() sandbox.Isolation {
	iso := sandbox.Isolation{Backend: BackendName, Insecure: true}
	for _, name := range []string{FeatureUserNS, FeatureMountNS, FeaturePIDNS, FeatureNetNS, FeatureIPCNS, FeatureUTSNS,
		FeaturePivotRoot, FeatureProc, FeatureLandlock, FeatureSeccomp} {
		iso.Features = append(iso.Features, sandbox.Feature{Name: name, Detail: "insecure mode: off"})
	}
	iso.Features = append(iso.Features,
		sandbox.Feature{Name: FeatureRlimits, Active: true, Detail: "core 0, fsize, nofile"},
		sandbox.Feature{Name: FeatureEnv, Active: true, Detail: "plus DOJO_DATA and DOJO_WORKSPACE"})
	return iso
}

// insecureSandboxIsolation is what an insecure sandbox enforces.
func (s *localSandbox) insecureSandboxIsolation() sandbox.Isolation {
	iso := insecureIsolation()
	add := func(name string, active bool, detail string) {
		iso.Features = append(iso.Features, sandbox.Feature{Name: name, Active: active, Detail: detail})
	}
	add(FeatureNonRoot, s.hostUID != 0, fmt.Sprintf("uid %d", s.hostUID))
	add(FeatureCgroup, s.cg != nil, "")
	add(FeatureMemory, s.cg != nil, sandbox.FormatBytes(s.lim.MemoryBytes))
	add(FeaturePids, s.cg != nil, fmt.Sprintf("%d processes", s.lim.Processes))
	add(FeatureDisk, true, "workspace measured, files capped by RLIMIT_FSIZE; /tmp is the host's")
	return iso
}
