package main

import (
	"context"
	"fmt"
	"time"
)

const profileRuns = 5

// profileDojo splits `dojo score`'s wall time into its stages, then the plugin's Score work into
// its own stages, with a CPU profile. The plugin is a separate process that the host starts with no
// profiling hook, so its input path (sdk/table, called as plugins/metrics/internal/inputs calls it)
// is replayed in fresh child processes of benchreport, on the same files, under runtime/pprof.
func profileDojo(ctx context.Context, dojo, goTool, work string, cases []*e2eCase, open, pyFloor Durations,
	progress func(string, ...any)) (*Section, error) {
	s := &Section{Heading: "4. Where dojo's time goes"}
	progress("fixed cost: `dojo version`")
	floor, err := timeRuns(ctx, profileRuns, dojo, "version")
	if err != nil {
		return nil, err
	}

	stages := s.NewTable(fmt.Sprintf("`dojo --log-level debug score … --json` by stage, %d runs per case (medians; each "+
		"run is cut at its own log lines and the first byte of its result, so a run's stages add up to its total):", profileRuns),
		"case", "total", "start, config, `catalog.Open`", "plugin launch → ready", "Score RPC", "result → exit (plugin stop)")
	inside := s.NewTable(fmt.Sprintf("Inside the Score RPC: the plugin's input path replayed in a fresh process, %d runs "+
		"per case (medians):", profileRuns),
		"case", "replayed path", "read answers", "read submission", "align ids", "parse floats, reorder",
		"minor page faults", "CPU user + sys", "GC cycles")
	py := s.NewTable("pandas + scikit-learn by stage (medians of section 3's runs; the imports timed alone once in each of its rounds):",
		"case", "total", "interpreter + imports", "read, merge, score")
	budget := s.NewTable(fmt.Sprintf("What the %.0f× target asks of each case (budget: the baseline's median over %.0f; "+
		"shares from the medians above):", speedupTarget, speedupTarget),
		"case", "dojo total", "budget", "over budget by", "Score RPC's share of dojo's time", "largest step of the input path")
	var profiles []string
	for _, c := range cases {
		progress("%s: staged dojo runs, and the replayed input path", c.name())
		var runs stageRuns
		for range profileRuns {
			st, err := runDojoStages(ctx, dojo, c)
			if err != nil {
				return nil, err
			}
			runs = append(runs, st)
		}
		st := runs.medians()
		stages.Add(c.name(), ms(st.total), ms(st.open), ms(st.launch), ms(st.score), ms(st.shutdown))

		rs, profs, err := replay(ctx, work, c, profileRuns)
		if err != nil {
			return nil, err
		}
		profiles = append(profiles, profs...)
		in := rs.medians()
		inside.Add(c.name(), ms(in.Total), ms(in.ReadAnswers), ms(in.ReadSubmission), ms(in.Align), ms(in.Floats),
			thousands(int(in.MinorFaults)), fmt.Sprintf("%s (%s sys)", ms(in.User+in.Sys), ms(in.Sys)), fmt.Sprint(in.GCs))
		py.Add(c.name(), ms(c.python.Median()), ms(pyFloor.Median()), ms(c.python.Median()-pyFloor.Median()))

		total := c.dojo.Median()
		limit := time.Duration(float64(c.python.Median()) / speedupTarget)
		over := "within budget"
		if total > limit {
			over = ms(total - limit)
		}
		step, share := largestStep(in)
		budget.Add(c.name(), ms(total), ms(limit), over, fmt.Sprintf("%.0f%%", 100*float64(st.score)/float64(st.total)),
			fmt.Sprintf("%s, %.0f%%", step, 100*share))
	}
	s.Note("Fixed costs: a bare `dojo version` process takes %s and `catalog.Open` %s (section 1: it runs `describe` "+
		"on every binary in the plugin directory, whichever one the command needs); the interpreter and imports of "+
		"pandas + scikit-learn take %s (`python3 -c '%s'`). Everything else grows with the files.",
		ms(floor.Median()), ms(open.Median()), ms(pyFloor.Median()), pythonImports)

	progress("merging %d CPU profiles", len(profiles))
	top, err := pprofTop(goTool, profiles)
	if err != nil {
		return nil, err
	}
	s.CodeCaption = fmt.Sprintf("CPU profile of the replayed input path, all %d fresh-process runs merged "+
		"(`go tool pprof -top`; the profiling timer counts kernel time too, so page faults show under the functions "+
		"that first touch new memory):", len(profiles))
	s.Code = top
	return s, nil
}

// largestStep names the costliest step of the replayed input path (medians) and its share of the path. Shares
// within one set of runs hold up under other load on the machine better than differences between
// timings taken at different moments.
func largestStep(in replayResult) (string, float64) {
	steps := []struct {
		name string
		d    time.Duration
	}{
		{"read answers", in.ReadAnswers},
		{"read submission", in.ReadSubmission},
		{"align ids", in.Align},
		{"parse floats, reorder", in.Floats},
	}
	best := steps[0]
	for _, st := range steps[1:] {
		if st.d > best.d {
			best = st
		}
	}
	return best.name, float64(best.d) / float64(in.Total)
}

// timeRuns runs a command n times and returns the wall times.
func timeRuns(ctx context.Context, n int, name string, args ...string) (Durations, error) {
	var d Durations
	for range n {
		r, _, err := runProcess(ctx, false, name, args...)
		if err != nil {
			return nil, err
		}
		d = append(d, r.wall)
	}
	return d, nil
}
