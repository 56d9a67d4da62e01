package eval

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/mledojo/dojo/agents"
	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/env"
	"github.com/mledojo/dojo/host/export"
)

// AgentLogFile is where an episode's agent writes its log lines.
const AgentLogFile = "agent.log"

// play runs one job to its end, retrying infrastructure failures, and writes its result.json. When ctx
// ends first, the episode is left as it is (no result) for the next invocation to resume.
func (r *runner) play(ctx context.Context, j Job) {
	if ctx.Err() != nil {
		return
	}
	res := Result{Agent: j.Agent.Name, Kind: j.Agent.Kind, Competition: j.Competition, Seed: j.Seed}
	if prev, err := ReadResult(j.Dir); err == nil {
		// A run given up after infrastructure failures: keep its record, with a fresh retry budget.
		res.Attempts, res.InfraFailures, res.Usage, res.Wall = prev.Attempts, prev.InfraFailures, prev.Usage, prev.Wall
		res.ConversationUsage = prev.ConversationUsage
	}
	started := time.Now()
	r.progress.begin(j)
	defer r.progress.end(j)
	backoff := r.opts.RetryBackoff
	attempts := 1 + r.opts.Config.RetryCount()
	for a := 1; ; a++ {
		res.Attempts++
		usage, resumedAt, err := r.attempt(ctx, j)
		res.countUsage(usage, resumedAt >= 0)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			res.Status, res.Error = StatusDone, nil
			break
		}
		ce := core.AsError(err)
		if !IsInfrastructure(err) {
			res.Status, res.Error = StatusError, ce
			r.opts.Logger.Warn("episode ended with the agent's error", "episode", j.Name(), "error", ce)
			break
		}
		res.InfraFailures = append(res.InfraFailures, Failure{Attempt: res.Attempts, Type: ce.Type, Message: ce.Error(), Time: time.Now().UTC()})
		r.progress.note(j, fmt.Sprintf("infrastructure failure (attempt %d of %d): %s", a, attempts, ce.Error()))
		if a >= attempts {
			res.Status, res.Error = StatusInfraError, ce
			break
		}
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return
		}
		backoff = min(2*backoff, 30*time.Second)
	}
	res.Wall += time.Since(started)
	// An episode whose sandbox never started has no history: nothing to summarise.
	if err := summarise(j.Dir, &res); err != nil && core.TypeOf(err) != core.TypeInvalidArgument {
		r.opts.Logger.Warn("cannot read the episode's history", "episode", j.Name(), "error", err)
	}
	res.Finished = time.Now().UTC()
	if err := os.MkdirAll(j.Dir, 0o755); err == nil {
		err = writeJSONAtomic(filepath.Join(j.Dir, ResultFile), res)
		if err != nil {
			r.opts.Logger.Error("cannot write the episode's result", "episode", j.Name(), "error", err)
			return
		}
	}
	r.finish(j, res)
}

// countUsage adds what an attempt's agent reported. An agent that resumes a conversation reports
// all of it again, earlier attempts included (agents.Summary.Usage), so a resumed attempt adds only
// what goes beyond the last report; a fresh start began a new conversation.
func (res *Result) countUsage(u *agents.Usage, resumed bool) {
	if !resumed {
		res.ConversationUsage = nil
	}
	if u == nil {
		return
	}
	add := *u
	if last := res.ConversationUsage; resumed && last != nil && u.Calls >= last.Calls {
		add = agents.Usage{
			Calls: u.Calls - last.Calls, PromptTokens: u.PromptTokens - last.PromptTokens,
			CompletionTokens: u.CompletionTokens - last.CompletionTokens, CostUSD: u.CostUSD - last.CostUSD,
			Retries: u.Retries - last.Retries, Repairs: u.Repairs - last.Repairs,
		}
	}
	if res.Usage == nil {
		res.Usage = &agents.Usage{}
	}
	res.Usage.Add(add)
	reported := *u
	res.ConversationUsage = &reported
}

// attempt opens (or resumes) the job's episode and lets its agent play. It returns the agent's usage,
// the step the episode was resumed at (-1 when it started afresh in an emptied directory) and the
// error that stopped it, if any.
func (r *runner) attempt(ctx context.Context, j Job) (*agents.Usage, int, error) {
	ep, resumedAt, over, err := r.open(ctx, j)
	if err != nil {
		return nil, resumedAt, err
	}
	defer func() {
		if err := ep.Close(context.WithoutCancel(ctx)); err != nil {
			r.opts.Logger.Warn("closing the episode", "episode", j.Name(), "error", err)
		}
	}()
	if over {
		// The episode ended before the last invocation could write its result.
		_, err := ep.Finish(ctx)
		return nil, resumedAt, err
	}
	logf, closeLog := agentLog(j.Dir)
	defer closeLog()
	agent, err := r.opts.Agents.Build(j.Agent, AgentOptions{BaseDir: r.opts.Config.dir, Log: logf})
	if err != nil {
		return nil, resumedAt, err
	}
	te := &trackedEnv{ep: ep, resumedAt: resumedAt, onStep: func(res core.StepResult) { r.progress.step(j, res) }}
	var sum agents.Summary
	if resumedAt >= 0 {
		logf("resumed at step %d", resumedAt)
		sum, err = agent.Continue(ctx, te)
	} else {
		sum, err = agent.Run(ctx, te)
	}
	if err != nil {
		logf("agent stopped: %v", err)
		return sum.Usage, resumedAt, err
	}
	// Under a held-out split, an agent that stopped before the budget ran out has not been scored on
	// the held-out answers yet; Finish does that once (and nothing when it is done or there is no split).
	if _, err := ep.Finish(ctx); err != nil {
		return sum.Usage, resumedAt, err
	}
	return sum.Usage, resumedAt, nil
}

// open resumes the job's episode when its history holds steps, and otherwise starts it afresh in an
// emptied directory. resumedAt is the step the history ends at, or -1 for a fresh episode (also when
// the fresh start failed: the directory's earlier content may be gone); over says the resumed
// episode had already ended.
func (r *runner) open(ctx context.Context, j Job) (ep *env.Episode, resumedAt int, over bool, err error) {
	deps := env.Deps{Plugins: r.opts.Plugins, Sandbox: r.opts.Sandbox, Logger: r.opts.Logger, Version: r.opts.Versions.Dojo}
	comp := r.comps[j.Competition]
	if steps, ended, ok := progressOf(j.Dir); ok && steps > 0 {
		ep, _, err := env.Resume(ctx, j.Dir, comp, deps)
		if err != nil {
			return nil, steps, false, err
		}
		return ep, steps, ended, nil
	}
	// Nothing worth keeping: a crash before the first step, or a first attempt.
	if err := clearEpisodeDir(j.Dir); err != nil {
		return nil, -1, false, err
	}
	cfg := r.base
	cfg.Dir, cfg.Seed = j.Dir, j.Seed
	ep, err = env.New(ctx, comp, cfg, deps)
	if err != nil {
		return nil, -1, false, err
	}
	labels := map[string]any{"agent": j.Agent.Name, "agent_kind": j.Agent.Kind, "competition": j.Competition, "seed": j.Seed}
	if err := writeJSONAtomic(filepath.Join(j.Dir, export.LabelsFile), labels); err != nil {
		ep.Close(context.WithoutCancel(ctx))
		return nil, -1, false, err
	}
	return ep, -1, false, nil
}

// clearEpisodeDir empties an episode directory for a fresh start, keeping a result.json of earlier
// infrastructure failures (their record carries over).
func clearEpisodeDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return core.Errorf(core.TypeInternal, "episode directory: %w", err)
	}
	for _, e := range entries {
		if e.Name() == ResultFile {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return core.Errorf(core.TypeInternal, "clearing %s: %w", dir, err)
		}
	}
	return nil
}

// progressOf reads how far the episode in dir got: the steps after its last reset, and whether it
// ended. ok is false when dir holds no episode.
func progressOf(dir string) (steps int, ended, ok bool) {
	if _, err := env.ReadManifest(dir); err != nil {
		return 0, false, false
	}
	events, err := env.ReadEvents(dir)
	if err != nil {
		return 0, false, false
	}
	for _, ev := range events {
		switch {
		case ev.Type == "reset":
			ok, steps, ended = true, 0, false
		case ev.Type == "step" && ev.Result != nil:
			steps = ev.Result.Step
			ended = ev.Result.Terminated || ev.Result.Truncated
		}
	}
	return steps, ended, ok
}

// agentLog opens the episode's agent.log for appending; the returned function closes it.
func agentLog(dir string) (func(string, ...any), func()) {
	f, err := os.OpenFile(filepath.Join(dir, AgentLogFile), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return func(string, ...any) {}, func() {}
	}
	var mu sync.Mutex
	return func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintf(f, "%s %s\n", time.Now().UTC().Format(time.RFC3339), fmt.Sprintf(format, args...))
		}, func() {
			mu.Lock()
			defer mu.Unlock()
			f.Close()
		}
}

// trackedEnv is the episode as the agent sees it: every step also updates the progress display. It
// tells an agent that can use it where a resumed episode's history ends (ResumedAtStep).
type trackedEnv struct {
	ep        *env.Episode
	resumedAt int
	onStep    func(core.StepResult)
}

var _ agents.Env = (*trackedEnv)(nil)

func (t *trackedEnv) Reset(ctx context.Context, opts env.ResetOptions) (core.Observation, map[string]any, error) {
	if err := ctx.Err(); err != nil {
		return core.Observation{}, nil, err
	}
	return t.ep.Reset(ctx, opts)
}

// Step refuses to step once the run is stopping: the episode would record steps that failed only
// because the run was interrupted, and a resumed run would inherit them.
func (t *trackedEnv) Step(ctx context.Context, a core.Action) (core.StepResult, error) {
	if err := ctx.Err(); err != nil {
		return core.StepResult{}, err
	}
	res, err := t.ep.Step(ctx, a)
	if err == nil {
		t.onStep(res)
	}
	return res, err
}

// ResumedAtStep is the step a resumed episode's history ended at, or -1 for an episode played from
// its reset.
func (t *trackedEnv) ResumedAtStep() int { return t.resumedAt }

// Dir is the episode's directory, where an agent may keep its own record (the LLM agent's chat.jsonl,
// from which it resumes a conversation).
func (t *trackedEnv) Dir() string { return t.ep.Dir() }
