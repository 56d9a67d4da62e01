//go:build linux

package local

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestDiskUsage_CountsBlocksHardLinksOnceAndNoLinkTarget(t *testing.T) {
	base := t.TempDir()
	ws := filepath.Join(base, "ws")
	if err := os.Mkdir(ws, 0o755); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(base, "outside.bin")
	if err := os.WriteFile(big, make([]byte, 8<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ws, "a.bin"), make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(filepath.Join(ws, "a.bin"), filepath.Join(ws, "b.bin")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(big, filepath.Join(ws, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(base, filepath.Join(ws, "dirlink")); err != nil {
		t.Fatal(err)
	}
	usage, err := diskUsage(ws)
	if err != nil {
		t.Fatal(err)
	}
	if usage < 1<<20 || usage > 1<<20+64<<10 {
		t.Errorf("usage %d, want about 1 MiB (one copy of a.bin, no link target)", usage)
	}
}

func TestDiskUsage_CountsEmptyFilesAndRefusesEndlessNesting(t *testing.T) {
	ws := t.TempDir()
	for i := 0; i < 100; i++ {
		if err := os.WriteFile(filepath.Join(ws, "f"+string(rune('a'+i%26))+strings.Repeat("x", i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	usage, err := diskUsage(ws)
	if err != nil || usage < 100*4096 {
		t.Errorf("100 empty files: usage %d, %v", usage, err)
	}
	deep := t.TempDir()
	fd, err := unix.Open(deep, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < maxWalkDepth+5; i++ {
		if err := unix.Mkdirat(fd, "d", 0o755); err != nil {
			t.Fatal(err)
		}
		next, err := unix.Openat(fd, "d", unix.O_RDONLY|unix.O_DIRECTORY, 0)
		unix.Close(fd)
		if err != nil {
			t.Fatal(err)
		}
		fd = next
	}
	unix.Close(fd)
	if _, err := diskUsage(deep); err != errTooDeep {
		t.Errorf("nesting past %d levels: got %v, want errTooDeep", maxWalkDepth, err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(deep) })
}

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
