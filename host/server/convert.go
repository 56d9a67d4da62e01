package server

import (
	"encoding/json"
	"time"

	"google.golang.org/protobuf/types/known/structpb"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/env"
	"github.com/mledojo/dojo/host/server/apiv1"
)

// toStruct turns a JSON-shaped Go value (an observation, an info map, an event) into a Struct
// through its JSON form, so the JSON tags of core and env are the field names clients see. nil is
// an empty object.
func toStruct(v any) (*structpb.Struct, error) {
	if v == nil {
		return &structpb.Struct{}, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, core.Errorf(core.TypeInternal, "encoding a response: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, core.Errorf(core.TypeInternal, "encoding a response: %w", err)
	}
	s, err := structpb.NewStruct(m)
	if err != nil {
		return nil, core.Errorf(core.TypeInternal, "encoding a response: %w", err)
	}
	return s, nil
}

// rawSchemaStruct parses a JSON Schema document; one that is not a JSON object becomes nil.
func rawSchemaStruct(raw json.RawMessage) *structpb.Struct {
	if len(raw) == 0 {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil
	}
	s, err := structpb.NewStruct(m)
	if err != nil {
		return nil
	}
	return s
}

// configView is the part of an episode's configuration a client chose or may see; host paths stay
// out of it.
func configView(c env.Config) map[string]any {
	feedback, actions := c.Feedback, c.Actions
	if feedback == nil {
		feedback = []string{}
	}
	if actions == nil {
		actions = []string{}
	}
	return map[string]any{
		"max_steps": c.MaxSteps, "max_time_s": c.MaxTime.Seconds(), "exec_timeout_s": c.ExecTimeout.Seconds(),
		"exec_mode": string(c.ExecMode), "score_mode": string(c.ScoreMode),
		"feedback": feedback, "actions": actions, "seed": c.Seed,
		"memory_bytes": c.Limits.MemoryBytes, "submission_file": c.SubmissionFile,
	}
}

// summary is what the API says about one episode, open or closed.
type summary struct {
	id, competition, status, closeReason string
	created, lastActive                  time.Time
	counters                             closedRecord
	config                               env.Config
}

func (s summary) proto() (*apiv1.Episode, error) {
	cfg, err := toStruct(configView(s.config))
	if err != nil {
		return nil, err
	}
	return &apiv1.Episode{
		Id: s.id, Competition: s.competition, Status: s.status, CloseReason: s.closeReason,
		Created: rfc3339(s.created), LastActive: rfc3339(s.lastActive),
		Step: int32(s.counters.Step), TotalReward: s.counters.TotalReward,
		Terminated: s.counters.Terminated, Truncated: s.counters.Truncated, Config: cfg,
	}, nil
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// stepResponse is Gymnasium's 5-tuple as the API carries it.
func stepResponse(res core.StepResult) (*apiv1.StepResponse, error) {
	obs, err := toStruct(res.Observation)
	if err != nil {
		return nil, err
	}
	info, err := toStruct(res.Info)
	if err != nil {
		return nil, err
	}
	return &apiv1.StepResponse{
		Step: int32(res.Step), Observation: obs, Reward: res.Reward,
		Terminated: res.Terminated, Truncated: res.Truncated, Info: info,
	}, nil
}
