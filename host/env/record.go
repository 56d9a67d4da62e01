package env

import (
	"fmt"
	"time"

	"github.com/mledojo/dojo/core"
)

// HistoryEntry is one step as get_history shows it (observation info "steps").
type HistoryEntry struct {
	Step      int       `json:"step"`
	Action    string    `json:"action"`
	Status    string    `json:"status"`
	Reward    float64   `json:"reward"`
	RawScore  *float64  `json:"raw_score,omitempty"`
	HumanRank *float64  `json:"humanrank,omitempty"`
	ErrorType string    `json:"error_type,omitempty"`
	Time      time.Time `json:"time"`
}

// record writes a finished step: artifacts, the event line (fsynced), and history.json.
func (e *Episode) record(a core.Action, res core.StepResult, code string) error {
	obs := res.Observation
	entry := HistoryEntry{Step: res.Step, Action: a.Name, Status: obs.Status, Reward: res.Reward, Time: time.Now().UTC()}
	if obs.Submission != nil && obs.Submission.Valid {
		raw := obs.Submission.RawScore
		entry.RawScore = &raw
		if obs.Submission.HumanRank != nil {
			hr := obs.Submission.HumanRank.Mean
			entry.HumanRank = &hr
		}
	}
	if obs.Error != nil {
		entry.ErrorType = string(obs.Error.Type)
	}
	e.state.log = append(e.state.log, entry)
	if code != "" {
		if err := e.rec.writeArtifact(res.Step, "code.py", []byte(code)); err != nil {
			return err
		}
		if e.state.bestStep == res.Step {
			e.state.bestCode = code
		}
	}
	if x := obs.Execution; x != nil {
		if err := e.rec.writeArtifact(res.Step, "output.txt", []byte("=== stdout ===\n"+x.Stdout+"\n=== stderr ===\n"+x.Stderr)); err != nil {
			return err
		}
	}
	act := a
	e.state.steps = append(e.state.steps, stepRecord{Action: a, Result: res, Time: entry.Time})
	if err := e.rec.append(Event{Type: "step", Step: res.Step, Time: entry.Time, Elapsed: e.elapsed(), Action: &act, Result: &res}); err != nil {
		return err
	}
	return e.rec.writeJSONAtomic(historyFile, e.compatHistory())
}

// compatHistory is history.json in the original MLE-Dojo's shape, so its tools read ours.
func (e *Episode) compatHistory() map[string]any {
	actions := make([]map[string]any, 0, len(e.state.steps))
	for _, s := range e.state.steps {
		actions = append(actions, compatStep(s))
	}
	h := map[string]any{
		"competition": e.comp.ID, "actions": actions, "total_reward": e.state.totalReward,
		"best_code": e.state.bestCode, "step_count": e.state.step, "created_at": e.started.UTC().Format(time.RFC3339Nano),
	}
	if e.state.bestRaw != nil {
		h["best_raw_score"] = *e.state.bestRaw
	}
	if e.state.bestRank != nil {
		h["best_position_score"] = *e.state.bestRank
	}
	return h
}

func compatStatus(ok bool) string {
	if ok {
		return "SUCCESS"
	}
	return "FAILED"
}

func compatStep(s stepRecord) map[string]any {
	obs := s.Result.Observation
	result := map[string]any{"status": compatStatus(obs.Error == nil)}
	if obs.Info != nil {
		result["data"] = obs.Info
	}
	if x := obs.Execution; x != nil {
		result["execution"] = map[string]any{
			"status": compatStatus(x.Outcome == core.OutcomeOK), "output": x.Stdout, "error": x.Stderr,
			"execution_time": fmt.Sprintf("%.2fs", x.Duration.Seconds()),
		}
	}
	if sub := obs.Submission; sub != nil {
		m := map[string]any{"status": compatStatus(sub.Valid), "raw_score": sub.RawScore}
		if sub.HumanRank != nil {
			pos := map[string]any{"avg_score": sub.HumanRank.Mean}
			for _, b := range sub.HumanRank.Boards {
				pos[b.Board] = map[string]any{"position": b.Position, "total": b.Teams, "position_score": b.Value}
			}
			m["position_score"] = pos
		}
		result["submission"] = m
	}
	if obs.Error != nil {
		result["error"] = obs.Error
	}
	feedback := map[string]any{}
	for style, text := range obs.Feedback {
		feedback[style] = map[string]any{"feedback_status": compatStatus(obs.Error == nil), "feedback": text}
	}
	return map[string]any{
		"step": s.Result.Step, "action": s.Action.Name, "timestamp": s.Time.Format("2006-01-02T15:04:05.000000"),
		"result": result, "feedback": feedback,
	}
}

// stepRecord is a finished step kept for history.json.
type stepRecord struct {
	Action core.Action
	Result core.StepResult
	Time   time.Time
}
