package table

import (
	"syscall"
	"unsafe"
)

const hugePageSize = 2 << 20

// adviseHuge marks the whole 2 MiB pages inside [p, p+size) MADV_HUGEPAGE. The advice only
// changes how the kernel backs the memory (and is refused harmlessly where THP is off), so its
// error is ignored. The Go runtime's own madvise calls on heap memory (returning it to the system)
// work on huge pages too, splitting them as needed.
func adviseHuge(p unsafe.Pointer, size uintptr) {
	start := (uintptr(p) + hugePageSize - 1) &^ (hugePageSize - 1)
	end := (uintptr(p) + size) &^ (hugePageSize - 1)
	if end <= start {
		return
	}
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, start, end-start, syscall.MADV_HUGEPAGE)
}
