package main

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/plugins/tasks/native/layout"
)

// seal prepares a hand-made competition: it checks the layout of src, copies it to dataDir/ID
// (unless src is that directory) and records the checksum of every file. want, when set, must be
// the manifest's id.
func seal(src, dataDir, want string) (layout.Manifest, error) {
	m, err := layout.ReadManifest(src)
	if err != nil {
		return layout.Manifest{}, err
	}
	if want != "" && want != m.ID {
		return layout.Manifest{}, core.Errorf(core.TypeInvalidArgument, "%s holds competition %s, not %s", src, m.ID, want)
	}
	if err := layout.CheckLayout(src, m); err != nil {
		return layout.Manifest{}, err
	}
	dst := filepath.Join(dataDir, m.ID)
	same, err := sameDir(src, dst)
	if err != nil {
		return layout.Manifest{}, err
	}
	if !same {
		if _, err := os.Stat(dst); err == nil {
			return layout.Manifest{}, core.Errorf(core.TypeInvalidArgument, "%s already exists", dst).
				WithCauses("remove it first, or prepare the competition in place by giving its own directory")
		}
		if err := copyTree(src, dst); err != nil {
			os.RemoveAll(dst)
			return layout.Manifest{}, err
		}
	}
	if err := layout.Seal(dst, &m); err != nil {
		return layout.Manifest{}, err
	}
	return m, nil
}

func sameDir(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, core.Errorf(core.TypeCompetitionData, "%s: %w", a, err)
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false, nil
	}
	return os.SameFile(sa, sb), nil
}

// copyTree copies the regular files and directories under src to dst; links and special files are
// refused, as Checksums would refuse them.
func copyTree(src, dst string) error {
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case !d.Type().IsRegular():
			return core.Errorf(core.TypeCompetitionData, "%s is not a regular file", path).
				WithCauses("replace links and special files in a competition directory with plain files")
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		if ce, ok := err.(*core.Error); ok {
			return ce
		}
		return core.Errorf(core.TypeCompetitionData, "copying %s to %s: %w", src, dst, err)
	}
	return nil
}
