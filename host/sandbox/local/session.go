//go:build linux

package local

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
)

// In session mode one interpreter, the session driver (sandbox.SessionDriver), lives in the box as
// a kept job: sweeps spare it. The host talks to it over a Unix stream socket (its fd 0), sending
// each execution's stdout and stderr pipes with the request, so that the host reads and caps the
// output itself exactly as in fresh mode. After each answer init kills every other process.

// maxAnswer bounds a frame from the driver: in fd mode an answer is an id and an exit code, and
// the code, which runs in the driver's process, could send anything.
const maxAnswer = 64 << 10

// sessionStartTimeout bounds the driver's start (an interpreter, standard library only).
const sessionStartTimeout = 60 * time.Second

// session is the host's end of a session driver.
type session struct {
	jobID   int64
	conn    *net.UnixConn
	exit    <-chan exitStatus
	answers chan driverAnswer
	done    chan struct{}
	next    int64
}

// driverAnswer is one frame from the driver, or the error that ended the stream.
type driverAnswer struct {
	res   sandbox.DriverResult
	ready bool
	err   error
}

// startSession starts the driver in b and waits until it is ready.
func (s *localSandbox) startSession(ctx context.Context, b processes) (*session, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	hostEnd, drvEnd := os.NewFile(uintptr(fds[0]), "session"), os.NewFile(uintptr(fds[1]), "session")
	j := job{ID: s.jobs.Add(1), Keep: true, Stdin: 0, Stdout: -1, Stderr: -1, Code: -1,
		Exec: s.execSpec([]string{s.spec.Interpreter, s.paths.driver, "--request-fd", "0", "--result-fd", "0"})}
	exit, _, err := b.spawn(ctx, j, drvEnd)
	drvEnd.Close()
	if err != nil {
		hostEnd.Close()
		return nil, err
	}
	c, err := net.FileConn(hostEnd)
	hostEnd.Close()
	if err != nil {
		return nil, err
	}
	ss := &session{jobID: j.ID, conn: c.(*net.UnixConn), exit: exit, answers: make(chan driverAnswer, 1),
		done: make(chan struct{}), next: 1}
	go ss.read()
	timer := time.NewTimer(sessionStartTimeout)
	defer timer.Stop()
	select {
	case a := <-ss.answers:
		if a.err == nil && a.ready {
			return ss, nil
		}
		err = fmt.Errorf("the session driver did not start: %v", a.err)
	case st := <-exit:
		err = fmt.Errorf("the session driver exited with status %d at start", st.exitCode())
	case <-timer.C:
		err = fmt.Errorf("the session driver did not start within %v", sessionStartTimeout)
	case <-ctx.Done():
		err = ctx.Err()
	case <-b.deadChan():
		err = errors.New(b.failure())
	}
	ss.close()
	_ = b.killAll(false)
	return nil, err
}

// read turns the driver's frames into answers until the stream ends.
func (ss *session) read() {
	r := bufio.NewReaderSize(ss.conn, 64<<10)
	send := func(a driverAnswer) bool {
		select {
		case ss.answers <- a:
			return true
		case <-ss.done:
			return false
		}
	}
	var ready sandbox.DriverReady
	if err := sandbox.ReadDriverFrameLimit(r, &ready, maxAnswer); err != nil || !ready.Ready {
		send(driverAnswer{err: fmt.Errorf("bad first frame: %v", err)})
		return
	}
	if !send(driverAnswer{ready: true}) {
		return
	}
	for {
		var res sandbox.DriverResult
		if err := sandbox.ReadDriverFrameLimit(r, &res, maxAnswer); err != nil {
			send(driverAnswer{err: err})
			return
		}
		if !send(driverAnswer{res: res}) {
			return
		}
	}
}

// send writes req with files attached to its first bytes. delivered says whether the driver
// received the whole request: code that kills the interpreter at once may close the socket
// before send returns, which is then no failure of the sandbox's.
func (ss *session) send(req sandbox.DriverRequest, timeout time.Duration, files ...*os.File) (delivered bool, err error) {
	var buf bytes.Buffer
	if err := sandbox.WriteDriverFrame(&buf, req); err != nil {
		return false, err
	}
	data := buf.Bytes()
	fds := make([]int, len(files))
	for i, f := range files {
		fds[i] = int(f.Fd())
	}
	_ = ss.conn.SetWriteDeadline(time.Now().Add(timeout))
	defer ss.conn.SetWriteDeadline(time.Time{})
	n, _, err := ss.conn.WriteMsgUnix(data[:min(len(data), 4096)], unix.UnixRights(fds...), nil)
	if err == nil && n < len(data) {
		var m int
		m, err = ss.conn.Write(data[n:])
		n += m
	}
	return n == len(data), err
}

// exited says whether the driver has ended since its last execution.
func (ss *session) exited() bool {
	select {
	case <-ss.exit:
		return true
	default:
		return false
	}
}

func (ss *session) close() {
	select {
	case <-ss.done:
	default:
		close(ss.done)
	}
	ss.conn.Close()
}

// execSession runs code in the session's interpreter, starting one first when there is none.
func (s *localSandbox) execSession(ctx context.Context, code string, timeout time.Duration) (sandbox.Result, error) {
	b, err := s.ensureProcs(ctx)
	if err != nil {
		return sandbox.Result{}, err
	}
	if s.sess != nil && s.sess.exited() {
		s.loseSession()
	}
	restarted := false
	if s.sess == nil {
		ss, err := s.startSession(ctx, b)
		if err != nil {
			return sandbox.Result{}, core.Errorf(core.TypeSandboxExecution, "local sandbox: %w", err)
		}
		s.sess = ss
		restarted, s.sessionLost = s.sessionLost, false
	}
	ss := s.sess
	e, outW, errW, err := s.begin()
	if err != nil {
		return sandbox.Result{}, core.Errorf(core.TypeSandboxExecution, "local sandbox: %w", err)
	}
	req := sandbox.DriverRequest{Op: "exec", ID: ss.next, Code: code, Output: sandbox.DriverOutputFDs,
		Filename: fmt.Sprintf("<cell %d>", ss.next)}
	ss.next++
	delivered, err := ss.send(req, timeout, outW, errW)
	outW.Close()
	errW.Close()
	if err != nil && !delivered {
		s.loseSession()
		_ = b.killAll(false)
		res := e.finish(stoppedBoxDied, nil, -1)
		res.SessionRestarted = restarted
		return res, core.Errorf(core.TypeSandboxExecution, "local sandbox: send the code to the session: %w", err).
			WithCauses("the interpreter ended; the next execution starts a new one")
	}
	stop, st, ans := s.wait(ctx, b, ss.exit, ss.answers, e.quota, timeout)
	exitCode := -1
	switch {
	case ans != nil && ans.err == nil && ans.res.Error == "" && ans.res.ID != nil && *ans.res.ID == req.ID:
		exitCode = ans.res.ExitCode
		// The interpreter lives on; whatever else the code started goes.
		if err := b.killAll(true); err != nil {
			b.kill()
		}
	case ans != nil:
		// The stream broke, the driver refused the request or answered another: the interpreter
		// is no longer trusted.
		s.loseSession()
		if err := b.killAll(false); err != nil {
			b.kill()
		}
		select {
		case got := <-ss.exit:
			st = &got
		case <-time.After(killGrace):
		}
	default:
		// The interpreter ended (or was killed with everything else).
		s.loseSession()
		if stop == notStopped {
			if err := b.killAll(false); err != nil {
				b.kill()
			}
		}
	}
	grace := outputGraceDead
	if st != nil {
		exitCode = st.exitCode()
	} else if s.sess != nil {
		grace = outputGraceLive
	}
	res := e.finishWithin(grace, stop, st, exitCode)
	res.SessionRestarted = restarted
	return res, s.stopError(ctx, stop, b)
}

// loseSession forgets an interpreter that died or can no longer be trusted; the next one reports
// SessionRestarted.
func (s *localSandbox) loseSession() {
	if s.sess != nil {
		s.sess.close()
		s.sess = nil
	}
	s.sessionLost = true
}
