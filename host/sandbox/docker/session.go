package docker

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
)

// bridgeSource relays the shared session driver over a docker exec (see session_bridge.py).
//
//go:embed session_bridge.py
var bridgeSource string

// sessionStartTimeout bounds how long a new interpreter may take to say it is ready.
const sessionStartTimeout = time.Minute

// session is session mode's interpreter: the bridge exec and, behind it, the driver.
type session struct {
	a      *attached
	frames chan bridgeFrame // closed when the bridge's output ends
	diag   *sandbox.OutputBuffer
	nextID int64
}

// bridgeFrame is one frame of the bridge's output: kind 'R', 'o', 'e', 'r' or 'x'.
type bridgeFrame struct {
	kind byte
	data []byte
}

// bridgeEnd is the bridge's account of an execution ('r', with Result set) or of the driver's
// death ('x').
type bridgeEnd struct {
	Result        *sandbox.DriverResult `json:"result"`
	Status        int                   `json:"status"`
	Signal        int                   `json:"signal"`
	PeakKB        int64                 `json:"peak_kb"`
	OOM           bool                  `json:"oom"`
	PidsMax       bool                  `json:"pids_max"`
	StdoutDropped int64                 `json:"stdout_dropped"`
	StderrDropped int64                 `json:"stderr_dropped"`
}

// maxBridgeFrame bounds a frame from the bridge; output chunks are at most 64 KiB.
const maxBridgeFrame = 16 << 20

// startSession starts the bridge and the driver in the container and waits until it is ready.
func (s *containerSandbox) startSession(ctx context.Context) (*session, error) {
	id, err := s.container(ctx)
	if err != nil {
		return nil, err
	}
	if s.sessionLost {
		// The last interpreter may have left processes behind (a driver whose bridge was killed).
		kctx, cancel := context.WithTimeout(ctx, stopGrace)
		err := s.killAll(kctx)
		cancel()
		if err != nil {
			s.markStale()
			if id, err = s.container(ctx); err != nil {
				return nil, err
			}
		}
	}
	pr, pw := io.Pipe()
	sess := &session{frames: make(chan bridgeFrame, 64), diag: sandbox.NewOutputBuffer("bridge stderr", 4096)}
	a, err := s.attach(ctx, id, []string{"python3", "-I", "-S", "-c", bridgeSource}, true, pw, sess.diag)
	if err != nil {
		return nil, err
	}
	sess.a = a
	go func() {
		// The copy's end (EOF or a cut stream) ends the frames.
		<-a.copied
		_ = pw.CloseWithError(a.err)
	}()
	go readBridgeFrames(pr, sess.frames)
	fields := append([]string{s.spec.Interpreter, strconv.Itoa(s.spec.Limits.OutputBytes)}, sandbox.EnvironList(s.env)...)
	header := strings.Join(fields, "\x00")
	hello := strconv.Itoa(len(header)) + "\n" + header + strconv.Itoa(len(sandbox.SessionDriver)) + "\n" + string(sandbox.SessionDriver)
	if err := s.send(sess, []byte(hello)); err != nil {
		sess.end()
		return nil, err
	}
	timer := time.NewTimer(sessionStartTimeout)
	defer timer.Stop()
	select {
	case f, ok := <-sess.frames:
		if ok && f.kind == 'R' {
			var ready sandbox.DriverReady
			if err := json.Unmarshal(f.data, &ready); err == nil && ready.Ready {
				return sess, nil
			}
		}
	case <-timer.C:
	case <-ctx.Done():
	case <-s.closing:
	}
	sess.end()
	diag, _ := sess.diag.Text()
	return nil, core.Errorf(core.TypeSandboxExecution, "docker: the session interpreter did not start").
		WithDetails("%s", strings.TrimSpace(diag)).
		WithCauses("the image's python3 is older than 3.7 or lacks the standard library",
			"Spec.Interpreter names no interpreter in the image")
}

// send writes to the bridge's stdin, bounded so that a wedged bridge cannot hang the caller.
func (s *containerSandbox) send(sess *session, data []byte) error {
	_ = sess.a.stream.Conn.SetWriteDeadline(time.Now().Add(sessionStartTimeout))
	if _, err := sess.a.stream.Conn.Write(data); err != nil {
		return core.Errorf(core.TypeSandboxExecution, "docker: write to the session: %w", err)
	}
	return nil
}

// readBridgeFrames decodes the bridge's output into frames until it ends or goes wrong.
func readBridgeFrames(r io.Reader, out chan<- bridgeFrame) {
	defer close(out)
	br := bufio.NewReaderSize(r, 64<<10)
	var head [5]byte
	for {
		if _, err := io.ReadFull(br, head[:]); err != nil {
			return
		}
		n := binary.BigEndian.Uint32(head[1:])
		if n > maxBridgeFrame {
			return
		}
		data := make([]byte, n)
		if _, err := io.ReadFull(br, data); err != nil {
			return
		}
		out <- bridgeFrame{kind: head[0], data: data}
	}
}

// execSession runs the code in the episode's interpreter, starting one first when there is none.
func (s *containerSandbox) execSession(ctx context.Context, req sandbox.ExecRequest) (sandbox.Result, error) {
	restarted := s.sessionLost
	if s.session == nil {
		sess, err := s.startSession(ctx)
		if err != nil {
			return sandbox.Result{}, err
		}
		s.session = sess
	}
	s.sessionLost = false
	sess := s.session
	sess.nextID++
	code := req.Code
	if len(req.Argv) > 0 {
		code = argvCode(req.Argv)
	}
	var frame strings.Builder
	if err := sandbox.WriteDriverFrame(&frame, sandbox.DriverRequest{
		Op: "exec", ID: sess.nextID, Code: code, Output: sandbox.DriverOutputFDs,
	}); err != nil {
		return sandbox.Result{}, core.Errorf(core.TypeSandboxExecution, "docker: encode the request: %w", err)
	}
	stdout := sandbox.NewOutputBuffer("stdout", s.spec.Limits.OutputBytes)
	stderr := sandbox.NewOutputBuffer("stderr", s.spec.Limits.OutputBytes)
	start := time.Now()
	if err := s.send(sess, []byte(frame.String())); err != nil {
		s.loseSession()
		return sandbox.Result{SessionRestarted: true}, err
	}
	end, stop := s.follow(ctx, sess, stdout, stderr, s.timeout(req))
	res := sandbox.Result{Duration: time.Since(start), ExitCode: -1, SessionRestarted: restarted}
	if end != nil {
		stdout.AddDropped(end.StdoutDropped)
		stderr.AddDropped(end.StderrDropped)
		res.PeakBytes = end.PeakKB << 10
	}
	var outTrunc, errTrunc bool
	res.Stdout, outTrunc = stdout.Text()
	res.Stderr, errTrunc = stderr.Text()
	res.Truncated = outTrunc || errTrunc
	switch {
	case stop != notStopped && end != nil && end.Result != nil:
		// The result raced the stop, which killed the interpreter anyway.
		s.loseSession()
		res.SessionRestarted = true
		res.ExitCode = end.Result.ExitCode
		res.Outcome = classify(stop, report{}, true, res.ExitCode)
	case end != nil && end.Result != nil && end.Result.Error != "":
		s.loseSession()
		return res, core.Errorf(core.TypeSandboxExecution, "docker: the session driver refused the request: %s", end.Result.Error)
	case end != nil && end.Result != nil:
		res.ExitCode = end.Result.ExitCode
		res.Outcome = classify(stop, report{Status: res.ExitCode, OOM: end.OOM, PidsMax: end.PidsMax}, true, res.ExitCode)
	default:
		// The interpreter is gone: it crashed, ran out of memory or was stopped.
		s.loseSession()
		res.SessionRestarted = true
		if end != nil {
			res.ExitCode = end.Status
		} else if code, ok := s.exitCode(sess.a.execID); ok {
			res.ExitCode = code
		}
		rep := report{Status: res.ExitCode, OOM: end != nil && end.OOM, PidsMax: end != nil && end.PidsMax}
		if end != nil {
			rep.Signal = end.Signal
		}
		res.Outcome = classify(stop, rep, end != nil, res.ExitCode)
	}
	if stop == stoppedCancelled {
		return res, core.Errorf(core.TypeSandboxExecution, "docker: execution cancelled: %w", ctx.Err())
	}
	return res, nil
}

// follow relays one execution's output until the bridge reports its end, or stops it when its
// time is up, ctx is done or the sandbox closes, relaying what was printed until the stream ends.
// end is nil when the bridge went away without a report.
func (s *containerSandbox) follow(ctx context.Context, sess *session, stdout, stderr io.Writer, timeout time.Duration) (*bridgeEnd, stopReason) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	expired, cancelled, closing, disk := timer.C, ctx.Done(), s.closing, s.quotaExceeded()
	stop := notStopped
	var killed chan struct{} // closed once a stop has killed the processes
	finish := func(end *bridgeEnd) (*bridgeEnd, stopReason) {
		if killed != nil {
			<-killed
		}
		return end, stop
	}
	for {
		select {
		case f, ok := <-sess.frames:
			if !ok {
				return finish(nil)
			}
			switch f.kind {
			case 'o', 'e':
				relayChunk(f, stdout, stderr)
			case 'r', 'x':
				var end bridgeEnd
				if json.Unmarshal(f.data, &end) != nil {
					return finish(nil)
				}
				return finish(&end)
			}
			continue
		case <-expired:
			stop = stoppedTimeout
		case <-cancelled:
			stop = stoppedCancelled
		case <-closing:
			stop = stoppedClosed
		case <-disk:
			stop = stoppedDisk
		}
		// Stopped: kill everything, the interpreter included, from a second exec, and keep reading
		// frames meanwhile so the stream can drain.
		expired, cancelled, closing, disk = nil, nil, nil, nil
		killed = make(chan struct{})
		go func() {
			s.stopProcesses(sess.a)
			close(killed)
		}()
	}
}

// argvCode runs a command from the session's interpreter, binding no name in its namespace, and
// exits with the command's status (128 + the signal's number when one killed it).
func argvCode(argv []string) string {
	list, _ := json.Marshal(argv) // a JSON array of strings is a Python list literal
	return "(lambda r: __import__('sys').exit(128 - r if r < 0 else r))(__import__('subprocess').call(" +
		string(list) + "))"
}

func relayChunk(f bridgeFrame, stdout, stderr io.Writer) {
	switch f.kind {
	case 'o':
		_, _ = stdout.Write(f.data)
	case 'e':
		_, _ = stderr.Write(f.data)
	}
}

// loseSession forgets the interpreter; the next execution starts a new one and says so.
func (s *containerSandbox) loseSession() {
	s.dropSession()
	s.sessionLost = true
}

// dropSession ends the bridge, if any, without marking the session lost (Reset, Close).
func (s *containerSandbox) dropSession() {
	if s.session != nil {
		s.session.end()
		s.session = nil
	}
}

// end cuts the bridge's stream and lets the frame reader finish in the background.
func (sess *session) end() {
	sess.a.stream.Close()
	go func() {
		for range sess.frames {
		}
	}()
}
