package env

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/mledojo/dojo/core"
)

// Resume reopens the episode in dir after a crash or a stop and continues where its history ends:
// the steps finished before the crash are kept (a step in flight when the host died is lost), with the
// step and time budgets already used, the best scores and the workspace files. Interpreter state of a
// session-mode sandbox does not survive; the first observation says so.
func Resume(ctx context.Context, dir string, comp core.Competition, deps Deps) (*Episode, core.Observation, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, core.Observation{}, err
	}
	if m.Competition != comp.ID {
		return nil, core.Observation{}, core.Errorf(core.TypeInvalidArgument,
			"%s holds an episode of %s, not %s", dir, m.Competition, comp.ID)
	}
	events, err := ReadEvents(dir)
	if err != nil {
		return nil, core.Observation{}, err
	}
	cfg := m.Config
	cfg.Dir = dir
	e, err := newFromManifest(comp, cfg, deps, m.ID)
	if err != nil {
		return nil, core.Observation{}, err
	}
	e.replay(events)
	if err := e.startSandbox(ctx); err != nil {
		e.rec.close()
		return nil, core.Observation{}, err
	}
	e.started = time.Now()
	obs := e.observe(core.ActionReset)
	obs.Info = map[string]any{
		"resumed_at_step": e.state.step, "task": e.taskText(),
		"note": "the episode was resumed: workspace files are kept; interpreter state (session mode) is not",
	}
	return e, obs, nil
}

func newFromManifest(comp core.Competition, cfg Config, deps Deps, id string) (*Episode, error) {
	if deps.Logger == nil {
		deps.Logger = hclog.NewNullLogger()
	}
	e := &Episode{
		id: id, comp: comp, cfg: cfg.WithDefaults(), deps: deps,
		boards: core.SortBoards(comp.Boards, comp.Direction),
		work:   filepath.Join(cfg.Dir, workspaceDir),
	}
	e.log = deps.Logger.With("episode", id, "competition", comp.ID)
	if e.cfg.ScoreSplit == SplitPublic {
		split, err := openSplit(comp, e.cfg)
		if err != nil {
			return nil, err
		}
		e.split = split
	}
	rec, err := openRecorder(cfg.Dir)
	if err != nil {
		return nil, err
	}
	e.rec = rec
	return e, nil
}

// replay rebuilds the state from the events after the last reset.
func (e *Episode) replay(events []Event) {
	start := 0
	var resetAt time.Time
	for i, ev := range events {
		if ev.Type == "reset" {
			start, resetAt = i, ev.Time
		}
	}
	e.state = state{reset: true}
	if f, ok, _ := ReadFinal(e.cfg.Dir); ok && !f.Time.Before(resetAt) {
		e.state.finished = true
	}
	for _, ev := range events[start:] {
		switch ev.Type {
		case "reset":
			if ev.Seed != nil {
				e.state.seed = *ev.Seed
			}
		case "step":
			if ev.Result == nil || ev.Action == nil {
				continue
			}
			res := *ev.Result
			e.state.step = res.Step
			e.state.elapsedBase = ev.Elapsed
			e.state.totalReward += res.Reward
			e.state.terminated, e.state.truncated = res.Terminated, res.Truncated
			if sub := res.Observation.Submission; sub != nil && sub.Valid {
				e.noteBestAt(sub, res.Step)
			}
			entry := HistoryEntry{Step: res.Step, Action: ev.Action.Name, Status: res.Observation.Status, Reward: res.Reward, Time: ev.Time}
			if res.Observation.Error != nil {
				entry.ErrorType = string(res.Observation.Error.Type)
			}
			e.state.log = append(e.state.log, entry)
			e.state.steps = append(e.state.steps, stepRecord{Action: *ev.Action, Result: res, Time: ev.Time})
		}
	}
	if e.state.bestStep > 0 {
		if b, err := os.ReadFile(filepath.Join(e.cfg.Dir, stepsDir, stepName(e.state.bestStep), "code.py")); err == nil {
			e.state.bestCode = string(b)
		}
	}
}
