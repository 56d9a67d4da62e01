package core

// SubmissionResult is the scoring of one submission file.
type SubmissionResult struct {
	Valid    bool    `json:"valid"`
	RawScore float64 `json:"raw_score"`
	// HumanRank is the standing on each leaderboard and their mean; set when the competition has boards.
	HumanRank *Ranking `json:"humanrank,omitempty"`
	Medal     Medal    `json:"medal,omitempty"`
	Rows      int64    `json:"rows,omitempty"`
}
