package env

import (
	"context"
	"encoding/json"
)

// ActionSpec tells an agent how to call one custom action: Reset's info lists them under
// "action_specs", so an agent can put each action's parameters in its prompt.
type ActionSpec struct {
	Name         string          `json:"name"`
	Description  string          `json:"description,omitempty"`
	ParamsSchema json.RawMessage `json:"params_schema,omitempty"`
}

// actionSpecs describes the episode's custom actions. An action whose plugin cannot describe itself
// is listed by name alone: the agent can still call it, and the step reports what is wrong.
func (e *Episode) actionSpecs(ctx context.Context) []ActionSpec {
	specs := make([]ActionSpec, 0, len(e.cfg.Actions))
	for _, name := range e.cfg.Actions {
		spec := ActionSpec{Name: name}
		if act, err := e.deps.Plugins.Action(name); err == nil {
			if d, err := act.Describe(ctx); err == nil {
				spec.Description = d.Description
				if json.Valid(d.ParamsSchema) {
					spec.ParamsSchema = d.ParamsSchema
				}
			} else {
				e.log.Warn("custom action cannot describe itself", "action", name, "error", err)
			}
		}
		specs = append(specs, spec)
	}
	return specs
}
