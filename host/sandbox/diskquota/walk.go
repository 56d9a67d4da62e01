//go:build linux

package diskquota

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// WalkBeneath visits root and everything beneath it through directory descriptors: each entry is
// stat'ed relative to its open parent, symbolic links are never followed, and other filesystems
// mounted beneath root are not entered. A tree the code can change while it is walked therefore
// cannot lead the host anywhere else, as a path-based walk could be led through a directory
// swapped for a link. fn receives the parent's descriptor (-1 and "" for root itself, whose own
// descriptor is rootFD) and the entry's stat. Entries that vanish meanwhile are skipped.
func WalkBeneath(root string, fn func(parentFD int, name string, st *unix.Stat_t, rootFD int) error) error {
	fd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	if err := fn(-1, "", &st, fd); err != nil {
		return err
	}
	return walkDir(fd, st.Dev, 0, func(parent int, name string, st *unix.Stat_t) error {
		return fn(parent, name, st, fd)
	})
}

// maxWalkDepth bounds the directory nesting walked (one descriptor is open per level).
const maxWalkDepth = 512

// ErrTooDeep is returned for a tree nested deeper than the walk follows; a quota treats it as
// exceeded.
var ErrTooDeep = errors.New("directories nested too deep")

func walkDir(dirFD int, dev uint64, depth int, fn func(parent int, name string, st *unix.Stat_t) error) error {
	if depth > maxWalkDepth {
		return ErrTooDeep
	}
	// ReadDir through a duplicate, since os.File closes its descriptor.
	dup, err := unix.Dup(dirFD)
	if err != nil {
		return err
	}
	unix.CloseOnExec(dup)
	d := os.NewFile(uintptr(dup), "dir")
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return err
	}
	for _, name := range names {
		var st unix.Stat_t
		if err := unix.Fstatat(dirFD, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			if errors.Is(err, unix.ENOENT) {
				continue
			}
			return fmt.Errorf("stat %s: %w", name, err)
		}
		if err := fn(dirFD, name, &st); err != nil {
			return err
		}
		if st.Mode&unix.S_IFMT != unix.S_IFDIR || st.Dev != dev {
			continue
		}
		sub, err := unix.Openat(dirFD, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) {
				continue // gone, or swapped for something else since the stat
			}
			return fmt.Errorf("open %s: %w", name, err)
		}
		err = walkDir(sub, dev, depth+1, fn)
		unix.Close(sub)
		if err != nil {
			return err
		}
	}
	return nil
}

// Usage is the space the tree at root takes: allocated blocks, at least one 4 KiB block per
// inode (so that millions of empty files count), hard links counted once.
func Usage(root string) (int64, error) {
	var total int64
	seen := map[[2]uint64]bool{}
	err := WalkBeneath(root, func(_ int, _ string, st *unix.Stat_t, _ int) error {
		if st.Nlink > 1 && st.Mode&unix.S_IFMT != unix.S_IFDIR {
			key := [2]uint64{st.Dev, st.Ino}
			if seen[key] {
				return nil
			}
			seen[key] = true
		}
		total += max(st.Blocks*512, 4096)
		return nil
	})
	return total, err
}
