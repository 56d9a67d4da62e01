package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
	"github.com/mledojo/dojo/plugins/metrics/internal/rle"
	"github.com/mledojo/dojo/sdk/table"
)

// cells are the answers and submission rows of one target column, grouped by key: group g holds
// the rows of one image (or one slice and class), from both files.
type cells struct {
	answers, submission *table.Table
	keyCols             []string
	target              string
	spec                maskSpec
	groups              []group
}

type group struct {
	key         string // the key values as the answers spell them, for messages and volume ids
	truth, pred []int  // rows of answers and submission
}

// side says which file a row belongs to.
type side bool

const (
	truthSide side = false
	predSide  side = true
)

// layout says how rows pair up.
type layout uint8

const (
	// onePerKey: each key is one row in each file (a mask or a box list per image).
	onePerKey layout = iota
	// manyPerKey: each row is one object; an image's objects are the rows sharing its key, and an
	// empty cell stands for no object (Airbus writes an image without ships that way).
	manyPerKey
)

// loadCells reads the files and pairs rows by the id column, or by key_columns when set.
func loadCells(req pluginapi.ScoreRequest, spec maskSpec, how layout) (*cells, error) {
	keyCols, err := req.Params.Strings(paramKeyColumns, nil)
	if err != nil {
		return nil, err
	}
	if len(spec.shapeColumns) > 0 && !req.Params.Has(inputs.ParamTargetColumns) && !req.Params.Has(inputs.ParamTargetColumn) {
		return nil, core.Errorf(core.TypeInvalidArgument, "with shape_columns, name the mask column in target_columns")
	}
	if how == onePerKey && len(keyCols) == 0 {
		return pairedByID(req, spec)
	}
	return groupedByKey(req, spec, keyCols, how)
}

// pairedByID aligns one row per id with the shared alignment every metric plugin uses.
func pairedByID(req pluginapi.ScoreRequest, spec maskSpec) (*cells, error) {
	in, err := inputs.Load(req, inputs.Options{})
	if err != nil {
		return nil, err
	}
	if len(in.Targets) != 1 {
		return nil, oneTargetError(in.Targets)
	}
	c := &cells{answers: in.Pair.Answers, submission: in.Pair.Submission, keyCols: []string{in.ID}, target: in.Targets[0], spec: spec}
	if err := c.checkAnswerColumns(); err != nil {
		return nil, err
	}
	ids := in.Pair.IDs()
	c.groups = make([]group, len(ids))
	for i, id := range ids {
		c.groups[i] = group{key: strings.TrimSpace(id), truth: []int{i}, pred: []int{in.Pair.Alignment.SubmissionRow(i)}}
	}
	return c, nil
}

func oneTargetError(targets []string) error {
	return core.Errorf(core.TypeInvalidArgument, "this metric scores one column, the answers have %d (%s)",
		len(targets), strings.Join(targets, ", ")).
		WithCauses("set the target_columns param to the one column to score")
}

// groupedByKey reads both files and groups their rows by the key columns' values.
func groupedByKey(req pluginapi.ScoreRequest, spec maskSpec, keyCols []string, how layout) (*cells, error) {
	answers, err := table.ReadFile(req.AnswersPath, table.ReadOptions{Name: "answers", ErrorType: core.TypeGroundTruth})
	if err != nil {
		return nil, err
	}
	header := answers.Header()
	if len(keyCols) == 0 {
		id, err := req.Params.String(inputs.ParamIDColumn, header[0])
		if err != nil {
			return nil, err
		}
		keyCols = []string{id}
	}
	target, err := targetColumn(req.Params, header, keyCols, spec)
	if err != nil {
		return nil, err
	}
	c := &cells{answers: answers, keyCols: keyCols, target: target, spec: spec}
	if err := c.checkAnswerColumns(); err != nil {
		return nil, err
	}
	want := append(slices.Clone(keyCols), target)
	if c.submission, err = table.ReadFile(req.SubmissionPath, table.ReadOptions{Name: "submission", Columns: want}); err != nil {
		return nil, err
	}
	allowExtra, err := req.Params.Bool(inputs.ParamAllowExtraColumns, false)
	if err != nil {
		return nil, err
	}
	if err := checkSubmissionColumns(c.submission, want, allowExtra); err != nil {
		return nil, err
	}
	numericIDs, err := req.Params.Bool(inputs.ParamNumericIDs, false)
	if err != nil {
		return nil, err
	}
	return c, c.group(how, numericIDs)
}

func targetColumn(p core.Params, header, keyCols []string, spec maskSpec) (string, error) {
	targets, err := p.Strings(inputs.ParamTargetColumns, nil)
	if err != nil {
		return "", err
	}
	if one, err := p.String(inputs.ParamTargetColumn, ""); err != nil {
		return "", err
	} else if one != "" {
		targets = append(targets, one)
	}
	if len(targets) == 0 {
		for _, h := range header {
			if !slices.Contains(keyCols, h) && !slices.Contains(spec.shapeColumns, h) {
				targets = append(targets, h)
			}
		}
	}
	if len(targets) != 1 {
		return "", oneTargetError(targets)
	}
	return targets[0], nil
}

// checkAnswerColumns requires the key, target and shape columns in the answers.
func (c *cells) checkAnswerColumns() error {
	for _, col := range append(append(slices.Clone(c.keyCols), c.target), c.spec.shapeColumns...) {
		if !c.answers.Has(col) {
			return core.Errorf(core.TypeGroundTruth, "answers have no column %q", col).
				WithDetails("answers columns: %s", strings.Join(c.answers.Header(), ", ")).
				WithCauses("fix the metric's key_columns, target_columns or shape_columns param, or prepare the answers with that column")
		}
	}
	return nil
}

func checkSubmissionColumns(sub *table.Table, want []string, allowExtra bool) error {
	var missing, extra []string
	for _, w := range want {
		if !sub.Has(w) {
			missing = append(missing, w)
		}
	}
	for _, h := range sub.Header() {
		if !slices.Contains(want, h) {
			extra = append(extra, h)
		}
	}
	if len(missing) > 0 {
		return core.Errorf(core.TypeSubmissionInvalid, "submission is missing column(s) %s", strings.Join(missing, ", ")).
			WithDetails("submission columns: %s", strings.Join(sub.Header(), ", ")).
			WithCauses("write the columns of the sample submission, with the same names")
	}
	if len(extra) > 0 && !allowExtra {
		return core.Errorf(core.TypeSubmissionInvalid, "submission has unexpected column(s) %s", strings.Join(extra, ", ")).
			WithCauses("drop columns the sample submission does not have (with pandas, to_csv(index=False))")
	}
	return nil
}

// keyOf returns row's key: its key columns' trimmed values, joined by a separator no CSV value
// holds unquoted.
func (c *cells) keyOf(t *table.Table, row int, numericIDs bool) string {
	parts := make([]string, len(c.keyCols))
	for k, col := range c.keyCols {
		column, _ := t.Column(col)
		v := strings.TrimSpace(column.String(row))
		if numericIDs {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				v = strconv.FormatFloat(f, 'g', -1, 64)
			}
		}
		parts[k] = v
	}
	return strings.Join(parts, "\x1f")
}

// group pairs rows by key and checks that the submission covers every key and only those.
func (c *cells) group(how layout, numericIDs bool) error {
	index := map[string]int{}
	for r := range c.answers.Len() {
		k := c.keyOf(c.answers, r, numericIDs)
		g, seen := index[k]
		if seen && how == onePerKey {
			first := c.groups[g].truth[0]
			return core.Errorf(core.TypeGroundTruth, "answers rows %d and %d (lines %d and %d) both have %s",
				first+1, r+1, c.answers.Line(first), c.answers.Line(r), c.describeKey(c.answers, r))
		}
		if !seen {
			g = len(c.groups)
			index[k] = g
			c.groups = append(c.groups, group{key: c.displayKey(c.answers, r)})
		}
		c.groups[g].truth = append(c.groups[g].truth, r)
	}
	if len(c.groups) == 0 {
		return core.Errorf(core.TypeGroundTruth, "answers have no rows")
	}
	for r := range c.submission.Len() {
		k := c.keyOf(c.submission, r, numericIDs)
		g, ok := index[k]
		if !ok {
			return core.Errorf(core.TypeSubmissionInvalid, "submission row %d (line %d) has %s, which the answers do not have",
				r+1, c.submission.Line(r), c.describeKey(c.submission, r)).
				WithCauses("write exactly the ids of the sample submission")
		}
		if how == onePerKey && len(c.groups[g].pred) > 0 {
			first := c.groups[g].pred[0]
			return core.Errorf(core.TypeSubmissionInvalid, "submission rows %d and %d (lines %d and %d) both have %s",
				first+1, r+1, c.submission.Line(first), c.submission.Line(r), c.describeKey(c.submission, r)).
				WithCauses("write each row once")
		}
		c.groups[g].pred = append(c.groups[g].pred, r)
	}
	var missing []string
	for _, g := range c.groups {
		if len(g.pred) == 0 {
			missing = append(missing, fmt.Sprintf("%q", g.key))
		}
	}
	if len(missing) > 0 {
		shown := missing[:min(len(missing), 5)]
		return core.Errorf(core.TypeSubmissionInvalid, "submission is missing %s of the answers: %s%s",
			plural(len(missing), "key", "keys"), strings.Join(shown, ", "), map[bool]string{true: ", …", false: ""}[len(missing) > 5]).
			WithCauses("write a row for every id of the sample submission, with an empty prediction where there is nothing to predict")
	}
	return nil
}

// displayKey is the row's key values as written, joined by ", ".
func (c *cells) displayKey(t *table.Table, row int) string {
	parts := make([]string, len(c.keyCols))
	for k, col := range c.keyCols {
		column, _ := t.Column(col)
		parts[k] = strings.TrimSpace(column.String(row))
	}
	return strings.Join(parts, ", ")
}

func (c *cells) describeKey(t *table.Table, row int) string {
	if len(c.keyCols) == 1 {
		return fmt.Sprintf("%s %q", c.keyCols[0], c.displayKey(t, row))
	}
	return fmt.Sprintf("(%s) (%s)", strings.Join(c.keyCols, ", "), c.displayKey(t, row))
}

func (c *cells) table(s side) *table.Table {
	if s == predSide {
		return c.submission
	}
	return c.answers
}

// value returns the target cell of a row.
func (c *cells) value(s side, row int) string {
	col, _ := c.table(s).Column(c.target)
	return col.String(row)
}

// cellError names the file, row, line, key and column of a cell; the type follows the side.
func (c *cells) cellError(s side, row int, format string, args ...any) *core.Error {
	t := c.table(s)
	typ := core.TypeGroundTruth
	if s == predSide {
		typ = core.TypeSubmissionInvalid
	}
	where := fmt.Sprintf("%s row %d (line %d, %s), column %q: ", t.Name(), row+1, t.Line(row), c.describeKey(t, row), c.target)
	return core.Errorf(typ, where+format, args...)
}

// shape returns the image size of answers row r: the shape param, or the row's shape columns.
// It returns the zero Shape when neither is set.
func (c *cells) shape(r int) (rle.Shape, error) {
	if len(c.spec.shapeColumns) == 0 {
		return c.spec.shape, nil
	}
	var dims [2]int
	for k, col := range c.spec.shapeColumns {
		column, _ := c.answers.Column(col)
		v := strings.TrimSpace(column.String(r))
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 1 || f != float64(int(f)) {
			return rle.Shape{}, core.Errorf(core.TypeGroundTruth, "answers row %d (line %d), column %q: %q is not a positive integer",
				r+1, c.answers.Line(r), col, v)
		}
		dims[k] = int(f)
	}
	return rle.Shape{Height: dims[0], Width: dims[1]}, nil
}

// mask decodes a row's cell with the image size of answers row shapeRow.
func (c *cells) mask(s side, row, shapeRow int) (rle.Mask, error) {
	shape, err := c.shape(shapeRow)
	if err != nil {
		return rle.Mask{}, err
	}
	m, err := rle.Decode(c.value(s, row), shape.Pixels())
	if err != nil {
		e := c.cellError(s, row, "%v", err)
		if s == predSide {
			e.WithCauses("write 1-based start and length pairs separated by spaces, each pixel at most once, within the image")
		}
		return rle.Mask{}, e
	}
	return m, nil
}
