//go:build linux

package local

import "golang.org/x/sys/unix"

// seccompArch is the AUDIT_ARCH value of the system calls the filter lets through.
const seccompArch = unix.AUDIT_ARCH_X86_64

// seccompX32Bit marks x32 system calls, refused as a whole.
const seccompX32Bit = 0x40000000

// seccompArchDenied are this architecture's own refused calls.
var seccompArchDenied = []uintptr{
	unix.SYS_IOPL, unix.SYS_IOPERM, unix.SYS_MODIFY_LDT, unix.SYS_USELIB, unix.SYS_USTAT, unix.SYS_SYSFS,
	unix.SYS__SYSCTL, unix.SYS_CREATE_MODULE, unix.SYS_GET_KERNEL_SYMS, unix.SYS_QUERY_MODULE,
}
