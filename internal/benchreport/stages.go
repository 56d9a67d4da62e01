package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"
)

// dojoStages splits one `dojo score` process's wall time at three moments: the host's log line
// "starting plugin" (configuration and catalog.Open are done), the catalog's "plugin started" (the
// plugin answered the handshake), and the first byte of the result on stdout (the Score RPC
// returned). All four stages come from the same run, so they add up to its total.
type dojoStages struct {
	total    time.Duration
	open     time.Duration // fork to "starting plugin": process start, configuration, catalog.Open
	launch   time.Duration // plugin launch, handshake, gRPC connection
	score    time.Duration // the Score RPC, and writing the result
	shutdown time.Duration // result to reaped: stopping the plugin, the host's exit
}

// runDojoStages runs `dojo score` with debug logs as JSON, whose timestamps carry microseconds.
func runDojoStages(ctx context.Context, dojo string, c *e2eCase) (dojoStages, error) {
	cmd := exec.CommandContext(ctx, dojo, "--log-level", "debug", "score", "--metric", c.ds.metric,
		"--answers", c.ds.answers, "--submission", c.ds.submission(c.shuffled), "--json")
	cmd.Env = append(os.Environ(), "DOJO_LOG__FORMAT=json")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return dojoStages{}, err
	}
	t0 := time.Now().Round(0) // wall clock only, to compare with the log's timestamps
	if err := cmd.Start(); err != nil {
		return dojoStages{}, err
	}
	var result time.Time
	out := bufio.NewReader(stdout)
	if _, err := out.Peek(1); err == nil {
		result = time.Now().Round(0)
	}
	_, _ = io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		return dojoStages{}, fmt.Errorf("dojo score %s: %w\n%s", c.name(), err, stderr.String())
	}
	exit := time.Now().Round(0)
	started, ready, err := pluginStartTimes(stderr.Bytes())
	if err != nil {
		return dojoStages{}, fmt.Errorf("dojo score %s: %w", c.name(), err)
	}
	if result.IsZero() || result.Before(ready) {
		return dojoStages{}, fmt.Errorf("dojo score %s: no result on stdout after the plugin started", c.name())
	}
	return dojoStages{
		total: exit.Sub(t0), open: started.Sub(t0), launch: ready.Sub(started),
		score: result.Sub(ready), shutdown: exit.Sub(result),
	}, nil
}

// pluginStartTimes finds go-plugin's "starting plugin" line and the catalog's "plugin started" line
// (the one with a starts count; go-plugin logs a line of the same message with a pid).
func pluginStartTimes(log []byte) (started, ready time.Time, err error) {
	sc := bufio.NewScanner(bytes.NewReader(log))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		var line struct {
			Message   string    `json:"@message"`
			Timestamp time.Time `json:"@timestamp"`
			Starts    *int      `json:"starts"`
		}
		if json.Unmarshal(sc.Bytes(), &line) != nil {
			continue
		}
		switch {
		case line.Message == "starting plugin" && started.IsZero():
			started = line.Timestamp
		case line.Message == "plugin started" && line.Starts != nil && ready.IsZero():
			ready = line.Timestamp
		}
	}
	if started.IsZero() || ready.IsZero() {
		return started, ready, fmt.Errorf(`no "starting plugin" and "plugin started" debug lines in its log`)
	}
	return started, ready, nil
}

// stageRuns are a case's staged runs.
type stageRuns []dojoStages

// medians returns each stage's median over the runs.
func (s stageRuns) medians() dojoStages {
	med := func(f func(dojoStages) time.Duration) time.Duration {
		d := make(Durations, len(s))
		for i, r := range s {
			d[i] = f(r)
		}
		return d.Median()
	}
	return dojoStages{
		total:    med(func(d dojoStages) time.Duration { return d.total }),
		open:     med(func(d dojoStages) time.Duration { return d.open }),
		launch:   med(func(d dojoStages) time.Duration { return d.launch }),
		score:    med(func(d dojoStages) time.Duration { return d.score }),
		shutdown: med(func(d dojoStages) time.Duration { return d.shutdown }),
	}
}
