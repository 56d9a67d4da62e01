package docker

import (
	"context"
	"fmt"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
	"github.com/mledojo/dojo/host/sandbox/diskquota"
)

// cleanupTimeout bounds the engine calls that tidy up after an execution or a sandbox, which run even
// when the caller's context is already cancelled.
const cleanupTimeout = 30 * time.Second

// containerSandbox is one episode's container: created at Start, one docker exec per Exec, replaced
// when an execution could not be stopped any other way, removed at Close.
type containerSandbox struct {
	b    *Backend
	spec sandbox.Spec
	req  client.ContainerCreateOptions
	env  map[string]string

	// runs serialises Exec, Reset and the end of Close.
	runs sync.Mutex
	// session is the interpreter of session mode; nil in fresh mode, until the first Exec, and
	// after the interpreter was lost.
	session *session
	// sessionLost says the last interpreter died, so the next one's first result must say so.
	sessionLost bool
	// quota watches the workspace during the running Exec; usage is its size after the last one.
	quota *diskquota.Watch
	usage int64

	mu      sync.Mutex
	id      string
	stale   bool // the container must be replaced before the next execution
	closed  bool
	closing chan struct{} // closed by Close, to abort a running Exec

	closeOnce sync.Once
	closeErr  error
}

var _ sandbox.Sandbox = (*containerSandbox)(nil)

func newContainerSandbox(b *Backend, spec sandbox.Spec) *containerSandbox {
	return &containerSandbox{
		b:       b,
		spec:    spec,
		req:     containerRequest(spec, b.image, b.hostID),
		env:     sandbox.Environment(spec),
		closing: make(chan struct{}),
	}
}

// create makes and starts a container and makes it the sandbox's. A container made while Close ran
// is removed at once.
func (s *containerSandbox) create(ctx context.Context) error {
	made, err := s.b.cli.ContainerCreate(ctx, s.req)
	if err != nil {
		return core.Errorf(core.TypeSandboxInit, "docker: create the container: %w", err).
			WithCauses("the image lacks a setting this engine needs, or a mount source is missing")
	}
	s.b.mu.Lock()
	s.b.made[made.ID] = true
	s.b.mu.Unlock()
	if _, err := s.b.cli.ContainerStart(ctx, made.ID, client.ContainerStartOptions{}); err != nil {
		s.remove(made.ID)
		return core.Errorf(core.TypeSandboxInit, "docker: start the container: %w", err).
			WithCauses("the image has no /usr/bin/tini or sleep", "the engine cannot apply a limit (memory, pids, GPUs)")
	}
	s.mu.Lock()
	closed := s.closed
	if !closed {
		s.id, s.stale = made.ID, false
	}
	s.mu.Unlock()
	if closed {
		s.remove(made.ID)
		return core.Errorf(core.TypeSandboxExecution, "docker: the sandbox was closed")
	}
	return nil
}

// container returns the current container's id, replacing the container first when an earlier
// execution left it unusable.
func (s *containerSandbox) container(ctx context.Context) (string, error) {
	s.mu.Lock()
	id, stale, closed := s.id, s.stale, s.closed
	s.mu.Unlock()
	if closed {
		return "", core.Errorf(core.TypeSandboxExecution, "docker: the sandbox is closed")
	}
	if !stale {
		return id, nil
	}
	if err := s.replace(ctx); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.id, nil
}

// replace removes the current container and starts a new one from the same request: the last
// resort when an execution cannot be stopped from inside, and how Reset forgets everything.
func (s *containerSandbox) replace(ctx context.Context) error {
	s.mu.Lock()
	old := s.id
	s.stale = true
	s.mu.Unlock()
	s.dropSession()
	if err := s.remove(old); err != nil {
		return err
	}
	return s.create(ctx)
}

// markStale kills the current container at once, so that nothing in it keeps running, and has the
// next execution replace it.
func (s *containerSandbox) markStale() {
	s.mu.Lock()
	id := s.id
	s.stale = true
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	_, _ = s.b.cli.ContainerKill(ctx, id, client.ContainerKillOptions{Signal: "KILL"})
}

// remove deletes a container and everything running in it; a container already gone is fine.
func (s *containerSandbox) remove(id string) error {
	if id == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	_, err := s.b.cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	if err != nil && !cerrdefs.IsNotFound(err) {
		return core.Errorf(core.TypeSandboxCleanup, "docker: remove container %s: %w", shortID(id), err)
	}
	return nil
}

// Exec runs one execution in the container.
func (s *containerSandbox) Exec(ctx context.Context, req sandbox.ExecRequest) (sandbox.Result, error) {
	s.runs.Lock()
	defer s.runs.Unlock()
	if req.Code != "" && len(req.Argv) > 0 {
		return sandbox.Result{}, core.Errorf(core.TypeInvalidArgument, "docker: an execution is code or argv, not both")
	}
	if s.quota == nil {
		s.usage, _ = diskquota.Usage(s.spec.WorkspaceDir)
	}
	s.quota = diskquota.Start(s.spec.WorkspaceDir, s.spec.Limits.DiskBytes, s.usage)
	var (
		res sandbox.Result
		err error
	)
	if s.spec.Mode == sandbox.ModeSession {
		res, err = s.execSession(ctx, req)
	} else {
		res, err = s.execFresh(ctx, req)
	}
	usage, over := s.quota.Finish()
	s.usage = usage
	if over && err == nil && res.Outcome != core.OutcomeTimedOut && res.Outcome != core.OutcomeOutOfMemory {
		res.Outcome = core.OutcomeResourceLimit
		res.Stderr += fmt.Sprintf("\n[dojo] the workspace holds %s, over its %s disk limit\n",
			sandbox.FormatBytes(usage), sandbox.FormatBytes(s.spec.Limits.DiskBytes))
	}
	return res, err
}

// quotaExceeded is closed when the running Exec's workspace goes over its disk limit.
func (s *containerSandbox) quotaExceeded() <-chan struct{} { return s.quota.Exceeded() }

// Reset replaces the container: every process, the session interpreter and /tmp are gone; the
// workspace, being the host's directory, stays.
func (s *containerSandbox) Reset(ctx context.Context) error {
	s.runs.Lock()
	defer s.runs.Unlock()
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return core.Errorf(core.TypeSandboxExecution, "docker: the sandbox is closed")
	}
	s.sessionLost = false
	return s.replace(ctx)
}

// Close removes the container, which kills everything in it, then waits for a running Exec to
// return. A second Close waits for the first and returns its result.
func (s *containerSandbox) Close(ctx context.Context) error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		close(s.closing)
		id := s.id
		s.mu.Unlock()
		s.closeErr = s.remove(id)
		s.runs.Lock() // an aborted Exec returns within a few engine calls
		s.dropSession()
		s.runs.Unlock()
	})
	return s.closeErr
}

// timeout is the wall time one execution may take.
func (s *containerSandbox) timeout(req sandbox.ExecRequest) time.Duration {
	t := s.spec.Limits.Timeout
	if req.Timeout > 0 && req.Timeout < t {
		t = req.Timeout
	}
	return t
}
