package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// baselineScript is the pandas + scikit-learn grader dojo is compared with.
//
//go:embed baseline.py
var baselineScript []byte

// pythonImports is the baseline's fixed cost: the interpreter and the imports baseline.py makes.
const pythonImports = "import json, sys; import pandas as pd; from sklearn.metrics import mean_squared_error, roc_auc_score"

const (
	speedupTarget  = 10.0
	scoreTolerance = 1e-9
	sampleEvery    = time.Millisecond
)

// e2eCase is one end-to-end comparison: a metric on a dataset, submission ids in order or shuffled.
type e2eCase struct {
	ds       dataset
	shuffled bool

	dojo, python         Durations
	dojoCPU, pythonCPU   Durations // user + sys, the process's and its reaped children's
	dojoRSS, pythonRSS   []int64   // wait4 ru_maxrss per run, KiB
	dojoScore, pyScore   float64
	dojoRows, pythonRows int64
	hostKiB, pluginKiB   int64 // VmHWM sampled in one extra dojo run
}

func (c *e2eCase) name() string {
	if c.ds.grader != "" {
		return c.ds.grader
	}
	if c.shuffled {
		return c.ds.metric + ", ids shuffled"
	}
	return c.ds.metric + ", ids in order"
}

// procRun is one finished process.
type procRun struct {
	wall   time.Duration // start to reaped
	cpu    time.Duration // user + sys of the process and of the descendants it reaped (wait4 counts both)
	maxRSS int64         // ru_maxrss from wait4, KiB: the process's peak, or a reaped descendant's if larger
	stdout []byte
}

// runProcess runs a command to completion, timing it from fork to reap. With sample set it also
// polls the process tree's peak resident sets.
func runProcess(ctx context.Context, sample bool, name string, args ...string) (procRun, map[int]*sampledProc, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return procRun{}, nil, err
	}
	var s *treeSampler
	if sample {
		s = sampleTree(cmd.Process.Pid, sampleEvery)
	}
	err := cmd.Wait()
	wall := time.Since(t0)
	var procs map[int]*sampledProc
	if s != nil {
		procs = s.Stop()
	}
	if err != nil {
		return procRun{}, nil, fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err,
			strings.TrimSpace(stderr.String()+"\n"+stdout.String()))
	}
	r := procRun{wall: wall, stdout: stdout.Bytes()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss
	}
	r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return r, procs, nil
}

// runDojo runs `dojo score --json` and returns its raw score.
func (c *e2eCase) runDojo(ctx context.Context, dojo string, sample bool) (procRun, map[int]*sampledProc, error) {
	args := []string{"score", "--metric", c.ds.metric, "--answers", c.ds.answers, "--submission", c.ds.submission(c.shuffled), "--json"}
	for _, kv := range c.ds.params {
		args = append(args, "--param", kv[0]+"="+kv[1])
	}
	r, procs, err := runProcess(ctx, sample, dojo, args...)
	if err != nil {
		return r, nil, err
	}
	var res struct {
		Valid    bool    `json:"valid"`
		RawScore float64 `json:"raw_score"`
		Rows     int64   `json:"rows"`
	}
	if err := json.Unmarshal(r.stdout, &res); err != nil || !res.Valid {
		return r, nil, fmt.Errorf("dojo score %s: unexpected output %s (%v)", c.name(), r.stdout, err)
	}
	if c.dojoRows != 0 && (res.RawScore != c.dojoScore || res.Rows != c.dojoRows) {
		return r, nil, fmt.Errorf("dojo score %s: %v (%d rows), but %v (%d rows) before", c.name(), res.RawScore, res.Rows, c.dojoScore, c.dojoRows)
	}
	c.dojoScore, c.dojoRows = res.RawScore, res.Rows
	return r, procs, nil
}

func (c *e2eCase) runPython(ctx context.Context, python, script string) (procRun, error) {
	args := []string{script, c.ds.graderName(), c.ds.answers, c.ds.submission(c.shuffled)}
	if len(c.ds.params) > 0 {
		params := map[string]string{}
		for _, kv := range c.ds.params {
			params[kv[0]] = kv[1]
		}
		js, err := json.Marshal(params)
		if err != nil {
			return procRun{}, err
		}
		args = append(args, string(js))
	}
	r, _, err := runProcess(ctx, false, python, args...)
	if err != nil {
		return r, err
	}
	var res struct {
		Score   float64 `json:"score"`
		Rows    int64   `json:"rows"`
		PeakKiB int64   `json:"peak_kib"`
	}
	if err := json.Unmarshal(r.stdout, &res); err != nil {
		return r, fmt.Errorf("baseline %s: unexpected output %s (%v)", c.name(), r.stdout, err)
	}
	if res.PeakKiB > 0 {
		// ru_maxrss of an exec'd child counts the peak of the memory it was forked with, which is
		// benchreport's own (it holds the generated files); the interpreter's VmHWM does not.
		r.maxRSS = res.PeakKiB
	}
	if c.pythonRows != 0 && (res.Score != c.pyScore || res.Rows != c.pythonRows) {
		return r, fmt.Errorf("baseline %s: %v (%d rows), but %v (%d rows) before", c.name(), res.Score, res.Rows, c.pyScore, c.pythonRows)
	}
	c.pyScore, c.pythonRows = res.Score, res.Rows
	return r, nil
}

// measureEndToEnd times every case runs times per side, after one untimed run of each side to fill
// the page cache. Rounds go over all the cases, and within a case dojo and python run back to back,
// so a burst of other load on the machine spreads over cases and sides instead of landing on one.
// One further dojo run per case samples the host's and the plugin's peak memory.
//
// Each round also times the baseline's interpreter start and imports alone, returned as pyFloor, so
// section 4 can split the baseline's time with numbers taken under the same conditions.
func measureEndToEnd(ctx context.Context, dojo, python, script string, cases []*e2eCase, runs int, progress func(string, ...any)) (pyFloor Durations, err error) {
	if len(cases) > 0 {
		progress("warm-up: one untimed run of each side")
		if _, _, err := cases[0].runDojo(ctx, dojo, false); err != nil {
			return nil, err
		}
		if _, err := cases[0].runPython(ctx, python, script); err != nil {
			return nil, err
		}
	}
	for i := range runs {
		progress("round %d/%d: each case, dojo then pandas + scikit-learn", i+1, runs)
		r, _, err := runProcess(ctx, false, python, "-c", pythonImports)
		if err != nil {
			return nil, err
		}
		pyFloor = append(pyFloor, r.wall)
		for _, c := range cases {
			d, _, err := c.runDojo(ctx, dojo, false)
			if err != nil {
				return nil, err
			}
			p, err := c.runPython(ctx, python, script)
			if err != nil {
				return nil, err
			}
			c.dojo, c.dojoRSS = append(c.dojo, d.wall), append(c.dojoRSS, d.maxRSS)
			c.python, c.pythonRSS = append(c.python, p.wall), append(c.pythonRSS, p.maxRSS)
			c.dojoCPU, c.pythonCPU = append(c.dojoCPU, d.cpu), append(c.pythonCPU, p.cpu)
		}
	}
	progress("one memory-sampled dojo run per case")
	for _, c := range cases {
		_, procs, err := c.runDojo(ctx, dojo, true)
		if err != nil {
			return nil, err
		}
		c.hostKiB, c.pluginKiB = dojoTreePeaks(procs)
	}
	return pyFloor, nil
}
