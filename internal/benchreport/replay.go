package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/sdk/table"
)

// replayArg, as benchreport's first argument, runs the plugin's input path once in this fresh
// process and prints what it measured: `benchreport -replay-inputs ANSWERS SUBMISSION PROFILE`.
const replayArg = "-replay-inputs"

// replayResult is one fresh-process run of a metric plugin's input path: what
// plugins/metrics/internal/inputs.Load does with sdk/table, then the float columns a metric asks for.
// A fresh process, because a plugin started for one `dojo score` pays for faulting in every page it
// allocates, which a warm, long-lived process does not.
type replayResult struct {
	ReadAnswers    time.Duration `json:"read_answers"`
	ReadSubmission time.Duration `json:"read_submission"`
	Align          time.Duration `json:"align"`
	Floats         time.Duration `json:"floats"`
	Total          time.Duration `json:"total"`
	GCs            uint32        `json:"gcs"`
	MinorFaults    int64         `json:"minor_faults"`
	User           time.Duration `json:"user"`
	Sys            time.Duration `json:"sys"`
}

// replayChild is the child's side: args are the answers, the submission and a CPU profile path.
func replayChild(args []string) int {
	if len(args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: benchreport", replayArg, "ANSWERS SUBMISSION PROFILE")
		return 2
	}
	f, err := os.Create(args[2])
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	r, err := replayInputs(args[0], args[1])
	pprof.StopCPUProfile()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		r.MinorFaults = ru.Minflt
		r.User, r.Sys = time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
	}
	r.GCs = ms.NumGC
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		return 1
	}
	return 0
}

// replayInputs reads the answers whole (inputs reads every column, to resolve targets), the
// submission (id and target only), aligns ids, and parses both value columns in answers order.
func replayInputs(answersPath, submissionPath string) (replayResult, error) {
	var r replayResult
	t0 := time.Now()
	answers, err := table.ReadFile(answersPath, table.ReadOptions{Name: "answers", ErrorType: core.TypeGroundTruth})
	if err != nil {
		return r, err
	}
	t1 := time.Now()
	sub, err := table.ReadFile(submissionPath, table.ReadOptions{Name: "submission", Columns: []string{"id", "target"}})
	if err != nil {
		return r, err
	}
	t2 := time.Now()
	pair, err := table.NewPair(answers, sub, table.PairOptions{IDColumn: "id", Columns: []string{"target"}})
	if err != nil {
		return r, err
	}
	t3 := time.Now()
	if _, err := pair.AnswerFloats("target"); err != nil {
		return r, err
	}
	if _, err := pair.SubmissionFloats("target"); err != nil {
		return r, err
	}
	t4 := time.Now()
	r.ReadAnswers, r.ReadSubmission, r.Align, r.Floats, r.Total = t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), t4.Sub(t3), t4.Sub(t0)
	return r, nil
}

// replays are a case's fresh-process runs.
type replays []replayResult

// medians returns each field's median over the runs (counters from the last run).
func (rs replays) medians() replayResult {
	med := func(f func(replayResult) time.Duration) time.Duration {
		d := make(Durations, len(rs))
		for i, r := range rs {
			d[i] = f(r)
		}
		return d.Median()
	}
	m := rs[len(rs)-1]
	m.ReadAnswers = med(func(r replayResult) time.Duration { return r.ReadAnswers })
	m.ReadSubmission = med(func(r replayResult) time.Duration { return r.ReadSubmission })
	m.Align = med(func(r replayResult) time.Duration { return r.Align })
	m.Floats = med(func(r replayResult) time.Duration { return r.Floats })
	m.Total = med(func(r replayResult) time.Duration { return r.Total })
	m.User = med(func(r replayResult) time.Duration { return r.User })
	m.Sys = med(func(r replayResult) time.Duration { return r.Sys })
	return m
}

// replay runs the input path of c n times, each in a fresh child process, each writing a CPU profile
// into dir; it returns the results and the profiles' paths.
func replay(ctx context.Context, dir string, c *e2eCase, n int) (replays, []string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, nil, err
	}
	var out replays
	var profiles []string
	for i := range n {
		prof := filepath.Join(dir, fmt.Sprintf("%s_%t_%d.pprof", c.ds.metric, c.shuffled, i))
		r, _, err := runProcess(ctx, false, exe, replayArg, c.ds.answers, c.ds.submission(c.shuffled), prof)
		if err != nil {
			return nil, nil, err
		}
		var res replayResult
		if err := json.Unmarshal(r.stdout, &res); err != nil {
			return nil, nil, fmt.Errorf("replay: %w: %s", err, r.stdout)
		}
		out = append(out, res)
		profiles = append(profiles, prof)
	}
	return out, profiles, nil
}

// pprofTop merges the profiles and returns `go tool pprof -top`, less the header lines about files.
func pprofTop(goTool string, profiles []string) (string, error) {
	args := append([]string{"tool", "pprof", "-top", "-nodecount=20"}, profiles...)
	out, err := exec.Command(goTool, args...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go tool pprof: %w\n%s", err, out)
	}
	var keep []string
	for line := range strings.Lines(string(out)) {
		switch {
		case strings.HasPrefix(line, "File:"), strings.HasPrefix(line, "Build ID:"), strings.HasPrefix(line, "Type:"),
			strings.HasPrefix(line, "Time:"):
			continue
		}
		keep = append(keep, strings.TrimRight(line, "\n"))
	}
	return strings.Join(keep, "\n"), nil
}
