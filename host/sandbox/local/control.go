//go:build linux

package local

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// The host and the sandbox's init talk over a SOCK_SEQPACKET socket pair: one JSON message per
// packet, file descriptors riding along as SCM_RIGHTS. Requests carry a sequence number that their
// reply repeats; job exits are sent unasked.

// Operations, host → init.
const (
	opConfig = "config" // first message: build the root (initConfig)
	opSpawn  = "spawn"  // start a job; fds: the job's stdin, stdout, stderr, then the code's memfd
	opKill   = "kill"   // kill every process but init
	opSweep  = "sweep"  // kill every process but init and the kept jobs
)

// Operations, init → host.
const (
	opReady   = "ready"   // the root is built (reply to opConfig)
	opFailed  = "failed"  // a request failed (Err, Feature)
	opStarted = "started" // a job runs (reply to opSpawn)
	opDone    = "done"    // a kill or sweep finished (reply)
	opExited  = "exited"  // a job ended and, unless it was kept, everything it left was killed
)

// message is every packet's body; fields apply by Op.
type message struct {
	Op  string `json:"op"`
	Seq int64  `json:"seq,omitempty"`

	Config *initConfig `json:"config,omitempty"`
	Job    *job        `json:"job,omitempty"`

	JobID   int64       `json:"job_id,omitempty"`
	PID     int         `json:"pid,omitempty"`
	Status  *exitStatus `json:"status,omitempty"`
	Err     string      `json:"err,omitempty"`
	Feature string      `json:"feature,omitempty"`
	Info    []string    `json:"info,omitempty"`
}

// exitStatus is how a job's process ended.
type exitStatus struct {
	Exited   bool  `json:"exited"`
	Code     int   `json:"code"`
	Signal   int   `json:"signal"`
	MaxRSSKB int64 `json:"max_rss_kb"`
}

// exitCode is the shell's convention: the status, or 128 + the signal.
func (s exitStatus) exitCode() int {
	if s.Exited {
		return s.Code
	}
	return 128 + s.Signal
}

func statusOf(ws unix.WaitStatus, ru *unix.Rusage) exitStatus {
	st := exitStatus{MaxRSSKB: ru.Maxrss}
	switch {
	case ws.Exited():
		st.Exited, st.Code = true, ws.ExitStatus()
	case ws.Signaled():
		st.Signal = int(ws.Signal())
	}
	return st
}

// maxPacket bounds one message; the code itself travels in a memfd, never in a packet.
const maxPacket = 1 << 20

// conn is one end of the control socket. Sends are serialised; receives happen on one goroutine.
type conn struct {
	uc  *net.UnixConn
	wmu sync.Mutex
	buf []byte
	oob []byte
}

// newConn wraps a SOCK_SEQPACKET socket; f is closed (the conn holds its own descriptor).
func newConn(f *os.File) (*conn, error) {
	defer f.Close()
	c, err := net.FileConn(f)
	if err != nil {
		return nil, err
	}
	uc, ok := c.(*net.UnixConn)
	if !ok {
		c.Close()
		return nil, fmt.Errorf("control socket is a %T", c)
	}
	return &conn{uc: uc, buf: make([]byte, maxPacket), oob: make([]byte, unix.CmsgSpace(16*4))}, nil
}

// socketPair makes the control socket pair: the host's end and the init's.
func socketPair() (host, child *os.File, err error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, err
	}
	return os.NewFile(uintptr(fds[0]), "dojo-control"), os.NewFile(uintptr(fds[1]), "dojo-control"), nil
}

// send writes m with files attached.
func (c *conn) send(m message, files ...*os.File) error {
	body, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if len(body) > maxPacket {
		return fmt.Errorf("control message of %d bytes is too large", len(body))
	}
	var oob []byte
	if len(files) > 0 {
		fds := make([]int, len(files))
		for i, f := range files {
			fds[i] = int(f.Fd())
		}
		oob = unix.UnixRights(fds...)
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, _, err = c.uc.WriteMsgUnix(body, oob, nil)
	return err
}

// recv reads one message and the files that came with it. It returns io.EOF-like errors when the
// other end is gone.
func (c *conn) recv() (message, []*os.File, error) {
	n, oobn, flags, _, err := c.uc.ReadMsgUnix(c.buf, c.oob)
	if err != nil {
		return message{}, nil, err
	}
	var files []*os.File
	if oobn > 0 {
		scms, perr := unix.ParseSocketControlMessage(c.oob[:oobn])
		if perr == nil {
			for _, scm := range scms {
				fds, ferr := unix.ParseUnixRights(&scm)
				if ferr != nil {
					continue
				}
				for _, fd := range fds {
					unix.CloseOnExec(fd)
					files = append(files, os.NewFile(uintptr(fd), "dojo-passed"))
				}
			}
		}
	}
	if n == 0 && oobn == 0 {
		return message{}, nil, errEOF
	}
	if flags&(unix.MSG_TRUNC|unix.MSG_CTRUNC) != 0 {
		closeAll(files)
		return message{}, nil, fmt.Errorf("control message truncated")
	}
	var m message
	if err := json.Unmarshal(c.buf[:n], &m); err != nil {
		closeAll(files)
		return message{}, nil, fmt.Errorf("bad control message: %w", err)
	}
	return m, files, nil
}

func (c *conn) close() error { return c.uc.Close() }

var errEOF = fmt.Errorf("control socket closed")

func closeAll(files []*os.File) {
	for _, f := range files {
		if f != nil {
			f.Close()
		}
	}
}
