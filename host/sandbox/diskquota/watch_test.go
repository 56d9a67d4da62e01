//go:build linux

package diskquota

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestWatch_ClosesExceededWhenTheTreeGrowsPastTheLimit(t *testing.T) {
	ws := t.TempDir()
	w := Start(ws, 1<<20, 0)
	if err := os.WriteFile(filepath.Join(ws, "big.bin"), make([]byte, 2<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case <-w.Exceeded():
	case <-time.After(10 * time.Second):
		t.Fatal("2 MiB written under a 1 MiB quota: the watch never fired")
	}
	if usage, over := w.Finish(); !over || usage < 2<<20 {
		t.Fatalf("Finish: usage %d over %v", usage, over)
	}
}

func TestWatch_UsageAlreadyOverTheLimitMayShrink(t *testing.T) {
	ws := t.TempDir()
	big := filepath.Join(ws, "big.bin")
	if err := os.WriteFile(big, make([]byte, 2<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	base, err := Usage(ws)
	if err != nil {
		t.Fatal(err)
	}
	w := Start(ws, 1<<20, base)
	if err := os.Remove(big); err != nil {
		t.Fatal(err)
	}
	if usage, over := w.Finish(); over || usage >= base {
		t.Fatalf("deleting over quota: usage %d over %v", usage, over)
	}
	// Finishing measures once more, so a write just before the end is caught without a poll.
	w = Start(ws, 1<<20, 0)
	if err := os.WriteFile(big, make([]byte, 2<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, over := w.Finish(); !over {
		t.Fatal("a write right before Finish went unnoticed")
	}
}
