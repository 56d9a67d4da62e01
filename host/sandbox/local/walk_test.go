//go:build linux

package local

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

func TestChownTree_ChangesLinksNeverTheirTargets(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	base := t.TempDir()
	ws := filepath.Join(base, "ws")
	target := filepath.Join(base, "target")
	if err := os.MkdirAll(filepath.Join(ws, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ws, "sub", "f"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(ws, "link")); err != nil {
		t.Fatal(err)
	}
	if err := chownTree(ws, 4242, 4343); err != nil {
		t.Fatal(err)
	}
	owner := func(p string) (uint32, uint32) {
		var st unix.Stat_t
		if err := unix.Lstat(p, &st); err != nil {
			t.Fatal(err)
		}
		return st.Uid, st.Gid
	}
	for _, p := range []string{ws, filepath.Join(ws, "sub"), filepath.Join(ws, "sub", "f"), filepath.Join(ws, "link")} {
		if u, g := owner(p); u != 4242 || g != 4343 {
			t.Errorf("%s: %d:%d", p, u, g)
		}
	}
	if u, g := owner(target); u != 0 || g != 0 {
		t.Errorf("the link's target changed owner: %d:%d", u, g)
	}
}

func TestOpenToOthers_AddsReadAndSearchNeverWrite(t *testing.T) {
	base := t.TempDir()
	if err := os.Mkdir(filepath.Join(base, "d"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "d", "f"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := openToOthers(base); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{filepath.Join(base, "d"): 0o705, filepath.Join(base, "d", "f"): 0o604} {
		if fi, _ := os.Stat(p); fi.Mode().Perm() != want {
			t.Errorf("%s: %v, want %v", p, fi.Mode().Perm(), want)
		}
	}
}
