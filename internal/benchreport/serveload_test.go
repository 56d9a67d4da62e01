package main

import (
	"strings"
	"testing"
)

func TestSumCounter_AddsEverySampleOfOneFamily(t *testing.T) {
	text := `# HELP dojo_server_steps_total steps
# TYPE dojo_server_steps_total counter
dojo_server_steps_total{action="execute_code",status="error"} 1200
dojo_server_steps_total{action="reset",status="ok"} 32
dojo_server_steps_total_other 7
dojo_server_step_duration_seconds_count{action="execute_code"} 99
`
	if got := sumCounter(strings.NewReader(text), "dojo_server_steps_total"); got != 1232 {
		t.Fatalf("sum = %v, want 1232", got)
	}
}

func TestServeLoadSection_JudgesTheServerProcessAlone(t *testing.T) {
	run := &serveLoad{hostHWMKiB: 80 << 10, sandboxCount: 32, sandboxSumKiB: 900 << 10}
	run.res.Episodes, run.res.Action, run.res.Code = 32, "execute_code", "x = 1"
	sec, ok := serveLoadSection("7. load", run)
	if !ok {
		t.Fatal("80 MiB missed a 200 MB target")
	}
	var b strings.Builder
	(&Report{Sections: []*Section{sec}}).Write(&b)
	for _, want := range []string{"80.0 MiB", "PASS", "VmHWM", "900.0 MiB"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("section lacks %q:\n%s", want, b.String())
		}
	}
	run.hostHWMKiB = 195_313 // 200,000,512 bytes
	if _, ok := serveLoadSection("7. load", run); ok {
		t.Error("a peak just over 200 MB passed")
	}
	run.hostHWMKiB = 0
	if _, ok := serveLoadSection("7. load", run); ok {
		t.Error("an unread peak passed")
	}
}
