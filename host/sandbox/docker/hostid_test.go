package docker

import (
	"fmt"
	"os"
	"testing"
)

func TestDeadOwner(t *testing.T) {
	name, _ := os.Hostname()
	me := processID()
	tests := []struct {
		name   string
		hostID string
		dead   bool
	}{
		{"this process", me, false},
		{"a process that is gone", fmt.Sprintf("%s/%d/1", name, 1<<30), true},
		{"a reused pid (other start time)", fmt.Sprintf("%s/%d/0", name, os.Getpid()), true},
		{"another machine sharing the engine", fmt.Sprintf("elsewhere/%d/1", 1<<30), false},
		{"no label", "", false},
		{"a malformed label", "what/ever", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := deadOwner(tt.hostID); got != tt.dead {
				t.Errorf("deadOwner(%q) = %v, want %v", tt.hostID, got, tt.dead)
			}
		})
	}
}

func TestProcessID_NamesHostPidAndStartTime(t *testing.T) {
	name, _ := os.Hostname()
	want := fmt.Sprintf("%s/%d/%s", name, os.Getpid(), startTicks(os.Getpid()))
	if got := processID(); got != want || startTicks(os.Getpid()) == "" {
		t.Errorf("processID() = %q, want %q with a start time", got, want)
	}
}
