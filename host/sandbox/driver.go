package sandbox

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// SessionDriver is the Python source of the session-mode driver that every backend runs inside its
// sandbox: one persistent interpreter that executes code blocks in a single globals dict (a module
// named __main__, so pickling functions defined by earlier blocks works), like a notebook kernel.
// It needs Python >= 3.7 and only the standard library, and runs as a file or through `python3 -c`.
//
// Start it as `<interpreter> <driver> [--request-fd N] [--result-fd N]` (defaults 0 and 1); when
// both name the same fd it must be a Unix stream socket. At start it keeps private copies of the
// two channels and points fds 0, 1 and 2 at /dev/null, so the code can neither read requests nor
// write results by accident.
//
// The protocol is a sequence of frames in each direction: the ASCII decimal length of a JSON
// object, a newline, then the object (see WriteDriverFrame and ReadDriverFrame):
//
//   - driver → backend, once at start: DriverReady.
//   - backend → driver: DriverRequest with Op "exec".
//   - driver → backend, one per request, in order: DriverResult.
//
// Per execution the driver points fds 1 and 2 at the execution's outputs, so subprocesses the code
// starts are captured too: with Output "fds" they are two file descriptors sent with the request's
// bytes (SCM_RIGHTS; the request channel must be a Unix socket), with Output "capture" they are
// pipes the driver drains itself, returning the first Limit bytes of each in the result. The code
// runs with compile/exec; an uncaught exception prints its traceback (without the driver's frame)
// to stderr and gives exit code 1, SystemExit gives its code, and the interpreter lives on. A code
// block that kills the interpreter (os._exit, a signal, the OOM killer) ends the driver: the
// backend sees the process end and starts a new one for the next execution. EOF on the request
// channel ends the driver with status 0. Timeouts and leftover processes are the backend's job.
//
//go:embed session_driver.py
var SessionDriver []byte

// SessionDriverVersion is the protocol version the embedded driver reports in DriverReady.
const SessionDriverVersion = 1

// Values of DriverRequest.Output.
const (
	DriverOutputFDs     = "fds"
	DriverOutputCapture = "capture"
)

// DriverReady is the session driver's first frame.
type DriverReady struct {
	Ready   bool `json:"ready"`
	PID     int  `json:"pid"`
	Version int  `json:"version"`
}

// DriverRequest asks the session driver to run one code block.
type DriverRequest struct {
	Op   string `json:"op"` // "exec"
	ID   int64  `json:"id"`
	Code string `json:"code"`
	// Filename names the code in tracebacks; default "<cell N>".
	Filename string `json:"filename,omitempty"`
	// Output is DriverOutputFDs or DriverOutputCapture.
	Output string `json:"output"`
	// Limit is the byte cap per stream in capture mode.
	Limit int `json:"limit,omitempty"`
}

// DriverResult is the session driver's answer to one request. Error is set, and the rest empty,
// when the request itself was malformed.
type DriverResult struct {
	ID       *int64 `json:"id"`
	ExitCode int    `json:"exit_code"`
	Error    string `json:"error,omitempty"`
	// Capture mode only.
	Stdout        string `json:"stdout,omitempty"`
	Stderr        string `json:"stderr,omitempty"`
	StdoutDropped int64  `json:"stdout_dropped,omitempty"`
	StderrDropped int64  `json:"stderr_dropped,omitempty"`
}

// MaxDriverFrame bounds a frame ReadDriverFrame accepts: room for a capture-mode result of two
// large outputs. A backend that expects small frames (fd mode) should pass a smaller limit to
// ReadDriverFrameLimit, since the frames come from code it does not trust.
const MaxDriverFrame = 64 << 20

// WriteDriverFrame writes v as one frame of the session driver's protocol.
func WriteDriverFrame(w io.Writer, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	frame := make([]byte, 0, len(body)+12)
	frame = strconv.AppendInt(frame, int64(len(body)), 10)
	frame = append(frame, '\n')
	frame = append(frame, body...)
	_, err = w.Write(frame)
	return err
}

// ReadDriverFrame reads one frame of the session driver's protocol into v, refusing frames over
// MaxDriverFrame.
func ReadDriverFrame(r *bufio.Reader, v any) error {
	return ReadDriverFrameLimit(r, v, MaxDriverFrame)
}

// ReadDriverFrameLimit reads one frame into v, refusing one whose body exceeds limit bytes before
// reading it.
func ReadDriverFrameLimit(r *bufio.Reader, v any, limit int) error {
	head, err := r.ReadSlice('\n')
	if err != nil {
		if err == bufio.ErrBufferFull {
			return fmt.Errorf("session driver: frame header too long")
		}
		return err
	}
	n, err := strconv.Atoi(string(head[:len(head)-1]))
	if err != nil || n < 0 {
		return fmt.Errorf("session driver: bad frame header %q", head)
	}
	if n > limit {
		return fmt.Errorf("session driver: a frame of %d bytes exceeds the limit of %d", n, limit)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("session driver: bad frame: %w", err)
	}
	return nil
}
