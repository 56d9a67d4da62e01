package docker

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mledojo/dojo/core"
)

// codeUser picks the uid:gid the code runs as. An explicit choice wins. A host that is not root
// lends its own ids, so the bind-mounted directories need no change. A root host must not lend
// uid 0, so the code runs as the image's dojo user and the mounts are opened to it (grantAccess).
func codeUser(explicit string) string {
	if explicit != "" {
		return explicit
	}
	if uid := os.Geteuid(); uid != 0 {
		return fmt.Sprintf("%d:%d", uid, os.Getegid())
	}
	return imageUser
}

// parseUser splits "uid:gid" (gid defaults to uid). Names are refused: they would be resolved
// inside the image, and the host must know the numbers to prepare the mounts.
func parseUser(user string) (uid, gid int, err error) {
	u, g, found := strings.Cut(user, ":")
	if uid, err = strconv.Atoi(u); err != nil || uid < 0 {
		return 0, 0, fmt.Errorf("user %q: want numeric uid:gid", user)
	}
	gid = uid
	if found {
		if gid, err = strconv.Atoi(g); err != nil || gid < 0 {
			return 0, 0, fmt.Errorf("user %q: want numeric uid:gid", user)
		}
	}
	return uid, gid, nil
}

// grantAccess lets the code's user use the mounts when it is not the directories' owner and this
// host, being root, can arrange it: the workspace tree becomes the code's (it is the episode's own
// scratch space), and the public tree gains read and search permission for others (never write).
// Symbolic links are neither followed nor changed. A host that is not root changes nothing.
func grantAccess(publicDir, workspaceDir string, uid, gid int) error {
	if os.Geteuid() != 0 || uid == 0 {
		return nil
	}
	err := filepath.WalkDir(workspaceDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, uid, gid)
	})
	if err != nil {
		return core.Errorf(core.TypeSandboxInit, "docker: give the workspace to uid %d: %w", uid, err)
	}
	err = filepath.WalkDir(publicDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := info.Mode().Perm() | 0o004
		if d.IsDir() {
			want |= 0o001
		}
		if want == info.Mode().Perm() {
			return nil
		}
		return os.Chmod(path, want|(info.Mode()&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky)))
	})
	if err != nil {
		return core.Errorf(core.TypeSandboxInit, "docker: make the public data readable to uid %d: %w", uid, err)
	}
	return nil
}
