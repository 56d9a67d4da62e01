package core

import (
	"math"
	"slices"
	"sort"
)

// BoardRank is where one score would stand on one leaderboard.
type BoardRank struct {
	// Board is the leaderboard's name ("public", "private").
	Board string `json:"board"`
	// Position is the 1-based rank the score would take: the first human position whose score it ties or
	// beats, or Teams+1 when it beats none.
	Position int `json:"position"`
	// Teams is the number of human scores on the board (N).
	Teams int `json:"teams"`
	// Value is the HumanRank, (N - Position + 1) / N: the share of the board the score ties or beats.
	Value float64 `json:"value"`
}

// Ranking is a score's HumanRank on every leaderboard that has scores, and their mean: the reward.
type Ranking struct {
	// Boards holds one entry per board present, in the order given. A board with no scores is absent.
	Boards []BoardRank `json:"boards"`
	// Mean is the mean Value over Boards, or 0 when there are none.
	Mean float64 `json:"mean"`
}

// SortedBoard is a leaderboard sorted once, best score first, so that each ranking is a binary search.
// The host ranks every submission of every step against the same boards, so the sort is paid once per
// competition rather than once per step. The zero value is an empty board.
type SortedBoard struct {
	name   string
	dir    Direction
	scores []float64 // best first; never NaN
}

// NewSortedBoard sorts board's scores best first under dir. NaN entries are dropped, since a NaN compares
// false with everything and has no place in an order; ±Inf entries are kept and sort to their ends.
func NewSortedBoard(board Leaderboard, dir Direction) SortedBoard {
	scores := make([]float64, 0, len(board.Scores))
	for _, s := range board.Scores {
		if !math.IsNaN(s) {
			scores = append(scores, s)
		}
	}
	slices.Sort(scores)
	if dir != LowerIsBetter {
		slices.Reverse(scores)
	}
	return SortedBoard{name: board.Name, dir: dir, scores: scores}
}

// Name returns the board's name.
func (b SortedBoard) Name() string { return b.name }

// Teams returns the number of human scores on the board.
func (b SortedBoard) Teams() int { return len(b.scores) }

// ScoreAt returns the human score at 1-based position p (1 is the best). It panics when p is out of
// [1, Teams], like an index.
func (b SortedBoard) ScoreAt(p int) float64 { return b.scores[p-1] }

// Rank returns score's standing on the board. Ties favour the agent: a score equal to a human's takes
// that human's position. A NaN or ±Inf score stands below everyone (Position Teams+1, Value 0): it is a
// failed or meaningless evaluation, and an infinite score is not taken as a perfect one. An empty board
// gives Position 0, Teams 0 and Value 0.
func (b SortedBoard) Rank(score float64) BoardRank {
	n := len(b.scores)
	r := BoardRank{Board: b.name, Teams: n}
	if n == 0 {
		return r
	}
	if math.IsNaN(score) || math.IsInf(score, 0) {
		r.Position = n + 1
		return r
	}
	// scores is best first, so "score ties or beats scores[i]" is false for a prefix and true after it.
	i := sort.Search(n, func(i int) bool { return b.dir.AtLeastAsGood(score, b.scores[i]) })
	r.Position = i + 1
	r.Value = float64(n-i) / float64(n)
	return r
}

// HumanRank returns score's standing on board under dir: sort the human scores best first, take the first
// 1-based position whose score the agent ties or beats (N+1 if none), and value it (N - position + 1) / N.
// This is MLE-Dojo's position score. See SortedBoard.Rank for empty boards and non-finite scores.
func HumanRank(score float64, board Leaderboard, dir Direction) BoardRank {
	return NewSortedBoard(board, dir).Rank(score)
}

// SortBoards sorts each board once for repeated ranking with RankSorted.
func SortBoards(boards []Leaderboard, dir Direction) []SortedBoard {
	out := make([]SortedBoard, len(boards))
	for i, b := range boards {
		out[i] = NewSortedBoard(b, dir)
	}
	return out
}

// RankSorted ranks score on every board that has scores and averages the values. Empty boards are left
// out of both the list and the mean, so a competition that ships only a private board is judged on it
// alone rather than dragged down by a missing public one.
func RankSorted(score float64, boards []SortedBoard) Ranking {
	var r Ranking
	sum := 0.0
	for _, b := range boards {
		if b.Teams() == 0 {
			continue
		}
		br := b.Rank(score)
		r.Boards = append(r.Boards, br)
		sum += br.Value
	}
	if len(r.Boards) > 0 {
		r.Mean = sum / float64(len(r.Boards))
	}
	return r
}

// RankAll is RankSorted over boards sorted for this one call. Callers that rank many scores against the
// same boards should keep the result of SortBoards instead.
func RankAll(score float64, boards []Leaderboard, dir Direction) Ranking {
	return RankSorted(score, SortBoards(boards, dir))
}
