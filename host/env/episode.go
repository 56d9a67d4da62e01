package env

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
	"github.com/mledojo/dojo/host/scoring"
	"github.com/mledojo/dojo/pluginapi"
)

// Plugins finds the custom actions and feedback styles an episode uses; *catalog.Catalog is one.
type Plugins interface {
	scoring.Metrics
	Action(name string) (pluginapi.Action, error)
	Feedback(name string) (pluginapi.Feedback, error)
}

// Deps are the host services an episode runs on.
type Deps struct {
	Plugins Plugins
	Sandbox sandbox.Backend
	Logger  hclog.Logger
	// Version is recorded in the episode manifest.
	Version string
}

// Episode is one agent's run on one competition. Its methods are safe for concurrent use but steps are
// serialised: an agent acts, then observes.
type Episode struct {
	id   string
	comp core.Competition
	cfg  Config
	deps Deps
	log  hclog.Logger

	boards []core.SortedBoard
	split  *answerSplit // nil unless ScoreSplit is public
	rec    *recorder
	work   string // the workspace directory on the host

	mu      sync.Mutex
	sb      sandbox.Sandbox
	state   state
	started time.Time // wall clock at reset (or resume), for the time budget
}

// state is everything a step changes; it is rebuilt from events.jsonl on resume.
type state struct {
	reset       bool
	step        int
	elapsedBase time.Duration // time used before started (from a resumed run)
	terminated  bool
	truncated   bool
	totalReward float64
	bestRaw     *float64
	bestRank    *float64
	bestStep    int
	bestCode    string
	finished    bool // the held-out score was taken (final.json) since the last reset
	seed        int64
	log         []HistoryEntry
	steps       []stepRecord
}

// New creates an episode for comp, writing to cfg.Dir. The sandbox starts at Reset.
func New(ctx context.Context, comp core.Competition, cfg Config, deps Deps) (*Episode, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := comp.Validate(); err != nil {
		return nil, err
	}
	if deps.Plugins == nil || deps.Sandbox == nil {
		return nil, core.Errorf(core.TypeInternal, "episode needs plugins and a sandbox backend")
	}
	for _, name := range cfg.Actions {
		if _, err := deps.Plugins.Action(name); err != nil {
			return nil, err
		}
	}
	for _, name := range cfg.Feedback {
		if _, err := deps.Plugins.Feedback(name); err != nil {
			return nil, err
		}
	}
	if _, err := deps.Plugins.Metric(comp.Metric.Name); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(cfg.Dir, workspaceDir), 0o755); err != nil {
		return nil, core.Errorf(core.TypeInternal, "workspace: %w", err)
	}
	id := cfg.ID
	if id == "" {
		id = newID()
	}
	e, err := newFromManifest(comp, cfg, deps, id)
	if err != nil {
		return nil, err
	}
	rec := e.rec
	if err := rec.writeJSONAtomic(episodeFile, Manifest{
		ID: e.id, Competition: comp.ID, Config: cfg, Created: time.Now().UTC(), Version: e.deps.Version,
	}); err != nil {
		rec.close()
		return nil, err
	}
	return e, nil
}

func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ID is the episode's id.
func (e *Episode) ID() string { return e.id }

// Dir is where the episode's history is written.
func (e *Episode) Dir() string { return e.cfg.Dir }

// Competition is the competition being played.
func (e *Episode) Competition() core.Competition { return e.comp }

// ResetOptions are Gymnasium's reset arguments.
type ResetOptions struct {
	// Seed, when set, reseeds the episode.
	Seed *int64
	// Options are free-form; none are defined yet, and unknown keys are an error.
	Options map[string]any
}

// Reset starts (or restarts) the episode: a clean workspace and interpreter, full budgets. It returns
// the first observation (the task) and info (episode id, actions and the custom ones' specs, budgets).
func (e *Episode) Reset(ctx context.Context, opts ResetOptions) (core.Observation, map[string]any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(opts.Options) > 0 {
		return core.Observation{}, nil, core.Errorf(core.TypeInvalidArgument, "reset takes no options yet, got %v", keysOf(opts.Options))
	}
	if e.sb == nil {
		if err := e.startSandbox(ctx); err != nil {
			return core.Observation{}, nil, err
		}
	} else {
		if err := e.sb.Reset(ctx); err != nil {
			return core.Observation{}, nil, err
		}
		if err := clearDir(e.work); err != nil {
			return core.Observation{}, nil, err
		}
	}
	seed := e.cfg.Seed
	if opts.Seed != nil {
		seed = *opts.Seed
	}
	e.state = state{reset: true, seed: seed}
	e.started = time.Now()
	if err := e.rec.append(Event{Type: "reset", Time: time.Now().UTC(), Seed: &seed}); err != nil {
		return core.Observation{}, nil, err
	}
	if err := writeFileSync(filepath.Join(e.cfg.Dir, taskFile), []byte(e.taskText())); err != nil {
		return core.Observation{}, nil, err
	}
	obs := e.observe(core.ActionReset)
	obs.Info = map[string]any{"task": e.taskText()}
	info := e.info()
	info["action_specs"] = e.actionSpecs(ctx)
	return obs, info, nil
}

func (e *Episode) startSandbox(ctx context.Context) error {
	sb, err := e.deps.Sandbox.Start(ctx, sandbox.Spec{
		PublicDir: e.comp.PublicDir, WorkspaceDir: e.work, Limits: e.cfg.Limits, Mode: e.cfg.ExecMode,
	})
	if err != nil {
		return err
	}
	e.sb = sb
	return nil
}

// Close stops the sandbox and closes the history. The directory stays for export and resume.
func (e *Episode) Close(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	var err error
	if e.sb != nil {
		err = e.sb.Close(ctx)
		e.sb = nil
	}
	if cerr := e.rec.close(); err == nil {
		err = cerr
	}
	return err
}

func (e *Episode) elapsed() time.Duration {
	return e.state.elapsedBase + time.Since(e.started)
}

func (e *Episode) info() map[string]any {
	actions := append([]string(nil), core.CoreActions...)
	actions = append(actions, e.cfg.Actions...)
	return map[string]any{
		"episode_id": e.id, "competition": e.comp.ID, "actions": actions,
		"max_steps": e.cfg.MaxSteps, "max_time_s": e.cfg.MaxTime.Seconds(),
		"score_mode": string(e.cfg.ScoreMode), "exec_mode": string(e.cfg.ExecMode),
		"sandbox": e.isolation(),
	}
}

func (e *Episode) isolation() sandbox.Isolation {
	if e.sb == nil {
		return sandbox.Isolation{}
	}
	return e.sb.Isolation()
}

// observe fills the fields every observation carries: budgets, bests, sandbox status.
func (e *Episode) observe(action string) core.Observation {
	obs := core.Observation{Action: action, Status: "ok", Insecure: e.isolation().Insecure}
	obs.StepsLeft = max(0, e.cfg.MaxSteps-e.state.step)
	obs.TimeLeft = max(0, e.cfg.MaxTime-e.elapsed())
	obs.BestRaw, obs.BestRank = e.state.bestRaw, e.state.bestRank
	return obs
}

func clearDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return core.Errorf(core.TypeInternal, "clearing workspace: %w", err)
	}
	for _, en := range entries {
		if err := os.RemoveAll(filepath.Join(dir, en.Name())); err != nil {
			return core.Errorf(core.TypeInternal, "clearing workspace: %w", err)
		}
	}
	return nil
}

func keysOf(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
