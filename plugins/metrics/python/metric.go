package main

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
)

//go:embed harness.py shim
var pythonFiles embed.FS

// logger writes to stderr, which the host re-emits under the plugin's name.
var logger = hclog.New(&hclog.LoggerOptions{Name: "python", Output: os.Stderr, JSONFormat: true})

// pythonMetric runs a metric file: Validate runs its validate_submission, Score that and evaluate.
type pythonMetric struct{}

var _ pluginapi.Metric = pythonMetric{}

const (
	defaultPython  = "/usr/bin/python3"
	defaultTimeout = 600 * time.Second
	// outputLimit caps the metric's own printing kept for error details.
	outputLimit = 16 << 10
)

// Validate runs the metric's validate_submission.
func (pythonMetric) Validate(ctx context.Context, req pluginapi.ScoreRequest) (pluginapi.ValidateResponse, error) {
	res, err := runMetric(ctx, req, "validate")
	if err != nil {
		return pluginapi.ValidateResponse{}, err
	}
	var warnings []string
	if !res.Isolated {
		warnings = append(warnings, "the metric ran with network access: no network namespace could be made")
	}
	return pluginapi.ValidateResponse{Rows: res.Rows, Warnings: warnings}, nil
}

// Score runs validate_submission, then evaluate. The extra higher_is_better is 1 when the metric
// class says a higher score is better, else 0.
func (pythonMetric) Score(ctx context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	res, err := runMetric(ctx, req, "score")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	higher := 0.0
	if res.HigherIsBetter {
		higher = 1
	}
	return pluginapi.ScoreResponse{Score: *res.Score, Rows: res.Rows, Extras: map[string]float64{"higher_is_better": higher}}, nil
}

// request is what harness.py reads.
type request struct {
	File       string         `json:"file"`
	Class      string         `json:"class"`
	InitKwargs map[string]any `json:"init_kwargs"`
	Answers    string         `json:"answers"`
	Submission string         `json:"submission"`
	Mode       string         `json:"mode"`
	Result     string         `json:"result"`
}

// result is what harness.py writes.
type result struct {
	Status         string   `json:"status"`
	Message        string   `json:"message"`
	Traceback      string   `json:"traceback"`
	Score          *float64 `json:"score"`
	HigherIsBetter bool     `json:"higher_is_better"`
	Rows           int64    `json:"rows"`
	Isolated       bool     `json:"-"`
}

type settings struct {
	request
	python       string
	timeout      time.Duration
	requireNoNet bool
}

func readSettings(req pluginapi.ScoreRequest, mode string) (settings, error) {
	p := req.Params
	var s settings
	if err := p.CheckKnown("file", "class", "init_kwargs", "timeout_s", "python", "require_network_isolation"); err != nil {
		return s, err
	}
	file, err := p.String("file", "")
	if err != nil {
		return s, err
	}
	if file == "" {
		return s, core.Errorf(core.TypeInvalidArgument, "the python metric needs the file param: the path of the metric file")
	}
	if file, err = filepath.Abs(file); err != nil {
		return s, core.Errorf(core.TypeInvalidArgument, "metric file %q: %w", file, err)
	}
	if st, err := os.Stat(file); err != nil || st.IsDir() {
		return s, core.Errorf(core.TypeInvalidArgument, "cannot read the metric file %s", file).
			WithCauses("set the file param to the competition's metric.py")
	}
	if s.Class, err = p.String("class", ""); err != nil {
		return s, err
	}
	if s.InitKwargs, err = initKwargs(p); err != nil {
		return s, err
	}
	secs, err := p.Float("timeout_s", defaultTimeout.Seconds())
	if err != nil {
		return s, err
	}
	if !(secs > 0) || math.IsInf(secs, 0) {
		return s, core.Errorf(core.TypeInvalidArgument, "timeout_s is %v; want a positive number of seconds", secs)
	}
	s.timeout = time.Duration(secs * float64(time.Second))
	if s.python, err = p.String("python", defaultPython); err != nil {
		return s, err
	}
	if s.requireNoNet, err = p.Bool("require_network_isolation", false); err != nil {
		return s, err
	}
	s.File, s.Mode = file, mode
	for _, path := range []*string{&req.AnswersPath, &req.SubmissionPath} {
		if *path, err = filepath.Abs(*path); err != nil {
			return s, core.Errorf(core.TypeInvalidArgument, "%w", err)
		}
	}
	if _, err := os.Stat(req.SubmissionPath); errors.Is(err, fs.ErrNotExist) {
		return s, core.Errorf(core.TypeSubmissionNotFound, "no submission file at %s", req.SubmissionPath)
	}
	if _, err := os.Stat(req.AnswersPath); err != nil {
		return s, core.Errorf(core.TypeGroundTruth, "cannot read the answers file: %w", err)
	}
	s.Answers, s.Submission = req.AnswersPath, req.SubmissionPath
	return s, nil
}

// initKwargs reads init_kwargs: an object, or a JSON object written as a string (as --param gives).
func initKwargs(p core.Params) (map[string]any, error) {
	switch v := p["init_kwargs"].(type) {
	case nil:
		return map[string]any{}, nil
	case map[string]any:
		return v, nil
	case string:
		var m map[string]any
		if err := json.Unmarshal([]byte(v), &m); err != nil {
			return nil, core.Errorf(core.TypeInvalidArgument, "init_kwargs is not a JSON object: %v", err)
		}
		return m, nil
	}
	return nil, core.Errorf(core.TypeInvalidArgument, "init_kwargs is %v; want an object of keyword arguments", p["init_kwargs"])
}

// runMetric writes the harness and shim to a fresh directory, runs them offline and maps the
// outcome to a result or a typed error.
func runMetric(ctx context.Context, req pluginapi.ScoreRequest, mode string) (*result, error) {
	s, err := readSettings(req, mode)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "dojo-python-metric-")
	if err != nil {
		return nil, core.Errorf(core.TypeInternal, "%w", err)
	}
	defer os.RemoveAll(dir)
	if err := os.CopyFS(filepath.Join(dir, "lib"), pythonFiles); err != nil {
		return nil, core.Errorf(core.TypeInternal, "cannot write the harness: %w", err)
	}
	s.Result = filepath.Join(dir, "result.json")
	reqPath := filepath.Join(dir, "request.json")
	body, _ := json.Marshal(s.request)
	if err := os.WriteFile(reqPath, body, 0o600); err != nil {
		return nil, core.Errorf(core.TypeInternal, "%w", err)
	}

	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	var out capped
	start := func(attr *syscall.SysProcAttr) (*exec.Cmd, error) {
		cmd := exec.Command(s.python, filepath.Join(dir, "lib", "harness.py"), reqPath)
		cmd.Dir = dir
		cmd.Env = scrubbedEnv(dir)
		cmd.Stdout, cmd.Stderr = &out, &out
		cmd.SysProcAttr = attr
		return cmd, cmd.Start()
	}
	cmd, isolated, err := startIsolated(start, s.requireNoNet)
	if err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var waitErr error
	select {
	case waitErr = <-done:
	case <-ctx.Done():
		killGroup(cmd.Process.Pid)
		<-done
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, core.Errorf(core.TypeEvaluation, "the metric ran past its %s limit and was stopped", s.timeout).
				WithDetails("%s", out.tail()).
				WithCauses("raise the timeout_s param if the metric is slow on this data")
		}
		return nil, core.Errorf(core.TypeEvaluation, "scoring was cancelled: %w", ctx.Err())
	}
	killGroup(cmd.Process.Pid) // children the metric left behind
	raw, err := os.ReadFile(s.Result)
	if err != nil {
		return nil, core.Errorf(core.TypeEvaluation, "the metric ended without a result (%v)", waitErr).
			WithDetails("%s", out.tail())
	}
	var res result
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, core.Errorf(core.TypeInternal, "unreadable harness result: %v", err)
	}
	res.Isolated = isolated
	return &res, res.err(mode, s.File, out.tail())
}

// err maps the harness's status to Dojo's error types, with the traceback and the metric's own
// output in the details.
func (r *result) err(mode, file, output string) error {
	details := strings.TrimSpace(strings.Join(nonEmpty(r.Traceback, output), "\n"))
	var e *core.Error
	switch r.Status {
	case "ok":
		if mode == "score" && r.Score == nil {
			return core.Errorf(core.TypeInternal, "the harness returned no score")
		}
		return nil
	case "invalid_submission":
		e = core.Errorf(core.TypeSubmissionInvalid, "%s", r.Message).
			WithCauses("the competition's metric rejected the submission; compare it with the sample submission")
	case "evaluation":
		e = core.Errorf(core.TypeEvaluation, "%s", r.Message)
	case "ground_truth":
		e = core.Errorf(core.TypeGroundTruth, "%s", r.Message)
	case "bad_class":
		e = core.Errorf(core.TypeInvalidArgument, "%s", r.Message)
	case "metric":
		e = core.Errorf(core.TypeMetric, "%s", r.Message).WithCauses("check " + file + " and the init_kwargs param")
	default:
		return core.Errorf(core.TypeInternal, "the harness reported %q", r.Status)
	}
	if details != "" {
		e.WithDetails("%s", details)
	}
	return e
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// scrubbedEnv is the whole environment the metric sees: no proxies, credentials or host paths.
func scrubbedEnv(dir string) []string {
	return []string{
		"PATH=/usr/local/bin:/usr/bin:/bin",
		"HOME=" + dir,
		"TMPDIR=" + dir,
		"LANG=C.UTF-8",
		"LC_ALL=C.UTF-8",
		"PYTHONPATH=" + filepath.Join(dir, "lib", "shim"),
		"PYTHONNOUSERSITE=1",
		"PYTHONDONTWRITEBYTECODE=1",
		"PYTHONHASHSEED=0",
		"PYTHONIOENCODING=utf-8",
		"MPLBACKEND=Agg",
	}
}

// isolation is one way to start the metric without network access.
type isolation struct {
	name string
	attr func() *syscall.SysProcAttr
}

// working remembers which isolation starts here, so later runs do not retry the ones that fail.
var working struct {
	sync.Mutex
	known bool
	index int // into isolations(); -1: none works
}

// startIsolated starts the process in the first isolation that works, or, when none does and
// isolation is not required, without one (the host's sandbox then owns the network policy).
func startIsolated(start func(*syscall.SysProcAttr) (*exec.Cmd, error), required bool) (*exec.Cmd, bool, error) {
	ways := isolations()
	working.Lock()
	defer working.Unlock()
	if !working.known {
		working.index = -1
		var failures []string
		for i, w := range ways {
			cmd, err := start(w.attr())
			if err == nil {
				working.known, working.index = true, i
				return cmd, true, nil
			}
			if !errors.Is(err, syscall.EPERM) && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOSPC) &&
				!errors.Is(err, syscall.EACCES) && !errors.Is(err, syscall.EUSERS) {
				return nil, false, startError(err)
			}
			failures = append(failures, fmt.Sprintf("%s: %v", w.name, err))
		}
		working.known = true
		logger.Warn("no network namespace can be made here; python metrics run with the host's network", "tried", strings.Join(failures, "; "))
	}
	if working.index >= 0 {
		cmd, err := start(ways[working.index].attr())
		if err != nil {
			return nil, false, startError(err)
		}
		return cmd, true, nil
	}
	if required {
		return nil, false, core.Errorf(core.TypeMetric, "cannot cut the metric off the network: no network namespace can be made here").
			WithCauses("run Dojo as root or where user namespaces are allowed, or drop require_network_isolation when the sandbox is offline already")
	}
	cmd, err := start(unisolated())
	if err != nil {
		return nil, false, startError(err)
	}
	return cmd, false, nil
}

func startError(err error) error {
	return core.Errorf(core.TypeMetric, "cannot start the Python interpreter: %w", err).
		WithCauses("install python3 with pandas (make deps), or set the python param to an interpreter that has it")
}

// capped keeps the first and last part of a process's output.
type capped struct {
	mu        sync.Mutex
	head, end bytes.Buffer
	dropped   int
}

func (c *capped) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(p)
	if room := outputLimit/2 - c.head.Len(); room > 0 {
		k := min(room, len(p))
		c.head.Write(p[:k])
		p = p[k:]
	}
	c.end.Write(p)
	if over := c.end.Len() - outputLimit/2; over > 0 {
		c.dropped += over
		rest := append([]byte(nil), c.end.Bytes()[over:]...)
		c.end.Reset()
		c.end.Write(rest)
	}
	return n, nil
}

func (c *capped) tail() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.head.Len()+c.end.Len() == 0 {
		return ""
	}
	s := "metric output:\n" + c.head.String()
	if c.dropped > 0 {
		s += fmt.Sprintf("\n[… %d bytes …]\n", c.dropped)
	}
	return s + c.end.String()
}
