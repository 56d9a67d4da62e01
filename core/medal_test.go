package core

import (
	"math"
	"testing"
)

func TestMedalPositions_FollowKaggleProgressionBands(t *testing.T) {
	// Worked by hand from the rules; percentages truncate and are at least 1.
	tests := []struct {
		n                    int
		gold, silver, bronze int
		why                  string
	}{
		{0, 0, 0, 0, "no teams"},
		{1, 1, 1, 1, "every cut-off floors to 0 and is raised to 1"},
		{5, 1, 1, 2, "10% and 20% of 5 floor to 0 and 1; 40% is 2"},
		{9, 1, 1, 3, "0.9, 1.8, 3.6 truncate"},
		{10, 1, 2, 4, "10%, 20%, 40%"},
		{30, 3, 6, 12, "30·0.1 is 3.0000000000000004 in float64; still 3"},
		{99, 9, 19, 39, "last of the small band"},
		{100, 10, 20, 40, "gold becomes a fixed top 10"},
		{150, 10, 30, 60, "20% and 40% of 150"},
		{249, 10, 49, 99, "last of the 100-250 band"},
		{250, 10, 50, 100, "silver and bronze become fixed 50 and 100; 0.2% of 250 floors to 0"},
		{500, 11, 50, 100, "gold 10 + 0.2% of 500"},
		{999, 11, 50, 100, "0.2% of 999 is 1.998"},
		{1000, 12, 50, 100, "silver 5% and bronze 10% of 1000 equal the fixed 50 and 100"},
		{2500, 15, 125, 250, "large band"},
		{4999, 19, 249, 499, "everything truncates"},
	}
	for _, tt := range tests {
		g, s, b := MedalPositions(tt.n)
		if g != tt.gold || s != tt.silver || b != tt.bronze {
			t.Errorf("MedalPositions(%d) = %d, %d, %d, want %d, %d, %d (%s)", tt.n, g, s, b, tt.gold, tt.silver, tt.bronze, tt.why)
		}
	}
}

func TestMedalFor_ThresholdsAreScoresAtCutoffs(t *testing.T) {
	// Ten teams, scores 1..10 in no order. Best first under higher-is-better: 10, 9, 8, 7, ...
	// Cut-offs 1, 2, 4 → thresholds 10, 9, 7. Median (6 + 5) / 2 = 5.5.
	board := Leaderboard{Scores: []float64{3, 10, 1, 7, 5, 9, 2, 8, 6, 4}}
	tests := []struct {
		name        string
		score       float64
		dir         Direction
		medal       Medal
		aboveMedian bool
	}{
		{"beats gold", 11, HigherIsBetter, MedalGold, true},
		{"ties gold", 10, HigherIsBetter, MedalGold, true},
		{"between gold and silver", 9.5, HigherIsBetter, MedalSilver, true},
		{"ties silver", 9, HigherIsBetter, MedalSilver, true},
		{"ties bronze", 7, HigherIsBetter, MedalBronze, true},
		{"just below bronze", 6.99, HigherIsBetter, MedalNone, true},
		{"ties the median: not above it", 5.5, HigherIsBetter, MedalNone, false},
		{"below the median", 5, HigherIsBetter, MedalNone, false},
		// Lower is better: best first 1, 2, 3, 4 → thresholds 1, 2, 4; median still 5.5.
		{"lower is better, ties gold", 1, LowerIsBetter, MedalGold, true},
		{"lower is better, ties silver", 2, LowerIsBetter, MedalSilver, true},
		{"lower is better, between silver and bronze", 3.5, LowerIsBetter, MedalBronze, true},
		{"lower is better, above median", 5.4, LowerIsBetter, MedalNone, true},
		{"lower is better, below median", 6, LowerIsBetter, MedalNone, false},
		{"NaN earns nothing", math.NaN(), HigherIsBetter, MedalNone, false},
		{"+Inf earns nothing", math.Inf(1), HigherIsBetter, MedalNone, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MedalFor(tt.score, board, tt.dir)
			if got.Medal != tt.medal || got.AboveMedian != tt.aboveMedian {
				t.Errorf("MedalFor(%v) = %s above median %v, want %s %v", tt.score, got.Medal, got.AboveMedian, tt.medal, tt.aboveMedian)
			}
			if got.Teams != 10 || got.Median != 5.5 {
				t.Errorf("Teams %d Median %v, want 10 and 5.5", got.Teams, got.Median)
			}
		})
	}
}

func TestMedalFor_ReportsThresholds(t *testing.T) {
	board := Leaderboard{Scores: []float64{3, 10, 1, 7, 5, 9, 2, 8, 6, 4}}
	tests := []struct {
		dir  Direction
		want MedalResult
	}{
		{HigherIsBetter, MedalResult{Medal: MedalNone, Teams: 10, GoldPosition: 1, SilverPosition: 2, BronzePosition: 4,
			Gold: 10, Silver: 9, Bronze: 7, Median: 5.5}},
		{LowerIsBetter, MedalResult{Medal: MedalNone, Teams: 10, GoldPosition: 1, SilverPosition: 2, BronzePosition: 4,
			Gold: 1, Silver: 2, Bronze: 4, Median: 5.5}},
	}
	for _, tt := range tests {
		t.Run(string(tt.dir), func(t *testing.T) {
			if got := MedalFor(math.NaN(), board, tt.dir); got != tt.want {
				t.Errorf("MedalFor = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestMedalFor_TiesAtTheCutoffEarnTheMedal(t *testing.T) {
	// 150 teams: gold at position 10. Nine teams at 1.0, then 141 at 0.5: the gold threshold is 0.5, so
	// everyone tied with the tenth team, and an agent matching them, holds gold.
	scores := make([]float64, 150)
	for i := range scores {
		scores[i] = 0.5
		if i < 9 {
			scores[i] = 1
		}
	}
	got := MedalFor(0.5, Leaderboard{Scores: scores}, HigherIsBetter)
	if got.Medal != MedalGold || got.Gold != 0.5 {
		t.Errorf("MedalFor = %s with gold threshold %v, want gold at 0.5", got.Medal, got.Gold)
	}
	if got.AboveMedian {
		t.Error("AboveMedian = true for a score equal to the median")
	}
}

func TestMedalFor_RoundsScoreToFiveDecimalsHalfEven(t *testing.T) {
	// Thresholds (higher is better, ten teams): gold 0.05, silver 0.04688 or 0.01563, bronze at position 4.
	board1 := Leaderboard{Scores: []float64{0.05, 0.04688, 0.04, 0.03, 0.02, 0.01, 0.009, 0.008, 0.007, 0.006}}
	board2 := Leaderboard{Scores: []float64{0.02, 0.01563, 0.012, 0.01, 0.009, 0.008, 0.007, 0.006, 0.005, 0.004}}
	tests := []struct {
		name  string
		score float64
		board Leaderboard
		dir   Direction
		want  Medal
	}{
		// 0.046875 = 3/64 is an exact binary half; half-even rounds it up to 0.04688 (8 is even).
		{"exact half rounds to even, upward", 0.046875, board1, HigherIsBetter, MedalSilver},
		{"below the half rounds down", 0.0468749, board1, HigherIsBetter, MedalBronze},
		// 0.015625 = 1/64 rounds down to 0.01562 (2 is even); rounding halves up would give silver.
		{"exact half rounds to even, downward", 0.015625, board2, HigherIsBetter, MedalBronze},
		// Lower is better, best first 0.006, 0.007, 0.008, 0.009: bronze threshold 0.009.
		{"lower is better, rounding reaches the threshold", 0.0090049, board1, LowerIsBetter, MedalBronze},
		{"lower is better, rounding stays above the threshold", 0.009005, board1, LowerIsBetter, MedalNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MedalFor(tt.score, tt.board, tt.dir).Medal; got != tt.want {
				t.Errorf("MedalFor(%v) = %s, want %s", tt.score, got, tt.want)
			}
		})
	}
}

func TestRoundHalfEven_MatchesPythonRound(t *testing.T) {
	// Values checked against CPython's round(x, 5).
	tests := []struct{ x, want float64 }{
		{0.015625, 0.01562},
		{0.046875, 0.04688},
		{0.0468749, 0.04687},
		{-0.046875, -0.04688},
		{1.234564, 1.23456},
		{1.234566, 1.23457},
		{12345.678901, 12345.6789},
		{0, 0},
	}
	for _, tt := range tests {
		if got := roundHalfEven(tt.x, 5); got != tt.want {
			t.Errorf("roundHalfEven(%v, 5) = %v, want %v", tt.x, got, tt.want)
		}
	}
}

func TestMedalFor_EmptyBoardEarnsNothing(t *testing.T) {
	got := MedalFor(1, Leaderboard{Name: "private"}, HigherIsBetter)
	if got != (MedalResult{Medal: MedalNone}) {
		t.Errorf("MedalFor on empty board = %+v, want only MedalNone", got)
	}
}

func TestMedal_AnyIsTrueOnlyForRealMedals(t *testing.T) {
	tests := []struct {
		m    Medal
		want bool
	}{{MedalNone, false}, {"", false}, {MedalBronze, true}, {MedalSilver, true}, {MedalGold, true}}
	for _, tt := range tests {
		if got := tt.m.Any(); got != tt.want {
			t.Errorf("%q.Any() = %v, want %v", tt.m, got, tt.want)
		}
	}
}
