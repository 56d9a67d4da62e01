package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mledojo/dojo/agents"
	"github.com/mledojo/dojo/agents/baseline"
	"github.com/mledojo/dojo/agents/llm"
	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/config"
	"github.com/mledojo/dojo/host/env"
	"github.com/mledojo/dojo/host/sandbox"
)

// episodeFlags are the flags exec and play share.
type episodeFlags struct {
	fs          *flag.FlagSet
	competition *string
	backend     *string
	execMode    *string
	timeout     *time.Duration
	maxSteps    *int
	out         *string
	dataDir     *string
	asJSON      *bool
	insecure    *bool
}

func newEpisodeFlags(a *app, name string) episodeFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	return episodeFlags{
		fs:          fs,
		competition: fs.String("competition", "", "competition `id` (see `dojo competitions list`)"),
		backend:     fs.String("sandbox", "", "sandbox backend: local or docker (default: config sandbox.backend)"),
		execMode:    fs.String("exec-mode", "", "fresh or session (default: config sandbox.exec_mode)"),
		timeout:     fs.Duration("timeout", 0, "wall time of one execution (default: config sandbox.timeout)"),
		maxSteps:    fs.Int("max-steps", 0, "steps before the episode is truncated (default: config episode.max_steps)"),
		out:         fs.String("out", "", "episode `directory` (default: RUNS_DIR/<competition>-<time>)"),
		dataDir:     fs.String("data-dir", "", "competitions `directory` (default: DATA_DIR/competitions)"),
		asJSON:      fs.Bool("json", false, "print JSON"),
		insecure:    fs.Bool("insecure", false, "run the local sandbox without isolation (reported in every observation)"),
	}
}

// open loads the competition and creates the episode the flags describe.
func (f episodeFlags) open(ctx context.Context, a *app) (*env.Episode, error) {
	if *f.competition == "" {
		f.fs.Usage()
		return nil, errUsage
	}
	if *f.backend != "" {
		a.flagOverrides["sandbox.backend"] = *f.backend
	}
	if *f.execMode != "" {
		a.flagOverrides["sandbox.exec_mode"] = *f.execMode
	}
	if *f.insecure {
		a.flagOverrides["sandbox.insecure"] = true
	}
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	comp, deps, err := episodeDeps(ctx, a, *f.dataDir, *f.competition)
	if err != nil {
		return nil, err
	}
	dir := *f.out
	if dir == "" {
		name := strings.NewReplacer("@", "-", "/", "-").Replace(comp.ID)
		dir = filepath.Join(cfg.RunsDir, fmt.Sprintf("%s-%s", name, time.Now().Format("20060102-150405")))
	}
	ecfg := episodeConfig(cfg)
	if *f.timeout > 0 {
		ecfg.ExecTimeout, ecfg.Limits.Timeout = *f.timeout, *f.timeout
	}
	if *f.maxSteps > 0 {
		ecfg.MaxSteps = *f.maxSteps
	}
	ecfg.Dir = dir
	return env.New(ctx, comp, ecfg, deps)
}

// episodeDeps loads competition id and the host services an episode of it runs on: the plugin
// catalog and the configured sandbox backend.
func episodeDeps(ctx context.Context, a *app, dataDir, id string) (core.Competition, env.Deps, error) {
	lib, err := a.library(ctx, dataDir)
	if err != nil {
		return core.Competition{}, env.Deps{}, err
	}
	comp, err := lib.Load(ctx, id)
	if err != nil {
		return core.Competition{}, env.Deps{}, err
	}
	backend, err := a.sandbox()
	if err != nil {
		return core.Competition{}, env.Deps{}, err
	}
	cat, err := a.plugins(ctx)
	if err != nil {
		return core.Competition{}, env.Deps{}, err
	}
	return comp, env.Deps{Plugins: cat, Sandbox: backend, Logger: a.log, Version: version}, nil
}

// episodeConfig is the episode configuration the host configuration describes; play, exec and eval
// start from it.
func episodeConfig(cfg config.Config) env.Config {
	return env.Config{
		MaxSteps: cfg.Episode.MaxSteps, MaxTime: cfg.Episode.MaxTime, ExecTimeout: cfg.Sandbox.Timeout,
		ExecMode: sandbox.ExecMode(cfg.Sandbox.ExecMode), ScoreMode: env.ScoreMode(cfg.Episode.ScoreMode),
		Limits:     sandbox.Limits{Timeout: cfg.Sandbox.Timeout, MemoryBytes: cfg.Sandbox.MemoryBytes},
		Feedback:   cfg.Episode.Feedback,
		ScoreSplit: env.ScoreSplit(cfg.Episode.ScoreSplit), PublicFraction: cfg.Episode.PublicFraction,
	}
}

// runExec runs one file as one execute_code step of a fresh episode.
func runExec(ctx context.Context, a *app, args []string) error {
	f := newEpisodeFlags(a, "exec")
	f.fs.Usage = func() {
		fmt.Fprintln(a.stderr, "usage: dojo exec --competition ID [--sandbox local|docker] [--exec-mode M] FILE.py [--json]")
		f.fs.PrintDefaults()
	}
	if err := f.fs.Parse(reorder(args)); err != nil {
		return err
	}
	if f.fs.NArg() != 1 {
		f.fs.Usage()
		return errUsage
	}
	code, err := os.ReadFile(f.fs.Arg(0))
	if err != nil {
		return core.Errorf(core.TypeInvalidArgument, "cannot read %s: %w", f.fs.Arg(0), err)
	}
	ep, err := f.open(ctx, a)
	if err != nil {
		return err
	}
	defer ep.Close(context.WithoutCancel(ctx))
	if _, _, err := ep.Reset(ctx, env.ResetOptions{}); err != nil {
		return err
	}
	res, err := ep.Step(ctx, core.Action{Name: core.ActionExecuteCode, Params: core.Params{"code": string(code)}})
	if err != nil {
		return err
	}
	if *f.asJSON {
		return writeJSON(a, map[string]any{"result": res, "episode_dir": ep.Dir()})
	}
	if text := res.Observation.Feedback["base"]; text != "" {
		fmt.Fprintln(a.stdout, text)
	} else {
		writeJSON(a, res)
	}
	fmt.Fprintf(a.stdout, "reward %.6g; history in %s\n", res.Reward, ep.Dir())
	if res.Observation.Error != nil {
		return errSilent
	}
	return nil
}

// runPlay plays a whole episode with an agent, or resumes one.
func runPlay(ctx context.Context, a *app, args []string) error {
	f := newEpisodeFlags(a, "play")
	agent := f.fs.String("agent", "baseline", "agent: baseline or llm")
	provider := f.fs.String("provider", llm.ProviderOpenAI, "llm agent: openai, openai-compatible or anthropic")
	model := f.fs.String("model", "", "llm agent: the provider's model `name`")
	baseURL := f.fs.String("base-url", "", "llm agent: the API's `URL` (required for openai-compatible)")
	keyEnv := f.fs.String("api-key-env", "", "llm agent: the environment `variable` holding the API key (default OPENAI_API_KEY or ANTHROPIC_API_KEY)")
	resume := f.fs.String("resume", "", "continue the crashed or stopped episode in `DIR`")
	f.fs.Usage = func() {
		fmt.Fprintln(a.stderr, "usage: dojo play --competition ID [--agent baseline|llm] [--max-steps N] [--sandbox S] [--exec-mode M] [--out DIR] [--json]\n       dojo play --agent llm --provider P --model M [--base-url URL] [--api-key-env VAR] --competition ID\n       dojo play --resume DIR [--agent ...]")
		f.fs.PrintDefaults()
	}
	if err := f.fs.Parse(reorder(args)); err != nil {
		return err
	}
	if f.fs.NArg() > 0 || (*agent != "baseline" && *agent != "llm") {
		if *agent != "baseline" && *agent != "llm" {
			fmt.Fprintf(a.stderr, "dojo play: unknown agent %q (available: baseline, llm)\n", *agent)
		}
		f.fs.Usage()
		return errUsage
	}
	logf := func(format string, args ...any) { fmt.Fprintf(a.stderr, format+"\n", args...) }
	if *f.asJSON {
		logf = func(string, ...any) {}
	}
	// The agent is built first: a bad model config should not leave an episode directory behind.
	var player agents.Agent = baseline.Agent{Log: logf}
	if *agent == "llm" {
		p, err := llm.New(llm.Config{Provider: *provider, Model: *model, BaseURL: *baseURL, APIKeyEnv: *keyEnv}, llm.Options{Log: logf})
		if err != nil {
			return err
		}
		player = p
	}
	var (
		ep  *env.Episode
		err error
	)
	if *resume != "" {
		ep, err = resumeEpisode(ctx, a, f, *resume)
	} else {
		ep, err = f.open(ctx, a)
	}
	if err != nil {
		return err
	}
	defer ep.Close(context.WithoutCancel(ctx))
	var summary agents.Summary
	if *resume != "" {
		summary, err = player.Continue(ctx, ep)
	} else {
		summary, err = player.Run(ctx, ep)
	}
	if err != nil {
		return err
	}
	// Under score_split public, the held-out score of the agent's chosen submission is the
	// episode's final score; an agent that stops before the budget ends still gets one.
	final, err := ep.Finish(ctx)
	if err != nil {
		return err
	}
	if *f.asJSON {
		out := map[string]any{"competition": ep.Competition().ID, "summary": summary, "history": ep.Dir()}
		if final != nil {
			out["final"] = final
		}
		return writeJSON(a, out)
	}
	fmt.Fprintf(a.stdout, "competition   %s\nsteps         %d\n", ep.Competition().ID, summary.Steps)
	if summary.BestRaw != nil {
		fmt.Fprintf(a.stdout, "best raw      %.6g (%s)\n", *summary.BestRaw, ep.Competition().Metric.Name)
	} else {
		fmt.Fprintf(a.stdout, "best raw      none (no valid submission)\n")
	}
	if summary.BestRank != nil {
		fmt.Fprintf(a.stdout, "best HumanRank %.4f\n", *summary.BestRank)
	}
	if final != nil {
		switch h := final.HeldOut; {
		case h != nil && h.Valid && h.HumanRank != nil:
			fmt.Fprintf(a.stdout, "held-out      %.6g, HumanRank %.4f (step %d, %s)\n", h.RawScore, h.HumanRank.Mean, final.Step, final.Chosen)
		case h != nil && h.Valid:
			fmt.Fprintf(a.stdout, "held-out      %.6g (step %d, %s)\n", h.RawScore, final.Step, final.Chosen)
		case final.Error != nil:
			fmt.Fprintf(a.stdout, "held-out      none: %s\n", final.Error.Message)
		}
	}
	fmt.Fprintf(a.stdout, "total reward  %.4f\nhistory       %s\n", summary.TotalReward, ep.Dir())
	if u := summary.Usage; u != nil {
		fmt.Fprintf(a.stdout, "model usage   %d calls, %d prompt + %d completion tokens, $%.4f, %d retries, %d repairs\n",
			u.Calls, u.PromptTokens, u.CompletionTokens, u.CostUSD, u.Retries, u.Repairs)
	}
	return nil
}

func resumeEpisode(ctx context.Context, a *app, f episodeFlags, dir string) (*env.Episode, error) {
	m, err := env.ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	comp, deps, err := episodeDeps(ctx, a, *f.dataDir, m.Competition)
	if err != nil {
		return nil, err
	}
	ep, obs, err := env.Resume(ctx, dir, comp, deps)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(a.stderr, "resumed %s at step %v\n", dir, obs.Info["resumed_at_step"])
	return ep, nil
}
