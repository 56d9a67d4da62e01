# Dojo's session driver: one persistent Python interpreter that runs code blocks, one after another,
# in a single globals dict (a module named __main__), like a notebook kernel. Every backend runs this
# same file; the protocol is documented in host/sandbox/driver.go (see SessionDriver).
#
# Frames, both ways: ASCII decimal length, "\n", then that many bytes of a JSON object.
#   driver -> backend, once at start:  {"ready": true, "pid": N, "version": 1}
#   backend -> driver:                 {"op": "exec", "id": N, "code": "...", "filename": "...",
#                                       "output": "fds" | "capture", "limit": N}
#   driver -> backend, per request:    {"id": N, "exit_code": N}            (+ "stdout", "stderr",
#                                       "stdout_dropped", "stderr_dropped" in capture mode)
#                                      or {"id": N, "error": "..."} when the request was malformed.
# With "output": "fds" the request's bytes carry two file descriptors (SCM_RIGHTS): the execution's
# stdout and stderr; the request channel must then be a Unix socket. With "capture" the driver drains
# fds 1 and 2 itself and returns the first `limit` bytes of each in the result.
# EOF on the request channel ends the driver. It needs Python >= 3.7 and only the standard library
# (socket.recv_fds is emulated for 3.7/3.8).
import array
import builtins
import io
import json
import linecache
import os
import socket
import sys
import threading
import traceback
import types

VERSION = 1
MAX_FRAME = 1 << 30


def parse_args(argv):
    opts = {"request_fd": 0, "result_fd": 1}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--request-fd", "--result-fd") and i + 1 < len(argv):
            opts[a[2:].replace("-", "_")] = int(argv[i + 1])
            i += 2
        else:
            i += 1
    return opts


class Channel:
    """Reads request frames (and any file descriptors sent with them) and writes result frames."""

    def __init__(self, request_fd, result_fd):
        self.rfd = os.dup(request_fd)
        self.wfd = self.rfd if result_fd == request_fd else os.dup(result_fd)
        for fd in {self.rfd, self.wfd}:
            os.set_inheritable(fd, False)
        self.sock = None
        try:
            s = socket.socket(fileno=os.dup(self.rfd))
            if s.family == socket.AF_UNIX:
                self.sock = s
            else:
                s.detach()
        except OSError:
            pass
        self.buf = b""
        self.fds = []

    def _fill(self):
        if self.sock is not None:
            data, fds = recv_fds(self.sock, 1 << 16, 16)
            self.fds.extend(fds)
        else:
            data = os.read(self.rfd, 1 << 16)
        if not data:
            raise EOFError
        self.buf += data

    def read(self):
        while b"\n" not in self.buf:
            if len(self.buf) > 32:
                raise ValueError("bad frame header")
            self._fill()
        head, _, rest = self.buf.partition(b"\n")
        size = int(head)
        if size < 0 or size > MAX_FRAME:
            raise ValueError("bad frame length %d" % size)
        self.buf = rest
        chunks = [self.buf]
        have = len(self.buf)
        while have < size:
            self.buf = b""
            self._fill()
            chunks.append(self.buf)
            have += len(self.buf)
        data = b"".join(chunks)
        self.buf = data[size:]
        return json.loads(data[:size].decode("utf-8"))

    def take_fds(self, n):
        if len(self.fds) < n:
            raise ValueError("expected %d file descriptors with the request, got %d" % (n, len(self.fds)))
        got, self.fds = self.fds[:n], self.fds[n:]
        return got

    def write(self, obj):
        data = json.dumps(obj).encode("utf-8")
        data = str(len(data)).encode() + b"\n" + data
        while data:
            n = os.write(self.wfd, data)
            data = data[n:]


def recv_fds(sock, bufsize, maxfds):
    if hasattr(socket, "recv_fds"):
        data, fds, _, _ = socket.recv_fds(sock, bufsize, maxfds)
        return data, list(fds)
    fds = array.array("i")
    data, ancdata, _, _ = sock.recvmsg(bufsize, socket.CMSG_LEN(maxfds * fds.itemsize))
    for level, kind, cdata in ancdata:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(cdata[:len(cdata) - (len(cdata) % fds.itemsize)])
    return data, list(fds)


class Drain(threading.Thread):
    """Keeps the first `limit` bytes read from a pipe and counts the rest, so that the writer never
    blocks and memory stays bounded."""

    def __init__(self, fd, limit):
        super().__init__(daemon=True)
        self.fd, self.limit = fd, limit
        self.kept = bytearray()
        self.dropped = 0
        self.done = threading.Event()

    def run(self):
        try:
            while True:
                data = os.read(self.fd, 1 << 16)
                if not data:
                    break
                room = self.limit - len(self.kept)
                if room > 0:
                    self.kept += data[:room]
                self.dropped += max(0, len(data) - max(room, 0))
        except OSError:
            pass
        finally:
            os.close(self.fd)
            self.done.set()


class Kernel:
    def __init__(self):
        self.module = types.ModuleType("__main__")
        self.module.__dict__["__builtins__"] = builtins
        sys.modules["__main__"] = self.module
        self.null = os.open(os.devnull, os.O_RDWR)
        os.set_inheritable(self.null, False)
        self.cells = 0

    def _streams(self):
        # The code may have closed or replaced sys.stdout/sys.stderr in an earlier block.
        for name, fd in (("stdout", 1), ("stderr", 2)):
            cur = getattr(sys, name)
            if cur is None or getattr(cur, "closed", True) or cur is not getattr(sys, "__" + name + "__"):
                stream = io.TextIOWrapper(io.FileIO(fd, "w", closefd=False), encoding="utf-8",
                                          errors="backslashreplace", write_through=True)
                setattr(sys, name, stream)
                setattr(sys, "__" + name + "__", stream)

    def _flush(self):
        for s in (sys.stdout, sys.stderr):
            try:
                s.flush()
            except Exception:  # noqa: BLE001 - a broken stream must not stop the driver
                pass

    def run(self, req, chan):
        rid = req.get("id")
        code = req.get("code")
        if not isinstance(code, str):
            return {"id": rid, "error": "exec: code must be a string"}
        output = req.get("output", "fds")
        drains = []
        if output == "fds":
            out, err = chan.take_fds(2)
        elif output == "capture":
            limit = int(req.get("limit", 256 << 10))
            (r1, out), (r2, err) = os.pipe(), os.pipe()
            drains = [Drain(r1, limit), Drain(r2, limit)]
            for d in drains:
                d.start()
        else:
            return {"id": rid, "error": "exec: unknown output %r" % (output,)}
        self._flush()
        os.dup2(out, 1)
        os.dup2(err, 2)
        os.close(out)
        os.close(err)
        self._streams()
        try:
            exit_code = self._exec(code, req.get("filename"))
        finally:
            self._flush()
            os.dup2(self.null, 1)
            os.dup2(self.null, 2)
        reap()
        res = {"id": rid, "exit_code": exit_code}
        if drains:
            for d, name in zip(drains, ("stdout", "stderr")):
                # Background processes may hold the pipe; the backend kills them after this result.
                d.done.wait(0.2)
                res[name] = bytes(d.kept).decode("utf-8", "replace")
                res[name + "_dropped"] = d.dropped
        return res

    def _exec(self, code, filename):
        self.cells += 1
        if not filename:
            filename = "<cell %d>" % self.cells
        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
        try:
            compiled = compile(code, filename, "exec", dont_inherit=True)
        except (SyntaxError, ValueError, OverflowError):
            sys.stderr.write("".join(traceback.format_exception_only(*sys.exc_info()[:2])))
            return 1
        try:
            exec(compiled, self.module.__dict__)
        except SystemExit as e:
            return exit_status(e.code)
        except BaseException:  # noqa: B902 - everything the code raises is the code's failure
            etype, value, tb = sys.exc_info()
            sys.stderr.write("".join(traceback.format_exception(etype, value, tb.tb_next)))
            return 1
        return 0


def exit_status(code):
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    try:
        sys.stderr.write(str(code) + "\n")
    except Exception:  # noqa: BLE001
        pass
    return 1


def reap():
    # Children the code left are killed by the backend after each execution; collect them here so
    # they do not pile up as zombies.
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        except OSError:
            return
        if pid == 0:
            return


def main():
    opts = parse_args(sys.argv[1:])
    chan = Channel(opts["request_fd"], opts["result_fd"])
    kernel = Kernel()
    # The code must neither read requests nor write results outside the protocol: fds 0, 1 and 2
    # point at /dev/null between executions.
    for fd in (0, 1, 2):
        os.dup2(kernel.null, fd)
    kernel._streams()
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(io.FileIO(0, "r", closefd=False))
    chan.write({"ready": True, "pid": os.getpid(), "version": VERSION})
    while True:
        try:
            req = chan.read()
        except EOFError:
            return
        except (ValueError, UnicodeDecodeError) as e:
            chan.write({"id": None, "error": "bad request: %s" % e})
            return
        if not isinstance(req, dict) or req.get("op") != "exec":
            chan.write({"id": req.get("id") if isinstance(req, dict) else None, "error": "unknown request"})
            continue
        try:
            res = kernel.run(req, chan)
        except (ValueError, OSError) as e:
            res = {"id": req.get("id"), "error": "exec: %s" % e}
        chan.write(res)


if __name__ == "__main__":
    main()
