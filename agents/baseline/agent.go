package baseline

import (
	"context"
	"fmt"
	"strings"

	"github.com/mledojo/dojo/agents"
	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/env"
)

// Env is what the agent steps: an in-process *env.Episode, or a remote client with the same shape.
type Env = agents.Env

// Summary is what an episode came to.
type Summary = agents.Summary

var _ agents.Agent = Agent{}

// Agent is the baseline agent. The zero value is ready to use.
type Agent struct {
	// Log, when set, receives one line per step.
	Log func(format string, args ...any)
}

// Run plays one episode: reset, read the task, then the pipeline's model ladder until the budget
// ends or every model was tried.
func (a Agent) Run(ctx context.Context, e Env) (Summary, error) {
	if _, _, err := e.Reset(ctx, env.ResetOptions{}); err != nil {
		return Summary{}, err
	}
	return a.Continue(ctx, e)
}

// Continue plays an episode that is already under way, such as a resumed one: it reads the task
// again and works through its models until the budget ends.
func (a Agent) Continue(ctx context.Context, e Env) (Summary, error) {
	var s Summary
	step := func(name string, params core.Params) (core.StepResult, bool, error) {
		res, err := e.Step(ctx, core.Action{Name: name, Params: params})
		if err != nil {
			return res, true, err
		}
		s.Observe(res)
		if res.Observation.Error != nil {
			s.Errors = append(s.Errors, fmt.Sprintf("step %d %s: %s", res.Step, name, res.Observation.Error.Message))
		}
		a.logf("step %d %s: %s%s", res.Step, name, res.Observation.Status, describe(res))
		return res, res.Terminated || res.Truncated, nil
	}
	res, done, err := step(core.ActionRequestInfo, core.Params{"info_type": "metadata"})
	if err != nil || done {
		return s, err
	}
	meta, _ := res.Observation.Info["metadata"].(map[string]any)
	task := taskFrom(meta)
	if _, done, err = step(core.ActionRequestInfo, core.Params{"info_type": "data_structure"}); err != nil || done {
		return s, err
	}
	for i, model := range ladder {
		code := pipeline(task, model)
		if i == 0 {
			res, done, err := step(core.ActionValidateCode, core.Params{"code": code})
			if err != nil || done {
				return s, err
			}
			if res.Observation.Error != nil {
				// The first model does not even run: a stronger one will not either.
				return s, nil
			}
		}
		if _, done, err = step(core.ActionExecuteCode, core.Params{"code": code}); err != nil || done {
			return s, err
		}
	}
	return s, nil
}

func (a Agent) logf(format string, args ...any) {
	if a.Log != nil {
		a.Log(format, args...)
	}
}

func describe(res core.StepResult) string {
	o := res.Observation
	var parts []string
	if sub := o.Submission; sub != nil && sub.Valid {
		parts = append(parts, fmt.Sprintf("raw %.6g", sub.RawScore))
		if sub.HumanRank != nil {
			parts = append(parts, fmt.Sprintf("HumanRank %.4f", sub.HumanRank.Mean))
		}
	}
	if o.Error != nil {
		parts = append(parts, string(o.Error.Type)+": "+o.Error.Message)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// task is what the pipeline needs to know about the competition.
type task struct {
	Metric         string
	SubmissionFile string
}

func taskFrom(meta map[string]any) task {
	t := task{Metric: "accuracy", SubmissionFile: "/workspace/submission.csv"}
	if m, ok := meta["metric"].(string); ok {
		t.Metric = m
	}
	if f, ok := meta["submission_file"].(string); ok {
		t.SubmissionFile = f
	}
	return t
}
