package core

import (
	"math"
	"math/rand/v2"
	"testing"
)

// linearHumanRank is the definition, spelled out without sorting tricks: count the humans strictly
// better than the agent; the agent takes the position after them.
func linearHumanRank(score float64, scores []float64, dir Direction) (position int, value float64) {
	n := 0
	better := 0
	for _, s := range scores {
		if math.IsNaN(s) {
			continue
		}
		n++
		if dir.Better(s, score) {
			better++
		}
	}
	if n == 0 {
		return 0, 0
	}
	if math.IsNaN(score) || math.IsInf(score, 0) {
		return n + 1, 0
	}
	return better + 1, float64(n-better) / float64(n)
}

func TestHumanRank_WorkedVectors(t *testing.T) {
	// Worked by hand. Higher is better: [0.7, 0.9, 0.8, 0.8] sorts to [0.9, 0.8, 0.8, 0.7], N = 4.
	// Lower is better: [0.3, 0.1, 0.2] sorts to [0.1, 0.2, 0.3], N = 3.
	high := Leaderboard{Name: "private", Scores: []float64{0.7, 0.9, 0.8, 0.8}}
	low := Leaderboard{Name: "public", Scores: []float64{0.3, 0.1, 0.2}}
	tests := []struct {
		name     string
		score    float64
		board    Leaderboard
		dir      Direction
		position int
		value    float64
	}{
		{"beats everyone", 0.95, high, HigherIsBetter, 1, 4.0 / 4},
		{"between first and second", 0.85, high, HigherIsBetter, 2, 3.0 / 4},
		{"between tied pair and last", 0.75, high, HigherIsBetter, 4, 1.0 / 4},
		{"ties last", 0.7, high, HigherIsBetter, 4, 1.0 / 4},
		{"beats no one", 0.6, high, HigherIsBetter, 5, 0},
		{"lower is better, beats everyone", 0.05, low, LowerIsBetter, 1, 3.0 / 3},
		{"lower is better, between", 0.15, low, LowerIsBetter, 2, 2.0 / 3},
		{"lower is better, beats no one", 0.35, low, LowerIsBetter, 4, 0},
		{"lower is better, direction flips the order", 0.95, high, LowerIsBetter, 5, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := HumanRank(tt.score, tt.board, tt.dir)
			want := BoardRank{Board: tt.board.Name, Position: tt.position, Teams: len(tt.board.Scores), Value: tt.value}
			if got != want {
				t.Errorf("HumanRank(%v) = %+v, want %+v", tt.score, got, want)
			}
		})
	}
}

func TestHumanRank_TiesFavourAgent(t *testing.T) {
	// [5, 4, 4, 4, 1]: an agent scoring 4 ties three humans and takes the first of their positions.
	board := Leaderboard{Name: "private", Scores: []float64{4, 1, 4, 5, 4}}
	tests := []struct {
		name     string
		score    float64
		dir      Direction
		position int
		value    float64
	}{
		{"tie with a group", 4, HigherIsBetter, 2, 4.0 / 5},
		{"tie with the leader", 5, HigherIsBetter, 1, 1},
		{"tie with the last", 1, HigherIsBetter, 5, 1.0 / 5},
		{"lower is better, tie with a group", 4, LowerIsBetter, 2, 4.0 / 5},
		{"lower is better, tie with the leader", 1, LowerIsBetter, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := HumanRank(tt.score, board, tt.dir)
			if got.Position != tt.position || got.Value != tt.value {
				t.Errorf("HumanRank(%v) = position %d value %v, want %d and %v", tt.score, got.Position, got.Value, tt.position, tt.value)
			}
		})
	}
}

func TestHumanRank_UnusableInputsScoreZero(t *testing.T) {
	board := Leaderboard{Name: "private", Scores: []float64{3, 2, 1}}
	tests := []struct {
		name     string
		score    float64
		board    Leaderboard
		position int
		teams    int
	}{
		{"NaN score", math.NaN(), board, 4, 3},
		{"+Inf score is not a perfect score", math.Inf(1), board, 4, 3},
		{"-Inf score", math.Inf(-1), board, 4, 3},
		{"empty board", 2, Leaderboard{Name: "public"}, 0, 0},
		{"all-NaN board is empty", 2, Leaderboard{Scores: []float64{math.NaN()}}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := HumanRank(tt.score, tt.board, HigherIsBetter)
			if got.Value != 0 || got.Position != tt.position || got.Teams != tt.teams {
				t.Errorf("HumanRank = %+v, want value 0, position %d, teams %d", got, tt.position, tt.teams)
			}
		})
	}
}

func TestHumanRank_NaNHumanScoresAreIgnored(t *testing.T) {
	board := Leaderboard{Scores: []float64{3, math.NaN(), 1}}
	got := HumanRank(2, board, HigherIsBetter)
	if got.Teams != 2 || got.Position != 2 || got.Value != 0.5 {
		t.Errorf("HumanRank = %+v, want 2 teams, position 2, value 0.5", got)
	}
}

func TestRankAll_MeanOverBoardsPresent(t *testing.T) {
	private := Leaderboard{Name: "private", Scores: []float64{0.9, 0.8, 0.7, 0.6}} // 0.75 → position 3 → 2/4
	public := Leaderboard{Name: "public", Scores: []float64{0.8, 0.7}}             // 0.75 → position 2 → 1/2
	empty := Leaderboard{Name: "extra"}
	tests := []struct {
		name   string
		score  float64
		boards []Leaderboard
		mean   float64
		names  []string
	}{
		{"two boards", 0.75, []Leaderboard{private, public}, (0.5 + 0.5) / 2, []string{"private", "public"}},
		{"one board", 0.95, []Leaderboard{private}, 1, []string{"private"}},
		{"empty board does not count", 0.75, []Leaderboard{private, empty}, 0.5, []string{"private"}},
		{"only empty boards", 0.75, []Leaderboard{empty}, 0, nil},
		{"no boards", 0.75, nil, 0, nil},
		{"NaN score on present boards", math.NaN(), []Leaderboard{private, public}, 0, []string{"private", "public"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RankAll(tt.score, tt.boards, HigherIsBetter)
			if got.Mean != tt.mean {
				t.Errorf("Mean = %v, want %v", got.Mean, tt.mean)
			}
			if len(got.Boards) != len(tt.names) {
				t.Fatalf("Boards = %+v, want %v", got.Boards, tt.names)
			}
			for i, b := range got.Boards {
				if b.Board != tt.names[i] {
					t.Errorf("Boards[%d] = %q, want %q", i, b.Board, tt.names[i])
				}
			}
		})
	}
}

func TestSortedBoard_AgreesWithLinearDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 2000 {
		n := rng.IntN(40)
		scores := make([]float64, n)
		for i := range scores {
			// Small integers make ties common; a sprinkling of NaN and ±Inf covers the edges.
			switch rng.IntN(30) {
			case 0:
				scores[i] = math.NaN()
			case 1:
				scores[i] = math.Inf(1)
			case 2:
				scores[i] = math.Inf(-1)
			default:
				scores[i] = float64(rng.IntN(10))
			}
		}
		dir := HigherIsBetter
		if trial%2 == 1 {
			dir = LowerIsBetter
		}
		board := NewSortedBoard(Leaderboard{Scores: scores}, dir)
		for _, score := range []float64{float64(rng.IntN(12) - 1), rng.Float64() * 10, math.NaN()} {
			wantPos, wantVal := linearHumanRank(score, scores, dir)
			got := board.Rank(score)
			if got.Position != wantPos || got.Value != wantVal {
				t.Fatalf("trial %d: Rank(%v) on %v (%s) = %d/%v, want %d/%v",
					trial, score, scores, dir, got.Position, got.Value, wantPos, wantVal)
			}
		}
	}
}

func TestSortedBoard_ScoreAtIsBestFirst(t *testing.T) {
	tests := []struct {
		dir  Direction
		want []float64
	}{
		{HigherIsBetter, []float64{3, 2, 1}},
		{LowerIsBetter, []float64{1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(string(tt.dir), func(t *testing.T) {
			b := NewSortedBoard(Leaderboard{Scores: []float64{2, 3, 1}}, tt.dir)
			for i, w := range tt.want {
				if got := b.ScoreAt(i + 1); got != w {
					t.Errorf("ScoreAt(%d) = %v, want %v", i+1, got, w)
				}
			}
		})
	}
}

func TestNewSortedBoard_LeavesInputUnchanged(t *testing.T) {
	scores := []float64{2, 3, 1}
	NewSortedBoard(Leaderboard{Scores: scores}, HigherIsBetter)
	if scores[0] != 2 || scores[1] != 3 || scores[2] != 1 {
		t.Errorf("input reordered to %v", scores)
	}
}

func BenchmarkSortedBoard_Rank(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	scores := make([]float64, 5000)
	for i := range scores {
		scores[i] = rng.Float64()
	}
	board := NewSortedBoard(Leaderboard{Name: "private", Scores: scores}, HigherIsBetter)
	for b.Loop() {
		board.Rank(0.5)
	}
}
