package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// memoryTarget is the family benchmark's memory target: dojo's whole process tree must peak below
// the reference's.
const memoryTarget = "dojo's peak below the reference's"

// familyResult is one family's measurement.
type familyResult struct {
	f    family
	c    *e2eCase
	rows int           // answers rows (images for the per-image families) it was run at
	gen  time.Duration // writing its files
}

// dojoTreeKiB is the peak of dojo's process tree: the host's and the plugin server's sampled peaks
// (VmHWM) added, since both are alive while the plugin scores. wait4's ru_maxrss is no use here: a
// child exec'd from benchreport inherits the record of benchreport's own peak, which holds the
// generated files.
func (r familyResult) dojoTreeKiB() int64 { return r.c.hostKiB + r.c.pluginKiB }

func (r familyResult) speedup() float64 {
	return float64(r.c.python.Median()) / float64(r.c.dojo.Median())
}

func (r familyResult) tol() float64 {
	if r.f.tol > 0 {
		return r.f.tol
	}
	return scoreTolerance
}

func (r familyResult) fast() bool  { return r.speedup() >= speedupTarget }
func (r familyResult) small() bool { return r.dojoTreeKiB() < slices.Max(r.c.pythonRSS) }
func (r familyResult) agree() bool { return relDiff(r.c.dojoScore, r.c.pyScore) <= r.tol() }

// selectFamilies picks the families a -families flag names: "all", "none", or a comma-separated
// list of family names.
func selectFamilies(spec string) ([]family, error) {
	switch strings.TrimSpace(spec) {
	case "", "all":
		return families, nil
	case "none":
		return nil, nil
	}
	var out []family
	for _, name := range strings.Split(spec, ",") {
		name = strings.TrimSpace(name)
		i := slices.IndexFunc(families, func(f family) bool { return f.name == name })
		if i < 0 {
			var names []string
			for _, f := range families {
				names = append(names, f.name)
			}
			return nil, fmt.Errorf("-families: no family %q; the families are all, none or some of %s", name, strings.Join(names, ","))
		}
		out = append(out, families[i])
	}
	return out, nil
}

// measureFamilies runs each family in turn: write its files into a directory of its own, time
// `dojo score` and the reference runs times each (dojo then python within a round), sample dojo's
// process tree in one more run, and remove the files unless keep is set.
func measureFamilies(ctx context.Context, dojo, python, script, work string, fams []family, scale float64, runs int,
	keep bool, progress func(string, ...any)) ([]familyResult, error) {
	var out []familyResult
	for i, f := range fams {
		n := f.scaledRows(scale)
		dir := filepath.Join(work, "family-"+f.name)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		t0 := time.Now()
		ds, err := writeFamily(dir, f, n)
		if err != nil {
			return nil, err
		}
		r := familyResult{f: f, rows: n, gen: time.Since(t0), c: &e2eCase{ds: ds}}
		c := r.c
		for range runs {
			d, _, err := c.runDojo(ctx, dojo, false)
			if err != nil {
				return nil, err
			}
			p, err := c.runPython(ctx, python, script)
			if err != nil {
				return nil, err
			}
			c.dojo, c.dojoRSS, c.dojoCPU = append(c.dojo, d.wall), append(c.dojoRSS, d.maxRSS), append(c.dojoCPU, d.cpu)
			c.python, c.pythonRSS, c.pythonCPU = append(c.python, p.wall), append(c.pythonRSS, p.maxRSS), append(c.pythonCPU, p.cpu)
		}
		_, procs, err := c.runDojo(ctx, dojo, true)
		if err != nil {
			return nil, err
		}
		c.hostKiB, c.pluginKiB = dojoTreePeaks(procs)
		progress("%2d/%d %-22s %9s %-7s dojo %9s  reference %9s  %5.1f×  %s / %s", i+1, len(fams), f.name, thousands(n), r.unit(),
			ms(c.dojo.Median()), ms(c.python.Median()), r.speedup(), mib(r.dojoTreeKiB()), mib(slices.Max(c.pythonRSS)))
		if !keep {
			if err := os.RemoveAll(dir); err != nil {
				return nil, err
			}
		}
		out = append(out, r)
	}
	return out, nil
}

func (r familyResult) unit() string {
	if r.f.unit != "" {
		return r.f.unit
	}
	return "rows"
}

// familyVerdicts says which family targets held, and how many families missed each.
type familyVerdicts struct {
	slow, heavy, disagree []string
}

// familySection renders one row per family, then the exact params and scores.
func familySection(heading string, res []familyResult, runs int, scale float64) (*Section, familyVerdicts) {
	s := &Section{Heading: heading}
	s.Note("One case per metric family the metric plugins serve, each on files generated for it (seeded, so every run "+
		"scores the same files; ids in the answers' order, as a submission built from the sample submission lists "+
		"them). **dojo** is `bin/dojo score --metric M --param … --answers A --submission S --json`, the whole "+
		"process with its plugin, as in section 3. **reference** is `/usr/bin/python3 baseline.py FAMILY A S PARAMS`: "+
		"the family's grader in pandas + scikit-learn, numpy or scipy (internal/benchreport/baseline.py), written "+
		"as the competition's grader computes the metric, importing only what it uses. %d timed run(s) per side, "+
		"dojo then reference, medians shown; the files are written just before, so both read them from the page cache. "+
		"Size is answers rows unless it says images or masks; a family below 1,000,000 says why in the last table.", runs)
	if scale != 1 {
		s.Note("**Sizes are scaled by %g (-family-scale)**: not the report's standard sizes.", scale)
	}
	var v familyVerdicts
	t := s.NewTable("", "family", "size", "dojo", "reference", "speed-up", "dojo peak RSS", "reference peak RSS",
		"score agreement", "result")
	for _, r := range res {
		var miss []string
		if !r.fast() {
			miss = append(miss, "speed")
			v.slow = append(v.slow, r.f.name)
		}
		if !r.small() {
			miss = append(miss, "memory")
			v.heavy = append(v.heavy, r.f.name)
		}
		if !r.agree() {
			miss = append(miss, "score")
			v.disagree = append(v.disagree, r.f.name)
		}
		result := "PASS"
		if len(miss) > 0 {
			result = "**MISS: " + strings.Join(miss, ", ") + "**"
		}
		speed := fmt.Sprintf("%.1f×", r.speedup())
		if !r.fast() {
			speed = "**" + speed + "**"
		}
		mem := mib(r.dojoTreeKiB())
		if !r.small() {
			mem = "**" + mem + "**"
		}
		t.Add(r.f.name, thousands(r.rows)+" "+r.unit(), ms(r.c.dojo.Median()), ms(r.c.python.Median()), speed, mem,
			mib(slices.Max(r.c.pythonRSS)), fmt.Sprintf("%.1e", relDiff(r.c.dojoScore, r.c.pyScore)), result)
	}
	s.Note("Targets per family: speed-up (reference ÷ dojo, wall time) ≥ %.0f×; %s; scores equal within "+
		"%.0e relative (a family's own tolerance where the last table gives one). Bold marks a miss.", speedupTarget, memoryTarget, scoreTolerance)

	detail := s.NewTable("What each family runs, and both scores (17 significant digits):",
		"family", "dojo metric and params", "dojo", "reference", "tolerance", "CPU time: dojo / reference", "why this size")
	for _, r := range res {
		var params []string
		for _, kv := range r.f.params {
			params = append(params, kv[0]+"="+kv[1])
		}
		call := "`" + r.f.metric + "`"
		if len(params) > 0 {
			call += " " + strings.Join(params, " ")
		}
		why := r.f.why
		if why == "" {
			why = "—"
		}
		detail.Add(r.f.name, call, fmt.Sprintf("%.17g", r.c.dojoScore), fmt.Sprintf("%.17g", r.c.pyScore),
			fmt.Sprintf("%.0e", r.tol()), ms(r.c.dojoCPU.Median())+" / "+ms(r.c.pythonCPU.Median()), why)
	}
	s.Footer = append(s.Footer, "How memory was measured. Both columns are peak resident sets (`VmHWM` of "+
		"`/proc/PID/status`), which belong to the process image after exec. *reference peak RSS* is the python "+
		"process's own, which baseline.py reads as it finishes and reports (the largest over its runs; it starts no "+
		"processes). *dojo peak RSS* is the peak of dojo's process tree: one more dojo run per family polls `VmHWM` "+
		"of the host and of each child every millisecond until they exit, and the column adds the host's peak to the "+
		"plugin server's, as both are alive while the plugin scores (an upper bound of what the tree held at one "+
		"moment; each peak is exact to within the last millisecond of its process). `wait4`'s `ru_maxrss` is not "+
		"used: Linux keeps the peak of the memory a child was forked with across its exec, so a child of benchreport "+
		"reports at least benchreport's own peak, and benchreport holds the generated files.")
	return s, v
}
