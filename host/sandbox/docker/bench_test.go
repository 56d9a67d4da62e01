package docker

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
)

// benchCode is a trivial execution, so that what is measured is the sandbox's cost.
const benchCode = "print('hi')"

// BenchmarkExec measures one trivial execution per mode, and in fresh mode the overhead over
// running `/usr/bin/python3 file.py` directly, timed in the same loop (target: under 150 ms).
func BenchmarkExec(b *testing.B) {
	backend := newBackend(b, Options{})
	b.Run("fresh", func(b *testing.B) {
		sb := startSandbox(b, backend, sandbox.Spec{})
		script := filepath.Join(b.TempDir(), "main.py")
		if err := os.WriteFile(script, []byte(benchCode), 0o644); err != nil {
			b.Fatal(err)
		}
		run(b, sb, benchCode) // warm the page cache for both
		var direct, docker time.Duration
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			if out, err := exec.Command("/usr/bin/python3", script).Output(); err != nil || string(out) != "hi\n" {
				b.Fatalf("direct: %q, %v", out, err)
			}
			t1 := time.Now()
			if res := run(b, sb, benchCode); res.Outcome != core.OutcomeOK {
				b.Fatalf("docker: %+v", res)
			}
			direct, docker = direct+t1.Sub(t0), docker+time.Since(t1)
		}
		ms := func(d time.Duration) float64 { return d.Seconds() * 1000 / float64(b.N) }
		b.ReportMetric(ms(docker), "docker-ms/op")
		b.ReportMetric(ms(direct), "direct-ms/op")
		b.ReportMetric(ms(docker-direct), "overhead-ms/op")
	})
	b.Run("session", func(b *testing.B) {
		sb := startSandbox(b, backend, sandbox.Spec{Mode: sandbox.ModeSession})
		run(b, sb, benchCode)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if res := run(b, sb, benchCode); res.Outcome != core.OutcomeOK {
				b.Fatalf("session: %+v", res)
			}
		}
	})
}

// BenchmarkStart measures Backend.Start: creating and starting an episode's container. Close is
// not timed.
func BenchmarkStart(b *testing.B) {
	backend := newBackend(b, Options{})
	spec := sandbox.Spec{PublicDir: b.TempDir(), WorkspaceDir: b.TempDir()}
	for i := 0; i < b.N; i++ {
		sb, err := backend.Start(context.Background(), spec)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := sb.Close(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
