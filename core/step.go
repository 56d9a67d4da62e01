package core

import "time"

// The core actions, owned by the host because they are stepping and sandboxing.
const (
	ActionRequestInfo  = "request_info"
	ActionValidateCode = "validate_code"
	ActionExecuteCode  = "execute_code"
	ActionGetHistory   = "get_history"
	ActionReset        = "reset"
)

// CoreActions lists the five core actions.
var CoreActions = []string{ActionRequestInfo, ActionValidateCode, ActionExecuteCode, ActionGetHistory, ActionReset}

// Action is one move of an agent: a name (a core action or a custom action plugin's) and its parameters.
type Action struct {
	Name   string `json:"action"`
	Params Params `json:"params,omitempty"`
}

// Outcome classifies how a sandboxed execution ended.
type Outcome string

// Execution outcomes.
const (
	OutcomeOK            Outcome = "ok"
	OutcomeExitNonZero   Outcome = "exit_nonzero"
	OutcomeTimedOut      Outcome = "timed_out"
	OutcomeOutOfMemory   Outcome = "out_of_memory"
	OutcomeKilled        Outcome = "killed"
	OutcomeResourceLimit Outcome = "resource_limit"
)

// ExecutionResult is what running agent code produced.
type ExecutionResult struct {
	ExitCode  int           `json:"exit_code"`
	Stdout    string        `json:"stdout"`
	Stderr    string        `json:"stderr"`
	Truncated bool          `json:"truncated,omitempty"`
	Duration  time.Duration `json:"duration_ns"`
	PeakBytes int64         `json:"peak_memory_bytes,omitempty"`
	Outcome   Outcome       `json:"outcome"`
}

// Observation is what the agent sees after a step. Fields that do not apply to the action are empty.
type Observation struct {
	Action     string            `json:"action"`
	Status     string            `json:"status"` // "ok" or "error"
	Feedback   map[string]string `json:"feedback,omitempty"`
	Info       map[string]any    `json:"info,omitempty"`
	Execution  *ExecutionResult  `json:"execution,omitempty"`
	Submission *SubmissionResult `json:"submission,omitempty"`
	Error      *Error            `json:"error,omitempty"`
	BestRaw    *float64          `json:"best_raw_score,omitempty"`
	BestRank   *float64          `json:"best_humanrank,omitempty"`
	StepsLeft  int               `json:"steps_left"`
	TimeLeft   time.Duration     `json:"time_left_ns"`
	Insecure   bool              `json:"insecure_sandbox,omitempty"`
}

// StepResult is Gymnasium's step 5-tuple: observation, reward, terminated, truncated, info.
type StepResult struct {
	Step        int            `json:"step"`
	Observation Observation    `json:"observation"`
	Reward      float64        `json:"reward"`
	Terminated  bool           `json:"terminated"`
	Truncated   bool           `json:"truncated"`
	Info        map[string]any `json:"info,omitempty"`
}
