package scripted_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mledojo/dojo/agents/scripted"
	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/env"
)

func TestFromParams_FilesAndActionsReadCodeRelativeToTheConfig(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.py"), []byte("print('a')"), 0o644)
	a, err := scripted.FromParams(map[string]any{"files": []any{"a.py"}}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Steps) != 1 || a.Steps[0].Action != core.ActionExecuteCode || a.Steps[0].Params["code"] != "print('a')" {
		t.Fatalf("steps %+v", a.Steps)
	}
	a, err = scripted.FromParams(map[string]any{"actions": []any{
		map[string]any{"action": "request_info", "params": map[string]any{"info_type": "overview"}},
		map[string]any{"action": "validate_code", "file": filepath.Join(dir, "a.py")},
	}}, "/elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Steps) != 2 || a.Steps[0].Params["info_type"] != "overview" || a.Steps[1].Params["code"] != "print('a')" {
		t.Fatalf("steps %+v", a.Steps)
	}
}

func TestFromParams_ErrorsNameTheParam(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name   string
		params map[string]any
		key    string
	}{
		{"nothing", map[string]any{}, "params.files"},
		{"both", map[string]any{"files": []any{"a.py"}, "actions": []any{}}, "params.files"},
		{"unknown", map[string]any{"file": "a.py"}, "params.file"},
		{"missing file", map[string]any{"files": []any{"missing.py"}}, "params.files[0]"},
		{"action without name", map[string]any{"actions": []any{map[string]any{"params": map[string]any{}}}}, "params.actions[0].action"},
		{"unknown action key", map[string]any{"actions": []any{map[string]any{"action": "x", "cod": "1"}}}, "params.actions[0].cod"},
		{"missing action file", map[string]any{"actions": []any{map[string]any{"action": "execute_code", "file": "nope.py"}}}, "params.actions[0].file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scripted.FromParams(tc.params, dir)
			if core.TypeOf(err) != core.TypeConfig || !strings.Contains(err.Error(), `"`+tc.key+`"`) {
				t.Fatalf("err = %v, want a config error naming %s", err, tc.key)
			}
		})
	}
}

// recorder is an environment that records the actions it is given and ends after max steps.
type recorder struct {
	steps   []string
	max     int
	resumed int
}

func (r *recorder) Reset(context.Context, env.ResetOptions) (core.Observation, map[string]any, error) {
	return core.Observation{}, nil, nil
}

func (r *recorder) Step(_ context.Context, a core.Action) (core.StepResult, error) {
	r.steps = append(r.steps, a.Name)
	n := r.resumed + len(r.steps)
	return core.StepResult{Step: n, Reward: 0.5, Truncated: n >= r.max}, nil
}

type resumable struct{ *recorder }

func (r resumable) ResumedAtStep() int { return r.resumed }

func TestAgent_PlaysInOrderStopsAtTheEndAndContinuesWhereTheHistoryEnds(t *testing.T) {
	a := scripted.Agent{Steps: []scripted.Step{{Action: "one"}, {Action: "two"}, {Action: "three"}, {Action: "four"}}}
	r := &recorder{max: 3}
	s, err := a.Run(context.Background(), r)
	if err != nil || strings.Join(r.steps, ",") != "one,two,three" || s.Steps != 3 || !s.Truncated || s.TotalReward != 1.5 {
		t.Fatalf("run: %v %v %+v", err, r.steps, s)
	}
	r = &recorder{max: 10, resumed: 2}
	if _, err := a.Continue(context.Background(), resumable{r}); err != nil || strings.Join(r.steps, ",") != "three,four" {
		t.Fatalf("continue with a known resume point: %v %v", err, r.steps)
	}
	// Without one, the agent asks for the history (one step) and goes on after what it finds.
	r = &recorder{max: 10, resumed: 1}
	if _, err := a.Continue(context.Background(), r); err != nil || strings.Join(r.steps, ",") != "get_history,two,three,four" {
		t.Fatalf("continue from the history: %v %v", err, r.steps)
	}
}
