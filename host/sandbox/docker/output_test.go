package docker

import (
	"strings"
	"testing"

	"github.com/mledojo/dojo/host/sandbox"
)

func TestReportTail(t *testing.T) {
	const nonce = "\x1edojo-report-00ff\x1e"
	const rep = `{"status": 137, "signal": 9, "peak_kb": 2048, "oom": true, "pids_max": false}`
	long := strings.Repeat("x", 3*tailSize)
	tests := []struct {
		name       string
		limit      int
		chunks     []string
		wantText   string
		wantReport bool
	}{
		{"after output", 100, []string{"oops\n", nonce + rep}, "oops\n", true},
		{"split across writes", 100, []string{"oops\n" + nonce[:5], nonce[5:] + rep[:10], rep[10:]}, "oops\n", true},
		{"alone", 100, []string{nonce + rep}, "", true},
		{"after long output", 10 * tailSize, []string{long, nonce + rep}, long, true},
		{"after truncated output", 3, []string{"abcdef", nonce + rep}, "abc" + sandbox.TruncationMarker("stderr", 3, 3), true},
		{"missing (runner killed)", 100, []string{"partial"}, "partial", false},
		{"missing after long output", 10 * tailSize, []string{long, "tail"}, long + "tail", false},
		{"a guess at another nonce", 100, []string{"\x1edojo-report-1234\x1e" + rep}, "\x1edojo-report-1234\x1e" + rep, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := sandbox.NewOutputBuffer("stderr", tt.limit)
			tail := &reportTail{w: out}
			for _, c := range tt.chunks {
				if n, err := tail.Write([]byte(c)); n != len(c) || err != nil {
					t.Fatalf("Write = %d, %v", n, err)
				}
				if len(tail.held) > tailSize {
					t.Fatalf("holding %d bytes, more than %d", len(tail.held), tailSize)
				}
			}
			r, ok := tail.finish(nonce)
			if ok != tt.wantReport {
				t.Fatalf("report found %v, want %v", ok, tt.wantReport)
			}
			if ok && (r.Status != 137 || r.Signal != 9 || r.PeakKB != 2048 || !r.OOM || r.PidsMax) {
				t.Errorf("report %+v", r)
			}
			if got, _ := out.Text(); got != tt.wantText {
				t.Errorf("text %q, want %q", got, tt.wantText)
			}
		})
	}
}
