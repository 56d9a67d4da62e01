//go:build unix

package eval

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/mledojo/dojo/core"
)

// lockFile guards a run directory against two invocations at once; the kernel drops the lock when
// the process dies, so a killed run never leaves it stale.
const lockFile = ".lock"

func lockRunDir(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, core.Errorf(core.TypeInvalidArgument, "cannot lock run directory %s: %w", dir, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		return nil, core.Errorf(core.TypeInvalidArgument, "run directory %s is in use by another `dojo eval`", dir).
			WithCauses("wait for it to finish, or stop it; a rerun then resumes where it stopped")
	}
	return func() { f.Close() }, nil
}
