package main

import (
	"context"
	"encoding/json"

	"github.com/mledojo/dojo/pluginapi"
)

type structured struct{}

var _ pluginapi.Feedback = structured{}

// Render gives the step's essentials as JSON: both as the text (for agents that read text) and as
// data (for programs).
func (structured) Render(_ context.Context, req pluginapi.RenderRequest) (pluginapi.RenderResponse, error) {
	s := req.Step
	o := s.Observation
	data := map[string]any{
		"step": s.Step, "action": o.Action, "status": o.Status, "reward": s.Reward,
		"terminated": s.Terminated, "truncated": s.Truncated,
		"steps_left": o.StepsLeft, "time_left_s": o.TimeLeft.Seconds(),
	}
	if x := o.Execution; x != nil {
		data["execution"] = map[string]any{
			"outcome": x.Outcome, "exit_code": x.ExitCode, "duration_s": x.Duration.Seconds(),
			"stdout_tail": clip(x.Stdout), "stderr_tail": clip(x.Stderr), "truncated": x.Truncated,
		}
	}
	if sub := o.Submission; sub != nil {
		m := map[string]any{"valid": sub.Valid, "raw_score": sub.RawScore}
		if sub.HumanRank != nil {
			m["humanrank"] = sub.HumanRank.Mean
			boards := map[string]any{}
			for _, b := range sub.HumanRank.Boards {
				boards[b.Board] = map[string]any{"position": b.Position, "teams": b.Teams, "humanrank": b.Value}
			}
			m["boards"] = boards
		}
		if sub.Medal != "" {
			m["medal"] = sub.Medal
		}
		data["submission"] = m
	}
	if e := o.Error; e != nil {
		data["error"] = map[string]any{"type": e.Type, "message": e.Message, "details": clip(e.Details), "causes": e.Causes}
	}
	if o.BestRaw != nil {
		data["best_raw_score"] = *o.BestRaw
	}
	if o.BestRank != nil {
		data["best_humanrank"] = *o.BestRank
	}
	b, err := json.Marshal(data)
	if err != nil {
		return pluginapi.RenderResponse{}, err
	}
	var generic map[string]any
	_ = json.Unmarshal(b, &generic)
	return pluginapi.RenderResponse{Text: string(b), Data: generic}, nil
}
