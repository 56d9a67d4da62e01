package sandbox

import (
	"fmt"
	"sync"
	"unicode/utf8"
)

// OutputBuffer keeps the first Limit bytes written to it and counts the rest, so that an execution
// that prints without end costs bounded memory while its pipe keeps draining. It is safe for
// concurrent use.
type OutputBuffer struct {
	stream string
	limit  int

	mu    sync.Mutex
	kept  []byte
	total int64
}

// NewOutputBuffer returns a buffer for the named stream ("stdout" or "stderr") that keeps limit
// bytes.
func NewOutputBuffer(stream string, limit int) *OutputBuffer {
	return &OutputBuffer{stream: stream, limit: max(limit, 0)}
}

// Write keeps what fits under the limit and counts everything; it never fails, so a copy into it
// drains its source to the end.
func (b *OutputBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := b.limit - len(b.kept); room > 0 {
		b.kept = append(b.kept, p[:min(room, len(p))]...)
	}
	b.total += int64(len(p))
	return len(p), nil
}

// AddDropped counts n bytes that were dropped before reaching the buffer (for instance by a driver
// that capped the stream itself).
func (b *OutputBuffer) AddDropped(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.total += max(n, 0)
}

// Total is the number of bytes written, kept or not.
func (b *OutputBuffer) Total() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.total
}

// Text returns what was kept, ending on a whole UTF-8 character, followed by TruncationMarker when
// bytes were dropped; truncated says whether they were.
func (b *OutputBuffer) Text() (text string, truncated bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	kept := b.kept
	dropped := b.total - int64(len(kept))
	if dropped <= 0 {
		return string(kept), false
	}
	// Back off a character the limit split; its bytes count as dropped.
	if start := lastRuneStart(kept); start >= 0 && !utf8.FullRune(kept[start:]) {
		dropped += int64(len(kept) - start)
		kept = kept[:start]
	}
	return string(kept) + TruncationMarker(b.stream, dropped, b.limit), true
}

// lastRuneStart is the index where the last (possibly partial) UTF-8 sequence of p begins, or -1
// when p is empty or its tail is no sequence's start.
func lastRuneStart(p []byte) int {
	for i := len(p) - 1; i >= 0 && i >= len(p)-utf8.UTFMax; i-- {
		if utf8.RuneStart(p[i]) {
			return i
		}
	}
	return -1
}

// TruncationMarker is appended to a stream cut at the output limit, e.g.
// "\n[... 1048576 bytes of stdout dropped: output limit 256 KiB ...]\n".
func TruncationMarker(stream string, dropped int64, limit int) string {
	return fmt.Sprintf("\n[... %d bytes of %s dropped: output limit %s ...]\n", dropped, stream, FormatBytes(int64(limit)))
}

// FormatBytes renders n in the largest binary unit that divides it, or in bytes.
func FormatBytes(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	i := 0
	for i < len(units)-1 && n >= 1024 && n%1024 == 0 {
		n /= 1024
		i++
	}
	return fmt.Sprintf("%d %s", n, units[i])
}
