package main

import (
	"context"
	"fmt"
	"time"

	"github.com/mledojo/dojo/host/catalog"
	"github.com/mledojo/dojo/pluginapi"
)

// Targets for a warm Score RPC on a tiny file. The brief sets none; these are benchreport's own: an
// episode scores after every step, and scoring a small file should cost no more than a file read.
const (
	rpcP50Target = time.Millisecond
	rpcP99Target = 5 * time.Millisecond
	rpcWarmUp    = 50
)

// rpcTiming is one metric's warm RPC latencies.
type rpcTiming struct {
	binary, metric string
	calls          Durations
	starts         int   // process starts over the whole run; 1 unless the plugin crashed
	rssKiB         int64 // the plugin's resident memory after the calls
}

// measureRPC starts each metric binary once and times calls Score RPCs on the tiny dataset through
// the catalog, after a short warm-up. The plugin caches the parsed answers, as it does in an
// episode; the submission is read on every call.
func measureRPC(ctx context.Context, pluginDir string, tiny dataset, calls int, progress func(string, ...any)) ([]*rpcTiming, error) {
	cat, err := catalog.Open(ctx, catalog.Options{Dirs: []string{pluginDir}})
	if err != nil {
		return nil, err
	}
	defer cat.Close()
	var out []*rpcTiming
	for _, b := range cat.Binaries() {
		metric := firstMetric(b.Description())
		if e, err := cat.Lookup(pluginapi.KindMetric, metric); metric == "" || err != nil || e.Plugin != b.Name() {
			continue
		}
		progress("%d warm Score RPCs on %s (%s)", calls, b.Name(), metric)
		m, err := cat.Metric(metric)
		if err != nil {
			return nil, err
		}
		req := pluginapi.ScoreRequest{Metric: metric, AnswersPath: tiny.answers, SubmissionPath: tiny.inOrder}
		rt := &rpcTiming{binary: b.Name(), metric: metric, calls: make(Durations, 0, calls)}
		for i := range rpcWarmUp + calls {
			t0 := time.Now()
			if _, err := m.Score(ctx, req); err != nil {
				return nil, fmt.Errorf("%s: %w", metric, err)
			}
			if i >= rpcWarmUp {
				rt.calls = append(rt.calls, time.Since(t0))
			}
		}
		rt.starts = b.Starts()
		rt.rssKiB = procStatusKiB(b.Pid(), "VmRSS")
		out = append(out, rt)
	}
	return out, nil
}

// rpcSection renders the latencies. It returns whether every metric met both targets.
func rpcSection(timings []*rpcTiming, tiny dataset) (*Section, bool) {
	s := &Section{Heading: "2. Score RPC latency, warm plugin"}
	calls := 0
	if len(timings) > 0 {
		calls = len(timings[0].calls)
	}
	s.Note("One catalog, each metric binary started once; after %d warm-up calls, %d sequential `Score` RPCs on a "+
		"%d-row file, timed around `pluginapi.Metric.Score` on the catalog's handle (gRPC over a Unix socket, "+
		"the plugin reading the submission file each call). Targets are benchreport's own.", rpcWarmUp, calls, tiny.rows)
	t := s.NewTable("", "binary", "metric", "calls", "p50", "p99", "max", "plugin RSS after", "target", "result")
	ok := true
	for _, rt := range timings {
		p50, p99 := rt.calls.Median(), rt.calls.Quantile(0.99)
		pass := p50 < rpcP50Target && p99 < rpcP99Target && rt.starts == 1
		ok = ok && pass
		res := verdict(pass)
		if rt.starts != 1 {
			res += fmt.Sprintf(" (restarted: %d starts)", rt.starts)
		}
		t.Add(rt.binary, rt.metric, thousands(len(rt.calls)), ms(p50), ms(p99), ms(rt.calls.Max()), mib(rt.rssKiB),
			fmt.Sprintf("p50 < %s, p99 < %s", ms(rpcP50Target), ms(rpcP99Target)), res)
	}
	return s, ok
}
