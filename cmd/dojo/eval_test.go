package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeEvalConfig writes an eval.yaml with the baseline agent and a scripted one that submits the
// sample submission, two seeds and two workers.
func writeEvalConfig(t *testing.T) string {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "sample.py"), []byte("import pandas as pd\npd.read_csv('/data/sample_submission.csv').to_csv('/workspace/submission.csv', index=False)\n"), 0o644)
	cfg := `name: starter-smoke
agents:
  - {name: baseline, kind: baseline}
  - name: replay
    kind: scripted
    params:
      actions:
        - {action: request_info, params: {info_type: overview}}
        - {action: execute_code, file: sample.py}
competitions: [pima-diabetes@1]
seeds: [1, 2]
workers: 2
episode: {max_steps: 8}
`
	path := filepath.Join(dir, "eval.yaml")
	os.WriteFile(path, []byte(cfg), 0o644)
	return path
}

// episodeState is what one episode directory holds at a moment.
type episodeState struct {
	result, events []byte
	id             string
	steps          int
}

func episodeStates(t *testing.T, run string) map[string]episodeState {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(run, "episodes", "*", "*", "seed-*"))
	out := map[string]episodeState{}
	for _, d := range dirs {
		var s episodeState
		s.result, _ = os.ReadFile(filepath.Join(d, "result.json"))
		s.events, _ = os.ReadFile(filepath.Join(d, "events.jsonl"))
		s.steps = countSteps(t, d)
		var m struct{ ID string }
		if b, err := os.ReadFile(filepath.Join(d, "episode.json")); err == nil {
			json.Unmarshal(b, &m)
		}
		s.id = m.ID
		rel, _ := filepath.Rel(run, d)
		out[rel] = s
	}
	return out
}

// TestEval_KilledRunResumesWithoutReplayingFinishedEpisodes runs two agents on a starter competition
// with two seeds and two workers, SIGKILLs the host once an episode has finished and another is
// under way, and reruns the same command: finished episodes are kept byte for byte, the one under way
// goes on from its history, and the rest are played. Then the run reports and exports.
func TestEval_KilledRunResumesWithoutReplayingFinishedEpisodes(t *testing.T) {
	env := preparedData(t, "pima-diabetes@1")
	cfg := writeEvalConfig(t)
	run := filepath.Join(t.TempDir(), "run")
	cmd := exec.Command(filepath.Join(binDir, "dojo"), "eval", "--config", cfg, "--out", run)
	cmd.Env = append(append(os.Environ(), "DOJO_PLUGIN_PATH=", "HOME="+t.TempDir()), env...)
	var firstErr bytes.Buffer
	cmd.Stderr = &firstErr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var before map[string]episodeState
	deadline := time.Now().Add(3 * time.Minute)
	for {
		before = episodeStates(t, run)
		finished, underway := 0, 0
		for _, s := range before {
			switch {
			case len(s.result) > 0:
				finished++
			case s.steps > 0:
				underway++
			}
		}
		if finished > 0 && underway > 0 {
			break
		}
		if finished == 4 || time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("never saw a finished episode beside one under way (%d finished): %s", finished, firstErr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	before = episodeStates(t, run) // what the kill left

	r := dojo(t, env, "eval", "--config", cfg, "--out", run, "--workers", "2")
	if r.code != 0 {
		t.Fatalf("rerun: %+v", r)
	}
	after := episodeStates(t, run)
	if len(after) != 4 {
		t.Fatalf("%d episodes after the rerun, want 4", len(after))
	}
	finished, resumed := 0, 0
	for name, b := range before {
		a := after[name]
		switch {
		case len(b.result) > 0:
			finished++
			if !bytes.Equal(a.result, b.result) || !bytes.Equal(a.events, b.events) {
				t.Errorf("%s was finished before the kill but was played again", name)
			}
		case b.steps > 0:
			resumed++
			if a.id != b.id || a.steps < b.steps || !bytes.HasPrefix(a.events, b.events[:bytes.LastIndexByte(b.events, '\n')+1]) {
				t.Errorf("%s was under way (step %d) but was not resumed: id %s -> %s, %d steps after", name, b.steps, b.id, a.id, a.steps)
			}
			if log, _ := os.ReadFile(filepath.Join(run, name, "agent.log")); !strings.Contains(string(log), "resumed at step") {
				t.Errorf("%s: agent.log does not show the resume:\n%s", name, log)
			}
		}
	}
	for name, a := range after {
		var res struct {
			Status string `json:"status"`
			Steps  int    `json:"steps"`
		}
		if err := json.Unmarshal(a.result, &res); err != nil || res.Status != "done" || res.Steps == 0 {
			t.Errorf("%s: result %s (%v)", name, a.result, err)
		}
		if n := strings.Count(string(a.events), `"type":"reset"`); n != 1 {
			t.Errorf("%s has %d resets, want 1", name, n)
		}
	}
	if !strings.Contains(r.stderr, "already finished") {
		t.Errorf("the rerun does not say it resumed: %s", r.stderr)
	}
	var m struct {
		Invocations []struct{ Skipped, Run int } `json:"invocations"`
		Episodes    struct{ Done int }           `json:"episodes"`
		Machine     struct{ CPUs int }           `json:"machine"`
		Versions    struct {
			Plugins []struct{ Binary string } `json:"plugins"`
		} `json:"versions"`
	}
	b, _ := os.ReadFile(filepath.Join(run, "manifest.json"))
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Invocations) != 2 || m.Invocations[1].Skipped != finished || m.Invocations[1].Run != 4-finished || m.Episodes.Done != 4 ||
		m.Machine.CPUs == 0 || len(m.Versions.Plugins) == 0 {
		t.Errorf("manifest: %s", b)
	}
	t.Logf("%d episodes finished before the kill, %d resumed", finished, resumed)

	// A changed config is refused, naming the change.
	os.WriteFile(cfg, bytes.Replace(mustRead(t, cfg), []byte("seeds: [1, 2]"), []byte("seeds: [1, 2, 3]"), 1), 0o644)
	if r := dojo(t, env, "eval", "--config", cfg, "--out", run); r.code != 1 || !strings.Contains(r.stderr, "seeds: [1,2] -> [1,2,3]") || !strings.Contains(r.stderr, "--force") {
		t.Errorf("changed config: %+v", r)
	}

	rep := dojo(t, env, "report", run)
	if rep.code != 0 {
		t.Fatalf("report: %+v", rep)
	}
	var lb struct {
		Agents []struct {
			Agent     string
			HumanRank struct{ Overall float64 } `json:"humanrank"`
			ValidRate float64                   `json:"valid_submission_rate"`
		}
	}
	if err := json.Unmarshal(mustRead(t, filepath.Join(run, "leaderboard.json")), &lb); err != nil {
		t.Fatal(err)
	}
	if len(lb.Agents) != 2 || lb.Agents[0].Agent != "baseline" || lb.Agents[0].HumanRank.Overall <= lb.Agents[1].HumanRank.Overall || lb.Agents[1].ValidRate != 1 {
		t.Errorf("leaderboard %+v", lb)
	}
	for _, f := range []string{"report.md", "report.html"} {
		if _, err := os.Stat(filepath.Join(run, f)); err != nil {
			t.Error(err)
		}
	}

	exp := dojo(t, env, "export", "--format", "rl", run)
	if exp.code != 0 {
		t.Fatalf("export: %+v", exp)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(exp.stdout), "\n") {
		var rec struct {
			Agent       string `json:"agent"`
			Competition string `json:"competition"`
			Seed        *int   `json:"seed"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Agent == "" || rec.Competition != "pima-diabetes@1" || rec.Seed == nil {
			t.Fatalf("export record without agent, competition and seed: %s", line)
		}
		seen[rec.Agent+"/"+string(rune('0'+*rec.Seed))] = true
	}
	if len(seen) != 4 {
		t.Errorf("the export covers %v, want both agents with both seeds", seen)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
