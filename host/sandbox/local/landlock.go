//go:build linux

package local

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Landlock is the filesystem allow-list each code process carries, on top of the mount namespace:
// read and execute beneath the read-only paths, everything beneath the read-write ones, nothing
// elsewhere. With ABI 6 it also scopes signals and abstract Unix sockets to the sandbox's own
// processes, so the code cannot signal init even where it shares init's uid.

// landlockABI is the kernel's Landlock ABI version, 0 when it has none (or has it disabled).
func landlockABI() int {
	v, _, e := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, 0, 0, unix.LANDLOCK_CREATE_RULESET_VERSION)
	if e != 0 {
		return 0
	}
	return int(v)
}

// Access rights by the ABI that introduced them.
const (
	llReadOnly = unix.LANDLOCK_ACCESS_FS_EXECUTE | unix.LANDLOCK_ACCESS_FS_READ_FILE | unix.LANDLOCK_ACCESS_FS_READ_DIR
	llWriteV1  = unix.LANDLOCK_ACCESS_FS_WRITE_FILE | unix.LANDLOCK_ACCESS_FS_REMOVE_DIR |
		unix.LANDLOCK_ACCESS_FS_REMOVE_FILE | unix.LANDLOCK_ACCESS_FS_MAKE_DIR | unix.LANDLOCK_ACCESS_FS_MAKE_REG |
		unix.LANDLOCK_ACCESS_FS_MAKE_SOCK | unix.LANDLOCK_ACCESS_FS_MAKE_FIFO | unix.LANDLOCK_ACCESS_FS_MAKE_SYM
	// Handled but never granted: device nodes cannot be made anywhere.
	llMakeDev = unix.LANDLOCK_ACCESS_FS_MAKE_CHAR | unix.LANDLOCK_ACCESS_FS_MAKE_BLOCK
	llRefer   = unix.LANDLOCK_ACCESS_FS_REFER     // ABI 2
	llTrunc   = unix.LANDLOCK_ACCESS_FS_TRUNCATE  // ABI 3
	llIoctl   = unix.LANDLOCK_ACCESS_FS_IOCTL_DEV // ABI 5
	// File rights, the only ones a rule on a non-directory may carry.
	llFileRights = unix.LANDLOCK_ACCESS_FS_EXECUTE | unix.LANDLOCK_ACCESS_FS_READ_FILE |
		unix.LANDLOCK_ACCESS_FS_WRITE_FILE | llTrunc | llIoctl
)

// landlockRulesetAttr is struct landlock_ruleset_attr up to ABI 6; the size passed to the kernel
// says which fields it reads.
type landlockRulesetAttr struct {
	handledFS  uint64
	handledNet uint64
	scoped     uint64
}

// landlockPathBeneath is the packed struct landlock_path_beneath_attr.
type landlockPathBeneath struct {
	allowed  uint64
	parentFD int32
	_        [4]byte
}

const landlockPathBeneathSize = 12

// landlockHandled is what a ruleset of ABI abi handles, and the size of its attribute struct.
func landlockHandled(abi int) (attr landlockRulesetAttr, size uintptr) {
	attr.handledFS = llReadOnly | llWriteV1 | llMakeDev
	size = 8
	if abi >= 2 {
		attr.handledFS |= llRefer
	}
	if abi >= 3 {
		attr.handledFS |= llTrunc
	}
	if abi >= 5 {
		attr.handledFS |= llIoctl
	}
	if abi >= 6 {
		attr.scoped = unix.LANDLOCK_SCOPE_SIGNAL | unix.LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
		size = 24
	}
	return attr, size
}

// applyLandlock restricts the calling thread (and what it execs) to policy.
func applyLandlock(policy *landlockPolicy) error {
	abi := landlockABI()
	if abi == 0 {
		return errors.New("not available in this kernel")
	}
	attr, size := landlockHandled(abi)
	fd, _, e := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, uintptr(unsafe.Pointer(&attr)), size, 0)
	if e != 0 {
		return fmt.Errorf("create ruleset (ABI %d): %w", abi, e)
	}
	ruleset := int(fd)
	defer unix.Close(ruleset)
	all := attr.handledFS &^ llMakeDev
	readOnly := uint64(llReadOnly)
	for _, p := range policy.ReadOnly {
		if err := landlockAllow(ruleset, p, readOnly); err != nil {
			return err
		}
	}
	for _, p := range policy.ReadWrite {
		if err := landlockAllow(ruleset, p, all); err != nil {
			return err
		}
	}
	devRights := uint64(unix.LANDLOCK_ACCESS_FS_READ_FILE|unix.LANDLOCK_ACCESS_FS_WRITE_FILE) | attr.handledFS&(llTrunc|llIoctl)
	for _, p := range policy.Devices {
		if err := landlockAllow(ruleset, p, devRights); err != nil {
			return err
		}
	}
	if _, _, e := unix.Syscall(unix.SYS_LANDLOCK_RESTRICT_SELF, uintptr(ruleset), 0, 0); e != 0 {
		return fmt.Errorf("restrict_self: %w", e)
	}
	return nil
}

// landlockAllow adds a rule granting rights beneath path (a file gets only the file rights). A
// path that does not exist is skipped.
func landlockAllow(ruleset int, path string, rights uint64) error {
	fd, err := unix.Open(path, unix.O_PATH|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		rights &= llFileRights
	}
	rule := landlockPathBeneath{allowed: rights, parentFD: int32(fd)}
	if _, _, e := unix.Syscall6(unix.SYS_LANDLOCK_ADD_RULE, uintptr(ruleset), unix.LANDLOCK_RULE_PATH_BENEATH,
		uintptr(unsafe.Pointer(&rule)), 0, 0, 0); e != 0 {
		return fmt.Errorf("allow %s: %w", path, e)
	}
	return nil
}

func unsafePointer[T any](p *T) unsafe.Pointer { return unsafe.Pointer(p) }
