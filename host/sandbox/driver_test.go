//go:build linux

package sandbox

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

const testPython = "/usr/bin/python3"

func requirePython(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(testPython); err != nil {
		t.Skipf("%s: %v", testPython, err)
	}
}

// captureDriver runs the driver through `python3 -c` with pipes, as a backend that cannot pass
// descriptors (docker exec) would, and returns its request writer and result reader.
func captureDriver(t *testing.T) (io.Writer, *bufio.Reader) {
	t.Helper()
	requirePython(t)
	cmd := exec.Command(testPython, "-c", string(SessionDriver))
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("the driver did not end cleanly at EOF: %v; stderr: %s", err, stderr.String())
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("the driver did not end at EOF")
		}
	})
	r := bufio.NewReader(out)
	var ready DriverReady
	if err := ReadDriverFrame(r, &ready); err != nil || !ready.Ready || ready.Version != SessionDriverVersion || ready.PID != cmd.Process.Pid {
		t.Fatalf("ready frame: %+v, %v; stderr: %s", ready, err, stderr.String())
	}
	return in, r
}

func run(t *testing.T, w io.Writer, r *bufio.Reader, id int64, code string) DriverResult {
	t.Helper()
	if err := WriteDriverFrame(w, DriverRequest{Op: "exec", ID: id, Code: code, Output: DriverOutputCapture, Limit: 1000}); err != nil {
		t.Fatal(err)
	}
	var res DriverResult
	if err := ReadDriverFrame(r, &res); err != nil {
		t.Fatal(err)
	}
	if res.ID == nil || *res.ID != id {
		t.Fatalf("answer to another request: %+v", res)
	}
	return res
}

func TestSessionDriver_KeepsStateAndReportsExitCodes(t *testing.T) {
	w, r := captureDriver(t)
	if res := run(t, w, r, 1, "x = 20\nimport json"); res.ExitCode != 0 || res.Error != "" {
		t.Fatalf("%+v", res)
	}
	if res := run(t, w, r, 2, "print(json.dumps(x * 2))"); res.Stdout != "40\n" || res.ExitCode != 0 {
		t.Fatalf("state must persist: %+v", res)
	}
	res := run(t, w, r, 3, "def f():\n    raise ValueError('boom')\nf()")
	if res.ExitCode != 1 || !strings.Contains(res.Stderr, "ValueError: boom") || !strings.Contains(res.Stderr, `File "<cell 3>", line 3`) ||
		strings.Contains(res.Stderr, "session_driver") || strings.Contains(res.Stderr, "in _exec") {
		t.Fatalf("a traceback of the code's frames only: %+v", res)
	}
	if res := run(t, w, r, 4, "import sys; sys.exit(4)"); res.ExitCode != 4 {
		t.Fatalf("sys.exit: %+v", res)
	}
	if res := run(t, w, r, 5, "def f(:"); res.ExitCode != 1 || !strings.Contains(res.Stderr, "SyntaxError") {
		t.Fatalf("syntax error: %+v", res)
	}
	if res := run(t, w, r, 6, "print(x)"); res.Stdout != "20\n" {
		t.Fatalf("state must survive failures: %+v", res)
	}
}

func TestSessionDriver_CapturesSubprocessesAndCapsOutput(t *testing.T) {
	w, r := captureDriver(t)
	res := run(t, w, r, 1, "import subprocess, sys\nsubprocess.run([sys.executable, '-c', 'print(\"from child\")'])\nsys.stdout.write('x' * 5000)\nprint('err', file=sys.stderr)")
	if !strings.HasPrefix(res.Stdout, "from child\n") || len(res.Stdout) != 1000 || res.StdoutDropped != 4011 || res.Stderr != "err\n" {
		t.Fatalf("got stdout of %d bytes (%q...), dropped %d, stderr %q", len(res.Stdout), res.Stdout[:20], res.StdoutDropped, res.Stderr)
	}
	if res := run(t, w, r, 2, "import sys; print(repr(sys.stdin.read()))"); res.Stdout != "''\n" {
		t.Fatalf("the code must not read the requests: %+v", res)
	}
}

func TestSessionDriver_RefusesBadRequests(t *testing.T) {
	w, r := captureDriver(t)
	if err := WriteDriverFrame(w, map[string]any{"op": "launch", "id": 1}); err != nil {
		t.Fatal(err)
	}
	var res DriverResult
	if err := ReadDriverFrame(r, &res); err != nil || res.Error == "" {
		t.Fatalf("an unknown op must be refused: %+v, %v", res, err)
	}
	if res := run(t, w, r, 2, "print('still serving')"); res.Stdout != "still serving\n" {
		t.Fatalf("%+v", res)
	}
}

// TestSessionDriver_FDModeWritesToTheGivenDescriptors runs the driver as the local backend does:
// one Unix socket for requests and results, and each execution's outputs passed along.
func TestSessionDriver_FDModeWritesToTheGivenDescriptors(t *testing.T) {
	requirePython(t)
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	hostEnd, drvEnd := os.NewFile(uintptr(fds[0]), "host"), os.NewFile(uintptr(fds[1]), "driver")
	cmd := exec.Command(testPython, "-c", string(SessionDriver), "--request-fd", "0", "--result-fd", "0")
	cmd.Stdin = drvEnd
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	drvEnd.Close()
	c, err := net.FileConn(hostEnd)
	hostEnd.Close()
	if err != nil {
		t.Fatal(err)
	}
	conn := c.(*net.UnixConn)
	defer func() {
		conn.Close()
		_ = cmd.Wait()
	}()
	r := bufio.NewReader(conn)
	var ready DriverReady
	if err := ReadDriverFrame(r, &ready); err != nil || !ready.Ready {
		t.Fatalf("ready: %+v %v", ready, err)
	}
	for id := int64(1); id <= 3; id++ {
		outR, outW, _ := os.Pipe()
		errR, errW, _ := os.Pipe()
		var frame bytes.Buffer
		_ = WriteDriverFrame(&frame, DriverRequest{Op: "exec", ID: id, Code: "import os, sys\nprint('out', " +
			"os.getpid())\nprint('err', file=sys.stderr)\nos.system('echo shell')", Output: DriverOutputFDs})
		if _, _, err := conn.WriteMsgUnix(frame.Bytes(), unix.UnixRights(int(outW.Fd()), int(errW.Fd())), nil); err != nil {
			t.Fatal(err)
		}
		outW.Close()
		errW.Close()
		var res DriverResult
		if err := ReadDriverFrame(r, &res); err != nil || res.ExitCode != 0 {
			t.Fatalf("result: %+v %v", res, err)
		}
		// The driver let go of the pipes: they end.
		out, _ := io.ReadAll(outR)
		errOut, _ := io.ReadAll(errR)
		if !strings.HasPrefix(string(out), "out ") || !strings.Contains(string(out), "shell\n") || string(errOut) != "err\n" {
			t.Fatalf("execution %d: stdout %q, stderr %q", id, out, errOut)
		}
	}
}

func TestDriverFrames_RoundTripAndLimits(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteDriverFrame(&buf, DriverRequest{Op: "exec", ID: 7, Code: "print('é')"}); err != nil {
		t.Fatal(err)
	}
	var got DriverRequest
	if err := ReadDriverFrame(bufio.NewReader(bytes.NewReader(buf.Bytes())), &got); err != nil || got.ID != 7 || got.Code != "print('é')" {
		t.Fatalf("%+v %v", got, err)
	}
	if err := ReadDriverFrameLimit(bufio.NewReader(bytes.NewReader(buf.Bytes())), &got, 10); err == nil {
		t.Errorf("a frame over the limit must be refused")
	}
	for _, bad := range []string{"-1\n{}", "x\n{}", "5\n{}", "2\n[]"} {
		if err := ReadDriverFrame(bufio.NewReader(strings.NewReader(bad)), &got); err == nil {
			t.Errorf("%q must be refused", bad)
		}
	}
}
