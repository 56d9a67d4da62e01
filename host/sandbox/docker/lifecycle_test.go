package docker

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
)

func TestDocker_CloseAbortsARunningExecution(t *testing.T) {
	for _, mode := range []sandbox.ExecMode{sandbox.ModeFresh, sandbox.ModeSession} {
		t.Run(string(mode), func(t *testing.T) {
			ws := t.TempDir()
			sb := startSandbox(t, newBackend(t, Options{}), sandbox.Spec{Mode: mode, WorkspaceDir: ws})
			type outcome struct {
				res  sandbox.Result
				took time.Duration
			}
			done := make(chan outcome, 1)
			go func() {
				begin := time.Now()
				res, _ := sb.Exec(context.Background(), sandbox.ExecRequest{
					Code: "open('started', 'w').close()\nimport time\ntime.sleep(120)"})
				done <- outcome{res, time.Since(begin)}
			}()
			waitForFile(t, filepath.Join(ws, "started"))
			if err := sb.Close(context.Background()); err != nil {
				t.Errorf("Close: %v", err)
			}
			got := <-done
			if got.res.Outcome != core.OutcomeKilled || got.took > 60*time.Second {
				t.Errorf("outcome %s after %v; want killed, long before the code's 120 s", got.res.Outcome, got.took)
			}
			if _, err := sb.Exec(context.Background(), sandbox.ExecRequest{Code: "pass"}); core.TypeOf(err) != core.TypeSandboxExecution {
				t.Errorf("Exec after Close: %v, want a sandbox_execution error", err)
			}
		})
	}
}

// waitForFile polls for a file the code makes once it has reached a point: while the code runs,
// the workspace is the only channel to the test.
func waitForFile(t *testing.T, path string) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(path); err == nil {
			return
		}
	}
	t.Fatalf("%s did not appear within a minute", path)
}

func TestDocker_CloseRemovesTheContainerAndCanRepeat(t *testing.T) {
	b := newBackend(t, Options{})
	sb, err := b.Start(t.Context(), sandbox.Spec{PublicDir: t.TempDir(), WorkspaceDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	id := sb.(*containerSandbox).currentID()
	for i := 0; i < 2; i++ {
		if err := sb.Close(t.Context()); err != nil {
			t.Errorf("Close #%d: %v", i+1, err)
		}
	}
	assertGone(t, b, id)
}

func TestDocker_CancelledContextStopsTheExecution(t *testing.T) {
	ws := t.TempDir()
	sb := startSandbox(t, newBackend(t, Options{}), sandbox.Spec{WorkspaceDir: ws})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan struct{})
	var res sandbox.Result
	var err error
	go func() {
		res, err = sb.Exec(ctx, sandbox.ExecRequest{Code: "open('started', 'w').close()\nimport time; time.sleep(120)"})
		close(done)
	}()
	waitForFile(t, filepath.Join(ws, "started"))
	cancel()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Exec did not return after its context was cancelled")
	}
	if core.TypeOf(err) != core.TypeSandboxExecution || res.Outcome != core.OutcomeKilled {
		t.Errorf("result %+v, %v; want killed and a sandbox_execution error", res, err)
	}
	assertOnlyInit(t, sb)
}

func TestDocker_ResetKillsEverythingAndEmptiesTmp(t *testing.T) {
	sb := startSandbox(t, newBackend(t, Options{}), sandbox.Spec{})
	old := sb.currentID()
	run(t, sb, "open('/tmp/scratch', 'w').write('x')\nopen('/workspace/kept', 'w').write('x')")
	if err := sb.Reset(t.Context()); err != nil {
		t.Fatal(err)
	}
	res := run(t, sb, "import os\nprint(os.path.exists('/tmp/scratch'), os.path.exists('/workspace/kept'))")
	if res.Stdout != "False True\n" {
		t.Errorf("after Reset: %q, want /tmp emptied and the workspace kept", res.Stdout)
	}
	assertGone(t, sb.b, old)
}

func TestDocker_AContainerThatDiedIsReplaced(t *testing.T) {
	b := newBackend(t, Options{})
	sb := startSandbox(t, b, sandbox.Spec{})
	old := sb.currentID()
	if _, err := b.cli.ContainerRemove(t.Context(), old, client.ContainerRemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	// The execution that finds the container gone fails; the next one gets a new container.
	if _, err := sb.Exec(t.Context(), sandbox.ExecRequest{Code: "pass"}); core.TypeOf(err) != core.TypeSandboxExecution {
		t.Errorf("Exec in a removed container: %v, want a sandbox_execution error", err)
	}
	if res := run(t, sb, "print('back')"); res.Stdout != "back\n" || sb.currentID() == old {
		t.Errorf("after replacement: %+v", res)
	}
}

func TestDocker_SweepRemovesOnlyWhatDeadHostsLeft(t *testing.T) {
	b := newBackend(t, Options{})
	name, _ := os.Hostname()
	owners := map[string]bool{ // label → should be swept
		fmt.Sprintf("%s/%d/1", name, 1<<30):  true,  // a host process that is gone
		b.hostID:                             false, // this one
		fmt.Sprintf("elsewhere/%d/1", 1<<30): false, // another machine on the same engine
	}
	ids := map[string]bool{}
	for owner, dead := range owners {
		req := containerRequest(sandbox.Spec{PublicDir: t.TempDir(), WorkspaceDir: t.TempDir()}, b.image, owner)
		made, err := b.cli.ContainerCreate(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_, _ = b.cli.ContainerRemove(context.Background(), made.ID, client.ContainerRemoveOptions{Force: true})
		})
		ids[made.ID] = dead
	}
	if _, err := b.Sweep(t.Context()); err != nil {
		t.Fatal(err)
	}
	for id, dead := range ids {
		_, err := b.cli.ContainerInspect(t.Context(), id, client.ContainerInspectOptions{})
		if gone := err != nil; gone != dead {
			t.Errorf("container %s: removed %v, want %v", shortID(id), gone, dead)
		}
	}
}
