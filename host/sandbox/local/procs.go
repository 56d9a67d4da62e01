//go:build linux

package local

import (
	"context"
	"os"
)

// processes is what a sandbox runs its jobs through: a box (init in new namespaces) normally,
// plain host processes in insecure mode. The execution logic above it is the same for both.
type processes interface {
	// spawn starts j; its exit arrives on the channel once everything it left was killed
	// (unless j.Keep). files are the descriptors j indexes.
	spawn(ctx context.Context, j job, files ...*os.File) (<-chan exitStatus, int, error)
	// forget drops the bookkeeping of a finished job.
	forget(id int64)
	// killAll kills every process of the sandbox, or every one but the kept jobs.
	killAll(keep bool) error
	// kill ends everything for good.
	kill()
	alive() bool
	// deadChan is closed when the processes can no longer be managed (init died).
	deadChan() <-chan struct{}
	// takeAsyncErr returns a failure reported outside any request (a sweep after a job).
	takeAsyncErr() error
	// failure explains why deadChan closed.
	failure() string
	// pid is the process Leftovers watches (init), or 0.
	pid() int
}

var _ processes = (*box)(nil)

func (b *box) deadChan() <-chan struct{} { return b.dead }

func (b *box) failure() string {
	diag, _ := b.stderr.Text()
	b.mu.Lock()
	defer b.mu.Unlock()
	msg := "the sandbox's init ended"
	if b.deadErr != nil {
		msg += ": " + b.deadErr.Error()
	}
	if diag != "" {
		msg += "; it said: " + diag
	}
	return msg
}

func (b *box) pid() int {
	if b.cmd == nil || b.cmd.Process == nil {
		return 0
	}
	return b.cmd.Process.Pid
}
