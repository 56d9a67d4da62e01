package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// goBench is one `go test -bench` selection: the Go benchmarks that explain the end-to-end numbers.
type goBench struct {
	pkg, pattern string
}

var goBenches = []goBench{
	{"./sdk/table", "^Benchmark(ReadFile_1M|ReadFile_1MWithFloats|Align_1MInOrder|Align_1MShuffled|LoadPair_1MShuffled)$"},
	{"./plugins/metrics/internal/score", "^BenchmarkROCAUC$"},
	{"./plugins/metrics/internal/score", "^BenchmarkRegression$/^RMSE$"},
	// The sandboxes (targets: local overhead < 30 ms, docker < 150 ms, session step < 20 ms) and the
	// host's own time per execute_code step with a 10,000-row submission (target < 10 ms).
	{"./host/sandbox/local", "^Benchmark(ExecOverhead|Start|SessionStep|SessionImportPandasSklearn)$"},
	{"./host/sandbox/docker", "^Benchmark(Exec|Start)$"},
	{"./host/env", "^BenchmarkExecuteCodeStep_HostOverhead$"},
}

// goBenchResult is one benchmark line.
type goBenchResult struct {
	pkg, name                 string
	nsPerOp, mbPerS           float64
	bytesPerOp, allocsPerOp   int64
	hasMBPerS, hasAllocations bool
	// extra holds the benchmark's own metrics (b.ReportMetric), e.g. "overhead-ms/op 4.2".
	extra []string
}

// runGoBenches runs each selection with -benchtime=Nx (a fixed count keeps the phase short and its
// length predictable; each op is tens of milliseconds on a million rows).
func runGoBenches(ctx context.Context, goTool string, times int, progress func(string, ...any)) ([]goBenchResult, error) {
	var out []goBenchResult
	for _, b := range goBenches {
		progress("go test -bench %s %s", b.pattern, b.pkg)
		cmd := exec.CommandContext(ctx, goTool, "test", "-run", "^$", "-bench", b.pattern, "-benchmem",
			fmt.Sprintf("-benchtime=%dx", times), "-count=1", b.pkg)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		stdout, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go test -bench %s: %w\n%s%s", b.pkg, err, stdout, stderr.String())
		}
		res := parseGoBench(b.pkg, stdout)
		if len(res) == 0 {
			return nil, fmt.Errorf("go test -bench %s %s ran no benchmark", b.pattern, b.pkg)
		}
		out = append(out, res...)
	}
	return out, nil
}

// parseGoBench reads the standard benchmark lines:
// BenchmarkName-2   5   23234890 ns/op   812.95 MB/s   34900401 B/op   31 allocs/op
func parseGoBench(pkg string, out []byte) []goBenchResult {
	var res []goBenchResult
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		r := goBenchResult{pkg: strings.TrimPrefix(pkg, "./"), name: trimProcs(strings.TrimPrefix(f[0], "Benchmark"))}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "ns/op":
				r.nsPerOp = v
			case "MB/s":
				r.mbPerS, r.hasMBPerS = v, true
			case "B/op":
				r.bytesPerOp, r.hasAllocations = int64(v), true
			case "allocs/op":
				r.allocsPerOp = int64(v)
			default:
				r.extra = append(r.extra, fmt.Sprintf("%s %.3g", f[i+1], v))
			}
		}
		res = append(res, r)
	}
	return res
}

// trimProcs drops the -GOMAXPROCS suffix go test appends to a benchmark's name.
func trimProcs(name string) string {
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			return name[:i]
		}
	}
	return name
}

func goBenchSection(results []goBenchResult, times int) *Section {
	s := &Section{Heading: "5. Go benchmarks: scoring internals, sandboxes, episode steps"}
	s.Note("`go test -run '^$' -bench PATTERN -benchmem -benchtime=%dx`. On 1,000,000 rows, `sdk/table` reads and "+
		"aligns the CSV files and `plugins/metrics/internal/score` computes the metric: they explain section 3's "+
		"dojo time. `host/sandbox/local` and `host/sandbox/docker` time one execution of a trivial script, "+
		"direct `/usr/bin/python3` and sandboxed in the same run (targets: local overhead < 30 ms, docker < 150 ms), "+
		"sandbox start, and in session mode a warm trivial step (< 20 ms) and a repeated `import pandas, sklearn`. "+
		"`host/env` times the host's own work per execute_code step with a 10,000-row submission (< 10 ms).", times)
	t := s.NewTable("", "package", "benchmark", "time/op", "throughput", "memory/op", "allocs/op", "own metrics")
	for _, r := range results {
		tp, mem, allocs := "—", "—", "—"
		if r.hasMBPerS {
			tp = fmt.Sprintf("%.0f MB/s", r.mbPerS)
		}
		if r.hasAllocations {
			mem = mib(r.bytesPerOp / 1024)
			if r.bytesPerOp < 1<<20 {
				mem = fmt.Sprintf("%d B", r.bytesPerOp)
			}
			allocs = strconv.FormatInt(r.allocsPerOp, 10)
		}
		own := "—"
		if len(r.extra) > 0 {
			own = strings.Join(r.extra, ", ")
		}
		t.Add(r.pkg, r.name, ms(time.Duration(r.nsPerOp)), tp, mem, allocs, own)
	}
	return s
}
