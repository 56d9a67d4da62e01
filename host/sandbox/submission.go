package sandbox

import (
	"errors"
	"io/fs"
	"os"
	"path"
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
//
// On Linux the path is resolved with openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|RESOLVE_NO_XDEV)
// and the file first opened as O_PATH; elsewhere by a walk that opens one component at a time
// with O_NOFOLLOW.
func OpenSubmission(workspaceDir, name string) (*os.File, error) {
	clean, err := submissionName(name)
	if err != nil {
		return nil, err
	}
	return openSubmission(workspaceDir, name, clean)
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
