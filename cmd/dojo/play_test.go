package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// preparedData prepares one starter competition in a fresh data directory.
func preparedData(t *testing.T, id string) []string {
	t.Helper()
	data := t.TempDir()
	env := []string{"DOJO_DATA_DIR=" + data, "DOJO_RUNS_DIR=" + filepath.Join(data, "runs")}
	if r := dojo(t, env, "competitions", "prepare", "--pack", "starter", "--id", id); r.code != 0 {
		t.Fatalf("prepare: %+v", r)
	}
	return env
}

func TestPlay_BaselinePlaysAWholeEpisodeInTheLocalSandbox(t *testing.T) {
	env := preparedData(t, "iris-species@1")
	r := dojo(t, env, "play", "--competition", "iris-species@1", "--agent", "baseline", "--json")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	var out struct {
		Summary struct {
			Steps   int      `json:"steps"`
			BestRaw *float64 `json:"best_raw_score"`
			Rank    *float64 `json:"best_humanrank"`
			Errors  []string `json:"errors"`
		} `json:"summary"`
		History string `json:"history"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err, r.stdout)
	}
	s := out.Summary
	if s.Steps != 5 || s.BestRaw == nil || *s.BestRaw < 0.5 || s.Rank == nil || len(s.Errors) > 0 {
		t.Fatalf("summary %+v", s)
	}
	for _, f := range []string{"events.jsonl", "history.json", "episode.json", "task.txt", "steps/0004/code.py", "steps/0004/submission.csv"} {
		if _, err := os.Stat(filepath.Join(out.History, f)); err != nil {
			t.Errorf("history lacks %s: %v", f, err)
		}
	}
	// The episode exports as training data.
	if r := dojo(t, env, "export", "--format", "rl", out.History); r.code != 0 || strings.Count(r.stdout, "\n") != 5 {
		t.Fatalf("export: %+v", r)
	}
}

func TestExec_RunsOneFileAndReportsTheScore(t *testing.T) {
	env := preparedData(t, "iris-species@1")
	file := filepath.Join(t.TempDir(), "sub.py")
	os.WriteFile(file, []byte("import pandas as pd\npd.read_csv('/data/sample_submission.csv').to_csv('/workspace/submission.csv', index=False)\n"), 0o644)
	r := dojo(t, env, "exec", "--competition", "iris-species@1", file, "--json")
	var out struct {
		Result struct {
			Reward      float64 `json:"reward"`
			Observation struct {
				Submission struct{ Valid bool } `json:"submission"`
				Insecure   bool                `json:"insecure_sandbox"`
			} `json:"observation"`
		} `json:"result"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != 0 || !out.Result.Observation.Submission.Valid || out.Result.Observation.Insecure {
		t.Fatalf("%v %+v", err, r)
	}
	bad := filepath.Join(t.TempDir(), "bad.py")
	os.WriteFile(bad, []byte("raise SystemExit('no')\n"), 0o644)
	if r := dojo(t, env, "exec", "--competition", "iris-species@1", bad); r.code != 1 || !strings.Contains(r.stdout, "code_runtime") {
		t.Fatalf("failing code: %+v", r)
	}
}

// TestPlay_SIGKILLMidEpisodeThenResumeKeepsTheHistory kills the host while an episode runs, then
// resumes it: every step finished before the kill is intact and the step count carries on.
func TestPlay_SIGKILLMidEpisodeThenResumeKeepsTheHistory(t *testing.T) {
	env := preparedData(t, "iris-species@1")
	dir := filepath.Join(t.TempDir(), "episode")
	cmd := exec.Command(filepath.Join(binDir, "dojo"), "play", "--competition", "iris-species@1", "--out", dir)
	cmd.Env = append(append(os.Environ(), "DOJO_PLUGIN_PATH=", "HOME="+t.TempDir()), env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill as soon as three steps are on disk.
	deadline := time.Now().Add(60 * time.Second)
	for countSteps(t, dir) < 3 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the episode never reached three steps")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	before := countSteps(t, dir)

	r := dojo(t, env, "play", "--resume", dir, "--json")
	if r.code != 0 || !strings.Contains(r.stderr, "resumed") {
		t.Fatalf("resume: %+v", r)
	}
	var h struct {
		Actions []struct {
			Step int `json:"step"`
		} `json:"actions"`
		StepCount int `json:"step_count"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, "history.json"))
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	if h.StepCount <= before || len(h.Actions) != h.StepCount {
		t.Fatalf("after resume: %d steps recorded, %d before the kill, history %s", h.StepCount, before, b)
	}
	for i, a := range h.Actions {
		if a.Step != i+1 {
			t.Fatalf("step numbers not contiguous: %s", b)
		}
	}
}

func countSteps(t *testing.T, dir string) int {
	f, err := os.Open(filepath.Join(dir, "events.jsonl"))
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		if strings.Contains(sc.Text(), `"type":"step"`) {
			n++
		}
	}
	return n
}
