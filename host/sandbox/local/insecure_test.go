//go:build linux

package local

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
	"github.com/mledojo/dojo/host/sandbox/sandboxtest"
)

// insecureFixture starts an insecure sandbox over fresh directories.
func insecureFixture(t *testing.T, mode sandbox.ExecMode) (sandbox.Sandbox, string, string) {
	t.Helper()
	base := t.TempDir()
	pub, ws := filepath.Join(base, "public"), filepath.Join(base, "workspace")
	for _, d := range []string{pub, ws} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(pub, "train.csv"), []byte("a,b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sb, err := New(Options{Insecure: true}).Start(context.Background(), sandbox.Spec{PublicDir: pub, WorkspaceDir: ws, Mode: mode,
		Limits: sandbox.Limits{Timeout: 2 * time.Second, MemoryBytes: 256 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := sb.Close(context.Background()); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return sb, pub, ws
}

func exec1(t *testing.T, sb sandbox.Sandbox, code string) sandbox.Result {
	t.Helper()
	res, err := sb.Exec(context.Background(), sandbox.ExecRequest{Code: code})
	if err != nil {
		t.Fatalf("Exec: %v", err)
	}
	return res
}

func TestInsecure_ReportsItselfAndFindsDataThroughEnvironment(t *testing.T) {
	t.Setenv("DOJO_HOST_ONLY", "leak")
	sb, pub, ws := insecureFixture(t, sandbox.ModeFresh)
	if iso := sb.Isolation(); !iso.Insecure {
		t.Errorf("an insecure sandbox must say so: %+v", iso)
	}
	if iso := New(Options{Insecure: true}).Check(context.Background()); !iso.Insecure {
		t.Errorf("an insecure backend must say so: %+v", iso)
	}
	res := exec1(t, sb, "import os\nprint(os.getcwd())\nprint(open(os.path.join(os.environ['DOJO_DATA'], 'train.csv')).read(), end='')\nprint('DOJO_HOST_ONLY' in os.environ, os.environ['DOJO_WORKSPACE'])")
	want := ws + "\na,b\nFalse " + ws + "\n"
	if res.Outcome != core.OutcomeOK || res.Stdout != want {
		t.Fatalf("got %s, want stdout %q", sandboxtest.Describe(res), want)
	}
	_ = pub
}

func TestInsecure_TimeoutAndLeftoversAreKilled(t *testing.T) {
	for _, mode := range []sandbox.ExecMode{sandbox.ModeFresh, sandbox.ModeSession} {
		t.Run(string(mode), func(t *testing.T) {
			sb, _, _ := insecureFixture(t, mode)
			token := "DOJO-INSECURE-" + sandboxtest.Token()
			res := exec1(t, sb, "import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', 'import time; time.sleep(3600)', "+sandboxtest.PyString(token)+"])\nprint('ok')")
			if res.Outcome != core.OutcomeOK {
				t.Fatalf("%s", sandboxtest.Describe(res))
			}
			sandboxtest.ExpectNoHostProcess(t, token)
			res = exec1(t, sb, "while True: pass")
			if res.Outcome != core.OutcomeTimedOut {
				t.Fatalf("want timed_out: %s", sandboxtest.Describe(res))
			}
			if res := exec1(t, sb, "print('again')"); strings.TrimSpace(res.Stdout) != "again" {
				t.Fatalf("the next execution failed: %s", sandboxtest.Describe(res))
			}
		})
	}
}

func TestInsecure_SessionKeepsVariables(t *testing.T) {
	sb, _, _ := insecureFixture(t, sandbox.ModeSession)
	exec1(t, sb, "x = 20")
	if res := exec1(t, sb, "print(x * 2)"); res.Stdout != "40\n" {
		t.Fatalf("%s", sandboxtest.Describe(res))
	}
}

// The host's own commands name files by their sandbox paths; an insecure sandbox, which mounts
// nothing, finds them in the directories those paths stand for.
func TestInsecure_ArgvSandboxPathsReachTheHostDirectories(t *testing.T) {
	sb, _, ws := insecureFixture(t, sandbox.ModeFresh)
	if err := os.WriteFile(filepath.Join(ws, "check.py"), []byte("print('checked')\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := sb.Exec(context.Background(), sandbox.ExecRequest{Argv: []string{"/usr/bin/python3", sandbox.WorkspaceMount + "/check.py"}})
	if err != nil || res.Outcome != core.OutcomeOK || res.Stdout != "checked\n" {
		t.Fatalf("argv with %s/check.py: %v %s", sandbox.WorkspaceMount, err, sandboxtest.Describe(res))
	}
	res, err = sb.Exec(context.Background(), sandbox.ExecRequest{Argv: []string{"/usr/bin/python3", "-c",
		"import sys; print(open(sys.argv[1]).read(), end='')", sandbox.PublicMount + "/train.csv"}})
	if err != nil || res.Outcome != core.OutcomeOK || res.Stdout != "a,b\n" {
		t.Fatalf("argv with %s/train.csv: %v %s", sandbox.PublicMount, err, sandboxtest.Describe(res))
	}
}
