package server_test

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func closedReason(t *testing.T, ts *testServer, id string) string {
	t.Helper()
	var rec struct{ Reason string }
	b, err := os.ReadFile(filepath.Join(ts.runs, "server", id, "closed.json"))
	if err != nil {
		return ""
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	return rec.Reason
}

// TestIdle_AnIdleEpisodeIsClosedAndResumesFromItsHistory.
func TestIdle_AnIdleEpisodeIsClosedAndResumesFromItsHistory(t *testing.T) {
	ts := startServer(t, func(s *serverSetup) { s.cfg.IdleTimeout = 2 * time.Second })
	id := openEpisode(t, ts, tokenA, nil)
	ts.ok(t, tokenA, "Step", map[string]any{"episode_id": id, "action": map[string]any{"name": "execute_code", "params": map[string]any{"code": submissionCode(true)}}})
	eventually(t, "the idle episode to close", func() bool { return closedReason(t, ts, id) == "idle_timeout" })

	eps := ts.ok(t, tokenA, "ListEpisodes", "{}")["episodes"].([]any)
	if len(eps) != 1 || get(eps[0].(map[string]any), "status") != "closed" || get(eps[0].(map[string]any), "close_reason") != "idle_timeout" ||
		get(eps[0].(map[string]any), "step") != 1.0 {
		t.Fatalf("episodes %v", eps)
	}
	r := ts.post(t, tokenA, "Step", map[string]any{"episode_id": id, "action": map[string]any{"name": "request_info"}})
	wantError(t, r, "failed_precondition", "episode_closed")
	if !strings.Contains(r.header.Get("Dojo-Error"), "ResumeEpisode") {
		t.Fatalf("the error does not say how to go on: %s", r.header.Get("Dojo-Error"))
	}
	// The sandbox is gone: the workspace is no longer held by a sandbox process.
	res := ts.ok(t, tokenA, "ResumeEpisode", map[string]any{"episode_id": id})
	if get(res, "observation", "info", "resumed_at_step") != 1.0 || get(res, "episode", "status") != "open" || res["already_open"] != false {
		t.Fatalf("resume %v", res)
	}
	step := ts.ok(t, tokenA, "Step", map[string]any{"episode_id": id, "action": map[string]any{"name": "request_info"}})
	if step["step"] != 2.0 || get(step, "observation", "best_raw_score") != 1.0 {
		t.Fatalf("step after resume %v", step)
	}
}

// TestRestart_ResumeEpisodeAfterTheServerStops: a server stops (its episodes closed cleanly), a new
// one on the same runs directory resumes an episode for its owner only.
func TestRestart_ResumeEpisodeAfterTheServerStops(t *testing.T) {
	runs := t.TempDir()
	first := startServer(t, func(s *serverSetup) { s.runs = runs })
	id := openEpisode(t, first, tokenA, map[string]any{"max_steps": 3})
	first.ok(t, tokenA, "Step", map[string]any{"episode_id": id, "action": map[string]any{"name": "execute_code", "params": map[string]any{"code": submissionCode(false)}}})
	if err := first.stop(t); err != nil {
		t.Fatal(err)
	}
	if r := closedReason(t, first, id); r != "shutdown" {
		t.Fatalf("closed.json reason %q, want shutdown", r)
	}

	second := startServer(t, func(s *serverSetup) { s.runs = runs })
	wantError(t, second.post(t, tokenA, "Step", map[string]any{"episode_id": id, "action": map[string]any{"name": "request_info"}}), "failed_precondition", "episode_closed")
	wantError(t, second.post(t, tokenB, "ResumeEpisode", map[string]any{"episode_id": id}), "not_found", "episode_not_found")
	res := second.ok(t, tokenA, "ResumeEpisode", map[string]any{"episode_id": id})
	if get(res, "observation", "info", "resumed_at_step") != 1.0 || get(res, "episode", "step") != 1.0 || get(res, "episode", "config", "max_steps") != 3.0 {
		t.Fatalf("resume %v", res)
	}
	if again := second.ok(t, tokenA, "ResumeEpisode", map[string]any{"episode_id": id}); again["already_open"] != true {
		t.Fatalf("second resume %v", again)
	}
	a := second.ok(t, tokenA, "Step", map[string]any{"episode_id": id, "action": map[string]any{"name": "execute_code", "params": map[string]any{"code": submissionCode(true)}}})
	b := second.ok(t, tokenA, "Step", map[string]any{"episode_id": id, "action": map[string]any{"name": "request_info"}})
	if a["step"] != 2.0 || get(a, "observation", "best_raw_score") != 1.0 || b["step"] != 3.0 || b["truncated"] != true {
		t.Fatalf("steps after resume: %v / %v", a, b)
	}
	if h := second.ok(t, tokenA, "GetHistory", map[string]any{"episode_id": id}); len(h["events"].([]any)) != 4 {
		t.Fatalf("history %v", h)
	}
}

// TestShutdown_AStepInFlightFinishesBeforeTheEpisodesClose: the server stops accepting connections
// at once, but the step already running completes and is answered; then the episode is closed.
func TestShutdown_AStepInFlightFinishesBeforeTheEpisodesClose(t *testing.T) {
	ts := startServer(t, nil)
	id := openEpisode(t, ts, tokenA, nil)
	work := filepath.Join(ts.runs, "server", id, "workspace")
	code := `import os, time
open("started", "w").write("1")
while not os.path.exists("release"):
    time.sleep(0.02)
print("finished after release")
`
	answer := make(chan reply, 1)
	go func() {
		answer <- ts.post(t, tokenA, "Step", map[string]any{"episode_id": id, "action": map[string]any{"name": "execute_code", "params": map[string]any{"code": code}}})
	}()
	eventually(t, "the step to start in the sandbox", func() bool { _, err := os.Stat(filepath.Join(work, "started")); return err == nil })

	stopped := make(chan error, 1)
	go func() { stopped <- ts.stop(t) }()
	eventually(t, "the server to stop accepting connections", func() bool {
		c, err := net.Dial("tcp", ts.addr)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	select {
	case <-stopped:
		t.Fatal("the server stopped with a step in flight")
	default:
	}
	if err := os.WriteFile(filepath.Join(work, "release"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r := <-answer
	if r.status != 200 || !strings.Contains(str(get(r.body, "observation", "execution", "stdout")), "finished after release") {
		t.Fatalf("the step in flight: HTTP %d %s", r.status, r.raw)
	}
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if reason := closedReason(t, ts, id); reason != "shutdown" {
		t.Fatalf("closed.json reason %q", reason)
	}
	// The step is in the history on disk.
	b, _ := os.ReadFile(filepath.Join(ts.runs, "server", id, "events.jsonl"))
	if !strings.Contains(string(b), "finished after release") {
		t.Fatal("the step in flight is not in events.jsonl")
	}
}
