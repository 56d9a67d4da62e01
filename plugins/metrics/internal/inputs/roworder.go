package inputs

import (
	"bytes"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk/table"
)

// ParamAlign names the param that says how submission rows pair with answers rows: "id" (the
// default) pairs them by id; "row_order" pairs them by position, for answers without a unique id
// (Detecting Insults keys its rows by the comment text, which repeats): the submission must list the
// answers' rows in the same order, its id column equal to the answers' row by row.
const ParamAlign = "align"

// Values of ParamAlign.
const (
	AlignByID       = "id"
	AlignByRowOrder = "row_order"
)

// CheckRowOrder enforces align=row_order before Load: the submission must have as many rows as the
// answers and the same id column value (white space around it aside) on every row; the first row
// that differs is a TypeSubmissionInvalid error naming it. With the rows in order, Load pairs them
// by position and never needs the ids to be unique. It does nothing for align=id or no align param.
func CheckRowOrder(req pluginapi.ScoreRequest) error {
	align, err := req.Params.String(ParamAlign, AlignByID)
	if err != nil {
		return err
	}
	switch align {
	case AlignByID:
		return nil
	case AlignByRowOrder:
	default:
		return core.Errorf(core.TypeInvalidArgument, "parameter %q is %q; want %q or %q", ParamAlign, align, AlignByID, AlignByRowOrder)
	}
	answers, err := readAnswers(req.AnswersPath)
	if err != nil {
		return err
	}
	cols, err := resolve(answers, req.Params)
	if err != nil {
		return err
	}
	submission, err := table.ReadFile(req.SubmissionPath, table.ReadOptions{Name: "submission", Columns: []string{cols.ID}})
	if err != nil {
		return err
	}
	sIDs, ok := submission.Column(cols.ID)
	if !ok {
		return core.Errorf(core.TypeSubmissionInvalid, "submission has no column %q", cols.ID).
			WithCauses("write the columns of the sample submission, with the same names")
	}
	if submission.Len() != answers.Len() {
		return core.Errorf(core.TypeSubmissionInvalid, "submission has %d rows; the answers have %d, matched row by row", submission.Len(), answers.Len()).
			WithCauses("write one row per row of the sample submission, in its order")
	}
	aIDs, _ := answers.Column(cols.ID)
	for i := range answers.Len() {
		a, s := bytes.TrimSpace(aIDs.Bytes(i)), bytes.TrimSpace(sIDs.Bytes(i))
		if !bytes.Equal(a, s) {
			return core.Errorf(core.TypeSubmissionInvalid, "submission row %d (line %d) has %s %q where the answers have %q; rows are matched by position",
				i+1, submission.Line(i), cols.ID, shortCell(s), shortCell(a)).
				WithCauses("keep the sample submission's rows in their order, with the " + cols.ID + " column unchanged")
		}
	}
	return nil
}

// shortCell keeps a long cell readable in a message.
func shortCell(b []byte) string {
	const max = 80
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}
