//go:build linux

package diskquota

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestUsage_CountsBlocksHardLinksOnceAndNoLinkTarget(t *testing.T) {
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
	usage, err := Usage(ws)
	if err != nil {
		t.Fatal(err)
	}
	if usage < 1<<20 || usage > 1<<20+64<<10 {
		t.Errorf("usage %d, want about 1 MiB (one copy of a.bin, no link target)", usage)
	}
}

func TestUsage_CountsEmptyFilesAndRefusesEndlessNesting(t *testing.T) {
	ws := t.TempDir()
	for i := 0; i < 100; i++ {
		if err := os.WriteFile(filepath.Join(ws, "f"+string(rune('a'+i%26))+strings.Repeat("x", i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	usage, err := Usage(ws)
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
	if _, err := Usage(deep); err != ErrTooDeep {
		t.Errorf("nesting past %d levels: got %v, want ErrTooDeep", maxWalkDepth, err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(deep) })
}
