package main

import (
	"fmt"
	"math"
	"slices"
)

// e2eVerdicts says which end-to-end targets held.
type e2eVerdicts struct {
	fastEnough, scoresEqual bool
}

// endToEndSection renders the end-to-end comparison: time, agreement of the scores, and memory.
func endToEndSection(cases []*e2eCase, runs int) (*Section, e2eVerdicts) {
	rows := 0
	if len(cases) > 0 {
		rows = cases[0].ds.rows
	}
	s := &Section{Heading: fmt.Sprintf("3. End-to-end scoring, %s rows", thousands(rows))}
	s.Note("Each case scores one %s-row submission (`id,target`, integer ids) as a whole process, %d times "+
		"per side in rounds over all cases (dojo then python within a case), after one untimed run of each. **dojo** is `bin/dojo score "+
		"--metric M --answers A --submission S --json`: process start, configuration, `catalog.Open` "+
		"(every plugin binary's `describe`), plugin start, the Score RPC (read both files, align by id, "+
		"compute) and plugin shutdown. **pandas + scikit-learn** is `/usr/bin/python3 baseline.py`: "+
		"interpreter start and imports, `pd.read_csv` of both files, `answers.merge(submission, on=\"id\")` "+
		"with a one-to-one check, then `mean_squared_error(squared=False)` or `roc_auc_score` "+
		"(internal/benchreport/baseline.py).", thousands(rows), runs)
	v := e2eVerdicts{fastEnough: true, scoresEqual: true}

	speed := s.NewTable("", "case", fmt.Sprintf("dojo (median of %d)", runs), fmt.Sprintf("pandas + sklearn (median of %d)", runs),
		"speed-up", "CPU time: dojo / python", "target", "result")
	for _, c := range cases {
		d, p := c.dojo.Median(), c.python.Median()
		ratio := float64(p) / float64(d)
		pass := ratio >= speedupTarget
		v.fastEnough = v.fastEnough && pass
		speed.Add(c.name(), ms(d), ms(p), fmt.Sprintf("%.1f×", ratio), ms(c.dojoCPU.Median())+" / "+ms(c.pythonCPU.Median()),
			fmt.Sprintf("≥ %.0f×", speedupTarget), verdict(pass))
	}
	s.Note("Wall time decides the target. CPU time (user + sys, medians) counts each process and the children it " +
		"reaped, so dojo's includes the plugin's; it moves much less than wall time when other work shares the " +
		"machine, so a wall-time miss with CPU time unchanged between reports points to contention, not to dojo.")

	agree := s.NewTable("Scores (each side's runs agree exactly; shown with 17 significant digits):",
		"case", "rows scored", "dojo", "scikit-learn", "relative difference", "target", "result")
	for _, c := range cases {
		diff := relDiff(c.dojoScore, c.pyScore)
		pass := diff <= scoreTolerance && c.dojoRows == int64(c.ds.rows) && c.pythonRows == int64(c.ds.rows)
		v.scoresEqual = v.scoresEqual && pass
		agree.Add(c.name(), fmt.Sprintf("%s / %s", thousands(int(c.dojoRows)), thousands(int(c.pythonRows))),
			fmt.Sprintf("%.17g", c.dojoScore), fmt.Sprintf("%.17g", c.pyScore), fmt.Sprintf("%.1e", diff),
			fmt.Sprintf("≤ %.0e", scoreTolerance), verdict(pass))
	}

	mem := s.NewTable("Peak resident memory (the largest over the timed runs where there are several):",
		"case", "pandas + sklearn", "dojo: max(host, plugin)", "dojo host", "plugin server", "dojo host + plugin")
	for _, c := range cases {
		mem.Add(c.name(), mib(slices.Max(c.pythonRSS)), mib(slices.Max(c.dojoRSS)), mib(c.hostKiB), mib(c.pluginKiB),
			mib(c.hostKiB+c.pluginKiB))
	}
	s.Footer = append(s.Footer, "How memory was measured. *pandas + sklearn* is the python process's own peak resident set "+
		"(`VmHWM`, which baseline.py reads from `/proc/self/status` as it finishes). *dojo: max(host, plugin)* is `ru_maxrss` from "+
		"`wait4` (Go's `ProcessState.SysUsage()`): the larger of the host's own peak and the peak "+
		"of any child it reaped (the plugin server and the `describe` runs; go-plugin waits for the plugin to "+
		"exit), not their sum; Linux keeps the peak of the memory a process was forked with across its exec, so "+
		"it is at least benchreport's own peak at the time. Because host and plugin are alive at the same time, one extra dojo run per case "+
		"polls `/proc/PID/status` `VmHWM` of the host and of each child every millisecond until they exit: "+
		"*dojo host* and *plugin server* are those peaks (lower bounds, to within the last millisecond of each "+
		"process), and their sum bounds what the two held together.")
	return s, v
}

// relDiff is |a-b| relative to the larger magnitude.
func relDiff(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / math.Max(math.Abs(a), math.Abs(b))
}
