//go:build linux

package local

import "golang.org/x/sys/unix"

// seccompArch is the AUDIT_ARCH value of the system calls the filter lets through.
const seccompArch = unix.AUDIT_ARCH_AARCH64

// seccompX32Bit is zero: arm64 has no second system call table in the same architecture.
const seccompX32Bit = 0

// seccompArchDenied are this architecture's own refused calls.
var seccompArchDenied = []uintptr{}
