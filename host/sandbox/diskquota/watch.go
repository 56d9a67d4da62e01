//go:build linux

package diskquota

import (
	"sync"
	"time"
)

// The workspace is a directory of the host, bind-mounted, so no filesystem limit applies to it.
// In the local sandbox Limits.DiskBytes is enforced three ways: RLIMIT_FSIZE caps every file the code writes (anywhere)
// at DiskBytes; a watch measures the workspace while the code runs and stops the execution once it
// holds more than DiskBytes (and more than before the execution, so that an agent over quota may
// still run code that deletes); and the final measurement classifies the execution as
// resource_limit when the workspace ended over quota. The watch polls, so a fast writer may
// overshoot by what it writes between two measurements (at most a second's worth, usually a tenth).
// /tmp and /dev/shm are tmpfs mounts capped at min(DiskBytes, MemoryBytes/2) and MemoryBytes/2,
// and their pages count against the memory limit.

// Watch measures a workspace during one execution.
type Watch struct {
	dir   string
	limit int64
	base  int64

	exceeded chan struct{} // closed when the workspace went over quota
	stop     chan struct{}
	done     chan struct{}

	mu    sync.Mutex
	usage int64
	err   error
}

// Poll interval bounds; the interval grows with the time a measurement takes.
const (
	quotaMinInterval = 100 * time.Millisecond
	quotaMaxInterval = time.Second
)

// Start watches dir during one execution: it is over quota once it holds more than limit bytes and
// more than base (its usage before the execution), so that code run over quota may still delete.
func Start(dir string, limit, base int64) *Watch {
	q := &Watch{dir: dir, limit: limit, base: base, usage: base,
		exceeded: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
	go q.run()
	return q
}

// over says whether usage breaks the quota.
func (q *Watch) over(usage int64) bool { return usage > q.limit && usage > q.base }

func (q *Watch) run() {
	defer close(q.done)
	interval := quotaMinInterval
	t := time.NewTimer(interval)
	defer t.Stop()
	for {
		select {
		case <-q.stop:
			return
		case <-t.C:
		}
		began := time.Now()
		usage, err := Usage(q.dir)
		q.mu.Lock()
		q.usage, q.err = usage, err
		q.mu.Unlock()
		if err == ErrTooDeep || (err == nil && q.over(usage)) {
			close(q.exceeded)
			return
		}
		interval = min(max(20*time.Since(began), quotaMinInterval), quotaMaxInterval)
		t.Reset(interval)
	}
}

// Exceeded is closed when the workspace goes over quota during the execution.
func (q *Watch) Exceeded() <-chan struct{} { return q.exceeded }

// Finish stops the watch, measures once more, and returns the usage and whether it broke the
// quota at any point.
func (q *Watch) Finish() (usage int64, over bool) {
	close(q.stop)
	<-q.done
	select {
	case <-q.exceeded:
		over = true
	default:
	}
	usage, err := Usage(q.dir)
	if err == ErrTooDeep {
		over = true
	}
	if err != nil && err != ErrTooDeep {
		q.mu.Lock()
		usage = q.usage
		q.mu.Unlock()
	}
	return usage, over || q.over(usage)
}
