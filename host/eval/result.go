package eval

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/mledojo/dojo/agents"
	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/env"
)

// ResultFile is the name of an episode's result, written atomically once the episode is over. Its
// presence (with a status other than infra_error) is what marks an episode finished.
const ResultFile = "result.json"

// Episode statuses.
const (
	// StatusDone: the agent played until it stopped or the budget ended.
	StatusDone = "done"
	// StatusError: the agent stopped with an error that is not an infrastructure failure (a bad
	// setting, say). The episode counts against the agent.
	StatusError = "error"
	// StatusInfraError: every attempt failed for infrastructure reasons. The episode says nothing
	// about the agent; a rerun of the run directory tries it again.
	StatusInfraError = "infra_error"
)

// Result is one episode's result.json: who played what, how it ended, and the numbers the report
// needs, summarised from the episode's history.
type Result struct {
	Agent       string `json:"agent"`
	Kind        string `json:"kind"`
	Competition string `json:"competition"`
	Seed        int64  `json:"seed"`
	EpisodeID   string `json:"episode_id,omitempty"`
	Status      string `json:"status"`
	// Error is the error that ended the episode, when Status is not done.
	Error *core.Error `json:"error,omitempty"`
	// Attempts counts the times the episode was started or resumed, in this and earlier invocations.
	Attempts int `json:"attempts"`
	// InfraFailures lists every infrastructure failure, retried or not.
	InfraFailures []Failure `json:"infra_failures,omitempty"`

	Steps      int  `json:"steps"`
	Terminated bool `json:"terminated"`
	Truncated  bool `json:"truncated"`
	// Elapsed is the episode time used (the time budget's clock, across resumes).
	Elapsed time.Duration `json:"elapsed_ns"`
	// Wall is the wall time this episode's attempts took, retries included.
	Wall time.Duration `json:"wall_ns"`
	// BestRaw is the best valid submission's raw score; BestHumanRank its mean HumanRank.
	BestRaw       *float64 `json:"best_raw_score,omitempty"`
	BestHumanRank *float64 `json:"best_humanrank,omitempty"`
	// Submissions counts scored submissions (valid or not); ValidSubmissions the valid ones.
	Submissions      int `json:"submissions"`
	ValidSubmissions int `json:"valid_submissions"`
	// StepErrors counts the steps whose observation carried an error, by error type.
	StepErrors map[core.ErrorType]int `json:"step_errors,omitempty"`
	// Split is "public" when the episode was scored on a public part with a held-out rest; then
	// HeldOutRaw and HeldOutHumanRank are the final score (nil when the final submission was not
	// valid on the held-out part), and the Best fields are public-part scores.
	Split            string   `json:"split,omitempty"`
	HeldOutRaw       *float64 `json:"heldout_raw_score,omitempty"`
	HeldOutHumanRank *float64 `json:"heldout_humanrank,omitempty"`
	// BestRawByStep is the best raw score after each step (null before the first valid submission).
	BestRawByStep []*float64 `json:"best_raw_by_step"`
	// Usage is the model's token and cost accounting, summed over attempts; nil for agents without one.
	Usage *agents.Usage `json:"usage,omitempty"`
	// ConversationUsage is the usage the agent last reported for the conversation its episode
	// directory keeps. An agent that resumes the conversation reports it all again, so a later
	// attempt adds to Usage only what goes beyond this.
	ConversationUsage *agents.Usage `json:"conversation_usage,omitempty"`
	Finished          time.Time     `json:"finished"`
}

// Failure is one infrastructure failure of an attempt.
type Failure struct {
	Attempt int            `json:"attempt"`
	Type    core.ErrorType `json:"type"`
	Message string         `json:"message"`
	Time    time.Time      `json:"time"`
}

// IsFinished reports whether r ends its episode for good: a rerun skips it.
func (r Result) IsFinished() bool { return r.Status == StatusDone || r.Status == StatusError }

// ReadResult reads an episode directory's result.json.
func ReadResult(dir string) (Result, error) {
	var r Result
	b, err := os.ReadFile(filepath.Join(dir, ResultFile))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return r, err
		}
		return r, core.Errorf(core.TypeInternal, "reading %s: %w", filepath.Join(dir, ResultFile), err)
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, core.Errorf(core.TypeInternal, "%s is not a result: %w", filepath.Join(dir, ResultFile), err).
			WithCauses("a file edited by hand or damaged; delete it to replay the episode")
	}
	return r, nil
}

// summarise fills r's episode numbers from the events of dir (the last reset's steps).
func summarise(dir string, r *Result) error {
	events, err := env.ReadEvents(dir)
	if err != nil {
		return err
	}
	r.Steps, r.Terminated, r.Truncated, r.Elapsed = 0, false, false, 0
	r.BestRaw, r.BestHumanRank = nil, nil
	r.Submissions, r.ValidSubmissions, r.StepErrors, r.BestRawByStep = 0, 0, nil, []*float64{}
	for _, ev := range events {
		switch ev.Type {
		case "reset":
			r.Steps, r.Submissions, r.ValidSubmissions, r.StepErrors = 0, 0, 0, nil
			r.BestRawByStep = []*float64{}
			r.BestRaw, r.BestHumanRank = nil, nil
		case "step":
			if ev.Result == nil {
				continue
			}
			res := ev.Result
			o := res.Observation
			r.Steps = res.Step
			r.Terminated, r.Truncated, r.Elapsed = res.Terminated, res.Truncated, ev.Elapsed
			r.BestRaw, r.BestHumanRank = o.BestRaw, o.BestRank
			if o.Submission != nil {
				r.Submissions++
				if o.Submission.Valid {
					r.ValidSubmissions++
				}
			}
			if o.Error != nil {
				if r.StepErrors == nil {
					r.StepErrors = map[core.ErrorType]int{}
				}
				r.StepErrors[o.Error.Type]++
			}
			// A step that used no budget (an unknown action) has the number of the one before it.
			for len(r.BestRawByStep) < res.Step {
				r.BestRawByStep = append(r.BestRawByStep, nil)
			}
			if res.Step > 0 {
				r.BestRawByStep[res.Step-1] = o.BestRaw
			}
		}
	}
	// Fill the gaps left by steps that carried no best yet with the best before them.
	for i := 1; i < len(r.BestRawByStep); i++ {
		if r.BestRawByStep[i] == nil {
			r.BestRawByStep[i] = r.BestRawByStep[i-1]
		}
	}
	if m, err := env.ReadManifest(dir); err == nil {
		r.EpisodeID = m.ID
	}
	r.Split, r.HeldOutRaw, r.HeldOutHumanRank = "", nil, nil
	f, ok, err := env.ReadFinal(dir)
	if err != nil {
		return err
	}
	if ok {
		r.Split = f.Split
		if h := f.HeldOut; h != nil && h.Valid {
			raw := h.RawScore
			r.HeldOutRaw = &raw
			if h.HumanRank != nil {
				rank := h.HumanRank.Mean
				r.HeldOutHumanRank = &rank
			}
		}
	}
	return nil
}

// FinalRaw is the raw score the episode is judged by: the held-out score under a held-out split,
// else the best valid submission's. ok is false when there is none (no valid submission).
func (r Result) FinalRaw() (score float64, ok bool) {
	s := r.BestRaw
	if r.Split != "" {
		s = r.HeldOutRaw
	}
	if s == nil {
		return 0, false
	}
	return *s, true
}

// writeJSONAtomic writes v as indented JSON to path through a synced temporary file and a rename, so
// a reader (or a crash) sees the old file or the new one, never half of one.
func writeJSONAtomic(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return core.Errorf(core.TypeInternal, "encoding %s: %w", filepath.Base(path), err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return core.Errorf(core.TypeInternal, "writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err = tmp.Write(append(b, '\n')); err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return core.Errorf(core.TypeInternal, "writing %s: %w", path, err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
