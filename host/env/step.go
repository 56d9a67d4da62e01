package env

import (
	"context"
	"slices"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
)

// outcome is what an action handler produced; Step turns it into the 5-tuple.
type outcome struct {
	obs      core.Observation
	reward   float64
	terminal bool
	code     string // agent code of this step, kept as an artifact
	// counts reports whether the step uses up the step budget (an invalid action name does not).
	counts bool
}

// Step performs one action and returns Gymnasium's (observation, reward, terminated, truncated,
// info). Mistakes of the agent — an unknown action, bad params, failing code, an invalid submission —
// come back in the observation as a typed error, and the next step works. Only a failure of the host
// itself (the history cannot be written) is returned as an error.
func (e *Episode) Step(ctx context.Context, action core.Action) (core.StepResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.state.reset {
		return core.StepResult{}, core.Errorf(core.TypeInvalidAction, "step before reset").
			WithCauses("call Reset first: it starts the sandbox and the budgets")
	}
	if e.state.terminated || e.state.truncated {
		obs := e.observe(action.Name)
		obs.Status = "error"
		obs.Error = core.Errorf(core.TypeInvalidAction, "the episode is over (terminated=%v, truncated=%v)", e.state.terminated, e.state.truncated).
			WithCauses("call Reset to start a new episode")
		return core.StepResult{Step: e.state.step, Observation: obs, Terminated: e.state.terminated, Truncated: e.state.truncated}, nil
	}
	started := time.Now()
	out := e.dispatch(ctx, action)
	if out.counts {
		e.state.step++
	}
	if out.terminal {
		e.state.terminated = true
	}
	if e.state.step >= e.cfg.MaxSteps || e.elapsed() >= e.cfg.MaxTime {
		e.state.truncated = !e.state.terminated
	}
	e.state.totalReward += out.reward
	res := core.StepResult{
		Step: e.state.step, Reward: out.reward, Terminated: e.state.terminated, Truncated: e.state.truncated,
		Info: map[string]any{"duration_ms": time.Since(started).Milliseconds()},
	}
	obs := out.obs
	obs.StepsLeft = max(0, e.cfg.MaxSteps-e.state.step)
	obs.TimeLeft = max(0, e.cfg.MaxTime-e.elapsed())
	obs.BestRaw, obs.BestRank = e.state.bestRaw, e.state.bestRank
	if obs.Error != nil {
		obs.Status = "error"
	}
	res.Observation = obs
	if e.state.terminated || e.state.truncated {
		submitted := 0
		if out.terminal && obs.Submission != nil && obs.Submission.Valid {
			submitted = e.state.step
		}
		final, err := e.finish(ctx, submitted, obs.Submission)
		if err != nil {
			return res, err
		}
		if final != nil {
			res.Info["final"] = final
		}
	}
	e.render(ctx, &res)
	if err := e.record(action, res, out.code); err != nil {
		return res, err
	}
	return res, nil
}

// dispatch runs one action's handler. Unknown actions and bad params are agent mistakes.
func (e *Episode) dispatch(ctx context.Context, a core.Action) outcome {
	switch a.Name {
	case core.ActionRequestInfo:
		return e.requestInfo(a.Params)
	case core.ActionValidateCode:
		return e.runCode(ctx, a.Params, false)
	case core.ActionExecuteCode:
		return e.runCode(ctx, a.Params, true)
	case core.ActionGetHistory:
		return e.getHistory(a.Params)
	case core.ActionReset:
		return e.resetAction(ctx)
	}
	if slices.Contains(e.cfg.Actions, a.Name) {
		return e.custom(ctx, a)
	}
	obs := e.observe(a.Name)
	obs.Error = core.Errorf(core.TypeInvalidAction, "unknown action %q", a.Name).
		WithCauses("use one of: " + joinNames(append(append([]string(nil), core.CoreActions...), e.cfg.Actions...)))
	return outcome{obs: obs}
}

// render adds each configured feedback style to the observation. A failing style leaves a note in
// info and never fails the step.
func (e *Episode) render(ctx context.Context, res *core.StepResult) {
	if len(e.cfg.Feedback) == 0 {
		return
	}
	res.Observation.Feedback = map[string]string{}
	for _, style := range e.cfg.Feedback {
		f, err := e.deps.Plugins.Feedback(style)
		if err == nil {
			var r pluginapi.RenderResponse
			if r, err = f.Render(ctx, pluginapi.RenderRequest{Step: *res}); err == nil {
				res.Observation.Feedback[style] = r.Text
				continue
			}
		}
		e.log.Warn("feedback style failed", "style", style, "error", err)
		if res.Info["feedback_errors"] == nil {
			res.Info["feedback_errors"] = map[string]string{}
		}
		res.Info["feedback_errors"].(map[string]string)[style] = err.Error()
	}
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}
