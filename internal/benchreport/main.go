package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

type options struct {
	bin, out, python, goTool, profile string
	rows, runs, coldStarts, rpcCalls  int
	tinyRows, goBenchTimes            int
	keep                              bool
	families                          string
	familyScale                       float64
	familyRuns                        int
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == replayArg {
		os.Exit(replayChild(os.Args[2:]))
	}
	var o options
	flag.StringVar(&o.bin, "bin", "bin", "build `dir` holding dojo and plugins/ (make build)")
	flag.StringVar(&o.out, "o", "", "also write the report to this markdown `file`")
	flag.StringVar(&o.python, "python", "/usr/bin/python3", "interpreter with pandas and scikit-learn for the baseline")
	flag.StringVar(&o.goTool, "go", "go", "go command for the Go benchmarks")
	flag.StringVar(&o.profile, "profile", "auto", "profile dojo's end-to-end time: auto (when the speed-up target is missed), always or never")
	flag.IntVar(&o.rows, "rows", 1_000_000, "rows of the end-to-end submissions")
	flag.IntVar(&o.runs, "runs", 5, "timed runs per side of each end-to-end case")
	flag.IntVar(&o.coldStarts, "cold", 20, "cold starts per plugin binary")
	flag.IntVar(&o.rpcCalls, "rpc", 2000, "warm Score RPCs per metric binary")
	flag.IntVar(&o.tinyRows, "tiny", 100, "rows of the tiny file for cold start and RPC latency")
	flag.IntVar(&o.goBenchTimes, "gobench", 5, "iterations per Go benchmark (-benchtime=Nx); 0 skips them")
	flag.BoolVar(&o.keep, "keep", false, "keep the generated CSV files")
	flag.StringVar(&o.families, "families", envOr("DOJO_BENCH_FAMILIES", "all"),
		"metric families to run end to end: all, none, or a comma-separated `list` of names (env DOJO_BENCH_FAMILIES)")
	flag.Float64Var(&o.familyScale, "family-scale", envFloat("DOJO_BENCH_FAMILY_SCALE", 1),
		"multiply every family's size by this `factor`, e.g. 0.01 for a quick run (env DOJO_BENCH_FAMILY_SCALE)")
	flag.IntVar(&o.familyRuns, "family-runs", 1, "timed runs per side of each metric family")
	flag.Parse()
	if o.profile != "auto" && o.profile != "always" && o.profile != "never" {
		fmt.Fprintln(os.Stderr, "benchreport: -profile is auto, always or never")
		os.Exit(2)
	}
	if o.familyScale <= 0 || o.familyRuns < 1 {
		fmt.Fprintln(os.Stderr, "benchreport: -family-scale must be above 0 and -family-runs at least 1")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

// progress reports a phase's steps on stderr, so a long run shows where it is.
type progress struct {
	start time.Time
	phase string
}

func (p *progress) begin(n, total int, name string) {
	p.phase = fmt.Sprintf("[%d/%d] %s", n, total, name)
	fmt.Fprintf(os.Stderr, "%6.1fs %s\n", time.Since(p.start).Seconds(), p.phase)
}

func (p *progress) step(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%6.1fs   %s\n", time.Since(p.start).Seconds(), fmt.Sprintf(format, args...))
}

func run(ctx context.Context, o options) error {
	dojo, err := filepath.Abs(filepath.Join(o.bin, "dojo"))
	if err != nil {
		return err
	}
	pluginDir := filepath.Join(filepath.Dir(dojo), "plugins")
	if _, err := os.Stat(dojo); err != nil {
		return fmt.Errorf("%w: run `make build` first", err)
	}
	work, err := os.MkdirTemp("", "dojo-bench-")
	if err != nil {
		return err
	}
	if o.keep {
		defer fmt.Fprintln(os.Stderr, "kept the generated files in", work)
	} else {
		defer os.RemoveAll(work)
	}
	script := filepath.Join(work, "baseline.py")
	if err := os.WriteFile(script, baselineScript, 0o600); err != nil {
		return err
	}

	fams, err := selectFamilies(o.families)
	if err != nil {
		return err
	}
	const phases = 9
	p := &progress{start: time.Now()}
	rep := &Report{Title: "Dojo benchmarks"}
	sum := &Section{Heading: "Summary"}
	targets := sum.NewTable("", "target", "result")

	p.begin(1, phases, "machine facts")
	machine := machineFacts(ctx, o.python)
	warnIfBusy()

	p.begin(2, phases, fmt.Sprintf("writing datasets: %d rows tiny, %s rows end to end", o.tinyRows, thousands(o.rows)))
	tiny, err := writeDataset(work, "tiny", o.tinyRows, 1)
	if err != nil {
		return err
	}
	var cases []*e2eCase
	for i, metric := range []string{"rmse", "roc_auc"} {
		ds, err := writeDataset(work, metric, o.rows, uint64(10+i))
		if err != nil {
			return err
		}
		cases = append(cases, &e2eCase{ds: ds}, &e2eCase{ds: ds, shuffled: true})
	}

	p.begin(3, phases, fmt.Sprintf("plugin cold start, %d rounds", o.coldStarts))
	open, starts, err := measureColdStart(ctx, pluginDir, tiny, o.coldStarts, p.step)
	if err != nil {
		return err
	}
	coldSec, coldOK := coldStartSection(open, starts, tiny)
	targets.Add(fmt.Sprintf("plugin cold start, launch → first answer < %s (median and p90, every binary with a first RPC)", ms(coldStartTarget)), verdict(coldOK))

	p.begin(4, phases, "warm Score RPC latency")
	rpcs, err := measureRPC(ctx, pluginDir, tiny, o.rpcCalls, p.step)
	if err != nil {
		return err
	}
	rpcSec, rpcOK := rpcSection(rpcs, tiny)
	targets.Add(fmt.Sprintf("warm Score RPC p50 < %s, p99 < %s (every metric binary)", ms(rpcP50Target), ms(rpcP99Target)), verdict(rpcOK))

	p.begin(5, phases, fmt.Sprintf("end to end, %s rows: dojo vs pandas + scikit-learn", thousands(o.rows)))
	pyFloor, err := measureEndToEnd(ctx, dojo, o.python, script, cases, o.runs, p.step)
	if err != nil {
		return err
	}
	e2eSec, e2e := endToEndSection(cases, o.runs)
	targets.Add(fmt.Sprintf("`dojo score` at least %.0f× faster than pandas + scikit-learn (every case)", speedupTarget), verdict(e2e.fastEnough))
	targets.Add(fmt.Sprintf("scores equal to scikit-learn's within %.0e relative (every case)", scoreTolerance), verdict(e2e.scoresEqual))

	if !e2e.fastEnough {
		sum.Footer = append(sum.Footer, "Section 4 shows where `dojo score`'s time goes in the cases that miss the speed-up target.")
	}

	var profSec *Section
	if o.profile == "always" || (o.profile == "auto" && !e2e.fastEnough) {
		p.begin(6, phases, "where dojo's time goes")
		if profSec, err = profileDojo(ctx, dojo, o.goTool, work, cases, open, pyFloor, p.step); err != nil {
			return err
		}
	} else {
		p.begin(6, phases, "profile skipped (every speed-up target met; -profile always forces it)")
	}

	var goSec *Section
	if o.goBenchTimes > 0 {
		p.begin(7, phases, "Go benchmarks")
		res, err := runGoBenches(ctx, o.goTool, o.goBenchTimes, p.step)
		if err != nil {
			return err
		}
		goSec = goBenchSection(res, o.goBenchTimes)
	} else {
		p.begin(7, phases, "Go benchmarks skipped (-gobench 0)")
	}

	var famSec *Section
	if len(fams) > 0 {
		p.begin(8, phases, fmt.Sprintf("%d metric families end to end: dojo vs the pandas + scikit-learn/numpy/scipy reference", len(fams)))
		res, err := measureFamilies(ctx, dojo, o.python, script, work, fams, o.familyScale, o.familyRuns, o.keep, p.step)
		if err != nil {
			return err
		}
		var v familyVerdicts
		famSec, v = familySection("6. Every metric family end to end", res, o.familyRuns, o.familyScale)
		targets.Add(fmt.Sprintf("every metric family: `dojo score` at least %.0f× faster than its reference (section 6)", speedupTarget),
			missList(v.slow, len(res)))
		targets.Add("every metric family: "+memoryTarget+" (section 6)", missList(v.heavy, len(res)))
		targets.Add("every metric family: score equal to the reference's (section 6)", missList(v.disagree, len(res)))
	} else {
		p.begin(8, phases, "metric families skipped (-families none)")
	}

	loadSec, err := serveLoadPhase(ctx, 9, phases, p, dojo, o.python, work, targets)
	if err != nil {
		return err
	}

	machine.Tables[0].Add("load average at end (1, 5, 15 min)", loadAverage())
	rep.Intro = intro(time.Since(p.start))
	rep.Sections = append(rep.Sections, sum, machine, coldSec, rpcSec, e2eSec)
	for _, s := range []*Section{profSec, goSec, famSec, loadSec} {
		if s != nil {
			rep.Sections = append(rep.Sections, s)
		}
	}
	fmt.Fprintf(os.Stderr, "%6.1fs done\n\n", time.Since(p.start).Seconds())
	if err := rep.Write(os.Stdout); err != nil {
		return err
	}
	if o.out == "" {
		return nil
	}
	f, err := os.Create(o.out)
	if err != nil {
		return err
	}
	if err := rep.Write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func intro(took time.Duration) []string {
	return []string{
		"How fast Dojo's metric plugins start, answer and score, measured against a pandas + scikit-learn " +
			"grader timed in the same run on the same files. Reproduce with `make bench`: it builds `bin/dojo` " +
			"and the plugins, runs `internal/benchreport`, prints this report and rewrites this file " +
			"(`make bench BENCH_REPORT=` only prints it). Progress goes to stderr; " +
			"`go run ./internal/benchreport -h` lists the flags that change sizes and counts.",
		fmt.Sprintf("This run took %.0f s. Timings are wall-clock unless a column says otherwise: compare reports "+
			"only from the same machine, and look at the load averages below before trusting a small difference "+
			"(other work on the machine slows both sides, dojo's parallel parsing more). Tests never assert "+
			"timings; this report is where they live.", took.Seconds()),
	}
}

// missList renders a target over n families: PASS, or the families that missed it.
func missList(missed []string, n int) string {
	if len(missed) == 0 {
		return fmt.Sprintf("PASS (%d of %d)", n, n)
	}
	return fmt.Sprintf("**MISS** (%d of %d miss: %s)", len(missed), n, strings.Join(missed, ", "))
}

// envOr is the environment variable's value, or def when it is unset or empty.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// envFloat is the environment variable as a number, or def when it is unset; a value that is not a
// number stops the command.
func envFloat(name string, def float64) float64 {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchreport: %s=%q is not a number\n", name, v)
		os.Exit(2)
	}
	return f
}
