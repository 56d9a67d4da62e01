//go:build linux

package local

import (
	"errors"

	"golang.org/x/sys/unix"

	"github.com/mledojo/dojo/host/sandbox/diskquota"
)

// chownTree gives root and everything beneath it to uid:gid, links included (never their targets).
func chownTree(root string, uid, gid int) error {
	return diskquota.WalkBeneath(root, func(parent int, name string, st *unix.Stat_t, rootFD int) error {
		if int(st.Uid) == uid && int(st.Gid) == gid {
			return nil
		}
		var err error
		if parent < 0 {
			err = unix.Fchown(rootFD, uid, gid)
		} else {
			err = unix.Fchownat(parent, name, uid, gid, unix.AT_SYMLINK_NOFOLLOW)
		}
		if errors.Is(err, unix.ENOENT) {
			return nil
		}
		return err
	})
}

// openToOthers adds read permission for others to every file beneath root, and search permission
// to every directory, so that the code's user can read the public data. Write permission is never
// added and links are left alone.
func openToOthers(root string) error {
	return diskquota.WalkBeneath(root, func(parent int, name string, st *unix.Stat_t, rootFD int) error {
		mode := st.Mode & 0o7777
		want := mode | 0o004
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFDIR:
			want |= 0o001
		case unix.S_IFREG:
		default:
			return nil
		}
		if want == mode {
			return nil
		}
		if parent < 0 {
			return unix.Fchmod(rootFD, want)
		}
		return unix.Fchmodat(parent, name, want, 0)
	})
}
