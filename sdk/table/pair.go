package table

import (
	"github.com/mledojo/dojo/core"
)

// Pair is an answers table and a submission aligned by id: row i of every accessor's result belongs
// to answers row i, whatever order the submission listed its rows in.
type Pair struct {
	Answers    *Table
	Submission *Table
	Alignment  *Alignment
	opts       PairOptions
}

// LoadPair reads the answers and the submission, keeping only the id column and opts.Columns, and
// aligns them by id. Errors about the answers are core.TypeGroundTruth, errors about the submission
// core.TypeSubmissionInvalid (core.TypeSubmissionNotFound when the file does not exist).
func LoadPair(answersPath, submissionPath string, opts PairOptions) (*Pair, error) {
	keep := append([]string{opts.IDColumn}, opts.Columns...)
	answers, err := ReadFile(answersPath, ReadOptions{Name: "answers", ErrorType: core.TypeGroundTruth, Columns: keep})
	if err != nil {
		return nil, err
	}
	submission, err := ReadFile(submissionPath, ReadOptions{Name: "submission", ErrorType: core.TypeSubmissionInvalid, Columns: keep})
	if err != nil {
		return nil, err
	}
	return NewPair(answers, submission, opts)
}

// NewPair aligns tables already read, for a plugin that reads the answers once and scores many
// submissions against them.
func NewPair(answers, submission *Table, opts PairOptions) (*Pair, error) {
	a, err := Align(answers, submission, opts)
	if err != nil {
		return nil, err
	}
	return &Pair{Answers: answers, Submission: submission, Alignment: a, opts: opts}, nil
}

// Len returns the number of aligned rows.
func (p *Pair) Len() int { return p.Alignment.Len() }

// IDs returns the ids in answers order, as the answers spell them.
func (p *Pair) IDs() []string {
	c, _ := p.Answers.Column(p.opts.IDColumn)
	return c.Strings()
}

// AnswerFloats returns an answers column as finite numbers, in answers order.
func (p *Pair) AnswerFloats(column string) ([]float64, error) {
	return p.Answers.Floats(column)
}

// AnswerStrings returns an answers column, in answers order.
func (p *Pair) AnswerStrings(column string) ([]string, error) {
	return p.Answers.Strings(column)
}

// SubmissionFloats returns a submission column as finite numbers, reordered to answers order. The
// first empty, non-numeric, NaN or infinite value is a core.TypeSubmissionInvalid error naming its row,
// line, column and id.
func (p *Pair) SubmissionFloats(column string) ([]float64, error) {
	c, err := p.Submission.mustColumn(column)
	if err != nil {
		return nil, err
	}
	vals, bad := c.parseFloats(FloatOptions{})
	if bad != nil {
		ids, _ := p.Submission.Column(p.opts.IDColumn)
		return nil, c.floatError(bad, string(trimSpace(ids.Bytes(bad.row))))
	}
	return permute(vals, p.Alignment), nil
}

// SubmissionStrings returns a submission column, reordered to answers order.
func (p *Pair) SubmissionStrings(column string) ([]string, error) {
	vals, err := p.Submission.Strings(column)
	if err != nil {
		return nil, err
	}
	return permute(vals, p.Alignment), nil
}

// permute returns vals in answers order: result[i] = vals[a.SubmissionRow(i)].
func permute[T any](vals []T, a *Alignment) []T {
	if a.InOrder() {
		return vals
	}
	out := make([]T, a.n)
	for i, j := range a.rows {
		out[i] = vals[j]
	}
	return out
}
