package env

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
)

// ScoreMode says what the reward of a scored submission is.
type ScoreMode string

// Score modes.
const (
	// ScorePosition rewards the mean HumanRank over the competition's leaderboards (0..1).
	ScorePosition ScoreMode = "position"
	// ScoreRaw rewards the metric's raw value.
	ScoreRaw ScoreMode = "raw"
)

// Config composes an episode. Zero values take the defaults documented on each field.
type Config struct {
	// MaxSteps ends the episode (truncated) after this many steps. Default 50.
	MaxSteps int `json:"max_steps"`
	// MaxTime ends the episode (truncated) when this much wall time has passed since reset. Default 2h.
	MaxTime time.Duration `json:"max_time"`
	// ExecTimeout bounds one execution of agent code. Default 10m, and never more than what is left
	// of MaxTime.
	ExecTimeout time.Duration `json:"exec_timeout"`
	// ExecMode is fresh (a new interpreter per execution) or session (a persistent one). Default fresh.
	ExecMode sandbox.ExecMode `json:"exec_mode"`
	// Limits bound the sandbox (memory, CPU, processes, disk, output).
	Limits sandbox.Limits `json:"limits"`
	// ScoreMode is position (HumanRank, default) or raw.
	ScoreMode ScoreMode `json:"score_mode"`
	// Feedback lists the feedback styles rendered for each step, by plugin component name.
	Feedback []string `json:"feedback"`
	// Actions lists the custom action plugins the agent may call, besides the five core actions.
	Actions []string `json:"actions"`
	// Seed seeds anything random in the episode; Reset may override it.
	Seed int64 `json:"seed"`
	// Dir is where the episode's history, artifacts and workspace are written. Required.
	Dir string `json:"dir"`
	// SubmissionFile is the file name agent code writes its predictions to, in the workspace.
	SubmissionFile string `json:"submission_file"`
	// ID names a new episode (letters, digits, '-' and '_'); empty means a random one. A server that
	// names the episode's directory after it sets it. The manifest keeps the ID, not this field.
	ID string `json:"-"`
	// ScoreSplit is full (score on all the answers, the original's behaviour, default) or public
	// (score on a seeded public part during the episode and on the held-out rest at the end).
	ScoreSplit ScoreSplit `json:"score_split,omitempty"`
	// PublicFraction is the share of ids in the public part under ScoreSplit public. Default 0.3.
	PublicFraction float64 `json:"public_fraction,omitempty"`
}

// Defaults for zero Config fields.
const (
	DefaultMaxSteps       = 50
	DefaultMaxTime        = 2 * time.Hour
	DefaultExecTimeout    = 10 * time.Minute
	DefaultSubmissionFile = "submission.csv"
)

// WithDefaults fills zero fields.
func (c Config) WithDefaults() Config {
	if c.MaxSteps == 0 {
		c.MaxSteps = DefaultMaxSteps
	}
	if c.MaxTime == 0 {
		c.MaxTime = DefaultMaxTime
	}
	if c.ExecTimeout == 0 {
		c.ExecTimeout = DefaultExecTimeout
	}
	if c.ExecMode == "" {
		c.ExecMode = sandbox.ModeFresh
	}
	if c.ScoreMode == "" {
		c.ScoreMode = ScorePosition
	}
	if c.SubmissionFile == "" {
		c.SubmissionFile = DefaultSubmissionFile
	}
	if c.ScoreSplit == "" {
		c.ScoreSplit = SplitFull
	}
	if c.ScoreSplit == SplitPublic && c.PublicFraction == 0 {
		c.PublicFraction = DefaultPublicFraction
	}
	return c
}

// Validate reports the first invalid field as a TypeConfig error naming it and what it allows.
func (c Config) Validate() error {
	bad := func(field string, got any, want string) error {
		return core.Errorf(core.TypeConfig, "episode config: %s is %v", field, got).WithCauses("want " + want)
	}
	switch {
	case c.MaxSteps < 0:
		return bad("max_steps", c.MaxSteps, "a positive number of steps")
	case c.MaxTime < 0:
		return bad("max_time", c.MaxTime, "a positive duration")
	case c.ExecTimeout < 0:
		return bad("exec_timeout", c.ExecTimeout, "a positive duration")
	case c.ExecMode != "" && c.ExecMode != sandbox.ModeFresh && c.ExecMode != sandbox.ModeSession:
		return bad("exec_mode", c.ExecMode, `"fresh" or "session"`)
	case c.ScoreMode != "" && c.ScoreMode != ScorePosition && c.ScoreMode != ScoreRaw:
		return bad("score_mode", c.ScoreMode, `"position" or "raw"`)
	case !c.ScoreSplit.valid():
		return bad("score_split", c.ScoreSplit, `"full" or "public"`)
	case c.PublicFraction < 0 || c.PublicFraction >= 1 || math.IsNaN(c.PublicFraction):
		return bad("public_fraction", c.PublicFraction, "a fraction between 0 and 1 (exclusive), such as 0.3")
	case strings.Trim(c.ID, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" || len(c.ID) > 64:
		return bad("id", c.ID, "at most 64 letters, digits, '-' and '_'")
	case c.Dir == "":
		return bad("dir", `""`, "a directory for the episode's history")
	case strings.ContainsAny(c.SubmissionFile, `/\`) || c.SubmissionFile == "." || c.SubmissionFile == "..":
		return bad("submission_file", c.SubmissionFile, "a plain file name in the workspace")
	}
	for _, a := range c.Actions {
		if slices.Contains(core.CoreActions, a) {
			return bad("actions", a, fmt.Sprintf("custom action names other than the core ones %v", core.CoreActions))
		}
	}
	return nil
}
