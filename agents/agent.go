// Package agents holds what every Dojo agent shares: the Env it steps (an in-process episode or a
// remote one), the Agent interface the evaluator drives, and the Summary an episode comes to.
//
// Agents live in sub-packages: baseline (no LLM, the reference) and llm (any chat model).
package agents

import (
	"context"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/env"
)

// Env is what an agent steps: an in-process *env.Episode, or a remote client with the same shape.
type Env interface {
	Reset(ctx context.Context, opts env.ResetOptions) (core.Observation, map[string]any, error)
	Step(ctx context.Context, action core.Action) (core.StepResult, error)
}

// Agent plays episodes. Run starts with Reset; Continue picks up an episode already under way (a
// resumed one) without resetting it. An error means the agent could not go on for a reason outside
// the agent's own play (the host failed, the context ended, the model provider stayed down); the
// agent's mistakes are in the episode's history, not in the error.
type Agent interface {
	Run(ctx context.Context, e Env) (Summary, error)
	Continue(ctx context.Context, e Env) (Summary, error)
}

// Summary is what an episode came to, as the agent saw it.
type Summary struct {
	Steps       int      `json:"steps"`
	TotalReward float64  `json:"total_reward"`
	BestRaw     *float64 `json:"best_raw_score,omitempty"`
	BestRank    *float64 `json:"best_humanrank,omitempty"`
	Terminated  bool     `json:"terminated"`
	Truncated   bool     `json:"truncated"`
	Errors      []string `json:"errors,omitempty"`
	// Usage is the model's token and cost accounting; nil for agents without a model. Continue's
	// counts the whole episode as far as the agent can restore it, earlier runs included, so an
	// evaluation that resumes an episode adds only what goes beyond the agent's previous report (all
	// of it when it reports fewer calls than before, as an agent that restored nothing may).
	Usage *Usage `json:"usage,omitempty"`
}

// Observe folds one step's result into the summary.
func (s *Summary) Observe(res core.StepResult) {
	s.Steps = res.Step
	s.TotalReward += res.Reward
	s.BestRaw, s.BestRank = res.Observation.BestRaw, res.Observation.BestRank
	s.Terminated, s.Truncated = res.Terminated, res.Truncated
}

// Usage counts what a model-driven agent spent.
type Usage struct {
	Calls            int     `json:"calls"`
	PromptTokens     int64   `json:"prompt_tokens"`
	CompletionTokens int64   `json:"completion_tokens"`
	CostUSD          float64 `json:"cost_usd"`
	// Retries counts provider calls repeated after a transient error (rate limit, timeout, 5xx).
	Retries int `json:"retries"`
	// Repairs counts replies that did not parse as an action and were sent back for repair.
	Repairs int `json:"repairs"`
}

// Add adds o to u.
func (u *Usage) Add(o Usage) {
	u.Calls += o.Calls
	u.PromptTokens += o.PromptTokens
	u.CompletionTokens += o.CompletionTokens
	u.CostUSD += o.CostUSD
	u.Retries += o.Retries
	u.Repairs += o.Repairs
}
