package sandbox

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/mledojo/dojo/core"
)

// OpenSubmission opens the regular file name (a slash-separated path relative to the workspace,
// e.g. "submission.csv") inside workspaceDir for reading, the way the host must read anything the
// code left there: no symbolic link is followed (not even inside the workspace), no path may leave
// the workspace or cross a mount, and only a regular file is accepted, so a FIFO cannot block the
// host and a device cannot feed it endless data. A missing file is core.TypeSubmissionNotFound;
// every other refusal is core.TypeSubmissionInvalid.
//
// The returned file is the one checked: read from it (or copy it somewhere private) rather than
// reopening the path, which the code of a later step could replace.
func OpenSubmission(workspaceDir, name string) (*os.File, error) {
	clean, err := submissionName(name)
	if err != nil {
		return nil, err
	}
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

// fileMode converts a stat(2) mode to an fs.FileMode's type bits.
func fileMode(m uint32) fs.FileMode {
	switch m & unix.S_IFMT {
	case unix.S_IFREG:
		return 0
	case unix.S_IFDIR:
		return fs.ModeDir
	case unix.S_IFLNK:
		return fs.ModeSymlink
	case unix.S_IFIFO:
		return fs.ModeNamedPipe
	case unix.S_IFSOCK:
		return fs.ModeSocket
	case unix.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		return fs.ModeDevice
	}
	return fs.ModeIrregular
}

// submissionName checks that name is relative and stays inside the workspace, and cleans it.
func submissionName(name string) (string, error) {
	clean := path.Clean(name)
	switch {
	case name == "" || clean == ".":
		return "", core.Errorf(core.TypeSubmissionInvalid, "empty submission file name")
	case strings.ContainsRune(name, 0):
		return "", core.Errorf(core.TypeSubmissionInvalid, "submission file name %q holds a NUL byte", name)
	case path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../"):
		return "", core.Errorf(core.TypeSubmissionInvalid, "submission file name %q leaves the workspace", name).
			WithCauses("name the submission file relative to the workspace, e.g. submission.csv")
	}
	return clean, nil
}

// submissionOpenError maps an open failure to the submission error a program can switch on.
func submissionOpenError(name string, err error) error {
	switch {
	case errors.Is(err, unix.ENOENT):
		return core.Errorf(core.TypeSubmissionNotFound, "submission %s not found in the workspace", name).
			WithCauses("write the predictions to " + path.Join(WorkspaceMount, name))
	case errors.Is(err, unix.ELOOP):
		return core.Errorf(core.TypeSubmissionInvalid, "submission %s is a symbolic link or goes through one", name).
			WithCauses("write the predictions as a regular file; links are never followed")
	case errors.Is(err, unix.EXDEV):
		return core.Errorf(core.TypeSubmissionInvalid, "submission %s leaves the workspace", name)
	case errors.Is(err, unix.ENOTDIR):
		return core.Errorf(core.TypeSubmissionInvalid, "submission %s: a parent is not a directory", name)
	}
	return core.Errorf(core.TypeSubmissionInvalid, "open submission %s: %w", name, err)
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

// fileKind names a non-regular file type for an error message.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "FIFO"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "block device"
	case m.IsDir():
		return "directory"
	}
	return "special file"
}
