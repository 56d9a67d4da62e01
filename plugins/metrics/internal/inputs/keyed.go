package inputs

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk/table"
)

// Params of keyed alignment.
const (
	// ParamKeyColumns names the columns that together identify a row (Smartphone Decimeter's
	// tripId and UnixTimeMillis); by default the id column alone.
	ParamKeyColumns = "key_columns"
	// ParamDuplicateIDs says what a key the answers hold more than once means: "error" (the
	// default) or "align_in_file_order".
	ParamDuplicateIDs = "duplicate_ids"
)

// DuplicateKeys says what a key that the answers hold more than once means.
type DuplicateKeys string

const (
	// KeysUnique requires every key once in each file.
	KeysUnique DuplicateKeys = "error"
	// KeysInFileOrder pairs the k-th submission row with a key with the k-th answers row with that
	// key, for answers that keep one row per labelled window under a repeated id (HMS's eeg_id).
	KeysInFileOrder DuplicateKeys = "align_in_file_order"
)

// KeyedOptions say how LoadKeyed pairs rows.
type KeyedOptions struct {
	// Keys are the columns that together identify a row; both files must have them.
	Keys []string
	// Columns are the value columns the submission must have besides the keys.
	Columns []string
	// AllowExtraColumns lets the submission carry other columns.
	AllowExtraColumns bool
	// Duplicates says what a repeated key means.
	Duplicates DuplicateKeys
	// NumericKeys compares key cells that are numbers by value ("1" and "1.0" are one key).
	NumericKeys bool
}

// Keyed is an answers table and a submission paired by one or more key columns, possibly with
// repeated keys. Row i of every accessor's result belongs to answers row i.
type Keyed struct {
	Answers, Submission *table.Table
	Keys                []string
	n                   int
	rows                []int32 // rows[i] is the submission row paired with answers row i; nil when it is row i
}

// Len returns the number of paired rows, which is the number of answers rows.
func (k *Keyed) Len() int { return k.n }

// SubmissionRow returns the submission row (0-based) paired with answers row i.
func (k *Keyed) SubmissionRow(i int) int {
	if k.rows == nil {
		return i
	}
	return int(k.rows[i])
}

// AnswerFloats returns an answers column as finite numbers, in answers order.
func (k *Keyed) AnswerFloats(column string) ([]float64, error) { return k.Answers.Floats(column) }

// AnswerStrings returns an answers column, in answers order.
func (k *Keyed) AnswerStrings(column string) ([]string, error) { return k.Answers.Strings(column) }

// SubmissionFloats returns a submission column as finite numbers in answers order. The first value
// that is empty, not a number, NaN or infinite is a TypeSubmissionInvalid error naming its row, line,
// column and key.
func (k *Keyed) SubmissionFloats(column string) ([]float64, error) {
	col, ok := k.Submission.Column(column)
	if !ok {
		return nil, core.Errorf(core.TypeSubmissionInvalid, "submission has no column %q", column)
	}
	vals, err := col.Floats()
	if err != nil {
		for j := range col.Len() {
			cell := strings.TrimSpace(string(col.Bytes(j)))
			if v, perr := strconv.ParseFloat(cell, 64); perr != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, core.Errorf(core.TypeSubmissionInvalid, "submission column %q, row %d (line %d, %s): the value %q is not a finite number",
					column, j+1, k.Submission.Line(j), describeKey(k.Submission, k.Keys, j), cell).
					WithCauses("write a finite number in every cell; pandas writes missing values (NaN) as empty cells")
			}
		}
		return nil, err
	}
	if k.rows == nil {
		return vals, nil
	}
	out := make([]float64, len(k.rows))
	for i, j := range k.rows {
		out[i] = vals[j]
	}
	return out, nil
}

// FloatMatrices returns the columns of both files as finite numbers in row-major matrices in answers
// order (row i's values are [i*k, i*k+k) for k columns), each file's columns parsed in one pass. The
// error is the one reading them column by column gives, the answers' then the submission's values
// of each column in turn.
func (k *Keyed) FloatMatrices(columns ...string) (truth, pred []float64, err error) {
	truth, errA := k.Answers.FloatMatrix(columns...)
	var vals []float64
	errS := errA
	if errA == nil {
		vals, errS = k.Submission.FloatMatrix(columns...)
	}
	if errA != nil || errS != nil {
		for _, c := range columns {
			if _, err := k.AnswerFloats(c); err != nil {
				return nil, nil, err
			}
			if _, err := k.SubmissionFloats(c); err != nil {
				return nil, nil, err
			}
		}
		if errA != nil {
			return nil, nil, errA
		}
		return nil, nil, errS
	}
	return truth, table.PermuteRows(vals, len(columns), k.rows), nil
}

// Describe names answers row i by its key and submission line, for messages.
func (k *Keyed) Describe(i int) string {
	return fmt.Sprintf("%s (submission line %d)", describeKey(k.Answers, k.Keys, i), k.Submission.Line(k.SubmissionRow(i)))
}

func describeKey(t *table.Table, keys []string, row int) string {
	parts := make([]string, len(keys))
	for c, name := range keys {
		col, _ := t.Column(name)
		parts[c] = fmt.Sprintf("%s %q", name, strings.TrimSpace(string(col.Bytes(row))))
	}
	return strings.Join(parts, ", ")
}

// LoadKeyed reads the answers (cached) and the submission and pairs their rows by opts.Keys.
// Problems with the submission (a missing column or key, a key it should not have, a key repeated
// more often than in the answers) are TypeSubmissionInvalid; a repeated answers key under
// KeysUnique is TypeGroundTruth.
func LoadKeyed(req pluginapi.ScoreRequest, opts KeyedOptions) (*Keyed, error) {
	opts, err := opts.check()
	if err != nil {
		return nil, err
	}
	need := opts.need()
	var answers, submission *table.Table
	answers, submission, err = readBoth(req, need, false, func(answers *table.Table) ([]string, error) {
		return need, opts.checkAnswers(answers)
	})
	if err != nil {
		return nil, err
	}
	return pairKeyed(answers, submission, opts)
}

// LoadKeyedWith is LoadKeyed with options that depend on the id and target columns, resolved as
// Load resolves them (from the params or the answers' header). It reads the answers once, and the
// submission meanwhile.
func LoadKeyedWith(req pluginapi.ScoreRequest, options func(Columns) (KeyedOptions, error)) (*Keyed, error) {
	var opts KeyedOptions
	answers, submission, err := readBoth(req, nil, extraColumnsAllowed(req.Params), func(answers *table.Table) ([]string, error) {
		cols, err := resolve(answers, req.Params)
		if err != nil {
			return nil, err
		}
		if opts, err = options(cols); err != nil {
			return nil, err
		}
		if opts, err = opts.check(); err != nil {
			return nil, err
		}
		return opts.need(), opts.checkAnswers(answers)
	})
	if err != nil {
		return nil, err
	}
	return pairKeyed(answers, submission, opts)
}

// check validates the options and fills in the default duplicates rule.
func (opts KeyedOptions) check() (KeyedOptions, error) {
	if len(opts.Keys) == 0 {
		return opts, core.Errorf(core.TypeInvalidArgument, "keyed alignment needs at least one key column")
	}
	if opts.Duplicates == "" {
		opts.Duplicates = KeysUnique
	}
	if opts.Duplicates != KeysUnique && opts.Duplicates != KeysInFileOrder {
		return opts, core.Errorf(core.TypeInvalidArgument, "parameter %q is %q; want %q or %q", ParamDuplicateIDs, opts.Duplicates,
			KeysUnique, KeysInFileOrder)
	}
	return opts, nil
}

// need lists the columns both files must have: the keys, then the value columns.
func (opts KeyedOptions) need() []string {
	return append(append([]string(nil), opts.Keys...), opts.Columns...)
}

func (opts KeyedOptions) checkAnswers(answers *table.Table) error {
	for _, c := range opts.need() {
		if !answers.Has(c) {
			return core.Errorf(core.TypeGroundTruth, "answers have no column %q", c).
				WithDetails("answers columns: %s", strings.Join(answers.Header(), ", ")).
				WithCauses("fix the metric's key_columns or target_columns param")
		}
	}
	return nil
}

func pairKeyed(answers, submission *table.Table, opts KeyedOptions) (*Keyed, error) {
	if err := requireKeyedColumns(submission, opts.Keys, opts.Columns, opts.AllowExtraColumns); err != nil {
		return nil, err
	}
	rows, err := pairByKey(answers, submission, opts)
	if err != nil {
		return nil, err
	}
	return &Keyed{Answers: answers, Submission: submission, Keys: opts.Keys, n: answers.Len(), rows: rows}, nil
}

func requireKeyedColumns(sub *table.Table, keys, cols []string, allowExtra bool) error {
	want := map[string]bool{}
	var missing []string
	for _, c := range append(append([]string(nil), keys...), cols...) {
		want[c] = true
		if !sub.Has(c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return core.Errorf(core.TypeSubmissionInvalid, "submission is missing column(s) %s", strings.Join(missing, ", ")).
			WithDetails("submission columns: %s", strings.Join(sub.Header(), ", ")).
			WithCauses("write the columns of the sample submission, with the same names")
	}
	if allowExtra {
		return nil
	}
	var extra []string
	for _, h := range sub.Header() {
		if !want[h] {
			extra = append(extra, h)
		}
	}
	if len(extra) > 0 {
		return core.Errorf(core.TypeSubmissionInvalid, "submission has unexpected column(s) %s", strings.Join(extra, ", ")).
			WithCauses("drop columns the sample submission does not have (with pandas, to_csv(index=False))")
	}
	return nil
}

// pairByKey maps every answers row to its submission row, or returns nil rows when each answers
// row pairs with the submission row at the same position.
func pairByKey(answers, sub *table.Table, opts KeyedOptions) ([]int32, error) {
	n := answers.Len()
	ab := newKeyBuilder(answers, opts.Keys, opts.NumericKeys)
	sb := newKeyBuilder(sub, opts.Keys, opts.NumericKeys)
	// The usual submission lists the answers' keys in order: rows pair by position, provided a key
	// the answers repeat is allowed or, proven in one pass, there is none.
	if sub.Len() == n && sameKeys(ab, sb, n) && (opts.Duplicates == KeysInFileOrder || distinctKeys(ab, n)) {
		return nil, nil
	}
	// Index the answers from the last row to the first, so each key's entry ends at its first row;
	// next chains the rows sharing a key in file order.
	index := newKeyIndex(ab, n)
	var next []int32
	if opts.Duplicates != KeysUnique {
		next = make([]int32, n)
	}
	for i := n - 1; i >= 0; i-- {
		later := index.insert(i)
		if later >= 0 && opts.Duplicates == KeysUnique {
			return nil, core.Errorf(core.TypeGroundTruth, "answers hold the key %s more than once", describeKey(answers, opts.Keys, i)).
				WithDetails("rows %d and %d (lines %d and %d)", i+1, later+1, answers.Line(i), answers.Line(later)).
				WithCauses("the competition's answers file is broken: each key must appear once; report it to the competition's maintainer")
		}
		if next != nil {
			next[i] = int32(later)
		}
	}
	// cursor[h] is the next unpaired answers row of the key whose first row is h; with unique keys
	// it is h until h pairs.
	var cursor []int32
	if next != nil {
		cursor = make([]int32, n)
		for i := range cursor {
			cursor[i] = int32(i)
		}
	}
	rows := make([]int32, n)
	for i := range rows {
		rows[i] = -1
	}
	var extra, repeated []int
	for j, h := range findAll(index, sb, sub.Len()) {
		if h < 0 {
			extra = append(extra, j)
			continue
		}
		i := int32(h)
		if cursor != nil {
			i = cursor[h]
		} else if rows[h] >= 0 {
			i = -1
		}
		if i < 0 {
			repeated = append(repeated, j)
			continue
		}
		rows[i] = int32(j)
		if cursor != nil {
			cursor[h] = next[i]
		}
	}
	var missing []int
	for i, j := range rows {
		if j < 0 {
			missing = append(missing, i)
		}
	}
	switch {
	case len(repeated) > 0:
		j := repeated[0]
		what := "more than once"
		if opts.Duplicates == KeysInFileOrder {
			what = "more often than the answers do"
		}
		return nil, core.Errorf(core.TypeSubmissionInvalid, "submission holds the key %s %s", describeKey(sub, opts.Keys, j), what).
			WithDetails("%d such row(s); the first at row %d (line %d)", len(repeated), j+1, sub.Line(j)).
			WithCauses("write one row per row of the sample submission; drop duplicates")
	case len(extra) > 0:
		j := extra[0]
		return nil, core.Errorf(core.TypeSubmissionInvalid, "submission has %d row(s) whose key is not in the answers, e.g. %s", len(extra), describeKey(sub, opts.Keys, j)).
			WithDetails("the first at row %d (line %d)", j+1, sub.Line(j)).
			WithCauses("take the keys from the sample submission; check for rewritten numbers (1.0 for 1) or stray spaces")
	case len(missing) > 0:
		i := missing[0]
		return nil, core.Errorf(core.TypeSubmissionInvalid, "submission is missing %d row(s), e.g. %s", len(missing), describeKey(answers, opts.Keys, i)).
			WithCauses("write one row for every row of the sample submission")
	}
	return rows, nil
}

// ResolveColumns returns the id and target columns that Load would use for req (from the id_column
// and target_columns params, or the answers' header), for metrics that align rows some other way.
func ResolveColumns(req pluginapi.ScoreRequest) (Columns, error) {
	answers, err := readAnswers(req.AnswersPath)
	if err != nil {
		return Columns{}, err
	}
	return resolve(answers, req.Params)
}
