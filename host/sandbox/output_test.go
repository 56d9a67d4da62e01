package sandbox

import (
	"strings"
	"sync"
	"testing"
)

func TestOutputBuffer_KeepsEverythingUnderTheLimit(t *testing.T) {
	b := NewOutputBuffer("stdout", 10)
	_, _ = b.Write([]byte("hello"))
	_, _ = b.Write([]byte("world"))
	if text, cut := b.Text(); text != "helloworld" || cut {
		t.Fatalf("got %q, truncated %v", text, cut)
	}
}

func TestOutputBuffer_CutsAtTheLimitAndCountsTheRest(t *testing.T) {
	b := NewOutputBuffer("stderr", 4<<10)
	for i := 0; i < 100; i++ {
		if n, err := b.Write(make([]byte, 1000)); n != 1000 || err != nil {
			t.Fatalf("Write must accept everything: %d, %v", n, err)
		}
	}
	text, cut := b.Text()
	if !cut || b.Total() != 100000 {
		t.Fatalf("truncated %v, total %d", cut, b.Total())
	}
	want := "\n[... 95904 bytes of stderr dropped: output limit 4 KiB ...]\n"
	if !strings.HasSuffix(text, want) || len(text) != 4096+len(want) {
		t.Fatalf("got a %d-byte text ending %q", len(text), text[max(0, len(text)-80):])
	}
}

func TestOutputBuffer_NeverSplitsACharacter(t *testing.T) {
	b := NewOutputBuffer("stdout", 5)
	_, _ = b.Write([]byte("abcd€€")) // € is three bytes: the limit falls inside the first
	text, cut := b.Text()
	if !cut || !strings.HasPrefix(text, "abcd\n[... 6 bytes of stdout dropped") {
		t.Fatalf("got %q", text)
	}
}

func TestOutputBuffer_IsSafeForConcurrentWriters(t *testing.T) {
	b := NewOutputBuffer("stdout", 1<<10)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				_, _ = b.Write([]byte("0123456789"))
			}
		}()
	}
	wg.Wait()
	if b.Total() != 8000 {
		t.Fatalf("total %d, want 8000", b.Total())
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1000: "1000 B", 1024: "1 KiB", 256 << 10: "256 KiB", 3 << 30: "3 GiB", 1536: "1536 B"} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}
