//go:build linux && !amd64 && !arm64

package local

// No filter is built for this architecture; the seccomp feature reports inactive.
const (
	seccompArch   = 0
	seccompX32Bit = 0
)

var seccompArchDenied = []uintptr{}
