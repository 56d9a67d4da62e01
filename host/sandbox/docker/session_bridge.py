# Dojo's docker session bridge: runs the shared session driver (host/sandbox/session_driver.py)
# inside the sandbox container and relays it over one docker exec, which carries only bytes, not
# file descriptors. The Go side starts it as `python3 -I -S -c <this file>`.
#
# stdin (from the backend):
#   <length>\n interpreter \0 output-limit \0 KEY=VALUE \0 ...   (NUL-separated; the code's env)
#   <length>\n <driver source>
#   then driver request frames ("<length>\n<JSON>"), forwarded unchanged.
# stdout (to the backend): frames of one kind byte, a 4-byte big-endian length and the payload:
#   R  the driver's ready object (JSON)
#   o  e   a chunk of the execution's stdout or stderr (at most output-limit bytes of each are
#          relayed per execution; the rest is counted)
#   r  {"result": <driver result>, "peak_kb", "oom", "pids_max", "stdout_dropped", "stderr_dropped"}
#   x  the driver died: {"status", "signal", "peak_kb", "oom", "pids_max", "stdout_dropped",
#      "stderr_dropped"}; the bridge exits after it.
#
# For each request the bridge makes two pipes, sends their write ends with the request (the
# driver's "fds" output mode, over a Unix socket pair) and relays what comes out of the read ends,
# so output written before a crash or a timeout is not lost. When the execution ends it kills every
# other process of the sandbox user but the driver (kill(2) of init, another user, fails), as the
# fresh-mode runner does. EOF on stdin kills the driver and ends the bridge.
import array
import json
import os
import select
import socket
import struct
import sys
import time

# After an execution's result, how long leftover writers may keep its pipes open once killed.
DRAIN_SECONDS = 1.0


def counter(paths, key):
    for path in paths:
        try:
            with open(path) as f:
                for line in f:
                    k, _, v = line.strip().partition(" ")
                    if k == key:
                        return int(v)
        except (OSError, ValueError):
            continue
    return -1


def counters():
    return (counter(["/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"], "oom_kill"),
            counter(["/sys/fs/cgroup/pids.events", "/sys/fs/cgroup/pids/pids.events"], "max"))


def grew(before, after):
    return before >= 0 and after > before


def send(kind, payload):
    data = kind + struct.pack(">I", len(payload)) + payload
    while data:
        n = os.write(1, data)
        data = data[n:]


def read_frame(stdin):
    head = stdin.readline()
    if not head:
        return None
    body = stdin.read(int(head))
    return head, body


def kill_others(keep):
    me = os.getpid()
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) not in (me, keep):
            try:
                os.kill(int(name), 9)
            except OSError:
                pass


def peak_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def reset_peak(pid):
    try:
        with open("/proc/%d/clear_refs" % pid, "w") as f:
            f.write("5")
    except OSError:
        pass


class Relay:
    """Relays one execution's two pipes, keeping at most `limit` bytes of each."""

    def __init__(self, r_out, r_err, limit):
        self.open = {r_out: b"o", r_err: b"e"}
        self.left = {r_out: limit, r_err: limit}
        self.dropped = {b"o": 0, b"e": 0}

    def fds(self):
        return list(self.open)

    def pump(self, fd):
        data = os.read(fd, 1 << 16)
        kind = self.open[fd]
        if not data:
            os.close(fd)
            del self.open[fd]
            return
        keep = data[:max(self.left[fd], 0)]
        self.left[fd] -= len(keep)
        self.dropped[kind] += len(data) - len(keep)
        if keep:
            send(kind, keep)

    def drain(self, seconds):
        deadline = time.monotonic() + seconds
        while self.open:
            wait = deadline - time.monotonic()
            if wait <= 0:
                break
            ready, _, _ = select.select(self.fds(), [], [], wait)
            for fd in ready:
                self.pump(fd)
        for fd in list(self.open):
            os.close(fd)
        self.open = {}


def start_driver(interpreter, source, env):
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(theirs.fileno(), 3)
            null = os.open("/dev/null", os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            os.closerange(4, 1 << 16)
            os.execvpe(interpreter, [interpreter, "-c", source, "--request-fd", "3", "--result-fd", "3"], env)
        finally:
            os._exit(127)
    theirs.close()
    return pid, mine


def read_result(sock, buf):
    """Returns (frame body or None on EOF, rest of buffer) once a whole frame is in."""
    while True:
        head, nl, rest = buf.partition(b"\n")
        if nl and len(rest) >= int(head):
            n = int(head)
            return rest[:n], rest[n:]
        data = sock.recv(1 << 16)
        if not data:
            return None, buf
        buf += data


def main():
    stdin = sys.stdin.buffer
    _, header = read_frame(stdin)
    fields = header.decode("utf-8", "surrogateescape").split("\0")
    interpreter, limit = fields[0], int(fields[1])
    env = dict(kv.split("=", 1) for kv in fields[2:] if kv)
    _, source = read_frame(stdin)
    pid, sock = start_driver(interpreter, source.decode("utf-8"), env)
    ready, buf = read_result(sock, b"")
    if ready is None:
        _, status = os.waitpid(pid, 0)
        send(b"x", json.dumps({"status": exit_status(status), "signal": term_signal(status), "peak_kb": 0,
                               "oom": False, "pids_max": False, "stdout_dropped": 0, "stderr_dropped": 0}).encode())
        return
    send(b"R", ready)
    while True:
        frame = read_frame(stdin)
        if frame is None:
            os.kill(pid, 9)
            return
        before = counters()
        reset_peak(pid)
        r_out, w_out = os.pipe()
        r_err, w_err = os.pipe()
        sock.sendmsg([frame[0] + frame[1]], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [w_out, w_err]))])
        os.close(w_out)
        os.close(w_err)
        relay = Relay(r_out, r_err, limit)
        result = None
        while result is None:
            ready_fds, _, _ = select.select(relay.fds() + [sock], [], [])
            for fd in ready_fds:
                if fd is sock:
                    result, buf = read_result(sock, buf)
                    if result is None:
                        return died(pid, relay, before)
                else:
                    relay.pump(fd)
        peak = peak_kb(pid)
        kill_others(pid)
        relay.drain(DRAIN_SECONDS)
        after = counters()
        send(b"r", json.dumps({
            "result": json.loads(result.decode("utf-8")), "peak_kb": peak,
            "oom": grew(before[0], after[0]), "pids_max": grew(before[1], after[1]),
            "stdout_dropped": relay.dropped[b"o"], "stderr_dropped": relay.dropped[b"e"],
        }).encode())


def died(pid, relay, before):
    _, status, usage = os.wait4(pid, 0)
    kill_others(0)
    relay.drain(DRAIN_SECONDS)
    after = counters()
    send(b"x", json.dumps({
        "status": exit_status(status), "signal": term_signal(status), "peak_kb": usage.ru_maxrss,
        "oom": grew(before[0], after[0]), "pids_max": grew(before[1], after[1]),
        "stdout_dropped": relay.dropped[b"o"], "stderr_dropped": relay.dropped[b"e"],
    }).encode())


def exit_status(status):
    return 128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def term_signal(status):
    return os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0


main()
