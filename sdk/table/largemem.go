package table

import (
	"unsafe"
)

// Large buffers (a file's bytes, its offsets, a column of numbers) are filled once, front to back,
// right after they are allocated. In a fresh plugin process that memory is new to the kernel, and
// every 4 KiB page of it costs a page fault on first touch and a page to free when the process
// exits: on virtual machines a fault costs microseconds, so a million-row file pays tens of
// milliseconds to faults alone, and as much again to the plugin's exit. makeLarge asks the kernel
// to back such buffers with transparent huge pages (2 MiB), 512 times fewer, where it supports them
// for memory that asks (THP "madvise" or "always"); elsewhere it is a plain make.

// largeMin is the smallest buffer worth advising: huge pages only cover whole 2 MiB spans of it.
const largeMin = 4 << 20

// hugePages lets tests and benchmarks compare against plain pages.
var hugePages = true

// makeLarge returns make([]T, n), advised for huge pages when it is large.
func makeLarge[T any](n int) []T {
	s := make([]T, n)
	if size := uintptr(n) * unsafe.Sizeof(*new(T)); hugePages && size >= largeMin {
		adviseHuge(unsafe.Pointer(unsafe.SliceData(s)), size)
	}
	return s
}
