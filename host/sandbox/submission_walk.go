package sandbox

import (
	"os"
	"path"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/mledojo/dojo/core"
)

// openSubmissionByWalk is OpenSubmission's portable way, for systems without openat2 and O_PATH:
// one component at a time with O_NOFOLLOW, never leaving the workspace's filesystem, the last
// opened non-blocking (a FIFO must not wait for a writer) and checked to be a regular file. A
// device node is opened before it is refused.
func openSubmissionByWalk(workspaceDir, name, clean string) (*os.File, error) {
	cur, err := unix.Open(workspaceDir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, core.Errorf(core.TypeSandboxExecution, "open the workspace %s: %w", workspaceDir, err)
	}
	var root unix.Stat_t
	if err := unix.Fstat(cur, &root); err != nil {
		unix.Close(cur)
		return nil, core.Errorf(core.TypeSandboxExecution, "open the workspace %s: %w", workspaceDir, err)
	}
	parts := strings.Split(clean, "/")
	for i, part := range parts {
		flags := unix.O_RDONLY | unix.O_NOFOLLOW | unix.O_CLOEXEC
		if i < len(parts)-1 {
			flags |= unix.O_DIRECTORY
		} else {
			flags |= unix.O_NONBLOCK | unix.O_NOCTTY
		}
		next, err := unix.Openat(cur, part, flags, 0)
		unix.Close(cur)
		if err != nil {
			return nil, submissionOpenError(name, err)
		}
		cur = next
		var st unix.Stat_t
		if err := unix.Fstat(cur, &st); err != nil || st.Dev != root.Dev {
			unix.Close(cur)
			return nil, submissionOpenError(name, unix.EXDEV)
		}
	}
	var st unix.Stat_t
	if err := unix.Fstat(cur, &st); err != nil {
		unix.Close(cur)
		return nil, core.Errorf(core.TypeSubmissionInvalid, "submission %s: %w", name, err)
	}
	if mode := fileMode(uint32(st.Mode)); !mode.IsRegular() {
		unix.Close(cur)
		return nil, core.Errorf(core.TypeSubmissionInvalid, "submission %s is not a regular file but a %s", name, fileKind(mode))
	}
	if err := unix.SetNonblock(cur, false); err != nil {
		unix.Close(cur)
		return nil, core.Errorf(core.TypeSubmissionInvalid, "submission %s: %w", name, err)
	}
	return os.NewFile(uintptr(cur), path.Join(workspaceDir, clean)), nil
}
