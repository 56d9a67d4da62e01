package export

import (
	"encoding/json"
	"fmt"

	"github.com/mledojo/dojo/core"
)

// message is one chat turn.
type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// sftRecord is one episode as a conversation: the task, then the agent's actions (as the JSON it
// would emit) and the environment's feedback in turn.
func sftRecord(ep episode, style string) map[string]any {
	task := ep.task
	if task == "" {
		task = fmt.Sprintf("You are solving the Kaggle-style competition %q. Act with JSON actions.", ep.manifest.Competition)
	}
	msgs := []message{{Role: "system", Content: systemPrompt}, {Role: "user", Content: task}}
	var total float64
	for _, ev := range ep.steps {
		act, _ := json.Marshal(ev.Action)
		msgs = append(msgs, message{Role: "assistant", Content: string(act)}, message{Role: "user", Content: observationText(ev.Result, style)})
		total += ev.Result.Reward
	}
	meta := map[string]any{}
	for k, v := range ep.labels {
		meta[k] = v
	}
	for k, v := range map[string]any{
		"episode_id": ep.manifest.ID, "competition": ep.manifest.Competition, "steps": len(ep.steps),
		"total_reward": total, "best": best(ep),
	} {
		meta[k] = v
	}
	return map[string]any{"messages": msgs, "metadata": meta}
}

const systemPrompt = "You are an ML engineer working in a sandbox on a Kaggle-style competition. " +
	"Reply with one JSON action per turn: {\"action\": NAME, \"params\": {...}}."

// observationText is the environment's turn: the chosen feedback style's text, or the observation.
func observationText(res *core.StepResult, style string) string {
	fb := res.Observation.Feedback
	if style == "" {
		style = "base"
	}
	if t, ok := fb[style]; ok && t != "" {
		return t
	}
	obs := res.Observation
	obs.Feedback = nil
	b, _ := json.Marshal(map[string]any{"observation": obs, "reward": res.Reward, "terminated": res.Terminated, "truncated": res.Truncated})
	return string(b)
}

func best(ep episode) map[string]any {
	if len(ep.steps) == 0 {
		return nil
	}
	last := ep.steps[len(ep.steps)-1].Result.Observation
	out := map[string]any{}
	if last.BestRaw != nil {
		out["raw_score"] = *last.BestRaw
	}
	if last.BestRank != nil {
		out["humanrank"] = *last.BestRank
	}
	return out
}

// rlRecords is one record per step: the observation the agent acted on, its action, the reward,
// the discounted return from this step on, and the episode-end flags.
func rlRecords(ep episode, gamma float64) []any {
	n := len(ep.steps)
	rtg := make([]float64, n)
	acc := 0.0
	for i := n - 1; i >= 0; i-- {
		acc = ep.steps[i].Result.Reward + gamma*acc
		rtg[i] = acc
	}
	out := make([]any, 0, n)
	var prev *core.Observation
	for i, ev := range ep.steps {
		rec := map[string]any{}
		for k, v := range ep.labels {
			rec[k] = v
		}
		for k, v := range map[string]any{
			"episode_id": ep.manifest.ID, "competition": ep.manifest.Competition, "step": ev.Result.Step,
			"observation": prev, "action": ev.Action, "reward": ev.Result.Reward, "return_to_go": rtg[i],
			"next_observation": ev.Result.Observation, "terminated": ev.Result.Terminated, "truncated": ev.Result.Truncated,
		} {
			rec[k] = v
		}
		out = append(out, rec)
		o := ev.Result.Observation
		prev = &o
	}
	return out
}
