// Package scripted is an agent that plays a fixed list of actions: code files to execute, or any
// actions with their params. It replays a solution (or another agent's trajectory) under the same
// budgets and scoring as a live agent, and gives evaluations a cheap, deterministic player.
//
// Start with FromParams, which reads the params of a `kind: scripted` agent in an eval config.
package scripted
