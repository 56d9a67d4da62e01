package catalog_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/catalog"
	"github.com/mledojo/dojo/pluginapi"
)

// pluginDir holds the test plugin binaries, built once for the package.
var pluginDir string

func TestMain(m *testing.M) {
	if os.Getenv("DOJO_TEST_HOST") != "" {
		os.Exit(runTestHost())
	}
	dir, err := os.MkdirTemp("", "dojo-catalog-test")
	if err != nil {
		panic(err)
	}
	pluginDir = dir
	build := exec.Command("go", "build", "-o", dir+"/", "github.com/mledojo/dojo/internal/testplugins/...")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building test plugins:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func open(t *testing.T, opts catalog.Options) *catalog.Catalog {
	t.Helper()
	if opts.Dirs == nil {
		opts.Dirs = []string{pluginDir}
	}
	c, err := catalog.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func binary(t *testing.T, c *catalog.Catalog, name string) *catalog.Binary {
	t.Helper()
	for _, b := range c.Binaries() {
		if b.Name() == name {
			return b
		}
	}
	t.Fatalf("no binary %s", name)
	return nil
}

func TestOpen_DescribesEveryKindWithoutStartingAnything(t *testing.T) {
	c := open(t, catalog.Options{})
	kinds := map[pluginapi.Kind]int{}
	for _, e := range c.Components() {
		kinds[e.Kind]++
		if e.APIVersion != 1 {
			t.Errorf("%s/%s negotiated API %d, want 1", e.Kind, e.Name, e.APIVersion)
		}
	}
	for _, k := range pluginapi.Kinds {
		if kinds[k] == 0 {
			t.Errorf("no %s component discovered", k)
		}
	}
	for _, b := range c.Binaries() {
		if b.Pid() != 0 || b.Starts() != 0 {
			t.Errorf("%s started at Open", b.Name())
		}
	}
}

func TestMetric_ScoresThroughAPluginProcess(t *testing.T) {
	c := open(t, catalog.Options{})
	m, err := c.Metric("constant")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := m.Score(context.Background(), pluginapi.ScoreRequest{Params: core.Params{"value": 0.25}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Score != 0.25 {
		t.Fatalf("score %v, want 0.25", resp.Score)
	}
	if pid := binary(t, c, "testmetric").Pid(); pid == 0 || pid == os.Getpid() {
		t.Fatalf("metric did not run in its own process (pid %d)", pid)
	}
}

func TestMetric_SIGKILLBetweenTwoScoresRestartsThePlugin(t *testing.T) {
	c := open(t, catalog.Options{})
	m, _ := c.Metric("constant")
	ctx := context.Background()
	if _, err := m.Score(ctx, pluginapi.ScoreRequest{}); err != nil {
		t.Fatal(err)
	}
	b := binary(t, c, "testmetric")
	pid := b.Pid()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	resp, err := m.Score(ctx, pluginapi.ScoreRequest{Params: core.Params{"value": 0.75}})
	if err != nil {
		t.Fatalf("second score after SIGKILL: %v", err)
	}
	if resp.Score != 0.75 || b.Starts() != 2 || b.Pid() == pid {
		t.Fatalf("score %v starts %d pid %d (old %d)", resp.Score, b.Starts(), b.Pid(), pid)
	}
}

func TestMetric_CrashInFlightIsTypedAndNextCallWorks(t *testing.T) {
	c := open(t, catalog.Options{})
	crash, _ := c.Metric("crash")
	ctx := context.Background()
	_, err := crash.Score(ctx, pluginapi.ScoreRequest{})
	if !errors.Is(err, core.ErrPluginCrashed) {
		t.Fatalf("crash mid-call: got %v, want plugin_crashed", err)
	}
	constant, _ := c.Metric("constant")
	if _, err := constant.Score(ctx, pluginapi.ScoreRequest{}); err != nil {
		t.Fatalf("next call after crash: %v", err)
	}
}

func TestMetric_PanicIsTypedAndPluginSurvives(t *testing.T) {
	c := open(t, catalog.Options{})
	p, _ := c.Metric("panic")
	_, err := p.Score(context.Background(), pluginapi.ScoreRequest{})
	if core.TypeOf(err) != core.TypeInternal || !strings.Contains(err.Error(), "deliberate") {
		t.Fatalf("got %v, want internal error mentioning the panic", err)
	}
	if b := binary(t, c, "testmetric"); b.Starts() != 1 || b.Pid() == 0 {
		t.Fatalf("plugin did not survive the panic: starts %d", b.Starts())
	}
}

func TestMetric_CancelledContextStopsAHangingCall(t *testing.T) {
	c := open(t, catalog.Options{})
	h, _ := c.Metric("hang")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := h.Score(ctx, pluginapi.ScoreRequest{}); done <- err }()
	cancel()
	if err := <-done; err == nil {
		t.Fatal("hanging call returned no error after cancel")
	}
}

func TestMetric_ConcurrentFirstUseStartsOneProcess(t *testing.T) {
	c := open(t, catalog.Options{})
	m, _ := c.Metric("constant")
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := m.Score(context.Background(), pluginapi.ScoreRequest{})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if s := binary(t, c, "testmetric").Starts(); s != 1 {
		t.Fatalf("started %d times, want 1", s)
	}
}

func TestLookup_UnknownNameIsTypedAndListsAvailable(t *testing.T) {
	c := open(t, catalog.Options{})
	_, err := c.Metric("nope")
	var ce *core.Error
	if !errors.As(err, &ce) || ce.Type != core.TypePluginNotFound || !strings.Contains(strings.Join(ce.Causes, " "), "constant") {
		t.Fatalf("got %#v", err)
	}
}

func TestPins_MismatchedBinaryIsNeverRun(t *testing.T) {
	c := open(t, catalog.Options{Pins: map[string]string{"testmetric": strings.Repeat("0", 64)}})
	if _, err := c.Metric("constant"); !errors.Is(err, core.ErrPluginNotFound) {
		t.Fatalf("pinned mismatch still usable: %v", err)
	}
	found := false
	for _, p := range c.Problems() {
		found = found || strings.Contains(p.Error, "sha256")
	}
	if !found {
		t.Fatalf("problems do not mention the pin: %+v", c.Problems())
	}
}

func TestPins_MatchingBinaryRuns(t *testing.T) {
	sum := sha256File(t, filepath.Join(pluginDir, "testmetric"))
	c := open(t, catalog.Options{Pins: map[string]string{"testmetric": sum}})
	m, err := c.Metric("constant")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Score(context.Background(), pluginapi.ScoreRequest{}); err != nil {
		t.Fatal(err)
	}
}

func TestOpen_NonPluginExecutableIsAProblemNotAFailure(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notaplugin"), []byte("#!/bin/sh\necho hello\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	c := open(t, catalog.Options{Dirs: []string{dir, pluginDir}})
	if len(c.Problems()) != 1 || !strings.Contains(c.Problems()[0].Error, "invalid JSON") {
		t.Fatalf("problems: %+v", c.Problems())
	}
	if _, err := c.Metric("constant"); err != nil {
		t.Fatal(err)
	}
}

func TestClose_LeavesNoPluginProcess(t *testing.T) {
	c := open(t, catalog.Options{})
	m, _ := c.Metric("constant")
	if _, err := m.Score(context.Background(), pluginapi.ScoreRequest{}); err != nil {
		t.Fatal(err)
	}
	pid := binary(t, c, "testmetric").Pid()
	c.Close()
	waitGone(t, pid)
}

// TestHostSIGKILL_LeavesNoPluginProcess runs a host in a child process, has it start plugins of all
// four kinds, SIGKILLs it, and checks every plugin process is gone within seconds.
func TestHostSIGKILL_LeavesNoPluginProcess(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "DOJO_TEST_HOST=1", "DOJO_TEST_PLUGIN_DIR="+pluginDir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("host printed no pids: %v", err)
	}
	var pids []int
	for _, f := range strings.Fields(line) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("bad pid line %q", line)
		}
		pids = append(pids, pid)
	}
	if len(pids) != 4 {
		t.Fatalf("host started %d plugins, want 4", len(pids))
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	for _, pid := range pids {
		waitGone(t, pid)
	}
}

func runTestHost() int {
	c, err := catalog.Open(context.Background(), catalog.Options{Dirs: []string{os.Getenv("DOJO_TEST_PLUGIN_DIR")}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var entries []catalog.Entry
	for _, name := range []string{"constant", "echo", "plain", "dirs"} {
		e, err := c.Find(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		entries = append(entries, e)
	}
	if err := c.Start(context.Background(), entries...); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var pids []string
	for _, b := range c.Binaries() {
		if pid := b.Pid(); pid != 0 {
			pids = append(pids, strconv.Itoa(pid))
		}
	}
	fmt.Println(strings.Join(pids, " "))
	select {} // wait to be killed
}

// waitGone polls until pid no longer exists (or is a zombie awaiting its dead parent's reaper).
func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return
		}
		if i := strings.LastIndexByte(string(stat), ')'); i > 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("plugin process %d still running", pid)
}

// TestOpen_CachedDescriptionsAreReusedUntilTheBinaryChanges runs `describe` once per binary
// identity: a second Open reads the cache, a rewritten binary is described again.
func TestOpen_CachedDescriptionsAreReusedUntilTheBinaryChanges(t *testing.T) {
	dir, cacheDir := t.TempDir(), t.TempDir()
	counter := filepath.Join(t.TempDir(), "describes")
	script := func(name string) string {
		return fmt.Sprintf("#!/bin/sh\necho x >> %s\necho '{\"protocol_version\": 1, \"components\": [{\"kind\": \"metric\", \"name\": %q, \"api_versions\": [1]}]}'\n", counter, name)
	}
	bin := filepath.Join(dir, "fake")
	if err := os.WriteFile(bin, []byte(script("first")), 0o755); err != nil {
		t.Fatal(err)
	}
	describes := func() int { b, _ := os.ReadFile(counter); return strings.Count(string(b), "x") }
	names := func(c *catalog.Catalog) string {
		var out []string
		for _, e := range c.Components() {
			out = append(out, e.Name)
		}
		return strings.Join(out, ",")
	}
	for i, want := range []int{1, 1} {
		c := open(t, catalog.Options{Dirs: []string{dir}, CacheDir: cacheDir})
		if describes() != want || names(c) != "first" {
			t.Fatalf("open %d: %d describes, components %q", i+1, describes(), names(c))
		}
	}
	// A replaced binary (new inode, as `go build -o` makes) is described afresh.
	os.Remove(bin)
	if err := os.WriteFile(bin, []byte(script("second")), 0o755); err != nil {
		t.Fatal(err)
	}
	c := open(t, catalog.Options{Dirs: []string{dir}, CacheDir: cacheDir})
	if describes() != 2 || names(c) != "second" {
		t.Fatalf("after rebuild: %d describes, components %q", describes(), names(c))
	}
}
