package table

import (
	"bytes"
	"runtime"

	"github.com/mledojo/dojo/core"
)

// IDMatch says when a submission id and an answers id are the same id.
type IDMatch uint8

const (
	// IDExact compares ids as strings after trimming surrounding white space, so "1" and "1.0" are
	// different ids. It is the default because ids are labels: "007" and "7" may well be different
	// images, and the sample submission shows how each id is spelt. When exact matching fails only
	// because numeric ids are spelt differently, the error says so.
	IDExact IDMatch = iota
	// IDNumeric compares ids that parse as numbers by value, so "1", "1.0" and "1e0" are one id;
	// ids that are not numbers compare as under IDExact. Use it for competitions whose ids are
	// numbers that tools commonly rewrite (pandas turns an int column with gaps into floats).
	IDNumeric
)

// PairOptions says how answers and a submission pair up by id.
type PairOptions struct {
	// IDColumn names the id column, which both files must have.
	IDColumn string
	// Columns names the value columns both files must have besides the id column.
	Columns []string
	// AllowExtraColumns lets the submission carry columns beyond IDColumn and Columns. By default
	// they are an error, since they usually mean a misnamed column or a written DataFrame index.
	AllowExtraColumns bool
	// IDMatch says how ids compare; the zero value is IDExact.
	IDMatch IDMatch
}

// Alignment maps each answers row to the submission row with the same id.
type Alignment struct {
	n    int
	rows []int32 // rows[i] is the submission row of answers row i; nil when row i is row i
}

// Len returns the number of aligned rows, which is the number of answers rows.
func (a *Alignment) Len() int { return a.n }

// InOrder reports whether the submission lists the ids in the answers' order.
func (a *Alignment) InOrder() bool { return a.rows == nil }

// SubmissionRow returns the submission row (0-based) that holds answers row i's id.
func (a *Alignment) SubmissionRow(i int) int {
	if a.rows == nil {
		return i
	}
	return int(a.rows[i])
}

// Align checks that submission has the columns opts asks for and exactly the answers' ids, once each,
// and maps answers rows to submission rows. Problems with the submission are core.TypeSubmissionInvalid
// errors; problems with the answers (a missing column, a repeated id) are core.TypeGroundTruth.
//
// When the submission lists the ids in the answers' order, Align confirms it in one pass without
// building an index, and then does not look for repeated ids in the answers: rows pair up by position,
// so a repeat cannot make the pairing ambiguous.
func Align(answers, submission *Table, opts PairOptions) (*Alignment, error) {
	if err := checkColumns(answers, submission, opts); err != nil {
		return nil, err
	}
	aCol, err := answers.mustColumn(opts.IDColumn)
	if err != nil {
		return nil, err
	}
	sCol, err := submission.mustColumn(opts.IDColumn)
	if err != nil {
		return nil, err
	}
	aKeys, sKeys := newIDKeys(aCol, opts.IDMatch), newIDKeys(sCol, opts.IDMatch)
	n := aKeys.len()
	if sKeys.len() == n && sameOrder(aKeys, sKeys) {
		return &Alignment{n: n}, nil
	}
	parts := runtime.GOMAXPROCS(0)
	var index idFinder
	dense, first, second := buildDenseIndex(aKeys)
	if dense != nil {
		index = dense
	} else {
		var err error
		if index, first, second, err = buildIDIndex(aKeys, parts); err != nil {
			return nil, err
		}
	}
	if first >= 0 {
		return nil, duplicateAnswerID(answers, aKeys, first, second)
	}
	match := makeLarge[int32](sKeys.len())
	inParallel(splitRange(len(match), parts, parallelMinIDs), func(_, lo, hi int) {
		for j := lo; j < hi; j++ {
			match[j] = int32(index.find(sKeys.at(j)))
		}
	})
	rows := makeLarge[int32](n)
	for i := range rows {
		rows[i] = -1
	}
	var p problems
	for j, i := range match {
		switch {
		case i < 0:
			p.extra = append(p.extra, j)
		case rows[i] >= 0:
			p.dups = append(p.dups, [2]int{int(rows[i]), j})
		default:
			rows[i] = int32(j)
		}
	}
	for i, j := range rows {
		if j < 0 {
			p.missing = append(p.missing, i)
		}
	}
	if err := p.err(answers, submission, aKeys, sKeys, opts); err != nil {
		return nil, err
	}
	return &Alignment{n: n, rows: rows}, nil
}

// sameOrder reports whether a and b hold equal keys row by row; the caller checked their lengths.
func sameOrder(a, b *idKeys) bool {
	for i := range a.len() {
		if !bytes.Equal(a.at(i), b.at(i)) {
			return false
		}
	}
	return true
}

// duplicateAnswerID reports an id the answers hold on rows first and second.
func duplicateAnswerID(answers *Table, keys *idKeys, first, second int) *core.Error {
	id := string(trimSpace(keys.col.Bytes(second)))
	return core.Errorf(core.TypeGroundTruth, "answers hold id %s more than once", quoteShort(id)).
		WithDetails("rows %d and %d (lines %d and %d)", first+1, second+1, answers.Line(first), answers.Line(second)).
		WithCauses("the competition's answers file is broken: each id must appear once; report it to the competition's maintainer")
}
