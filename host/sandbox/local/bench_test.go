//go:build linux

package local

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

// benchSpec is a sandbox over fresh directories, with the default limits.
func benchSpec(b *testing.B, mode sandbox.ExecMode) sandbox.Spec {
	dir := b.TempDir()
	pub, ws := filepath.Join(dir, "public"), filepath.Join(dir, "workspace")
	for _, d := range []string{pub, ws} {
		if err := os.Mkdir(d, 0o755); err != nil {
			b.Fatal(err)
		}
	}
	return sandbox.Spec{PublicDir: pub, WorkspaceDir: ws, Mode: mode, Limits: sandbox.Limits{Timeout: time.Minute}}
}

func startBench(b *testing.B, mode sandbox.ExecMode) sandbox.Sandbox {
	b.Helper()
	requireIsolation(b)
	sb, err := testBackend(Options{}).Start(context.Background(), benchSpec(b, mode))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = sb.Close(context.Background()) })
	return sb
}

func execOK(b *testing.B, sb sandbox.Sandbox, code string) {
	res, err := sb.Exec(context.Background(), sandbox.ExecRequest{Code: code})
	if err != nil || res.Outcome != core.OutcomeOK {
		b.Fatalf("%v: %+v", err, res)
	}
}

// BenchmarkExecOverhead runs the same trivial script, in each iteration, once directly with
// /usr/bin/python3 and once in a fresh-mode local sandbox, and reports both times and their
// difference, the sandbox's per-execution overhead (target: under 30 ms).
func BenchmarkExecOverhead(b *testing.B) {
	const code = "print('hi')"
	file := filepath.Join(b.TempDir(), "main.py")
	if err := os.WriteFile(file, []byte(code), 0o644); err != nil {
		b.Fatal(err)
	}
	sb := startBench(b, sandbox.ModeFresh)
	execOK(b, sb, code) // warm the page cache and the box
	var direct, local time.Duration
	for b.Loop() {
		began := time.Now()
		if out, err := exec.Command(DefaultInterpreter, file).Output(); err != nil || string(out) != "hi\n" {
			b.Fatalf("%v: %q", err, out)
		}
		direct += time.Since(began)
		began = time.Now()
		execOK(b, sb, code)
		local += time.Since(began)
	}
	ms := func(d time.Duration) float64 { return d.Seconds() * 1000 / float64(b.N) }
	b.ReportMetric(ms(direct), "direct-ms/op")
	b.ReportMetric(ms(local), "local-ms/op")
	b.ReportMetric(ms(local-direct), "overhead-ms/op")
}

// BenchmarkStart is the time to start and close a sandbox (namespaces, root, cgroup).
func BenchmarkStart(b *testing.B) {
	requireIsolation(b)
	backend := testBackend(Options{})
	spec := benchSpec(b, sandbox.ModeFresh)
	for b.Loop() {
		sb, err := backend.Start(context.Background(), spec)
		if err != nil {
			b.Fatal(err)
		}
		_ = sb.Close(context.Background())
	}
}

// BenchmarkSessionStep is a trivial step in a warm session interpreter (target < 20 ms).
func BenchmarkSessionStep(b *testing.B) {
	sb := startBench(b, sandbox.ModeSession)
	execOK(b, sb, "x = 0")
	for b.Loop() {
		execOK(b, sb, "x += 1")
	}
}

// BenchmarkSessionImportPandasSklearn repeats `import pandas, sklearn` in a session: after the
// first step the modules are cached, so each step costs the round trip only.
func BenchmarkSessionImportPandasSklearn(b *testing.B) {
	sb := startBench(b, sandbox.ModeSession)
	began := time.Now()
	execOK(b, sb, "import pandas, sklearn")
	first := time.Since(began)
	for b.Loop() {
		execOK(b, sb, "import pandas, sklearn")
	}
	b.ReportMetric(first.Seconds()*1000, "first-import-ms")
}
