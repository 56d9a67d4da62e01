package docker

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"io"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
)

// runnerSource is the fresh-mode runner, passed to python3 -c in every exec (see runner.py).
//
//go:embed runner.py
var runnerSource string

// stopGrace is how long a stopped execution's stream may take to end after its processes were
// killed from inside, before the container itself is killed.
const stopGrace = 3 * time.Second

// stopReason says why an execution was stopped from outside, if it was.
type stopReason int

const (
	notStopped stopReason = iota
	stoppedTimeout
	stoppedCancelled
	stoppedClosed
	stoppedDisk // the workspace went over its disk limit
)

// runnerInput is what the runner reads on stdin: the length of a NUL-separated header (nonce,
// interpreter, argc, argv..., KEY=VALUE...), the header, then the code. NUL cannot occur in argv or
// the environment, so no escaping is needed.
func runnerInput(nonce, interpreter string, argv []string, env map[string]string, code string) []byte {
	fields := append([]string{nonce, interpreter, strconv.Itoa(len(argv))}, argv...)
	fields = append(fields, sandbox.EnvironList(env)...)
	header := strings.Join(fields, "\x00")
	return []byte(strconv.Itoa(len(header)) + "\n" + header + code)
}

// attached is one exec whose output streams are being copied.
type attached struct {
	execID string
	stream client.HijackedResponse
	copied chan struct{} // closed when the output stream has ended and been copied
	err    error         // why the copy ended, once copied is closed (nil at EOF)
}

// execFresh runs the code in a new interpreter under the runner, and classifies how it ended.
func (s *containerSandbox) execFresh(ctx context.Context, req sandbox.ExecRequest) (sandbox.Result, error) {
	id, err := s.container(ctx)
	if err != nil {
		return sandbox.Result{}, err
	}
	nonce := newNonce()
	input := runnerInput(nonce, s.spec.Interpreter, req.Argv, s.env, req.Code)
	stdout := sandbox.NewOutputBuffer("stdout", s.spec.Limits.OutputBytes)
	stderr := sandbox.NewOutputBuffer("stderr", s.spec.Limits.OutputBytes)
	tail := &reportTail{w: stderr}
	a, err := s.attach(ctx, id, []string{"python3", "-I", "-S", "-c", runnerSource}, true, stdout, tail)
	if err != nil {
		return sandbox.Result{}, err
	}
	go func() {
		// A write error means the runner ended without reading; its output says why.
		_, _ = a.stream.Conn.Write(input)
		_ = a.stream.CloseWrite()
	}()
	start := time.Now()
	stop := s.wait(ctx, a, s.timeout(req))
	res := sandbox.Result{Duration: time.Since(start), ExitCode: -1}
	rep, reported := tail.finish(nonce)
	var outTrunc, errTrunc bool
	res.Stdout, outTrunc = stdout.Text()
	res.Stderr, errTrunc = stderr.Text()
	res.Truncated = outTrunc || errTrunc
	if reported {
		res.ExitCode = rep.Status
		res.PeakBytes = rep.PeakKB << 10
	} else if code, ok := s.exitCode(a.execID); ok {
		res.ExitCode = code
	}
	res.Outcome = classify(stop, rep, reported, res.ExitCode)
	if stop == stoppedCancelled {
		return res, core.Errorf(core.TypeSandboxExecution, "docker: execution cancelled: %w", ctx.Err())
	}
	return res, nil
}

// attach starts argv in the container as the code's user, with its stdin attached when asked, and
// copies its output to stdout and stderr, which must accept every write.
func (s *containerSandbox) attach(ctx context.Context, id string, argv []string, stdin bool, stdout, stderr io.Writer) (*attached, error) {
	made, err := s.b.cli.ExecCreate(ctx, id, client.ExecCreateOptions{
		User:         s.b.user,
		AttachStdin:  stdin,
		AttachStdout: true,
		AttachStderr: true,
		WorkingDir:   sandbox.WorkspaceMount,
		Cmd:          argv,
	})
	if err != nil {
		return nil, s.execFailed(ctx, "create", err)
	}
	stream, err := s.b.cli.ExecAttach(ctx, made.ID, client.ExecAttachOptions{})
	if err != nil {
		return nil, s.execFailed(ctx, "start", err)
	}
	a := &attached{execID: made.ID, stream: stream.HijackedResponse, copied: make(chan struct{})}
	go func() {
		_, a.err = stdcopy.StdCopy(stdout, stderr, a.stream.Reader)
		close(a.copied)
	}()
	return a, nil
}

// execFailed reports an exec the engine would not create or start. Unless the caller gave up, the
// container is assumed broken (stopped, removed behind our back) and replaced before the next one.
func (s *containerSandbox) execFailed(ctx context.Context, step string, err error) error {
	if ctx.Err() != nil {
		return core.Errorf(core.TypeSandboxExecution, "docker: %s the exec: %w", step, err)
	}
	s.markStale()
	return core.Errorf(core.TypeSandboxExecution, "docker: %s the exec: %w", step, err).
		WithCauses("the container stopped or was removed; the next execution starts a new one")
}

// wait lets the execution run until its output ends, its time is up, ctx is done or the sandbox
// closes. A stopped execution's processes are killed before wait returns, and the stream is closed
// in every case.
func (s *containerSandbox) wait(ctx context.Context, a *attached, timeout time.Duration) stopReason {
	defer a.stream.Close()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	stop := notStopped
	select {
	case <-a.copied:
		return notStopped
	case <-timer.C:
		stop = stoppedTimeout
	case <-ctx.Done():
		stop = stoppedCancelled
	case <-s.closing:
		stop = stoppedClosed
	case <-s.quotaExceeded():
		stop = stoppedDisk
	}
	s.stopProcesses(a)
	return stop
}

// stopProcesses kills every process of the code's user in the container from a second exec, which
// ends the attached stream. When that fails (a fork bomb leaves no room for one more process) or
// the stream lingers, the stream is cut and the container killed, to be replaced before the next
// execution. It returns once the copy goroutine has finished.
func (s *containerSandbox) stopProcesses(a *attached) {
	ctx, cancel := context.WithTimeout(context.Background(), stopGrace)
	defer cancel()
	if err := s.killAll(ctx); err == nil {
		select {
		case <-a.copied:
			return
		case <-ctx.Done():
		}
	}
	a.stream.Close()
	<-a.copied
	s.markStale()
}

// killAll sends SIGKILL to every process the code's user has in the container. kill(-1) spares the
// caller and init, and init runs as another user anyway.
func (s *containerSandbox) killAll(ctx context.Context) error {
	code, err := s.run(ctx, []string{"/bin/sh", "-c", "kill -9 -1 2>/dev/null; exit 0"})
	if err == nil && code != 0 {
		err = core.Errorf(core.TypeSandboxExecution, "docker: kill exited %d", code)
	}
	return err
}

// run executes argv in the container as the code's user, discards its output and returns its exit
// status. It is for the backend's own small commands.
func (s *containerSandbox) run(ctx context.Context, argv []string) (int, error) {
	s.mu.Lock()
	id := s.id
	s.mu.Unlock()
	made, err := s.b.cli.ExecCreate(ctx, id, client.ExecCreateOptions{
		User: s.b.user, AttachStdout: true, AttachStderr: true, Cmd: argv,
	})
	if err != nil {
		return -1, err
	}
	stream, err := s.b.cli.ExecAttach(ctx, made.ID, client.ExecAttachOptions{})
	if err != nil {
		return -1, err
	}
	defer stream.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = stream.Conn.SetReadDeadline(dl)
	}
	if _, err := io.Copy(io.Discard, stream.Reader); err != nil {
		return -1, err
	}
	code, ok := s.exitCode(made.ID)
	if !ok {
		return -1, core.Errorf(core.TypeSandboxExecution, "docker: exec %s did not finish", shortID(made.ID))
	}
	return code, nil
}

// exitCode asks the engine for a finished exec's status. The stream can end a moment before the
// engine records the exit, so a running exec is asked again, briefly.
func (s *containerSandbox) exitCode(execID string) (int, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for delay := time.Millisecond; ; delay *= 2 {
		got, err := s.b.cli.ExecInspect(ctx, execID, client.ExecInspectOptions{})
		if err == nil && !got.Running {
			return got.ExitCode, true
		}
		select {
		case <-ctx.Done():
			return -1, false
		case <-time.After(delay):
		}
	}
}

// classify names how an execution ended. Stops from outside come first: a timed-out execution was
// killed by the backend, whatever its status says.
func classify(stop stopReason, rep report, reported bool, exit int) core.Outcome {
	switch {
	case stop == stoppedTimeout:
		return core.OutcomeTimedOut
	case stop == stoppedDisk:
		return core.OutcomeResourceLimit
	case stop != notStopped:
		return core.OutcomeKilled
	case reported && rep.OOM && exit != 0:
		return core.OutcomeOutOfMemory
	case reported && (rep.Signal == int(syscall.SIGXCPU) || rep.Signal == int(syscall.SIGXFSZ)):
		return core.OutcomeResourceLimit
	case reported && rep.PidsMax && exit != 0:
		return core.OutcomeResourceLimit
	case reported && rep.Signal != 0, !reported && exit > 128:
		return core.OutcomeKilled
	case exit != 0:
		return core.OutcomeExitNonZero
	}
	return core.OutcomeOK
}

func newNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "\x1edojo-report-" + hex.EncodeToString(b[:]) + "\x1e"
}
