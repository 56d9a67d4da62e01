package table

import (
	"runtime"

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
// core.TypeSubmissionInvalid (core.TypeSubmissionNotFound when the file does not exist); when both
// files are wrong, the answers' error is the one returned. With two or more CPUs the files are read
// at the same time.
func LoadPair(answersPath, submissionPath string, opts PairOptions) (*Pair, error) {
	keep := append([]string{opts.IDColumn}, opts.Columns...)
	var answers, submission *Table
	var answersErr, submissionErr error
	both(concurrentReads && runtime.GOMAXPROCS(0) >= 2,
		func() {
			answers, answersErr = ReadFile(answersPath, ReadOptions{Name: "answers", ErrorType: core.TypeGroundTruth, Columns: keep})
		},
		func() {
			submission, submissionErr = ReadFile(submissionPath, ReadOptions{Name: "submission", ErrorType: core.TypeSubmissionInvalid, Columns: keep})
		})
	if answersErr != nil {
		return nil, answersErr
	}
	if submissionErr != nil {
		return nil, submissionErr
	}
	return NewPair(answers, submission, opts)
}

// concurrentReads lets LoadPair read both files at once; benchmarks turn it off to compare.
var concurrentReads = true

// both runs first and second, at the same time when concurrent is set, and returns when both have.
func both(concurrent bool, first, second func()) {
	if !concurrent {
		first()
		second()
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		second()
	}()
	first()
	<-done
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

// AnswerFloatMatrix returns answers columns as finite numbers, row-major in answers order: see
// Table.FloatMatrix.
func (p *Pair) AnswerFloatMatrix(columns ...string) ([]float64, error) {
	return p.Answers.FloatMatrix(columns...)
}

// SubmissionFloatMatrix returns submission columns as finite numbers, row-major in answers order:
// row i holds, in the order named, the values the submission gives answers row i's id. It parses
// the columns in one pass over the rows. Errors are those of SubmissionFloats for the first named
// column that holds a bad value.
func (p *Pair) SubmissionFloatMatrix(columns ...string) ([]float64, error) {
	ids, _ := p.Submission.Column(p.opts.IDColumn)
	id := func(row int) string { return string(trimSpace(ids.Bytes(row))) }
	cols, err := p.Submission.floatColumns(columns, id)
	if err != nil {
		return nil, err
	}
	vals, ok := parseMatrix(cols, p.Submission.rows, FloatOptions{})
	if !ok {
		return nil, matrixError(cols, id)
	}
	return PermuteRows(vals, len(cols), p.Alignment.rows), nil
}

// PermuteRows returns the row-major matrix of k columns whose row i is row order[i] of vals; vals
// itself when order is nil.
func PermuteRows(vals []float64, k int, order []int32) []float64 {
	if order == nil {
		return vals
	}
	out := makeLarge[float64](len(order) * k)
	for i, j := range order {
		copy(out[i*k:i*k+k], vals[int(j)*k:int(j)*k+k])
	}
	return out
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
	out := makeLarge[T](a.n)
	for i, j := range a.rows {
		out[i] = vals[j]
	}
	return out
}
