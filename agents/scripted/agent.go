package scripted

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/mledojo/dojo/agents"
	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/env"
)

// Step is one scripted action.
type Step struct {
	Action string      `json:"action"`
	Params core.Params `json:"params,omitempty"`
}

// Agent plays Steps in order, one per environment step, until they run out or the episode ends.
type Agent struct {
	Steps []Step
	// Log, when set, receives one line per step.
	Log func(format string, args ...any)
}

var _ agents.Agent = Agent{}

// Run resets the episode and plays every step.
func (a Agent) Run(ctx context.Context, e agents.Env) (agents.Summary, error) {
	if _, _, err := e.Reset(ctx, env.ResetOptions{}); err != nil {
		return agents.Summary{}, err
	}
	return a.play(ctx, e, 0)
}

// Continue plays the steps a resumed episode has not played yet. It learns how far the episode got
// from the environment when it can say (a ResumedAtStep method, as dojo eval's environment has), and
// otherwise from one get_history step.
func (a Agent) Continue(ctx context.Context, e agents.Env) (agents.Summary, error) {
	if r, ok := e.(interface{ ResumedAtStep() int }); ok && r.ResumedAtStep() >= 0 {
		return a.play(ctx, e, r.ResumedAtStep())
	}
	res, err := e.Step(ctx, core.Action{Name: core.ActionGetHistory})
	if err != nil {
		return agents.Summary{}, err
	}
	var s agents.Summary
	s.Observe(res)
	if res.Terminated || res.Truncated {
		return s, nil
	}
	// The history includes the get_history step just taken.
	rest, err := a.play(ctx, e, max(0, res.Step-1))
	rest.TotalReward += s.TotalReward
	return rest, err
}

func (a Agent) play(ctx context.Context, e agents.Env, done int) (agents.Summary, error) {
	var s agents.Summary
	for i := done; i < len(a.Steps); i++ {
		st := a.Steps[i]
		res, err := e.Step(ctx, core.Action{Name: st.Action, Params: st.Params})
		if err != nil {
			return s, err
		}
		s.Observe(res)
		if o := res.Observation; o.Error != nil {
			s.Errors = append(s.Errors, fmt.Sprintf("step %d %s: %s", res.Step, st.Action, o.Error.Message))
		}
		if a.Log != nil {
			a.Log("step %d %s: %s (reward %.4g)", res.Step, st.Action, res.Observation.Status, res.Reward)
		}
		if res.Terminated || res.Truncated {
			break
		}
	}
	return s, nil
}

// FromParams builds the agent an eval config describes:
//
//	params:
//	  files: [solution.py, better.py]        # each executed with execute_code, in order
//
// or, for any actions:
//
//	params:
//	  actions:
//	    - {action: request_info, params: {info_type: overview}}
//	    - {action: validate_code, file: solution.py}   # file: the code param read from a file
//	    - {action: execute_code, params: {code: "print(1)"}}
//
// Relative paths resolve against baseDir (the eval config's directory). Files are read now, so a
// missing one stops the evaluation before it starts. Errors are TypeConfig and name the param.
func FromParams(params map[string]any, baseDir string) (Agent, error) {
	bad := func(key, format string, args ...any) error {
		return core.Errorf(core.TypeConfig, "invalid %q: %s", "params."+key, fmt.Sprintf(format, args...)).
			WithCauses("a scripted agent takes params.files (code files to execute) or params.actions (docs/evaluation.md)")
	}
	for k := range params {
		if k != "files" && k != "actions" {
			return Agent{}, bad(k, "unknown key; want files or actions")
		}
	}
	files, hasFiles := params["files"]
	actions, hasActions := params["actions"]
	if hasFiles == hasActions {
		return Agent{}, bad("files", "give exactly one of params.files and params.actions")
	}
	read := func(key string, v any) (string, error) {
		p, ok := v.(string)
		if !ok || p == "" {
			return "", bad(key, "want a file path, got %v", v)
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(baseDir, p)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return "", bad(key, "cannot read %s: %v", p, err)
		}
		return string(b), nil
	}
	var a Agent
	if hasFiles {
		list, ok := files.([]any)
		if !ok || len(list) == 0 {
			return Agent{}, bad("files", "want a list of code files")
		}
		for i, f := range list {
			code, err := read(fmt.Sprintf("files[%d]", i), f)
			if err != nil {
				return Agent{}, err
			}
			a.Steps = append(a.Steps, Step{Action: core.ActionExecuteCode, Params: core.Params{"code": code}})
		}
		return a, nil
	}
	list, ok := actions.([]any)
	if !ok || len(list) == 0 {
		return Agent{}, bad("actions", "want a list of actions")
	}
	for i, item := range list {
		key := fmt.Sprintf("actions[%d]", i)
		m, ok := item.(map[string]any)
		if !ok {
			return Agent{}, bad(key, "want a mapping with action, and params or file")
		}
		var st Step
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !slices.Contains([]string{"action", "params", "file"}, k) {
				return Agent{}, bad(key+"."+k, "unknown key; want action, params or file")
			}
		}
		st.Action, _ = m["action"].(string)
		if st.Action == "" {
			return Agent{}, bad(key+".action", "every action needs a name (%s, or a plugin action)", strings.Join(core.CoreActions, ", "))
		}
		if p, ok := m["params"]; ok {
			pm, ok := p.(map[string]any)
			if !ok {
				return Agent{}, bad(key+".params", "want a mapping")
			}
			st.Params = core.Params(pm)
		}
		if f, ok := m["file"]; ok {
			code, err := read(key+".file", f)
			if err != nil {
				return Agent{}, err
			}
			if st.Params == nil {
				st.Params = core.Params{}
			}
			st.Params["code"] = code
		}
		a.Steps = append(a.Steps, st)
	}
	return a, nil
}
