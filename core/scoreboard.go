package core

import (
	"math"
	"slices"
)

// Scoreboard is several agents' final results on several competitions: what Elo and AUP compare.
type Scoreboard struct {
	Competitions []CompetitionScores `json:"competitions"`
}

// CompetitionScores is every agent's result on one competition. An agent named in neither Scores nor
// Failed did not attempt the competition.
type CompetitionScores struct {
	Competition string `json:"competition"`
	// Direction orders Scores. Pass HumanRank values with HigherIsBetter to compare agents by standing
	// rather than by raw metric.
	Direction Direction `json:"direction"`
	// Scores maps an agent to its score. A NaN or ±Inf score counts as a failure.
	Scores map[string]float64 `json:"scores,omitempty"`
	// Failed names agents that attempted the competition and produced no valid score. It exists because
	// JSON cannot carry NaN.
	Failed []string `json:"failed,omitempty"`
}

// outcome is one agent's result on one competition.
type outcome struct {
	score  float64
	failed bool
}

// results returns each attempting agent's outcome. A score listed for an agent also named in Failed
// wins: the agent did produce something.
func (c CompetitionScores) results() map[string]outcome {
	out := make(map[string]outcome, len(c.Scores)+len(c.Failed))
	for _, a := range c.Failed {
		out[a] = outcome{failed: true}
	}
	for a, s := range c.Scores {
		out[a] = outcome{score: s, failed: math.IsNaN(s) || math.IsInf(s, 0)}
	}
	return out
}

// compare returns +1 when x beats y under dir, -1 when y beats x and 0 for a draw. Any valid score beats
// a failure; two failures draw.
func (x outcome) compare(y outcome, dir Direction) int {
	switch {
	case x.failed && y.failed:
		return 0
	case x.failed:
		return -1
	case y.failed:
		return 1
	case dir.Better(x.score, y.score):
		return 1
	case dir.Better(y.score, x.score):
		return -1
	}
	return 0
}

// Agents returns every agent named anywhere on the scoreboard, sorted.
func (s Scoreboard) Agents() []string {
	var names []string
	for _, c := range s.Competitions {
		for a := range c.Scores {
			names = append(names, a)
		}
		names = append(names, c.Failed...)
	}
	slices.Sort(names)
	return slices.Compact(names)
}
