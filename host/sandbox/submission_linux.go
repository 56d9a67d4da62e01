package sandbox

import (
	"errors"
	"os"
	"path"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/mledojo/dojo/core"
)

// openSubmission is OpenSubmission's Linux way: openat2 beneath the workspace, an O_PATH
// descriptor checked before anything is opened for reading.
func openSubmission(workspaceDir, name, clean string) (*os.File, error) {
	dir, err := unix.Open(workspaceDir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, core.Errorf(core.TypeSandboxExecution, "open the workspace %s: %w", workspaceDir, err)
	}
	defer unix.Close(dir)
	// First an O_PATH descriptor, which opens nothing: a device or a FIFO is refused before any
	// open(2) could reach its driver or wait for a writer.
	flags := unix.O_PATH | unix.O_NOFOLLOW | unix.O_CLOEXEC
	pfd, err := unix.Openat2(dir, clean, &unix.OpenHow{
		Flags: uint64(flags),
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS |
			unix.RESOLVE_NO_XDEV,
	})
	if errors.Is(err, unix.ENOSYS) {
		pfd, err = openBeneath(dir, clean, flags)
	}
	if err != nil {
		return nil, submissionOpenError(name, err)
	}
	defer unix.Close(pfd)
	var st unix.Stat_t
	if err := unix.Fstat(pfd, &st); err != nil {
		return nil, core.Errorf(core.TypeSubmissionInvalid, "submission %s: %w", name, err)
	}
	if mode := fileMode(st.Mode); !mode.IsRegular() {
		return nil, core.Errorf(core.TypeSubmissionInvalid, "submission %s is not a regular file but a %s", name, fileKind(mode)).
			WithCauses("write the predictions as a regular file, not a " + fileKind(mode))
	}
	// Reopen that very inode for reading; no name is resolved again.
	fd, err := unix.Open("/proc/self/fd/"+strconv.Itoa(pfd), unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, core.Errorf(core.TypeSubmissionInvalid, "open submission %s: %w", name, err)
	}
	return os.NewFile(uintptr(fd), path.Join(workspaceDir, clean)), nil
}

// openBeneath is the fallback for kernels without openat2 (before Linux 5.6): it walks clean one
// component at a time from dir, refusing symbolic links, and checks that no component is a mount
// point of another filesystem.
func openBeneath(dir int, clean string, flags int) (int, error) {
	var st unix.Stat_t
	if err := unix.Fstat(dir, &st); err != nil {
		return -1, err
	}
	dev := st.Dev
	parts := strings.Split(clean, "/")
	cur, err := unix.Dup(dir)
	if err != nil {
		return -1, err
	}
	for i, part := range parts {
		last := i == len(parts)-1
		fl := unix.O_PATH | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC
		if last {
			fl = flags
		}
		next, err := unix.Openat(cur, part, fl, 0)
		unix.Close(cur)
		if err != nil {
			if errors.Is(err, unix.ENOTDIR) && !last {
				// A symbolic link opened with O_DIRECTORY|O_NOFOLLOW reports ENOTDIR.
				var lst unix.Stat_t
				if unix.Fstatat(dir, strings.Join(parts[:i+1], "/"), &lst, unix.AT_SYMLINK_NOFOLLOW) == nil &&
					lst.Mode&unix.S_IFMT == unix.S_IFLNK {
					return -1, unix.ELOOP
				}
			}
			return -1, err
		}
		if err := unix.Fstat(next, &st); err != nil {
			unix.Close(next)
			return -1, err
		}
		if st.Dev != dev {
			unix.Close(next)
			return -1, unix.EXDEV
		}
		cur = next
	}
	return cur, nil
}
