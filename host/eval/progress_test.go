package eval

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
)

func TestProgress_TerminalRedrawsInPlacePlainPrintsLines(t *testing.T) {
	j := Job{Agent: AgentSpec{Name: "base"}, Competition: "toy@1", Seed: 1, Dir: "/x"}
	step := core.StepResult{Step: 2, Observation: core.Observation{StepsLeft: 8, TimeLeft: time.Hour}}

	var tty bytes.Buffer
	p := newProgress(&tty, true, time.Hour, 4, 1)
	p.started = time.Now()
	p.begin(j)
	p.step(j, step)
	p.draw()
	p.draw()
	out := tty.String()
	if !strings.Contains(out, "1/4 episodes, 1 running") || !strings.Contains(out, "base on toy@1 seed 1") || !strings.Contains(out, "step   2") {
		t.Fatalf("display %q", out)
	}
	if !strings.Contains(out, "\x1b[2A\x1b[J") {
		t.Fatalf("the second draw does not erase the first two lines: %q", out)
	}
	p.end(j)
	if p.done != 2 || len(p.running) != 0 {
		t.Fatalf("done %d, running %d", p.done, len(p.running))
	}

	var plain bytes.Buffer
	p = newProgress(&plain, false, time.Hour, 4, 0)
	p.started = time.Now()
	p.begin(j)
	p.step(j, step)
	p.draw()
	p.end(j)
	out = plain.String()
	if strings.Contains(out, "\x1b[") || !strings.Contains(out, "start base on toy@1 seed 1") || !strings.Contains(out, "done  base on toy@1 seed 1 (1/4)") {
		t.Fatalf("plain output %q", out)
	}
	if eta, ok := (&episodeProgress{started: time.Now().Add(-10 * time.Second), firstStep: 0, step: 2, stepsLeft: 8, timeLeft: 30 * time.Second}).eta(); !ok || eta != 30*time.Second {
		t.Fatalf("eta %v %v: want the time budget left, which is shorter than 8 steps at 5s", eta, ok)
	}
}
