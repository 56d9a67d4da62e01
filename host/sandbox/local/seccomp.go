//go:build linux

package local

import (
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Seccomp is a deny-list: the system calls below answer EPERM (clone3 ENOSYS, so that libc falls
// back to clone, whose flags a filter can read). None of them is needed to run Python, its
// scientific stack, or subprocesses; each either changes the system (mounts, modules, swap, time,
// keys), reaches into other processes (ptrace, process_vm_*), or is kernel attack surface out of
// all proportion to its use here (bpf, userfaultfd, io_uring, perf_event_open, new namespaces).
// Other architectures' system calls (i386 on amd64, x32) are refused as a whole.

// deniedSyscalls lists the refused calls that every architecture has; seccompArchDenied (per
// architecture) adds the rest.
var deniedSyscalls = []uintptr{
	unix.SYS_ACCT, unix.SYS_ADD_KEY, unix.SYS_REQUEST_KEY, unix.SYS_KEYCTL, unix.SYS_BPF,
	unix.SYS_DELETE_MODULE, unix.SYS_INIT_MODULE, unix.SYS_FINIT_MODULE, unix.SYS_KEXEC_LOAD,
	unix.SYS_KEXEC_FILE_LOAD, unix.SYS_MOUNT, unix.SYS_UMOUNT2, unix.SYS_PIVOT_ROOT, unix.SYS_SWAPON,
	unix.SYS_SWAPOFF, unix.SYS_REBOOT, unix.SYS_SETNS, unix.SYS_UNSHARE, unix.SYS_OPEN_BY_HANDLE_AT,
	unix.SYS_NAME_TO_HANDLE_AT, unix.SYS_PTRACE, unix.SYS_PROCESS_VM_READV, unix.SYS_PROCESS_VM_WRITEV,
	unix.SYS_KCMP, unix.SYS_PERF_EVENT_OPEN, unix.SYS_USERFAULTFD, unix.SYS_IO_URING_SETUP,
	unix.SYS_IO_URING_ENTER, unix.SYS_IO_URING_REGISTER, unix.SYS_FSOPEN, unix.SYS_FSCONFIG,
	unix.SYS_FSMOUNT, unix.SYS_FSPICK, unix.SYS_MOVE_MOUNT, unix.SYS_OPEN_TREE, unix.SYS_MOUNT_SETATTR,
	unix.SYS_QUOTACTL, unix.SYS_SETTIMEOFDAY, unix.SYS_CLOCK_SETTIME, unix.SYS_CLOCK_ADJTIME,
	unix.SYS_ADJTIMEX, unix.SYS_SYSLOG, unix.SYS_VHANGUP, unix.SYS_PIDFD_GETFD, unix.SYS_CHROOT,
	unix.SYS_SETHOSTNAME, unix.SYS_SETDOMAINNAME, unix.SYS_FANOTIFY_INIT, unix.SYS_LOOKUP_DCOOKIE,
	unix.SYS_NFSSERVCTL, unix.SYS_PERSONALITY,
}

// namespaceFlags are the clone(2) flags that make namespaces.
const namespaceFlags = unix.CLONE_NEWNS | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC | unix.CLONE_NEWUSER |
	unix.CLONE_NEWPID | unix.CLONE_NEWNET | unix.CLONE_NEWCGROUP | unix.CLONE_NEWTIME

// seccompAvailable says whether this kernel filters system calls.
func seccompAvailable() bool {
	_, err := unix.PrctlRetInt(unix.PR_GET_SECCOMP, 0, 0, 0, 0)
	return err == nil && seccompArch != 0
}

// BPF opcodes.
const (
	bpfLdAbsW = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
	bpfJeqK   = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
	bpfJgeK   = unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K
	bpfJsetK  = unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K
	bpfRetK   = unix.BPF_RET | unix.BPF_K
)

// Offsets in struct seccomp_data.
const (
	seccompNrOff   = 0
	seccompArchOff = 4
	seccompArg0Off = 16 // low 32 bits on little-endian machines
)

// seccompFilter builds the program.
func seccompFilter() []unix.SockFilter {
	retErrno := func(e unix.Errno) uint32 { return unix.SECCOMP_RET_ERRNO | uint32(e)&unix.SECCOMP_RET_DATA }
	var p []unix.SockFilter
	stmt := func(code uint16, k uint32) { p = append(p, unix.SockFilter{Code: code, K: k}) }
	jump := func(code uint16, k uint32, jt, jf uint8) {
		p = append(p, unix.SockFilter{Code: code, K: k, Jt: jt, Jf: jf})
	}
	// Wrong architecture: refuse.
	stmt(bpfLdAbsW, seccompArchOff)
	jump(bpfJeqK, seccompArch, 1, 0)
	stmt(bpfRetK, retErrno(unix.EPERM))
	stmt(bpfLdAbsW, seccompNrOff)
	if seccompX32Bit != 0 {
		jump(bpfJgeK, seccompX32Bit, 0, 1)
		stmt(bpfRetK, retErrno(unix.EPERM))
	}
	// clone3 passes its flags in memory, out of a filter's sight: ENOSYS makes libc use clone.
	jump(bpfJeqK, uint32(unix.SYS_CLONE3), 0, 1)
	stmt(bpfRetK, retErrno(unix.ENOSYS))
	// clone with a namespace flag: EPERM.
	jump(bpfJeqK, uint32(unix.SYS_CLONE), 0, 4)
	stmt(bpfLdAbsW, seccompArg0Off)
	jump(bpfJsetK, namespaceFlags, 0, 1)
	stmt(bpfRetK, retErrno(unix.EPERM))
	stmt(bpfRetK, unix.SECCOMP_RET_ALLOW)
	for _, nr := range append(append([]uintptr{}, deniedSyscalls...), seccompArchDenied...) {
		jump(bpfJeqK, uint32(nr), 0, 1)
		stmt(bpfRetK, retErrno(unix.EPERM))
	}
	stmt(bpfRetK, unix.SECCOMP_RET_ALLOW)
	return p
}

// applySeccomp installs the filter on the calling thread; no_new_privs must be set.
func applySeccomp() error {
	if seccompArch == 0 {
		return fmt.Errorf("no filter for %s", runtime.GOARCH)
	}
	prog := seccompFilter()
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	if err := unix.Prctl(unix.PR_SET_SECCOMP, unix.SECCOMP_MODE_FILTER, uintptr(unsafe.Pointer(&fprog)), 0, 0); err != nil {
		return err
	}
	runtime.KeepAlive(prog)
	return nil
}
