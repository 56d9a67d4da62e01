package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The load run's flags live here, so main.go only calls serveLoadPhase.
var (
	loadEpisodes = flag.Int("load-episodes", 32, "concurrent episodes of the `dojo serve` load run (0 skips it)")
	loadDuration = flag.Duration("load-duration", 20*time.Second, "how long the load run's episodes step, after setup")
)

// serveRSSTarget bounds the peak resident set of the `dojo serve` process itself under load: 200 MB
// (decimal), 190.7 MiB.
const serveRSSTarget = 200_000_000

// loadCompetition is the test competition the load run plays: tiny, so steps cost the server, not the
// data.
const loadCompetition = "toy-species@2"

// loadResult is clients/python/bench/load.py's JSON output.
type loadResult struct {
	Episodes   int                                        `json:"episodes"`
	ExecMode   string                                     `json:"exec_mode"`
	Action     string                                     `json:"action"`
	Code       string                                     `json:"code"`
	SetupS     float64                                    `json:"setup_s"`
	DurationS  float64                                    `json:"duration_s"`
	Steps      int                                        `json:"steps"`
	StepsPerS  float64                                    `json:"steps_per_s"`
	LatencyMs  struct{ P50, P90, P99, Max, Mean float64 } `json:"latency_ms"`
	PerEpisode struct{ Min, Max int }                     `json:"steps_per_episode"`
	Resets     int                                        `json:"resets"`
	Statuses   map[string]int                             `json:"statuses"`
	ErrorTypes map[string]int                             `json:"error_types"`
	Failures   int                                        `json:"failures"`
	Examples   []string                                   `json:"failure_examples"`
	Python     string                                     `json:"python"`
}

// serveLoad is one load run: the driver's numbers and the server's memory.
type serveLoad struct {
	res                 loadResult
	hostHWMKiB, hostRSS int64 // the dojo serve process: peak and final resident set
	pluginCount         int
	pluginMaxKiB        int64
	pluginSumKiB        int64
	sandboxCount        int
	sandboxMaxKiB       int64
	sandboxSumKiB       int64
	serverSteps         float64 // dojo_server_steps_total summed, from /metrics
	duration            time.Duration
}

// serveLoadPhase runs the load run as phase n of total and adds its target to the summary; nil when
// -load-episodes is 0.
func serveLoadPhase(ctx context.Context, n, total int, p *progress, dojo, python, work string, targets *Table) (*Section, error) {
	if *loadEpisodes <= 0 {
		p.begin(n, total, "dojo serve load run skipped (-load-episodes 0)")
		return nil, nil
	}
	if *loadDuration <= 0 {
		return nil, errors.New("-load-duration must be above 0")
	}
	p.begin(n, total, fmt.Sprintf("`dojo serve` under load: %d session episodes stepping for %s", *loadEpisodes, *loadDuration))
	run, err := measureServeLoad(ctx, dojo, python, work, *loadEpisodes, *loadDuration, p.step)
	if err != nil {
		return nil, fmt.Errorf("dojo serve load run: %w", err)
	}
	sec, ok := serveLoadSection("7. `dojo serve` under load", run)
	targets.Add(fmt.Sprintf("`dojo serve` peak RSS < 200 MB with %d session episodes stepping (section 7)", *loadEpisodes), verdict(ok))
	return sec, nil
}

// measureServeLoad starts `dojo serve` (local sandbox, session exec mode) on a free loopback port
// with the test competition, runs clients/python/bench/load.py against it, and samples the server's
// process tree for memory meanwhile.
func measureServeLoad(ctx context.Context, dojo, python, work string, episodes int, dur time.Duration, progress func(string, ...any)) (*serveLoad, error) {
	root, err := findRepoRoot()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(work, "serve")
	data := filepath.Join(dir, "data")
	if err := copyDirFiles(filepath.Join(root, "plugins/tasks/native/testdata/valid"), filepath.Join(data, "competitions", loadCompetition)); err != nil {
		return nil, err
	}
	token := newBearerToken()
	cmd := exec.Command(dojo, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "DOJO_PLUGIN_PATH=", "HOME="+filepath.Join(dir, "home"), "DOJO_DATA_DIR="+data,
		"DOJO_RUNS_DIR="+filepath.Join(dir, "runs"), "DOJO_SERVER_TOKENS="+token,
		"DOJO_SERVER__MAX_EPISODES="+strconv.Itoa(episodes),
		// Episodes never run out of steps in the window, so every step is a step, not a reset.
		"DOJO_SERVER__MAX_STEPS_CAP=1000000", "DOJO_EPISODE__MAX_STEPS=1000000",
		"DOJO_SANDBOX__EXEC_MODE=session")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	logs := &logTail{max: 8 << 10}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	stopped := false
	defer func() {
		if !stopped {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	r := bufio.NewReader(stdout)
	line, err := r.ReadString('\n')
	url := strings.TrimSpace(strings.TrimPrefix(line, "dojo serve: listening on "))
	if err != nil || !strings.HasPrefix(url, "http://") {
		return nil, fmt.Errorf("dojo serve did not start: first line %q (%v); log:\n%s", line, err, logs.String())
	}
	go io.Copy(io.Discard, r)
	progress("dojo serve pid %d at %s; %d episodes of %s", cmd.Process.Pid, url, episodes, loadCompetition)

	sampler := sampleTree(cmd.Process.Pid, 200*time.Millisecond)
	out := filepath.Join(dir, "load.json")
	runCtx, cancel := context.WithTimeout(ctx, dur+10*time.Minute)
	defer cancel()
	driver := exec.CommandContext(runCtx, python, filepath.Join(root, "clients/python/bench/load.py"),
		"--url", url, "--competition", loadCompetition, "--episodes", strconv.Itoa(episodes),
		"--duration", strconv.FormatFloat(dur.Seconds(), 'f', -1, 64), "--exec-mode", "session", "--out", out)
	driver.Env = append(os.Environ(), "DOJO_TOKEN="+token, "PYTHONDONTWRITEBYTECODE=1")
	driverOut, derr := driver.CombinedOutput()
	run := &serveLoad{duration: dur}
	// Read the server's high-water mark while it still runs: after it exits there is nothing to read.
	run.hostHWMKiB = procStatusKiB(cmd.Process.Pid, "VmHWM")
	run.hostRSS = procStatusKiB(cmd.Process.Pid, "VmRSS")
	run.serverSteps = scrapeCounter(url+"/metrics", "dojo_server_steps_total")
	procs := sampler.Stop()
	var exitErr *exec.ExitError
	if derr != nil && !(errors.As(derr, &exitErr) && exitErr.ExitCode() == 2) { // 2: finished, with failed calls
		return nil, fmt.Errorf("load.py: %v\n%s\nserver log tail:\n%s", derr, driverOut, logs.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("load.py wrote no result: %v\n%s", err, driverOut)
	}
	if err := json.Unmarshal(b, &run.res); err != nil {
		return nil, fmt.Errorf("load.py result: %v", err)
	}
	if p := procs[cmd.Process.Pid]; p != nil {
		run.hostHWMKiB = max(run.hostHWMKiB, p.hwmKiB)
	}
	run.classify(procs, filepath.Dir(dojo))

	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		err = <-done
	}
	stopped = true
	if err != nil {
		return nil, fmt.Errorf("dojo serve did not stop cleanly: %v\n%s", err, logs.String())
	}
	progress("%d steps in %.1f s: %.0f steps/s, p50 %.1f ms, p99 %.1f ms; server peak RSS %s",
		run.res.Steps, run.res.DurationS, run.res.StepsPerS, run.res.LatencyMs.P50, run.res.LatencyMs.P99, mib(run.hostHWMKiB))
	return run, nil
}

// classify sums the sampled descendants of the server: plugin binaries (started from the build's
// plugin directory) and everything else, which is the sandboxes' processes.
func (s *serveLoad) classify(procs map[int]*sampledProc, binDir string) {
	pluginDir := filepath.Join(binDir, "plugins") + string(filepath.Separator)
	for _, p := range procs {
		if p.parent == 0 {
			continue
		}
		if len(p.cmdline) > 0 && strings.HasPrefix(p.cmdline[0], pluginDir) {
			s.pluginCount++
			s.pluginMaxKiB = max(s.pluginMaxKiB, p.hwmKiB)
			s.pluginSumKiB += p.hwmKiB
			continue
		}
		s.sandboxCount++
		s.sandboxMaxKiB = max(s.sandboxMaxKiB, p.hwmKiB)
		s.sandboxSumKiB += p.hwmKiB
	}
}

// serveLoadSection renders the load run; ok is whether the server's peak RSS met serveRSSTarget.
func serveLoadSection(heading string, s *serveLoad) (*Section, bool) {
	r := s.res
	ok := s.hostHWMKiB > 0 && s.hostHWMKiB*1024 < serveRSSTarget
	sec := &Section{Heading: heading}
	sec.Note("`dojo serve` (local sandbox, session exec mode, default logging) serves %d concurrent episodes of the "+
		"`%s` test competition to `clients/python/bench/load.py`, which drives them from %d threads through "+
		"`dojo_client` over HTTP/JSON on loopback. Each episode is created, reset and warmed up by one step "+
		"(the first execution starts its interpreter); then all of them step `%s` with `%s` for %s. A step runs "+
		"the code in the episode's persistent interpreter, looks for a submission (none is written, so every "+
		"observation reports `submission_not_found`: the step path without scoring), renders feedback and "+
		"appends the step to the episode's fsynced history.",
		r.Episodes, loadCompetition, r.Episodes, r.Action, r.Code, s.duration)
	sec.Note("Latency is the client's: request sent to answer read, the Python client's own time included. " +
		"The driver, the server and the sandboxes share the machine's cores, so on a small machine the " +
		"numbers measure all three together; throughput per core is the fairer comparison across machines.")
	t := sec.NewTable("", "measure", "value")
	t.Add("episodes stepping at once", strconv.Itoa(r.Episodes))
	t.Add("setup: create, reset, warm-up step (all episodes)", fmt.Sprintf("%.1f s", r.SetupS))
	t.Add("stepping window", fmt.Sprintf("%.1f s", r.DurationS))
	t.Add("steps answered (client) / counted by the server", fmt.Sprintf("%s / %s (the server's count includes the %d warm-up steps)",
		thousands(r.Steps), thousands(int(s.serverSteps)), r.Episodes))
	t.Add("steps per second", fmt.Sprintf("%.1f", r.StepsPerS))
	t.Add("steps per episode (least, most)", fmt.Sprintf("%d, %d", r.PerEpisode.Min, r.PerEpisode.Max))
	t.Add("step latency p50 / p90 / p99", fmt.Sprintf("%s / %s / %s", msFloat(r.LatencyMs.P50), msFloat(r.LatencyMs.P90), msFloat(r.LatencyMs.P99)))
	t.Add("step latency mean / max", fmt.Sprintf("%s / %s", msFloat(r.LatencyMs.Mean), msFloat(r.LatencyMs.Max)))
	t.Add("observation statuses", countList(r.Statuses))
	t.Add("observation error types", countList(r.ErrorTypes))
	t.Add("failed calls", strconv.Itoa(r.Failures))
	t.Add("client", "Python "+r.Python+", dojo_client")

	m := sec.NewTable("Memory, peak resident set (VmHWM):", "process", "count", "peak RSS", "target")
	m.Add("`dojo serve` itself", "1", mib(s.hostHWMKiB), fmt.Sprintf("< 200 MB (%s): %s", mib(serveRSSTarget/1024), verdict(ok)))
	m.Add("`dojo serve` itself, resident at the end", "1", mib(s.hostRSS), "")
	m.Add("plugin processes (largest; sum)", strconv.Itoa(s.pluginCount), fmt.Sprintf("%s; %s", mib(s.pluginMaxKiB), mib(s.pluginSumKiB)), "")
	m.Add("sandbox processes (largest; sum)", strconv.Itoa(s.sandboxCount), fmt.Sprintf("%s; %s", mib(s.sandboxMaxKiB), mib(s.sandboxSumKiB)), "")
	sec.Footer = append(sec.Footer, "The target is the `dojo serve` process alone: its peak resident set is the kernel's "+
		"high-water mark (`VmHWM` in `/proc/PID/status`), read at the end of the run while the server still runs, "+
		"so it covers the whole run (the Go heap, goroutine stacks, the mapped binary) without sampling gaps. "+
		"Children are not in it: the plugins and each episode's sandbox interpreter are separate processes, "+
		"accounted to the sandbox's memory limit, not the host's; they are listed for scale from the process tree "+
		"sampled every 200 ms (lower bounds, and a sum of peaks over-states what was resident at once).")
	if r.Failures > 0 {
		sec.Footer = append(sec.Footer, fmt.Sprintf("%d calls failed; first: %s", r.Failures, strings.Join(r.Examples, "; ")))
	}
	return sec, ok
}

// msFloat renders milliseconds given as a float.
func msFloat(v float64) string { return ms(time.Duration(v * float64(time.Millisecond))) }

// countList renders {"ok": 3, "error": 1} as "error 1, ok 3".
func countList(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %s", k, thousands(m[k]))
	}
	return strings.Join(parts, ", ")
}

// scrapeCounter sums every sample of one counter family from a Prometheus text endpoint; 0 when it
// cannot be read.
func scrapeCounter(url, family string) float64 {
	resp, err := http.Get(url)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	return sumCounter(resp.Body, family)
}

func sumCounter(r io.Reader, family string) float64 {
	var total float64
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		name, _, _ := strings.Cut(line, "{")
		name, _, _ = strings.Cut(name, " ")
		if name != family {
			continue
		}
		f := strings.Fields(line)
		if v, err := strconv.ParseFloat(f[len(f)-1], 64); err == nil {
			total += v
		}
	}
	return total
}

// findRepoRoot finds the repository from the working directory (make bench runs at its root), for the
// files the load run needs: the test competition and the Python client.
func findRepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "clients/python/bench/load.py")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no clients/python/bench/load.py in %s or above: run benchreport from the repository (make bench)", dir)
		}
	}
}

// copyDirFiles copies a directory tree of regular files.
func copyDirFiles(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err == nil {
			err = os.WriteFile(filepath.Join(dst, rel), b, 0o644)
		}
		return err
	})
}

// newBearerToken is a bearer token for one run.
func newBearerToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// logTail keeps the last max bytes written to it, for an error message.
type logTail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *logTail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *logTail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
