package eval

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mledojo/dojo/agents"
	"github.com/mledojo/dojo/core"
)

// AgentOptions is what an agent gets from the evaluation besides its spec.
type AgentOptions struct {
	// BaseDir is the eval config's directory: relative paths in params resolve against it.
	BaseDir string
	// Log writes one line to the episode's agent.log; it is never nil.
	Log func(format string, args ...any)
}

// AgentFactory builds a fresh agent for one episode from its spec. It is also called once before the
// run starts, to check the params: a bad param is a TypeConfig error naming it (params.model).
type AgentFactory func(spec AgentSpec, opts AgentOptions) (agents.Agent, error)

// Registry maps an agent kind (the kind key of an eval config) to its factory. The CLI's registry has
// baseline and scripted, and llm once that agent is built in.
type Registry map[string]AgentFactory

// Kinds lists the registered kinds, sorted.
func (r Registry) Kinds() []string {
	out := make([]string, 0, len(r))
	for k := range r {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Build builds spec's agent.
func (r Registry) Build(spec AgentSpec, opts AgentOptions) (agents.Agent, error) {
	f, ok := r[spec.Kind]
	if !ok {
		return nil, core.Errorf(core.TypeConfig, "agent %q: unknown kind %q", spec.Name, spec.Kind).
			WithDetails("kinds built into this dojo: %s", strings.Join(r.Kinds(), ", ")).
			WithCauses("a misspelt kind, or an agent this build does not include")
	}
	if opts.Log == nil {
		opts.Log = func(string, ...any) {}
	}
	a, err := f(spec, opts)
	if err != nil {
		ce := core.AsError(err)
		if ce.Type == core.TypeInternal {
			ce = core.Errorf(core.TypeConfig, "%s", ce.Message)
		}
		ce.Message = fmt.Sprintf("agent %q (%s): %s", spec.Name, spec.Kind, ce.Message)
		return nil, ce
	}
	return a, nil
}

// checkAgents builds every agent once so that bad kinds and params stop the run before it starts.
func (r Registry) checkAgents(c Config) error {
	for i, a := range c.Agents {
		if _, err := r.Build(a, AgentOptions{BaseDir: c.dir}); err != nil {
			ce := core.AsError(err)
			ce.Message = fmt.Sprintf("eval config agents[%d]: %s", i, ce.Message)
			return ce
		}
	}
	return nil
}
