//go:build linux

package local

import (
	"testing"

	"github.com/mledojo/dojo/core"
)

func TestClassify_StopsFromOutsideComeFirstThenLimitsThenTheStatus(t *testing.T) {
	exited := func(code int) *exitStatus { return &exitStatus{Exited: true, Code: code} }
	signaled := func(sig int) *exitStatus { return &exitStatus{Signal: sig} }
	cases := []struct {
		name      string
		stop      stopReason
		st        *exitStatus
		oom, pids bool
		want      core.Outcome
	}{
		{"clean exit", notStopped, exited(0), false, false, core.OutcomeOK},
		{"exit 3", notStopped, exited(3), false, false, core.OutcomeExitNonZero},
		{"timeout beats everything", stoppedTimeout, signaled(9), true, true, core.OutcomeTimedOut},
		{"workspace over quota", stoppedDisk, signaled(9), false, false, core.OutcomeResourceLimit},
		{"OOM killer's SIGKILL", notStopped, signaled(9), true, false, core.OutcomeOutOfMemory},
		{"OOM of a child, the parent fails", notStopped, exited(1), true, false, core.OutcomeOutOfMemory},
		{"OOM of a child, the parent copes", notStopped, exited(0), true, false, core.OutcomeOK},
		{"file size limit", notStopped, signaled(25), false, false, core.OutcomeResourceLimit},
		{"CPU limit", notStopped, signaled(24), false, false, core.OutcomeResourceLimit},
		{"fork refused, the code gives up", notStopped, exited(1), false, true, core.OutcomeResourceLimit},
		{"fork refused, the code copes", notStopped, exited(0), false, true, core.OutcomeOK},
		{"killed by a signal", notStopped, signaled(9), false, false, core.OutcomeKilled},
		{"cancelled", stoppedCancelled, signaled(9), false, false, core.OutcomeKilled},
		{"closed", stoppedClosed, nil, false, false, core.OutcomeKilled},
		{"box died", stoppedBoxDied, nil, false, false, core.OutcomeKilled},
	}
	for _, c := range cases {
		code := -1
		if c.st != nil {
			code = c.st.exitCode()
		}
		if got := classify(c.stop, c.st, code, c.oom, c.pids); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
}

func TestExitStatus_FollowsTheShellConvention(t *testing.T) {
	if got := (exitStatus{Exited: true, Code: 3}).exitCode(); got != 3 {
		t.Errorf("exit 3: %d", got)
	}
	if got := (exitStatus{Signal: 9}).exitCode(); got != 137 {
		t.Errorf("SIGKILL: %d", got)
	}
}
