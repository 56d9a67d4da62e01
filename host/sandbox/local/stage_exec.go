//go:build linux

package local

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// The exec stage is a short-lived child of init. It starts as root of the sandbox's user namespace
// and, on its one locked thread, takes away everything the code must not have, in an order where
// each step still has the privilege it needs: rlimits and the OOM score, the working directory,
// the capability bounding set, the user and groups (which drops every capability), no_new_privs,
// Landlock, seccomp; then it execs the code's program, which inherits all of it.

func execMain() int {
	fail := func(format string, args ...any) int {
		fmt.Fprintf(os.Stderr, "dojo sandbox: "+format+"\n", args...)
		return 127
	}
	specFile := os.NewFile(3, "spec")
	raw, err := io.ReadAll(specFile)
	specFile.Close()
	if err != nil {
		return fail("read the job: %v", err)
	}
	var spec execSpec
	if err := json.Unmarshal(raw, &spec); err != nil || len(spec.Argv) == 0 {
		return fail("bad job %q: %v", raw, err)
	}
	if err := restrict(&spec); err != nil {
		return fail("%v", err)
	}
	path, err := lookPath(spec.Argv[0], spec.Env)
	if err != nil {
		return fail("cannot run %s: %v", spec.Argv[0], err)
	}
	err = syscall.Exec(path, spec.Argv, spec.Env)
	return fail("cannot run %s: %v", spec.Argv[0], err)
}

// restrict applies spec's restrictions to the calling thread.
func restrict(spec *execSpec) error {
	for _, procs := range spec.Cgroups {
		if err := writeFile(procs, "0"); err != nil {
			return fmt.Errorf("join the cgroup: %w", err)
		}
	}
	if err := os.WriteFile("/proc/self/oom_score_adj", []byte(strconv.Itoa(spec.OOMScoreAdj)), 0); err != nil {
		return fmt.Errorf("set the OOM score: %w", err)
	}
	for _, l := range spec.Rlimits {
		if err := unix.Setrlimit(l.Resource, &unix.Rlimit{Cur: l.Cur, Max: l.Max}); err != nil {
			return fmt.Errorf("setrlimit(%d): %w", l.Resource, err)
		}
	}
	if err := unix.Chdir(spec.Dir); err != nil {
		return fmt.Errorf("chdir %s: %w", spec.Dir, err)
	}
	if !spec.KeepIDs {
		if err := dropPrivileges(spec.UID, spec.GID); err != nil {
			return err
		}
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("no_new_privs: %w", err)
	}
	if spec.Landlock != nil {
		if err := applyLandlock(spec.Landlock); err != nil {
			return fmt.Errorf("landlock: %w", err)
		}
	}
	if spec.Seccomp {
		if err := applySeccomp(); err != nil {
			return fmt.Errorf("seccomp: %w", err)
		}
	}
	// Every descriptor but 0, 1 and 2 closes at exec: the Go runtime's and anything inherited.
	if err := unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC); err != nil {
		for fd := 3; fd < 1024; fd++ {
			unix.CloseOnExec(fd)
		}
	}
	return nil
}

// Capability and securebits constants not in x/sys.
const (
	capLastCapFallback = 40
	secbitNoRoot       = 1 << 0
	secbitNoRootLocked = 1 << 1
	secbitNoSetuidFix  = 1 << 2
	secbitNoSetuidLock = 1 << 3
	secbitKeepCapsLock = 1 << 5
	secbitNoAmbient    = 1 << 6
	secbitNoAmbientLk  = 1 << 7
)

// dropPrivileges leaves the thread without any capability, now or after exec, as uid:gid of the
// user namespace. It uses raw per-thread system calls: the Go and libc wrappers change every
// thread, and only this one matters, since it is the one that execs.
func dropPrivileges(uid, gid int) error {
	last := capLastCap()
	for c := 0; c <= last; c++ {
		if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil && err != unix.EINVAL {
			return fmt.Errorf("drop capability %d from the bounding set: %w", c, err)
		}
	}
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil && err != unix.EINVAL {
		return fmt.Errorf("clear ambient capabilities: %w", err)
	}
	// Even as uid 0 of the namespace, exec must grant nothing.
	bits := secbitNoRoot | secbitNoRootLocked | secbitNoSetuidFix | secbitNoSetuidLock | secbitKeepCapsLock |
		secbitNoAmbient | secbitNoAmbientLk
	if err := unix.Prctl(unix.PR_SET_SECUREBITS, uintptr(bits), 0, 0, 0); err != nil {
		return fmt.Errorf("set securebits: %w", err)
	}
	if _, _, e := unix.RawSyscall(unix.SYS_SETGROUPS, 0, 0, 0); e != 0 && e != unix.EPERM {
		return fmt.Errorf("setgroups: %w", e)
	}
	if _, _, e := unix.RawSyscall(unix.SYS_SETRESGID, uintptr(gid), uintptr(gid), uintptr(gid)); e != 0 {
		return fmt.Errorf("setresgid(%d): %w", gid, e)
	}
	if _, _, e := unix.RawSyscall(unix.SYS_SETRESUID, uintptr(uid), uintptr(uid), uintptr(uid)); e != 0 {
		return fmt.Errorf("setresuid(%d): %w", uid, e)
	}
	// With SECBIT_NO_SETUID_FIXUP the capabilities survive the uid change; clear them outright.
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if _, _, e := unix.RawSyscall(unix.SYS_CAPSET, uintptr(unsafePointer(&hdr)), uintptr(unsafePointer(&data[0])), 0); e != 0 {
		return fmt.Errorf("capset: %w", e)
	}
	return nil
}

func capLastCap() int {
	b, err := os.ReadFile("/proc/sys/kernel/cap_last_cap")
	if err != nil {
		return capLastCapFallback
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return capLastCapFallback
	}
	return n
}

// lookPath finds name in the PATH of env, as the shell would.
func lookPath(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	path := "/usr/local/bin:/usr/bin:/bin"
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("not found in PATH %s", path)
}
