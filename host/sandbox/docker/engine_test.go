package docker

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/mledojo/dojo/host/sandbox"
)

// The tests in this package that need an engine fail, never skip, when there is none or the image
// is missing: CI runs `make image` first and must exercise the real backend.

// newBackend returns a backend on the engine of this machine (DOCKER_HOST).
func newBackend(t testing.TB, opts Options) *Backend {
	t.Helper()
	b, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := b.cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		t.Fatalf("the Docker engine does not answer (%v): start it, then run `make image`", err)
	}
	if _, err := b.cli.ImageInspect(ctx, b.image); err != nil {
		t.Fatalf("image %s is missing (%v): run `make image`", b.image, err)
	}
	return b
}

// startSandbox starts a sandbox with fresh public and workspace directories unless spec names
// them, and checks at cleanup that Close left no container behind.
func startSandbox(t testing.TB, b *Backend, spec sandbox.Spec) *containerSandbox {
	t.Helper()
	if spec.PublicDir == "" {
		spec.PublicDir = t.TempDir()
	}
	if spec.WorkspaceDir == "" {
		spec.WorkspaceDir = t.TempDir()
	}
	sb, err := b.Start(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	s := sb.(*containerSandbox)
	t.Cleanup(func() {
		if err := s.Close(context.Background()); err != nil {
			t.Errorf("Close: %v", err)
		}
		assertGone(t, b, s.currentID())
	})
	return s
}

func (s *containerSandbox) currentID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.id
}

// assertGone fails unless the engine no longer knows the container.
func assertGone(t testing.TB, b *Backend, id string) {
	t.Helper()
	_, err := b.cli.ContainerInspect(context.Background(), id, client.ContainerInspectOptions{})
	if !cerrdefs.IsNotFound(err) {
		t.Errorf("container %s still exists after Close (inspect: %v)", shortID(id), err)
	}
}

// run executes code and fails the test on a sandbox error.
func run(t testing.TB, sb sandbox.Sandbox, code string) sandbox.Result {
	t.Helper()
	res, err := sb.Exec(context.Background(), sandbox.ExecRequest{Code: code})
	if err != nil {
		t.Fatalf("Exec: %v", err)
	}
	return res
}

// psCode prints "uid command" for every live process in the container but itself and its parent
// (the runner, or the session bridge).
const psCode = `
import os
skip = {os.getpid(), os.getppid()}
for p in sorted(os.listdir('/proc')):
    if p.isdigit() and int(p) not in skip:
        try:
            if open('/proc/%s/stat' % p).read().rsplit(')', 1)[1].split()[0] == 'Z':
                continue
            uid = open('/proc/%s/status' % p).read().split('\nUid:\t')[1].split('\t')[0]
            cmd = open('/proc/%s/cmdline' % p, 'rb').read().replace(b'\0', b' ').decode().strip()
        except (OSError, IndexError):
            continue
        print(uid, cmd)
`

// assertOnlyInit fails unless nothing but the idle init runs in the sandbox.
func assertOnlyInit(t testing.TB, sb sandbox.Sandbox) {
	t.Helper()
	res := run(t, sb, psCode)
	got := strings.Split(strings.TrimSpace(res.Stdout), "\n")
	want := []string{"65534 /usr/bin/tini -s -- sleep infinity", "65534 sleep infinity"}
	if !slices.Equal(got, want) {
		t.Errorf("processes left in the sandbox:\n%s\nwant only init:\n%s", res.Stdout, strings.Join(want, "\n"))
	}
}
