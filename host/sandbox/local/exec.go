//go:build linux

package local

import (
	"context"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
	"github.com/mledojo/dojo/host/sandbox/diskquota"
)

// stopReason says why the backend stopped an execution, if it did.
type stopReason int

const (
	notStopped stopReason = iota
	stoppedTimeout
	stoppedDisk
	stoppedCancelled
	stoppedClosed
	stoppedBoxDied
)

// execution is the host's side of one execution: the output pipes and their captures, the
// cgroup's counters before it, the quota watch and the clock.
type execution struct {
	s              *localSandbox
	outR, errR     *os.File
	stdout, stderr *sandbox.OutputBuffer
	copied         sync.WaitGroup
	before         cgroupCounters
	quota          *diskquota.Watch
	start          time.Time
}

// begin prepares an execution; the returned write ends go to the code and must be closed by the
// caller once sent.
func (s *localSandbox) begin() (e *execution, outW, errW *os.File, err error) {
	e = &execution{s: s,
		stdout: sandbox.NewOutputBuffer("stdout", s.lim.OutputBytes),
		stderr: sandbox.NewOutputBuffer("stderr", s.lim.OutputBytes)}
	if e.outR, outW, err = os.Pipe(); err != nil {
		return nil, nil, nil, err
	}
	if e.errR, errW, err = os.Pipe(); err != nil {
		e.outR.Close()
		outW.Close()
		return nil, nil, nil, err
	}
	for _, p := range []struct {
		r   *os.File
		buf *sandbox.OutputBuffer
	}{{e.outR, e.stdout}, {e.errR, e.stderr}} {
		e.copied.Add(1)
		go func() {
			defer e.copied.Done()
			_, _ = io.Copy(p.buf, p.r)
		}()
	}
	e.before = s.cg.counters()
	s.cg.resetPeak()
	e.quota = diskquota.Start(s.spec.WorkspaceDir, s.lim.DiskBytes, s.usage)
	e.start = time.Now()
	return e, outW, errW, nil
}

// How long the output pipes may stay open once the execution is over. When every process that
// had them is dead the end of the pipe is near (what is left in it is read at memory speed);
// a session interpreter, which lives on, could keep a copy of them open forever.
const (
	outputGraceDead = 5 * time.Second
	outputGraceLive = 200 * time.Millisecond
)

// finish waits for the output, reads the counters and classifies the execution. st is nil when
// the process's end is unknown (its box died).
func (e *execution) finish(stop stopReason, st *exitStatus, exitCode int) sandbox.Result {
	return e.finishWithin(outputGraceDead, stop, st, exitCode)
}

// finishWithin is finish with the time the output may take to end.
func (e *execution) finishWithin(grace time.Duration, stop stopReason, st *exitStatus, exitCode int) sandbox.Result {
	duration := time.Since(e.start)
	done := make(chan struct{})
	go func() {
		e.copied.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(grace):
		// Stop reading; what is in the pipes now is lost, and so is what a stray copy writes later.
		_ = e.outR.SetReadDeadline(time.Now())
		_ = e.errR.SetReadDeadline(time.Now())
		<-done
	}
	e.outR.Close()
	e.errR.Close()
	usage, over := e.quota.Finish()
	e.s.usage = usage
	after := e.s.cg.counters()
	res := sandbox.Result{ExitCode: exitCode, Duration: duration, PeakBytes: e.s.cg.peakBytes()}
	var t1, t2 bool
	res.Stdout, t1 = e.stdout.Text()
	res.Stderr, t2 = e.stderr.Text()
	res.Truncated = t1 || t2
	if over && stop == notStopped {
		stop = stoppedDisk
	}
	res.Outcome = classify(stop, st, exitCode, after.oomKills > e.before.oomKills, after.pidsMax > e.before.pidsMax)
	return res
}

// classify names how an execution ended. A stop from outside comes first; then the limits, which
// the code's own status only reflects indirectly (a SIGKILL from the OOM killer, a failed fork).
func classify(stop stopReason, st *exitStatus, exitCode int, oomKilled, pidsHit bool) core.Outcome {
	switch {
	case stop == stoppedTimeout:
		return core.OutcomeTimedOut
	case stop == stoppedDisk:
		return core.OutcomeResourceLimit
	case oomKilled && exitCode != 0:
		return core.OutcomeOutOfMemory
	case stop != notStopped:
		return core.OutcomeKilled
	case st != nil && (st.Signal == int(unix.SIGXFSZ) || st.Signal == int(unix.SIGXCPU)):
		return core.OutcomeResourceLimit
	case pidsHit && exitCode != 0:
		return core.OutcomeResourceLimit
	case st != nil && st.Signal != 0:
		return core.OutcomeKilled
	case exitCode != 0:
		return core.OutcomeExitNonZero
	}
	return core.OutcomeOK
}

// hostPaths rewrites the arguments that name a file under the sandbox's mounts (/workspace/x,
// /data/x) to the host directories they stand for, since an insecure sandbox mounts nothing: the
// host's own commands (a syntax check of /workspace/.dojo/check.py) then work in both modes. Agent
// code is not rewritten; it finds the directories through DOJO_WORKSPACE and DOJO_DATA.
func (s *localSandbox) hostPaths(argv []string) []string {
	out := make([]string, len(argv))
	for i, a := range argv {
		out[i] = a
		for mount, dir := range map[string]string{sandbox.WorkspaceMount: s.spec.WorkspaceDir, sandbox.PublicMount: s.spec.PublicDir} {
			if dir != "" && (a == mount || strings.HasPrefix(a, mount+"/")) {
				out[i] = dir + strings.TrimPrefix(a, mount)
			}
		}
	}
	return out
}

// execSpec is the exec stage's part of a job running argv.
func (s *localSandbox) execSpec(argv []string) execSpec {
	nofile := uint64(8192)
	// RLIMIT_NPROC is a fallback behind pids.max, with more room: where init and the code share a
	// uid (a host that is not root) it counts init's threads too, and the cgroup, which counts the
	// refusals, must be what normally stops a fork.
	nproc := uint64(s.lim.Processes + 2*pidsSlack)
	spec := execSpec{
		Argv: argv,
		Env:  s.env,
		Dir:  s.paths.workdir,
		UID:  s.uid,
		GID:  s.gid,
		Rlimits: []rlimit{
			{Resource: unix.RLIMIT_CORE, Cur: 0, Max: 0},
			{Resource: unix.RLIMIT_FSIZE, Cur: uint64(s.lim.DiskBytes), Max: uint64(s.lim.DiskBytes)},
			{Resource: unix.RLIMIT_NOFILE, Cur: nofile, Max: nofile},
			{Resource: unix.RLIMIT_NPROC, Cur: nproc, Max: nproc},
		},
		OOMScoreAdj: 1000,
		Landlock:    s.landlockPolicy(),
		Seccomp:     s.seccomp,
	}
	if s.insecure {
		// No namespaces: the stage joins the cgroup itself, before anything it starts can escape
		// it, and keeps this process's ids. RLIMIT_NPROC would count all of the host user's
		// processes, so it is left alone.
		spec.KeepIDs = true
		spec.Rlimits = spec.Rlimits[:3]
		if s.cg != nil {
			spec.Cgroups = s.cg.procsFiles()
		}
	}
	return spec
}

// landlockPolicy is the code's filesystem allow-list, nil without Landlock.
func (s *localSandbox) landlockPolicy() *landlockPolicy {
	if s.landlock == 0 {
		return nil
	}
	return &landlockPolicy{
		ReadOnly:  []string{"/"},
		ReadWrite: []string{sandbox.WorkspaceMount, "/tmp", "/dev/shm"},
		Devices:   append([]string{"/dev/null", "/dev/zero", "/dev/random", "/dev/urandom"}, s.devices...),
	}
}

// execProcess runs the code in a new interpreter, or an argv, as a process of its own.
func (s *localSandbox) execProcess(ctx context.Context, req sandbox.ExecRequest, timeout time.Duration) (sandbox.Result, error) {
	b, err := s.ensureProcs(ctx)
	if err != nil {
		return sandbox.Result{}, err
	}
	j := job{ID: s.jobs.Add(1), Stdin: -1, Stdout: 0, Stderr: 1, Code: -1}
	argv := req.Argv
	if s.insecure {
		argv = s.hostPaths(argv)
	}
	var code *os.File
	if len(argv) == 0 {
		if code, err = codeMemfd(req.Code); err != nil {
			return sandbox.Result{}, core.Errorf(core.TypeSandboxExecution, "local sandbox: hold the code: %w", err)
		}
		defer code.Close()
		j.Code, j.CodePath = 2, s.paths.code
		argv = []string{s.spec.Interpreter, s.paths.code}
	}
	j.Exec = s.execSpec(argv)
	e, outW, errW, err := s.begin()
	if err != nil {
		return sandbox.Result{}, core.Errorf(core.TypeSandboxExecution, "local sandbox: %w", err)
	}
	files := []*os.File{outW, errW}
	if code != nil {
		files = append(files, code)
	}
	exit, _, err := b.spawn(ctx, j, files...)
	outW.Close()
	errW.Close()
	if err != nil {
		e.finish(stoppedBoxDied, nil, -1)
		return sandbox.Result{}, core.Errorf(core.TypeSandboxExecution, "local sandbox: start the code: %w", err)
	}
	defer b.forget(j.ID)
	stop, st, _ := s.wait(ctx, b, exit, nil, e.quota, timeout)
	code2 := -1
	if st != nil {
		code2 = st.exitCode()
	}
	res := e.finish(stop, st, code2)
	return res, s.stopError(ctx, stop, b)
}

// wait lets a job run until it ends, answers (results, in session mode; nil otherwise) or is
// stopped. A stopped job's processes are killed (all of them, the session interpreter included)
// and wait returns once the job's exit is known or its box is gone.
func (s *localSandbox) wait(ctx context.Context, b processes, exit <-chan exitStatus, results <-chan driverAnswer,
	q *diskquota.Watch, timeout time.Duration) (stopReason, *exitStatus, *driverAnswer) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	stop := notStopped
	select {
	case st := <-exit:
		return notStopped, &st, nil
	case r := <-results:
		return notStopped, nil, &r
	case <-timer.C:
		stop = stoppedTimeout
	case <-q.Exceeded():
		stop = stoppedDisk
	case <-ctx.Done():
		stop = stoppedCancelled
	case <-s.closing:
		stop = stoppedClosed
	case <-b.deadChan():
		return stoppedBoxDied, nil, nil
	}
	if err := b.killAll(false); err != nil {
		b.kill()
	}
	select {
	case st := <-exit:
		return stop, &st, nil
	case <-b.deadChan():
		return stop, nil, nil
	case <-time.After(killGrace):
		b.kill()
		return stop, nil, nil
	}
}

// stopError is the error that goes with a result stopped from outside, if any: the caller's
// cancellation, or the sandbox's own failure.
func (s *localSandbox) stopError(ctx context.Context, stop stopReason, b processes) error {
	switch stop {
	case stoppedCancelled:
		return core.Errorf(core.TypeSandboxExecution, "local sandbox: execution cancelled: %w", ctx.Err())
	case stoppedBoxDied:
		return core.Errorf(core.TypeSandboxExecution, "local sandbox: %s", b.failure()).
			WithCauses("the next execution starts a new sandbox")
	}
	if err := b.takeAsyncErr(); err != nil {
		return core.Errorf(core.TypeSandboxResource, "local sandbox: could not kill what the code left: %w", err)
	}
	return nil
}

// codeMemfd puts the code in an anonymous file sent to init, which copies it into the sandbox.
func codeMemfd(code string) (*os.File, error) {
	fd, err := unix.MemfdCreate("dojo-code", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "dojo-code")
	if _, err := f.WriteString(code); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
