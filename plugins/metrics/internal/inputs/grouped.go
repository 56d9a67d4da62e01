package inputs

import (
	"strconv"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk/table"
)

// Grouped is answers with one row per id against a submission in long layout, where an id takes any
// number of rows, read in file order (Airbnb's new-user bookings: up to five ranked countries per
// user, one per row).
type Grouped struct {
	Columns
	Answers, Submission *table.Table
	// Values[i] holds the submission's values of the target column for answers row i's id, in the
	// order of the submission's rows.
	Values [][]string
}

// GroupedOptions vary LoadGrouped.
type GroupedOptions struct {
	// MaxPerID, when positive, is the most rows the submission may hold for one id.
	MaxPerID int
}

// LoadGrouped resolves the id and target columns as Load does (one target column), reads both files
// and groups the submission's rows by id. The submission must have the id and target columns (others
// only with allow_extra_columns), no id the answers lack, at least one row for every answers id and,
// with MaxPerID, no more than that many; each failure is a TypeSubmissionInvalid error naming the id,
// row and line. A repeated answers id is TypeGroundTruth.
func LoadGrouped(req pluginapi.ScoreRequest, opts GroupedOptions) (*Grouped, error) {
	answers, err := readAnswers(req.AnswersPath)
	if err != nil {
		return nil, err
	}
	cols, err := resolve(answers, req.Params)
	if err != nil {
		return nil, err
	}
	if len(cols.Targets) != 1 {
		return nil, core.Errorf(core.TypeInvalidArgument, "the long layout scores one target column, the answers have %d (%s)",
			len(cols.Targets), strings.Join(cols.Targets, ", ")).
			WithCauses("set the target_columns param to the one column to score")
	}
	allowExtra, err := req.Params.Bool(ParamAllowExtraColumns, false)
	if err != nil {
		return nil, err
	}
	numericIDs, err := req.Params.Bool(ParamNumericIDs, false)
	if err != nil {
		return nil, err
	}
	submission, err := table.ReadFile(req.SubmissionPath, table.ReadOptions{Name: "submission"})
	if err != nil {
		return nil, err
	}
	if err := requireColumns(submission, cols.ID, cols.Targets, allowExtra); err != nil {
		return nil, err
	}
	aIDs, ok := answers.Column(cols.ID)
	if !ok {
		return nil, core.Errorf(core.TypeGroundTruth, "answers have no id column %q", cols.ID)
	}
	canon := func(b []byte) string {
		s := strings.TrimSpace(string(b))
		if numericIDs {
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				return strconv.FormatFloat(f, 'g', -1, 64)
			}
		}
		return s
	}
	rowOf := make(map[string]int, answers.Len())
	for i := range answers.Len() {
		id := canon(aIDs.Bytes(i))
		if first, dup := rowOf[id]; dup {
			return nil, core.Errorf(core.TypeGroundTruth, "answers hold id %q more than once", id).
				WithDetails("rows %d and %d (lines %d and %d)", first+1, i+1, answers.Line(first), answers.Line(i))
		}
		rowOf[id] = i
	}
	sIDs, _ := submission.Column(cols.ID)
	sVals, _ := submission.Column(cols.Targets[0])
	values := make([][]string, answers.Len())
	for j := range submission.Len() {
		id := canon(sIDs.Bytes(j))
		i, known := rowOf[id]
		if !known {
			return nil, core.Errorf(core.TypeSubmissionInvalid, "submission row %d (line %d) has id %q, which the answers do not have",
				j+1, submission.Line(j), id).
				WithCauses("write rows only for the ids of the sample submission")
		}
		values[i] = append(values[i], string(sVals.Bytes(j)))
		if opts.MaxPerID > 0 && len(values[i]) > opts.MaxPerID {
			return nil, core.Errorf(core.TypeSubmissionInvalid, "submission holds more than %d rows for id %q (row %d, line %d is one too many)",
				opts.MaxPerID, id, j+1, submission.Line(j)).
				WithCauses("keep only the best-ranked rows of each id")
		}
	}
	missing := 0
	first := -1
	for i, v := range values {
		if len(v) == 0 {
			missing++
			if first < 0 {
				first = i
			}
		}
	}
	if missing > 0 {
		return nil, core.Errorf(core.TypeSubmissionInvalid, "submission has no row for %d of the answers' ids, the first %q", missing, canon(aIDs.Bytes(first))).
			WithCauses("write at least one row for every id of the sample submission")
	}
	return &Grouped{Columns: cols, Answers: answers, Submission: submission, Values: values}, nil
}
