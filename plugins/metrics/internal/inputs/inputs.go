// Package inputs turns a metric ScoreRequest into aligned answer and submission columns: it resolves
// the id and target columns from params (or the answers' header), reads both files with sdk/table,
// aligns them by id, and keeps recently used answers in memory, since an episode scores many
// submissions against the same answers.
//
// Start with Load.
package inputs

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk/table"
)

// Common params every metric of these families accepts.
const (
	ParamIDColumn          = "id_column"
	ParamTargetColumns     = "target_columns"
	ParamTargetColumn      = "target_column"
	ParamAllowExtraColumns = "allow_extra_columns"
	ParamNumericIDs        = "numeric_ids"
)

// CommonParams lists the params Load reads.
var CommonParams = []string{ParamIDColumn, ParamTargetColumns, ParamTargetColumn, ParamAllowExtraColumns, ParamNumericIDs}

// Columns are the resolved id and target column names.
type Columns struct {
	ID      string
	Targets []string
}

// Inputs are aligned answers and submission.
type Inputs struct {
	Columns
	Pair *table.Pair
}

// Options vary how the submission's columns relate to the answers'.
type Options struct {
	// SubmissionColumns, when set, names the submission's value columns given the answers' columns
	// and the submission's header (for example one probability column per class against one label
	// column). By default the submission has the answers' target columns.
	SubmissionColumns func(cols Columns, submissionHeader []string) ([]string, error)
}

// Load resolves columns and aligns the submission to the answers by id.
func Load(req pluginapi.ScoreRequest, opts Options) (*Inputs, error) {
	var cols Columns
	var allowExtra, numericIDs bool
	answers, submission, err := readBoth(req, nil, extraColumnsAllowed(req.Params), func(answers *table.Table) ([]string, error) {
		var err error
		if cols, err = resolve(answers, req.Params); err != nil {
			return nil, err
		}
		if allowExtra, err = req.Params.Bool(ParamAllowExtraColumns, false); err != nil {
			return nil, err
		}
		if numericIDs, err = req.Params.Bool(ParamNumericIDs, false); err != nil {
			return nil, err
		}
		if opts.SubmissionColumns != nil {
			return nil, nil // the header decides which columns matter, so read it whole
		}
		return append([]string{cols.ID}, cols.Targets...), nil
	})
	if err != nil {
		return nil, err
	}
	subCols := cols.Targets
	if opts.SubmissionColumns != nil {
		if subCols, err = opts.SubmissionColumns(cols, submission.Header()); err != nil {
			return nil, err
		}
	}
	pairOpts := table.PairOptions{IDColumn: cols.ID, Columns: subCols, AllowExtraColumns: allowExtra}
	if numericIDs {
		pairOpts.IDMatch = table.IDNumeric
	}
	if opts.SubmissionColumns != nil {
		// The answers hold labels, not the submission's columns: check those against the submission
		// alone, then align on ids.
		if err := requireColumns(submission, cols.ID, subCols, allowExtra); err != nil {
			return nil, err
		}
		pairOpts.Columns = nil
		pairOpts.AllowExtraColumns = true
	}
	pair, err := table.NewPair(answers, submission, pairOpts)
	if err != nil {
		return nil, err
	}
	return &Inputs{Columns: cols, Pair: pair}, nil
}

// extraColumnsAllowed reports whether the params let the submission carry columns beyond those
// scored (or cannot be read, which Load reports later).
func extraColumnsAllowed(p core.Params) bool {
	allow, err := p.Bool(ParamAllowExtraColumns, false)
	return allow || err != nil
}

// readBoth reads the answers, through the cache, and the submission: at the same time when there
// are two or more CPUs. check runs on the answers once they are read and returns the submission
// columns to index (nil: every column); its error comes before any about the submission, as if the
// files were read one after the other. A caller that knows those columns before the answers are
// read passes them as known. Otherwise the submission is read meanwhile with every column indexed,
// which costs nothing more when it holds only the columns it must (others are an error), unless
// extra says other columns may be there: then the files are read in turn.
func readBoth(req pluginapi.ScoreRequest, known []string, extra bool, check func(answers *table.Table) ([]string, error)) (answers, submission *table.Table, err error) {
	read := func(keep []string) (*table.Table, error) {
		return table.ReadFile(req.SubmissionPath, table.ReadOptions{Name: "submission", ErrorType: core.TypeSubmissionInvalid, Columns: keep})
	}
	if runtime.GOMAXPROCS(0) < 2 || (known == nil && extra) {
		if answers, err = readAnswers(req.AnswersPath); err != nil {
			return nil, nil, err
		}
		keep, err := check(answers)
		if err != nil {
			return nil, nil, err
		}
		if submission, err = read(keep); err != nil {
			return nil, nil, err
		}
		return answers, submission, nil
	}
	var subErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		submission, subErr = read(known)
	}()
	answers, err = readAnswers(req.AnswersPath)
	if err == nil {
		_, err = check(answers)
	}
	<-done
	if err == nil {
		err = subErr
	}
	if err != nil {
		return nil, nil, err
	}
	return answers, submission, nil
}

func resolve(answers *table.Table, p core.Params) (Columns, error) {
	header := answers.Header()
	id, err := p.String(ParamIDColumn, header[0])
	if err != nil {
		return Columns{}, err
	}
	if !answers.Has(id) {
		return Columns{}, core.Errorf(core.TypeGroundTruth, "answers have no id column %q", id).
			WithDetails("answers columns: %s", strings.Join(header, ", ")).
			WithCauses("set the metric's id_column param to one of the answers' columns")
	}
	targets, err := p.Strings(ParamTargetColumns, nil)
	if err != nil {
		return Columns{}, err
	}
	if one, err := p.String(ParamTargetColumn, ""); err != nil {
		return Columns{}, err
	} else if one != "" {
		targets = append(targets, one)
	}
	if len(targets) == 0 {
		for _, h := range header {
			if h != id {
				targets = append(targets, h)
			}
		}
	}
	if len(targets) == 0 {
		return Columns{}, core.Errorf(core.TypeGroundTruth, "answers have only the id column %q", id).
			WithCauses("the answers file needs a target column besides the id")
	}
	for _, t := range targets {
		if !answers.Has(t) {
			return Columns{}, core.Errorf(core.TypeGroundTruth, "answers have no target column %q", t).
				WithDetails("answers columns: %s", strings.Join(header, ", ")).
				WithCauses("fix the metric's target_columns param")
		}
	}
	return Columns{ID: id, Targets: targets}, nil
}

func requireColumns(sub *table.Table, id string, cols []string, allowExtra bool) error {
	var missing []string
	for _, c := range append([]string{id}, cols...) {
		if !sub.Has(c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return core.Errorf(core.TypeSubmissionInvalid, "submission is missing column(s) %s", strings.Join(missing, ", ")).
			WithDetails("submission columns: %s", strings.Join(sub.Header(), ", ")).
			WithCauses("write the columns of the sample submission, with the same names")
	}
	if !allowExtra && len(sub.Header()) > len(cols)+1 {
		want := map[string]bool{id: true}
		for _, c := range cols {
			want[c] = true
		}
		var extra []string
		for _, h := range sub.Header() {
			if !want[h] {
				extra = append(extra, h)
			}
		}
		return core.Errorf(core.TypeSubmissionInvalid, "submission has unexpected column(s) %s", strings.Join(extra, ", ")).
			WithCauses("drop columns the sample submission does not have (with pandas, to_csv(index=False))")
	}
	return nil
}

// answersCache keeps the last few answers files parsed, keyed by path, size and modification time.
var answersCache = struct {
	sync.Mutex
	entries map[string]cachedAnswers
}{entries: map[string]cachedAnswers{}}

type cachedAnswers struct {
	size  int64
	mtime time.Time
	t     *table.Table
	used  time.Time
}

const answersCacheSize = 4

// racyWindow is how old a file's modification time must be before its contents are cached. A file
// rewritten with the same size within one tick of the file system's clock (jiffies on many kernels,
// seconds on some file systems) keeps its mtime, so a recently modified file is read every time;
// as in git's "racily clean" index entries.
var racyWindow = 2 * time.Second

func readAnswers(path string) (*table.Table, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, core.Errorf(core.TypeGroundTruth, "cannot read the answers file: %w", err).
			WithCauses("prepare the competition's data (dojo prepare), or pass the right --answers path")
	}
	readAt := time.Now()
	answersCache.Lock()
	if c, ok := answersCache.entries[path]; ok && c.size == st.Size() && c.mtime.Equal(st.ModTime()) {
		c.used = time.Now()
		answersCache.entries[path] = c
		answersCache.Unlock()
		return c.t, nil
	}
	answersCache.Unlock()
	t, err := table.ReadFile(path, table.ReadOptions{Name: "answers", ErrorType: core.TypeGroundTruth})
	if err != nil {
		return nil, err
	}
	answersCache.Lock()
	defer answersCache.Unlock()
	if !st.ModTime().Before(readAt.Add(-racyWindow)) {
		delete(answersCache.entries, path)
		return t, nil
	}
	if len(answersCache.entries) >= answersCacheSize {
		oldest := ""
		for k, v := range answersCache.entries {
			if oldest == "" || v.used.Before(answersCache.entries[oldest].used) {
				oldest = k
			}
		}
		delete(answersCache.entries, oldest)
	}
	answersCache.entries[path] = cachedAnswers{size: st.Size(), mtime: st.ModTime(), t: t, used: time.Now()}
	return t, nil
}

// Labels returns a column's values as class labels. When every value in both columns is a number,
// labels are the numbers' canonical spelling, so "1" and "1.0" are one class, as they are to pandas
// and scikit-learn; otherwise they are the trimmed strings. Each distinct value is parsed once.
func Labels(truth, pred []string) (t, p []string) {
	if numeric(truth) && numeric(pred) {
		return canonical(truth), canonical(pred)
	}
	return trimAll(truth), trimAll(pred)
}

// Label canonicalises one label the same way Labels would for a numeric column.
func Label(s string, numericLabels bool) string {
	if numericLabels {
		if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
			return strconv.FormatFloat(f, 'g', -1, 64)
		}
	}
	return strings.TrimSpace(s)
}

func isNumber(v string) bool {
	_, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	return err == nil
}

func numeric(vals []string) bool {
	memo := NewMemo(isNumber)
	for _, v := range vals {
		if !memo.OfString(v) {
			return false
		}
	}
	return true
}

// IsNumeric reports whether every value parses as a number.
func IsNumeric(vals []string) bool { return numeric(vals) }

func canonical(vals []string) []string {
	memo := NewMemo(func(v string) string { return Label(v, true) })
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = memo.OfString(v)
	}
	return out
}

func trimAll(vals []string) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = strings.TrimSpace(v)
	}
	return out
}
