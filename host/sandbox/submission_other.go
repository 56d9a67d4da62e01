//go:build !linux

package sandbox

import "os"

// openSubmission walks the path: other systems lack openat2 and O_PATH.
func openSubmission(workspaceDir, name, clean string) (*os.File, error) {
	return openSubmissionByWalk(workspaceDir, name, clean)
}
