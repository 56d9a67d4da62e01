# Dojo's docker exec runner: runs one fresh-mode execution inside the sandbox container and reports
# how it ended. The Go side starts it as `python3 -I -S -c <this file>` in a docker exec and writes
# to its stdin a header, then the code:
#
#   <header length in bytes, decimal>\n
#   nonce \0 interpreter \0 argc \0 argv... \0 KEY=VALUE \0 ... (NUL-separated; argc 0: run code)
#   <Python source, up to end of input>
#
# It runs argv (or the interpreter on the code, saved under /tmp/.dojo) with stdin from /dev/null
# and exactly the given environment, waits for it, kills every process of the sandbox user that is
# left (kill(-1) spares only init, which runs as another user, and this process), and appends to
# stderr the nonce and a JSON report: {"status", "signal", "peak_kb", "oom", "pids_max"}. The nonce
# never appears in argv or the environment, so printing cannot forge the report. (Code that reads
# this process's memory could; it would only misreport its own execution.)
#
# It must start fast and run on any python3 >= 3.7: it imports only os, resource and sys
# (json, re and signal would cost tens of milliseconds per execution).
import os
import resource
import sys


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


def oom_kills():
    # cgroup v2, then v1 (memory.oom_control gained oom_kill in Linux 4.13).
    return counter(["/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"], "oom_kill")


def pids_max_hits():
    return counter(["/sys/fs/cgroup/pids.events", "/sys/fs/cgroup/pids/pids.events"], "max")


def save_code(code):
    d = "/tmp/.dojo"
    try:
        os.mkdir(d, 0o700)
    except FileExistsError:
        pass
    path = os.path.join(d, "main.py")
    with open(path, "wb") as f:
        f.write(code)
    return path


def child(argv, env, code_path, code):
    try:
        try:
            with open("/proc/self/oom_score_adj", "w") as f:
                f.write("1000")  # the code, not this runner, is what the OOM killer should pick
        except OSError:
            pass
        if code_path is None and code is not None:
            # /tmp is full: hand the code over on stdin instead of a file.
            r, w = os.pipe()
            if os.fork() == 0:
                os.close(r)
                os.write(w, code)
                os._exit(0)
            os.close(w)
            os.dup2(r, 0)
        else:
            fd = os.open("/dev/null", os.O_RDONLY)
            os.dup2(fd, 0)
        os.execvpe(argv[0], argv, env)
    except BaseException as e:  # noqa: B902 - the child must never return into the runner
        os.write(2, ("dojo: cannot start %s: %s\n" % (argv[0], e)).encode())
    os._exit(127)


def read_header(stdin):
    size = int(stdin.readline())
    fields = stdin.read(size).decode("utf-8", "surrogateescape").split("\0")
    nonce, interpreter, argc = fields[0], fields[1], int(fields[2])
    argv = fields[3:3 + argc]
    env = dict(kv.split("=", 1) for kv in fields[3 + argc:] if kv)
    return nonce, interpreter, argv, env


def main():
    stdin = sys.stdin.buffer
    nonce, interpreter, argv, env = read_header(stdin)
    code = None
    code_path = None
    if not argv:
        code = stdin.read()
        try:
            code_path = save_code(code)
            argv = [interpreter, code_path]
        except OSError:
            argv = [interpreter, "-"]
    oom0, pids0 = oom_kills(), pids_max_hits()
    pid = os.fork()
    if pid == 0:
        child(argv, env, code_path, code)
    _, status, usage = os.wait4(pid, 0)
    try:
        os.kill(-1, 9)  # SIGKILL
    except OSError:
        pass
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
    exit_status = 128 + sig if sig else os.WEXITSTATUS(status)
    peak = max(usage.ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    oom1, pids1 = oom_kills(), pids_max_hits()
    report = '{"status": %d, "signal": %d, "peak_kb": %d, "oom": %s, "pids_max": %s}' % (
        exit_status, sig, peak, str(oom0 >= 0 and oom1 > oom0).lower(), str(pids0 >= 0 and pids1 > pids0).lower())
    os.write(2, nonce.encode() + report.encode())
    os._exit(exit_status)


main()
