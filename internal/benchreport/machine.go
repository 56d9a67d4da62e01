package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machineFacts describes where the numbers were taken, so a reader can tell whether two reports
// compare.
func machineFacts(ctx context.Context, python string) *Section {
	s := &Section{Heading: "Machine"}
	t := s.NewTable("", "fact", "value")
	t.Add("date", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	t.Add("CPU", cpuModel())
	t.Add("cores (GOMAXPROCS)", fmt.Sprintf("%d (%d)", runtime.NumCPU(), runtime.GOMAXPROCS(0)))
	t.Add("memory", memTotal())
	t.Add("kernel", firstLine("/proc/sys/kernel/osrelease"))
	t.Add("load average at start (1, 5, 15 min)", loadAverage())
	t.Add("Go", runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH)
	t.Add("commit", gitCommit(ctx))
	for _, v := range pythonVersions(ctx, python) {
		t.Add(v[0], v[1])
	}
	return s
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func memTotal() string {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var kib int64
		if _, err := fmt.Sscanf(sc.Text(), "MemTotal: %d kB", &kib); err == nil {
			return fmt.Sprintf("%.1f GiB", float64(kib)/(1<<20))
		}
	}
	return "unknown"
}

func firstLine(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "unknown"
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(line)
}

// loadAverage matters on a shared machine: other work running beside the benchmarks slows them.
func loadAverage() string {
	f := strings.Fields(firstLine("/proc/loadavg"))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// warnIfBusy says on stderr when other work already keeps the machine's cores busy.
func warnIfBusy() {
	f := strings.Fields(firstLine("/proc/loadavg"))
	if len(f) == 0 {
		return
	}
	if load, err := strconv.ParseFloat(f[0], 64); err == nil && load > float64(runtime.NumCPU())/2 {
		fmt.Fprintf(os.Stderr, "benchreport: load average %.2f on %d cores: other work is running, so timings will be slower and noisier\n",
			load, runtime.NumCPU())
	}
}

// gitCommit names the tree measured; "+dirty" marks uncommitted changes.
func gitCommit(ctx context.Context) string {
	out, err := exec.CommandContext(ctx, "git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	commit := strings.TrimSpace(string(out))
	if st, err := exec.CommandContext(ctx, "git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		commit += "+dirty"
	}
	return commit
}

// pythonVersions asks the baseline's interpreter for its own and its libraries' versions.
func pythonVersions(ctx context.Context, python string) [][2]string {
	const script = `import sys, numpy, pandas, scipy, sklearn
print("python", sys.version.split()[0])
print("numpy", numpy.__version__)
print("pandas", pandas.__version__)
print("scipy", scipy.__version__)
print("scikit-learn", sklearn.__version__)`
	out, err := exec.CommandContext(ctx, python, "-c", script).Output()
	if err != nil {
		return [][2]string{{python, "cannot import the baseline's libraries: " + err.Error()}}
	}
	var facts [][2]string
	for line := range strings.Lines(string(out)) {
		if name, version, ok := strings.Cut(strings.TrimSpace(line), " "); ok {
			facts = append(facts, [2]string{name + " (" + python + ")", version})
		}
	}
	return facts
}
