package core

import (
	"math"
	"strconv"
)

// Medal is the Kaggle medal a score would have earned.
type Medal string

// Medals, worst to best.
const (
	MedalNone   Medal = "none"
	MedalBronze Medal = "bronze"
	MedalSilver Medal = "silver"
	MedalGold   Medal = "gold"
)

// Any reports whether m is a real medal (bronze or better).
func (m Medal) Any() bool { return m == MedalBronze || m == MedalSilver || m == MedalGold }

// MedalResult is a score judged against a leaderboard's medal thresholds, as MLE-bench grades it.
type MedalResult struct {
	Medal Medal `json:"medal"`
	// AboveMedian is true when the score is strictly better than the board's median.
	AboveMedian bool `json:"above_median"`
	// Teams is the number of human scores on the board.
	Teams int `json:"teams"`
	// The 1-based positions whose scores are the thresholds, and the thresholds themselves. A score that
	// ties or beats a threshold earns that medal. All are zero for an empty board.
	GoldPosition   int     `json:"gold_position"`
	SilverPosition int     `json:"silver_position"`
	BronzePosition int     `json:"bronze_position"`
	Gold           float64 `json:"gold_threshold"`
	Silver         float64 `json:"silver_threshold"`
	Bronze         float64 `json:"bronze_threshold"`
	// Median is the board's median: the middle score, or the mean of the two middle scores for even N.
	Median float64 `json:"median_threshold"`
}

// MedalPositions returns the 1-based leaderboard positions of the gold, silver and bronze cut-offs for a
// competition of n teams, following Kaggle's progression rules as MLE-bench applies them:
//
//	n < 100:          gold top 10%,           silver top 20%,  bronze top 40%
//	100 <= n < 250:   gold top 10,            silver top 20%,  bronze top 40%
//	250 <= n < 1000:  gold top 10 + 0.2% of n, silver top 50,   bronze top 100
//	n >= 1000:        gold top 10 + 0.2% of n, silver top 5%,   bronze top 10%
//
// A percentage cut-off truncates towards zero and is at least 1 (so a 5-team board's gold is position 1);
// the multiplication is done in float64 exactly as MLE-bench does, so the truncation agrees with it even
// where n·0.1 is not exact. It returns zeros for n < 1.
func MedalPositions(n int) (gold, silver, bronze int) {
	pct := func(p float64) int { return max(1, int(float64(n)*p)) }
	switch {
	case n < 1:
		return 0, 0, 0
	case n < 100:
		return pct(0.1), pct(0.2), pct(0.4)
	case n < 250:
		return 10, pct(0.2), pct(0.4)
	case n < 1000:
		return 10 + int(float64(n)*0.002), 50, 100
	default:
		return 10 + int(float64(n)*0.002), pct(0.05), pct(0.1)
	}
}

// MedalFor judges score against board under dir. See SortedBoard.Medal.
func MedalFor(score float64, board Leaderboard, dir Direction) MedalResult {
	return NewSortedBoard(board, dir).Medal(score)
}

// Medal judges score against the board's medal thresholds, with MLE-bench's semantics:
//
//   - the threshold for a medal is the human score at its cut-off position (MedalPositions), in the
//     board sorted best first;
//   - the score is first rounded to 5 decimal places, half to even on its exact binary value (as
//     Python's round(x, 5), which MLE-bench's grader applies to every score);
//   - a score that ties or beats a threshold earns the medal; the best medal earned is reported;
//   - AboveMedian needs a score strictly better than the median.
//
// A NaN or ±Inf score earns nothing. An empty board gives MedalNone and zero thresholds.
func (b SortedBoard) Medal(score float64) MedalResult {
	n := b.Teams()
	r := MedalResult{Medal: MedalNone, Teams: n}
	if n == 0 {
		return r
	}
	r.GoldPosition, r.SilverPosition, r.BronzePosition = MedalPositions(n)
	r.Gold = b.ScoreAt(r.GoldPosition)
	r.Silver = b.ScoreAt(r.SilverPosition)
	r.Bronze = b.ScoreAt(r.BronzePosition)
	r.Median = b.median()
	if math.IsNaN(score) || math.IsInf(score, 0) {
		return r
	}
	s := roundHalfEven(score, 5)
	switch {
	case b.dir.AtLeastAsGood(s, r.Gold):
		r.Medal = MedalGold
	case b.dir.AtLeastAsGood(s, r.Silver):
		r.Medal = MedalSilver
	case b.dir.AtLeastAsGood(s, r.Bronze):
		r.Medal = MedalBronze
	}
	r.AboveMedian = b.dir.Better(s, r.Median)
	return r
}

// median is the order statistic median; the sort direction does not change it.
func (b SortedBoard) median() float64 {
	n := len(b.scores)
	if n%2 == 1 {
		return b.scores[n/2]
	}
	return (b.scores[n/2-1] + b.scores[n/2]) / 2
}

// roundHalfEven rounds x to digits decimal places the way Python's round(x, digits) does: correctly,
// on x's exact binary value, with exact halves going to the even digit. strconv's fixed-precision
// formatting rounds the same way; math.Round(x*1e5)/1e5 would not (it rounds halves away from zero and
// the multiplication itself rounds).
func roundHalfEven(x float64, digits int) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(x, 'f', digits, 64), 64)
	if err != nil {
		return x // unreachable for finite x; keep the score rather than invent one
	}
	return r
}
