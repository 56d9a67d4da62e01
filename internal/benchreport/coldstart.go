package main

import (
	"cmp"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/mledojo/dojo/host/catalog"
	"github.com/mledojo/dojo/pluginapi"
)

// coldStartTarget is the budget from launching a plugin binary to its first answered RPC.
const coldStartTarget = 50 * time.Millisecond

// firstMetrics are the metrics a first RPC may use, in order of preference: each accepts the tiny
// dataset (0/1 targets, probability predictions).
var firstMetrics = []string{"rmse", "roc_auc", "log_loss", "mse", "mae"}

// startTiming is one plugin binary's cold-start measurements.
type startTiming struct {
	binary   string
	metric   string    // the metric a first Score used, if the binary serves one of firstMetrics
	first    string    // what the first RPC was; "" when the binary offers none this report knows to call
	skipped  string    // why the binary was not started, if it was not
	describe Durations // `BINARY describe`: exec to exit
	ready    Durations // catalog Start: launch, handshake, gRPC connection
	answered Durations // launch to the first RPC answered
}

// firstCall is the RPC that shows a just-started binary answers: a Score on the tiny file for a
// metric binary, Describe for an action binary.
type firstCall struct {
	label string
	entry catalog.Entry
	call  func(context.Context) error // nil: no RPC this report knows to make
}

// measureColdStart starts every plugin binary n times, each time from a freshly opened catalog, and
// makes one first RPC. It also times `describe` and catalog.Open, which every dojo command pays
// before any plugin starts.
func measureColdStart(ctx context.Context, pluginDir string, tiny dataset, n int, progress func(string, ...any)) (open Durations, timings []*startTiming, err error) {
	byName := map[string]*startTiming{}
	for i := range n {
		progress("cold start %d/%d", i+1, n)
		t0 := time.Now()
		cat, err := catalog.Open(ctx, catalog.Options{Dirs: []string{pluginDir}})
		if err != nil {
			return nil, nil, err
		}
		open = append(open, time.Since(t0))
		if i == 0 {
			for _, p := range cat.Problems() {
				name := filepath.Base(p.Binary)
				if byName[name] != nil || slices.ContainsFunc(cat.Binaries(), func(b *catalog.Binary) bool { return b.Path() == p.Binary }) {
					continue // a component-level problem of a binary that is otherwise usable
				}
				st := &startTiming{binary: name, skipped: "unusable: " + p.Error}
				byName[st.binary] = st
				timings = append(timings, st)
			}
		}
		for _, b := range cat.Binaries() {
			st := byName[b.Name()]
			if st == nil {
				st = &startTiming{binary: b.Name(), metric: firstMetric(b.Description())}
				byName[b.Name()] = st
				timings = append(timings, st)
			}
			if err := st.measure(ctx, cat, b, tiny); err != nil {
				cat.Close()
				return nil, nil, err
			}
		}
		cat.Close()
	}
	if len(timings) == 0 {
		return nil, nil, fmt.Errorf("no usable plugin binaries in %s: run `make build`", pluginDir)
	}
	slices.SortFunc(timings, func(a, b *startTiming) int { return cmp.Compare(a.binary, b.binary) })
	return open, timings, nil
}

// measure runs describe once, then starts the binary and makes its first RPC.
func (st *startTiming) measure(ctx context.Context, cat *catalog.Catalog, b *catalog.Binary, tiny dataset) error {
	t0 := time.Now()
	if err := exec.CommandContext(ctx, b.Path(), "describe").Run(); err != nil {
		return fmt.Errorf("%s describe: %w", b.Path(), err)
	}
	st.describe = append(st.describe, time.Since(t0))

	fc, ok := chooseFirstCall(cat, b, st.metric, tiny)
	if !ok {
		st.skipped = "not started: an earlier binary in the directory serves all its components (a stale build output?)"
		return nil
	}
	st.first = fc.label
	t0 = time.Now()
	if err := cat.Start(ctx, fc.entry); err != nil {
		return err
	}
	st.ready = append(st.ready, time.Since(t0))
	if fc.call == nil {
		return nil
	}
	if err := fc.call(ctx); err != nil {
		return fmt.Errorf("%s: first RPC (%s): %w", b.Name(), fc.label, err)
	}
	st.answered = append(st.answered, time.Since(t0))
	if b.Starts() != 1 {
		return fmt.Errorf("%s started %d times in one catalog; it should start once", b.Name(), b.Starts())
	}
	return nil
}

// chooseFirstCall picks the component whose Start launches b and the first RPC to make. It reports
// false when the catalog reaches none of b's components.
func chooseFirstCall(cat *catalog.Catalog, b *catalog.Binary, metric string, tiny dataset) (firstCall, bool) {
	if metric != "" {
		if e, err := cat.Lookup(pluginapi.KindMetric, metric); err == nil && e.Plugin == b.Name() {
			return firstCall{label: fmt.Sprintf("`%s` Score, %d rows", metric, tiny.rows), entry: e, call: func(ctx context.Context) error {
				m, err := cat.Metric(metric)
				if err != nil {
					return err
				}
				_, err = m.Score(ctx, pluginapi.ScoreRequest{Metric: metric, AnswersPath: tiny.answers, SubmissionPath: tiny.inOrder})
				return err
			}}, true
		}
	}
	var fallback *catalog.Entry
	for _, e := range cat.Components() {
		if e.Plugin != b.Name() {
			continue
		}
		if e.Kind == pluginapi.KindAction {
			return firstCall{label: fmt.Sprintf("`%s` action Describe", e.Name), entry: e, call: func(ctx context.Context) error {
				a, err := cat.Action(e.Name)
				if err != nil {
					return err
				}
				_, err = a.Describe(ctx)
				return err
			}}, true
		}
		if fallback == nil {
			fallback = &e
		}
	}
	if fallback == nil {
		return firstCall{}, false
	}
	return firstCall{entry: *fallback}, true
}

func firstMetric(d pluginapi.Description) string {
	for _, want := range firstMetrics {
		for _, c := range d.Components {
			if c.Kind == pluginapi.KindMetric && c.Name == want {
				return want
			}
		}
	}
	return ""
}

// coldStartSection renders the measurements. It returns whether every binary that answered a first
// RPC met the target.
func coldStartSection(open Durations, timings []*startTiming, tiny dataset) (*Section, bool) {
	s := &Section{Heading: "1. Plugin cold start"}
	s.Note("Each of %d rounds opens a fresh `host/catalog` on the built plugin directory, then for each binary in turn "+
		"runs `BINARY describe` once, starts the plugin server (`Catalog.Start`: launch, go-plugin handshake, gRPC "+
		"connection) and makes a first RPC: `Score` on a %d-row file for a metric binary, an action's `Describe` for "+
		"an action binary. \"Launch → first answer\" is the plugin's cold start as a caller sees it; nothing is "+
		"cached in the process. Only metric binaries serve the scoring path measured below.", len(open), tiny.rows)
	t := s.NewTable("", "binary", "measure", "median", "p90", "target", "result")
	ok := true
	for _, st := range timings {
		if len(st.describe) > 0 {
			t.Add(st.binary, "`describe` run (exec to exit)", ms(st.describe.Median()), ms(st.describe.Quantile(0.9)), "—", "info")
		}
		if st.skipped != "" {
			t.Add(st.binary, st.skipped, "—", "—", "—", "n/a")
			continue
		}
		t.Add(st.binary, "launch → ready (handshake done)", ms(st.ready.Median()), ms(st.ready.Quantile(0.9)), "—", "info")
		if len(st.answered) == 0 {
			t.Add(st.binary, "launch → first answer", "n/a", "n/a", "< "+ms(coldStartTarget), "n/a (no RPC known to call)")
			continue
		}
		pass := st.answered.Median() < coldStartTarget && st.answered.Quantile(0.9) < coldStartTarget
		ok = ok && pass
		t.Add(st.binary, "launch → first answer ("+st.first+")", ms(st.answered.Median()), ms(st.answered.Quantile(0.9)),
			"< "+ms(coldStartTarget), verdict(pass))
	}
	t.Add(fmt.Sprintf("all %d", len(timings)), "`catalog.Open` (describes every binary in parallel)", ms(open.Median()),
		ms(open.Quantile(0.9)), "—", "info")
	return s, ok
}
