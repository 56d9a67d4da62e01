// Package eval runs evaluations: several agents on many competitions with several seeds, each
// (agent, competition, seed) one isolated episode with its own directory and sandbox, played by a pool
// of workers. A run directory holds everything: manifest.json (machine, versions, config, times,
// tokens and cost), a snapshot of each competition's leaderboards, and one directory per episode with
// its history and, once it is over, result.json. Rerunning the same config on the same directory
// skips the finished episodes and resumes the others; infrastructure failures (sandbox start, plugin
// crash, provider outage) are retried and counted apart from the agent's own failures.
//
// Start with LoadConfig and Run; package report turns a run directory into a leaderboard.
package eval
