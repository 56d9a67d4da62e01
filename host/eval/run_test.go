package eval_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mledojo/dojo/agents"
	"github.com/mledojo/dojo/agents/scripted"
	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/env"
	"github.com/mledojo/dojo/host/eval"
)

// registry has the scripted agent (three execute_code steps scoring 0.75, 0.85, 0.65), and "failing",
// an agent that steps once and then stops with the error its param "type" names.
func registry() eval.Registry {
	return eval.Registry{
		"scripted": func(spec eval.AgentSpec, opts eval.AgentOptions) (agents.Agent, error) {
			a := scripted.Agent{Log: opts.Log}
			for _, code := range []string{"0.75", "0.85", "0.65"} {
				a.Steps = append(a.Steps, scripted.Step{Action: core.ActionExecuteCode, Params: core.Params{"code": code}})
			}
			return a, nil
		},
		"failing": func(spec eval.AgentSpec, _ eval.AgentOptions) (agents.Agent, error) {
			t, _ := spec.Params["type"].(string)
			return failing{typ: core.ErrorType(t)}, nil
		},
	}
}

type failing struct{ typ core.ErrorType }

func (f failing) Run(ctx context.Context, e agents.Env) (agents.Summary, error) {
	if _, _, err := e.Reset(ctx, env.ResetOptions{}); err != nil {
		return agents.Summary{}, err
	}
	return f.Continue(ctx, e)
}

// Continue takes one step, as if after one model call; like the LLM agent, it reports the usage of the
// whole conversation, earlier attempts included (one call per step).
func (f failing) Continue(ctx context.Context, e agents.Env) (agents.Summary, error) {
	res, err := e.Step(ctx, core.Action{Name: core.ActionExecuteCode, Params: core.Params{"code": "0.5"}})
	if err != nil {
		return agents.Summary{}, err
	}
	return agents.Summary{Usage: &agents.Usage{Calls: res.Step, PromptTokens: 10 * int64(res.Step)}}, core.Errorf(f.typ, "stopped (test)")
}

func options(t *testing.T, cfg string, backend *fakeBackend) eval.Options {
	t.Helper()
	c, err := eval.ParseConfig([]byte(cfg))
	if err != nil {
		t.Fatal(err)
	}
	return eval.Options{
		Config: c, Dir: filepath.Join(t.TempDir(), "run"), Library: newLibrary(t, "toy@1", "other@1"), Plugins: fakePlugins{},
		Sandbox: backend, Agents: registry(), Episode: env.Config{MaxSteps: 10}, RetryBackoff: time.Millisecond,
		Versions: eval.Versions{Dojo: "test"},
	}
}

func TestRun_PlaysEveryAgentCompetitionAndSeedAndWritesResults(t *testing.T) {
	opts := options(t, "agents: [{name: s, kind: scripted}, {name: t, kind: scripted}]\ncompetitions: [toy@1, other@1]\nseeds: [1, 2, 3]\nworkers: 3\n", &fakeBackend{})
	sum, err := eval.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Episodes.Total != 12 || sum.Episodes.Done != 12 || sum.Run != 12 {
		t.Fatalf("summary %+v", sum)
	}
	res, err := eval.ReadResult(eval.EpisodeDir(opts.Dir, "t", "other@1", 2))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != eval.StatusDone || res.Steps != 3 || *res.BestRaw != 0.85 || res.ValidSubmissions != 3 || len(res.BestRawByStep) != 3 ||
		*res.BestRawByStep[0] != 0.75 || *res.BestRawByStep[2] != 0.85 || res.Seed != 2 || res.Attempts != 1 {
		t.Fatalf("result %+v", res)
	}
	m, err := eval.ReadManifest(opts.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Episodes.Done != 12 || m.Ended == nil || m.Machine.CPUs == 0 || m.Versions.Dojo != "test" || len(m.Invocations) != 1 ||
		strings.Join(m.Competitions, ",") != "other@1,toy@1" || m.Episode.MaxSteps != 10 {
		t.Fatalf("manifest %+v", m)
	}
	if comps, err := eval.ReadCompetitions(opts.Dir); err != nil || len(comps["toy@1"].Boards) != 1 {
		t.Fatalf("competition snapshots %v %v", comps, err)
	}
}

func TestRun_RetriesInfrastructureFailuresAndCountsThemApart(t *testing.T) {
	backend := &fakeBackend{}
	backend.failStarts.Store(2)
	opts := options(t, "agents: [{name: s, kind: scripted}]\ncompetitions: [toy@1]\nseeds: [1]\nretries: 2\n", backend)
	if _, err := eval.Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	res, _ := eval.ReadResult(eval.EpisodeDir(opts.Dir, "s", "toy@1", 1))
	if res.Status != eval.StatusDone || res.Attempts != 3 || len(res.InfraFailures) != 2 || res.InfraFailures[0].Type != core.TypeSandboxInit || res.Steps != 3 {
		t.Fatalf("result %+v", res)
	}
}

func TestRun_GivesUpAfterTheRetriesAndTriesAgainOnRerun(t *testing.T) {
	backend := &fakeBackend{}
	backend.failStarts.Store(100)
	opts := options(t, "agents: [{name: s, kind: scripted}]\ncompetitions: [toy@1]\nseeds: [1]\nretries: 1\n", backend)
	sum, err := eval.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	res, _ := eval.ReadResult(eval.EpisodeDir(opts.Dir, "s", "toy@1", 1))
	if sum.Episodes.InfraError != 1 || res.Status != eval.StatusInfraError || res.Attempts != 2 || len(res.InfraFailures) != 2 || backend.starts.Load() != 2 {
		t.Fatalf("summary %+v, result %+v, %d starts", sum, res, backend.starts.Load())
	}
	backend.failStarts.Store(0)
	sum, err = eval.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	res, _ = eval.ReadResult(eval.EpisodeDir(opts.Dir, "s", "toy@1", 1))
	if sum.Episodes.Done != 1 || res.Status != eval.StatusDone || res.Attempts != 3 || len(res.InfraFailures) != 2 {
		t.Fatalf("after rerun: summary %+v, result %+v", sum, res)
	}
}

func TestRun_TheAgentsOwnErrorIsNotRetried(t *testing.T) {
	opts := options(t, "agents: [{name: f, kind: failing, params: {type: config}}, {name: u, kind: failing, params: {type: unavailable}}]\ncompetitions: [toy@1]\nseeds: [1]\nretries: 2\n", &fakeBackend{})
	sum, err := eval.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	own, _ := eval.ReadResult(eval.EpisodeDir(opts.Dir, "f", "toy@1", 1))
	if own.Status != eval.StatusError || own.Attempts != 1 || own.Error.Type != core.TypeConfig || len(own.InfraFailures) != 0 {
		t.Fatalf("agent error: %+v", own)
	}
	// A provider outage is infrastructure: retried, and resumed each time where the history ends. Each
	// resumed attempt reports the whole conversation again; the result counts every call once.
	infra, _ := eval.ReadResult(eval.EpisodeDir(opts.Dir, "u", "toy@1", 1))
	if infra.Status != eval.StatusInfraError || infra.Attempts != 3 || len(infra.InfraFailures) != 3 || infra.Steps != 3 ||
		infra.Usage.Calls != 3 || infra.Usage.PromptTokens != 30 {
		t.Fatalf("infrastructure error: %+v", infra)
	}
	if sum.Episodes.Error != 1 || sum.Episodes.InfraError != 1 || sum.Usage.Calls != 4 {
		t.Fatalf("summary %+v", sum)
	}
}

func TestRun_RerunSkipsFinishedEpisodesAndRefusesAChangedConfig(t *testing.T) {
	cfg := "agents: [{name: s, kind: scripted}]\ncompetitions: [toy@1]\nseeds: [1]\n"
	opts := options(t, cfg, &fakeBackend{})
	if _, err := eval.Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(eval.EpisodeDir(opts.Dir, "s", "toy@1", 1), eval.ResultFile)
	before, _ := os.ReadFile(path)
	sum, err := eval.Run(context.Background(), opts)
	if err != nil || sum.Skipped != 1 || sum.Run != 0 {
		t.Fatalf("rerun: %+v %v", sum, err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatal("a finished episode was played again")
	}

	changed := options(t, strings.Replace(cfg, "seeds: [1]", "seeds: [1, 2]", 1), &fakeBackend{})
	changed.Dir = opts.Dir
	_, err = eval.Run(context.Background(), changed)
	if core.TypeOf(err) != core.TypeConfig || !strings.Contains(err.Error(), "seeds: [1] -> [1,2]") {
		t.Fatalf("changed config: %v", err)
	}
	changed.Force = true
	sum, err = eval.Run(context.Background(), changed)
	if err != nil || sum.Skipped != 1 || sum.Run != 1 || sum.Episodes.Done != 2 {
		t.Fatalf("forced: %+v %v", sum, err)
	}
	m, _ := eval.ReadManifest(opts.Dir)
	if len(m.Invocations) != 3 || !m.Invocations[2].Forced || len(m.Invocations[2].Changes) != 1 {
		t.Fatalf("invocations %+v", m.Invocations)
	}
}

// TestRun_InterruptedEpisodeResumesWhereItsHistoryEnds stops a run after two steps, as Ctrl-C would,
// then reruns it: the episode resumes with its third step and is not reset.
func TestRun_InterruptedEpisodeResumesWhereItsHistoryEnds(t *testing.T) {
	opts := options(t, "agents: [{name: s, kind: scripted}]\ncompetitions: [toy@1]\nseeds: [1]\n", &fakeBackend{})
	ctx, cancel := context.WithCancel(context.Background())
	inner := opts.Agents["scripted"]
	opts.Agents = eval.Registry{"scripted": func(spec eval.AgentSpec, o eval.AgentOptions) (agents.Agent, error) {
		a, err := inner(spec, o)
		return cancelAfter{Agent: a, n: 2, cancel: cancel}, err
	}}
	_, err := eval.Run(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("interrupted run: %v", err)
	}
	dir := eval.EpisodeDir(opts.Dir, "s", "toy@1", 1)
	if _, err := eval.ReadResult(dir); err == nil {
		t.Fatal("an interrupted episode has a result")
	}
	opts.Agents = registry()
	if _, err := eval.Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	events, err := env.ReadEvents(dir)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, ev := range events {
		kinds = append(kinds, ev.Type)
		if ev.Type == "step" && ev.Action.Params["code"] != []string{"0.75", "0.85", "0.65"}[ev.Step-1] {
			t.Errorf("step %d played %v: the resumed agent did not go on where the history ended", ev.Step, ev.Action.Params["code"])
		}
	}
	if strings.Join(kinds, ",") != "reset,step,step,step" {
		t.Fatalf("events %v, want one reset and three steps", kinds)
	}
	res, _ := eval.ReadResult(dir)
	if res.Status != eval.StatusDone || res.Steps != 3 || res.Attempts != 1 {
		t.Fatalf("result %+v", res)
	}
}

// cancelAfter wraps an agent: once the episode has taken n steps it cancels the run's context.
type cancelAfter struct {
	agents.Agent
	n      int
	cancel context.CancelFunc
}

func (c cancelAfter) Run(ctx context.Context, e agents.Env) (agents.Summary, error) {
	return c.Agent.Run(ctx, stepCounter{Env: e, n: c.n, cancel: c.cancel})
}

type stepCounter struct {
	agents.Env
	n      int
	cancel context.CancelFunc
}

func (s stepCounter) Step(ctx context.Context, a core.Action) (core.StepResult, error) {
	if err := ctx.Err(); err != nil {
		return core.StepResult{}, err
	}
	res, err := s.Env.Step(ctx, a)
	if res.Step >= s.n {
		s.cancel()
	}
	return res, err
}

func TestRun_UnknownAgentKindStopsBeforeAnyEpisode(t *testing.T) {
	backend := &fakeBackend{}
	opts := options(t, "agents: [{name: x, kind: llm}]\ncompetitions: [toy@1]\nseeds: [1]\n", backend)
	_, err := eval.Run(context.Background(), opts)
	if core.TypeOf(err) != core.TypeConfig || !strings.Contains(err.Error(), `unknown kind "llm"`) || backend.starts.Load() != 0 {
		t.Fatalf("err = %v, %d sandboxes started", err, backend.starts.Load())
	}
	opts = options(t, "agents: [{name: x, kind: scripted}]\ncompetitions: [nope@1]\nseeds: [1]\n", backend)
	if _, err := eval.Run(context.Background(), opts); core.TypeOf(err) != core.TypeCompetitionNotFound {
		t.Fatalf("unknown competition: %v", err)
	}
	opts = options(t, "agents: [{name: x, kind: scripted}]\ncompetitions: [{domain: nlp}]\nseeds: [1]\n", backend)
	if _, err := eval.Run(context.Background(), opts); core.TypeOf(err) != core.TypeConfig || !strings.Contains(err.Error(), "matches no prepared competition") {
		t.Fatalf("empty selector: %v", err)
	}
}
