// Package report turns an evaluation's run directory into a leaderboard: per agent, HumanRank per
// competition, per domain and overall, Elo from pairwise comparisons with bootstrap intervals, the
// area under the performance profile (AUP), MLE-bench medal rates, the valid-submission rate,
// failure rates by error type, and steps, time, tokens and cost. It writes leaderboard.json,
// report.md and a self-contained report.html (inline CSS and SVG charts, nothing fetched).
//
// It reads only the run directory (manifest.json, competitions/, every episode's result.json), so a
// copied or half-finished run reports too. Start with Load, then Compute and Write.
package report
