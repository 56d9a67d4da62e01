package main

import (
	"bufio"
	"encoding/json"
	"fmt"
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
				Insecure   bool                 `json:"insecure_sandbox"`
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

func TestScore_CompetitionAddsHumanRankAndMedal(t *testing.T) {
	env := preparedData(t, "iris-species@1")
	var data string
	for _, e := range env {
		if strings.HasPrefix(e, "DOJO_DATA_DIR=") {
			data = strings.TrimPrefix(e, "DOJO_DATA_DIR=")
		}
	}
	sample := filepath.Join(data, "competitions", "iris-species@1", "public", "sample_submission.csv")
	r := dojo(t, env, "score", "--competition", "iris-species@1", "--submission", sample, "--json")
	var out struct {
		Valid     bool               `json:"valid"`
		RawScore  float64            `json:"raw_score"`
		HumanRank map[string]float64 `json:"humanrank"`
		Medal     string             `json:"medal"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != 0 || !out.Valid {
		t.Fatalf("%v %+v", err, r)
	}
	if _, ok := out.HumanRank["public"]; !ok || out.HumanRank["avg"] != (out.HumanRank["public"]+out.HumanRank["private"])/2 || out.Medal != "none" {
		t.Fatalf("%+v", out)
	}
	// --answers overrides the prepared answers: scored against itself, the sample is perfect.
	r = dojo(t, env, "score", "--competition", "iris-species@1", "--submission", sample, "--answers", sample, "--json")
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.RawScore != 1 {
		t.Fatalf("%v %+v", err, r)
	}
}

// TestSIGTERM_LeavesNoPluginProcess stops the host with SIGTERM while a plugin call hangs: the
// host exits and takes its plugin processes with it.
func TestSIGTERM_LeavesNoPluginProcess(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.csv")
	os.WriteFile(a, []byte("id,target\n1,1\n"), 0o644)
	cmd := exec.Command(filepath.Join(binDir, "dojo"), "score", "--metric", "hang", "--answers", a, "--submission", a)
	cmd.Env = append(os.Environ(), "DOJO_PLUGIN_PATH="+testPluginDir, "HOME="+t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var plugins []int
	deadline := time.Now().Add(30 * time.Second)
	for len(plugins) == 0 && time.Now().Before(deadline) {
		plugins = children(cmd.Process.Pid)
		time.Sleep(20 * time.Millisecond)
	}
	if len(plugins) == 0 {
		cmd.Process.Kill()
		t.Fatal("the plugin never started")
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("dojo did not exit on SIGTERM")
	}
	for _, pid := range plugins {
		deadline := time.Now().Add(5 * time.Second)
		for alive(pid) {
			if time.Now().After(deadline) {
				t.Fatalf("plugin %d outlived the host", pid)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// children lists the processes whose parent is pid.
func children(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(b)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) > 1 && fields[1] == fmt.Sprint(pid) {
			var child int
			fmt.Sscan(e.Name(), &child)
			out = append(out, child)
		}
	}
	return out
}

func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	return !strings.HasPrefix(strings.TrimSpace(s[strings.LastIndexByte(s, ')')+1:]), "Z")
}

// Under score_split public, play scores the agent's best public submission on the held-out answers
// when the agent stops, and reports it.
func TestPlay_HeldOutSplitReportsTheFinalScore(t *testing.T) {
	env := append(preparedData(t, "iris-species@1"), "DOJO_EPISODE__SCORE_SPLIT=public", "DOJO_EPISODE__PUBLIC_FRACTION=0.5")
	r := dojo(t, env, "play", "--competition", "iris-species@1", "--max-steps", "4", "--json")
	var out struct {
		Summary struct {
			BestRaw *float64 `json:"best_raw_score"`
		} `json:"summary"`
		Final *struct {
			Step    int    `json:"step"`
			Chosen  string `json:"chosen"`
			HeldOut *struct {
				Valid bool  `json:"valid"`
				Rows  int64 `json:"rows"`
			} `json:"heldout"`
		} `json:"final"`
		History string `json:"history"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != 0 {
		t.Fatalf("%v %+v", err, r)
	}
	f := out.Final
	if out.Summary.BestRaw == nil || f == nil || f.Step != 4 || f.Chosen != "best_public" || f.HeldOut == nil || !f.HeldOut.Valid || f.HeldOut.Rows == 0 {
		t.Fatalf("final %+v (stdout %s)", f, r.stdout)
	}
	if _, err := os.Stat(filepath.Join(out.History, "final.json")); err != nil {
		t.Fatal(err)
	}
}
