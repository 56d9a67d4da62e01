package main

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
)

// schema is the params JSON Schema: the common params plus the metric's own properties.
func schema(props ...string) string {
	common := []string{
		`"id_column": {"type": "string", "description": "id column; default: the answers' first column"}`,
		`"target_columns": {"type": "array", "items": {"type": "string"}, "description": "the one text column; default: the answers' column besides the id"}`,
		`"allow_extra_columns": {"type": "boolean", "default": false}`,
		`"numeric_ids": {"type": "boolean", "default": false, "description": "compare ids as numbers (1 == 1.0)"}`,
	}
	return `{"type": "object", "properties": {` + strings.Join(append(common, props...), ", ") + `}}`
}

func known(req pluginapi.ScoreRequest, own ...string) error {
	return req.Params.CheckKnown(append(slices.Clone(inputs.CommonParams), own...)...)
}

// texts are one text column of the answers and the submission, aligned by id.
type texts struct {
	in          *inputs.Inputs
	column      string
	truth, pred []string
}

// loadTexts reads the one target column and checks that every value is UTF-8, as pandas requires.
func loadTexts(req pluginapi.ScoreRequest, metric string) (*texts, error) {
	in, err := inputs.Load(req, inputs.Options{})
	if err != nil {
		return nil, err
	}
	if len(in.Targets) != 1 {
		return nil, core.Errorf(core.TypeInvalidArgument, "%s scores one text column, the answers have %d (%s)",
			metric, len(in.Targets), strings.Join(in.Targets, ", ")).
			WithCauses("set the target_columns param to the one column to score")
	}
	col := in.Targets[0]
	t := &texts{in: in, column: col}
	if t.truth, err = in.Pair.AnswerStrings(col); err != nil {
		return nil, err
	}
	if t.pred, err = in.Pair.SubmissionStrings(col); err != nil {
		return nil, err
	}
	if t.Len() == 0 {
		return nil, core.Errorf(core.TypeEvaluation, "no rows to score")
	}
	for i := range t.truth {
		if !utf8.ValidString(t.truth[i]) {
			return nil, t.cellError(core.TypeGroundTruth, i, "is not valid UTF-8")
		}
		if !utf8.ValidString(t.pred[i]) {
			return nil, t.cellError(core.TypeSubmissionInvalid, i, "is not valid UTF-8").
				WithCauses("write the file as UTF-8 (pandas: to_csv(..., encoding=\"utf-8\"))")
		}
	}
	return t, nil
}

// Len returns the number of rows.
func (t *texts) Len() int { return len(t.truth) }

// cellError names the file, row, line, id and column of answers row i's value (or of the
// submission row holding the same id).
func (t *texts) cellError(typ core.ErrorType, i int, format string, args ...any) *core.Error {
	id := t.in.Pair.IDs()[i]
	tbl, row := t.in.Pair.Answers, i
	if typ != core.TypeGroundTruth {
		tbl, row = t.in.Pair.Submission, t.in.Pair.Alignment.SubmissionRow(i)
	}
	return core.Errorf(typ, "%s row %d (line %d, %s %q), column %q: "+format,
		append([]any{tbl.Name(), row + 1, tbl.Line(row), t.in.ID, id, t.column}, args...)...)
}
