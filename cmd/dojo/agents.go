package main

import (
	"fmt"

	"github.com/mledojo/dojo/agents"
	"github.com/mledojo/dojo/agents/baseline"
	"github.com/mledojo/dojo/agents/llm"
	"github.com/mledojo/dojo/agents/scripted"
	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/eval"
)

// agentKinds are the agents an eval config can name by kind. A new agent is one entry here.
var agentKinds = eval.Registry{
	"baseline": newBaseline,
	"scripted": newScripted,
	"llm":      newLLM,
}

func newBaseline(spec eval.AgentSpec, opts eval.AgentOptions) (agents.Agent, error) {
	for k := range spec.Params {
		return nil, core.Errorf(core.TypeConfig, "invalid %q: the baseline agent takes no params", fmt.Sprintf("params.%s", k))
	}
	return baseline.Agent{Log: opts.Log}, nil
}

func newScripted(spec eval.AgentSpec, opts eval.AgentOptions) (agents.Agent, error) {
	a, err := scripted.FromParams(spec.Params, opts.BaseDir)
	if err != nil {
		return nil, err
	}
	a.Log = opts.Log
	return a, nil
}

func newLLM(spec eval.AgentSpec, opts eval.AgentOptions) (agents.Agent, error) {
	cfg, err := llm.ConfigFromParams(spec.Params, opts.BaseDir)
	if err != nil {
		return nil, err
	}
	return llm.New(cfg, llm.Options{Log: opts.Log})
}
