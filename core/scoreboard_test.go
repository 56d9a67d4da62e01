package core

import (
	"math"
	"slices"
	"testing"
)

func TestScoreboard_AgentsAreSortedAndUnique(t *testing.T) {
	sb := Scoreboard{Competitions: []CompetitionScores{
		{Scores: map[string]float64{"b": 1, "a": 2}},
		{Scores: map[string]float64{"c": 1}, Failed: []string{"a", "d"}},
	}}
	if got, want := sb.Agents(), []string{"a", "b", "c", "d"}; !slices.Equal(got, want) {
		t.Errorf("Agents() = %v, want %v", got, want)
	}
}

func TestCompetitionScores_ResultsMarkFailures(t *testing.T) {
	c := CompetitionScores{
		Scores: map[string]float64{"ok": 1, "nan": math.NaN(), "inf": math.Inf(-1), "both": 2},
		Failed: []string{"listed", "both"},
	}
	res := c.results()
	tests := []struct {
		agent  string
		failed bool
	}{{"ok", false}, {"nan", true}, {"inf", true}, {"listed", true}, {"both", false}}
	for _, tt := range tests {
		if got, ok := res[tt.agent]; !ok || got.failed != tt.failed {
			t.Errorf("%s: %+v (present %v), want failed %v", tt.agent, got, ok, tt.failed)
		}
	}
	if _, ok := res["absent"]; ok {
		t.Error("an agent named nowhere has a result")
	}
}

func TestOutcome_CompareRanksFailuresLast(t *testing.T) {
	fail := outcome{failed: true}
	tests := []struct {
		name string
		x, y outcome
		dir  Direction
		want int
	}{
		{"higher wins", outcome{score: 2}, outcome{score: 1}, HigherIsBetter, 1},
		{"lower wins", outcome{score: 2}, outcome{score: 1}, LowerIsBetter, -1},
		{"equal draws", outcome{score: 1}, outcome{score: 1}, HigherIsBetter, 0},
		{"any score beats a failure", outcome{score: -1e9}, fail, HigherIsBetter, 1},
		{"a failure loses", fail, outcome{score: 0}, LowerIsBetter, -1},
		{"two failures draw", fail, fail, HigherIsBetter, 0},
	}
	for _, tt := range tests {
		if got := tt.x.compare(tt.y, tt.dir); got != tt.want {
			t.Errorf("%s: compare = %d, want %d", tt.name, got, tt.want)
		}
	}
}
