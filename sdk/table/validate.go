package table

import (
	"fmt"
	"strings"

	"github.com/mledojo/dojo/core"
)

// maxExamples caps how many ids an error lists.
const maxExamples = 5

// checkColumns checks both headers against opts before any id is compared.
func checkColumns(answers, submission *Table, opts PairOptions) error {
	if opts.IDColumn == "" {
		return core.Errorf(core.TypeInvalidArgument, "PairOptions.IDColumn is empty").
			WithCauses("name the id column in the metric's parameters")
	}
	expected := []string{opts.IDColumn}
	for _, c := range opts.Columns {
		if !contains(expected, c) {
			expected = append(expected, c)
		}
	}
	var lacking []string
	for _, c := range expected {
		if !answers.Has(c) {
			lacking = append(lacking, c)
		}
	}
	if len(lacking) > 0 {
		return core.Errorf(core.TypeGroundTruth, "answers lack column(s) %s", quoteList(lacking, 20)).
			WithDetails("answers columns: %s", quoteList(answers.Header(), 20)).
			WithCauses("the competition's id or target column setting does not match its answers file")
	}
	var missing, extra []string
	for _, c := range expected {
		if !submission.Has(c) {
			missing = append(missing, c)
		}
	}
	if !opts.AllowExtraColumns {
		for _, c := range submission.Header() {
			if !contains(expected, c) {
				extra = append(extra, c)
			}
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return nil
	}
	var msg string
	switch {
	case len(extra) == 0:
		msg = fmt.Sprintf("submission lacks column(s) %s", quoteList(missing, 20))
	case len(missing) == 0:
		msg = fmt.Sprintf("submission has unexpected column(s) %s", quoteList(extra, 20))
	default:
		msg = fmt.Sprintf("submission lacks column(s) %s and has unexpected column(s) %s",
			quoteList(missing, 20), quoteList(extra, 20))
	}
	return core.Errorf(core.TypeSubmissionInvalid, "%s", msg).
		WithDetails("expected columns: %s; found: %s", quoteList(expected, 20), quoteList(submission.Header(), 20)).
		WithCauses(columnCauses(expected, missing, extra)...)
}

// columnCauses guesses why the header is wrong, most specific guess first.
func columnCauses(expected, missing, extra []string) []string {
	var causes []string
	for _, x := range extra {
		if x == "" || strings.HasPrefix(x, "Unnamed:") {
			causes = append(causes, "a column has no name: the DataFrame index was written; pass index=False to to_csv")
			break
		}
	}
	for _, m := range missing {
		for _, x := range extra {
			if x != m && strings.EqualFold(strings.TrimSpace(x), m) {
				causes = append(causes, fmt.Sprintf("rename column %q to %q: names are compared exactly, case and spaces included", x, m))
			}
		}
	}
	return append(causes, "use the sample submission's header: "+strings.Join(expected, ","))
}

// problems collects what is wrong with the submission's ids: pairs of rows sharing an id, rows whose
// id the answers lack, and answers rows no submission row matched.
type problems struct {
	dups    [][2]int
	extra   []int
	missing []int
}

func (p *problems) err(answers, submission *Table, aKeys, sKeys *idKeys, opts PairOptions) error {
	if len(p.dups) > 0 {
		d := p.dups[0]
		id := string(trimSpace(sKeys.col.Bytes(d[1])))
		return core.Errorf(core.TypeSubmissionInvalid, "submission lists id %s more than once", quoteShort(id)).
			WithDetails("rows %d and %d (lines %d and %d); %d repeated row(s) in all",
				d[0]+1, d[1]+1, submission.Line(d[0]), submission.Line(d[1]), len(p.dups)).
			WithCauses("write exactly one row per id (e.g. drop_duplicates on the id column)")
	}
	if len(p.missing) == 0 && len(p.extra) == 0 {
		return nil
	}
	var msg string
	switch {
	case len(p.extra) == 0:
		msg = fmt.Sprintf("submission is missing %d of the %d ids in the answers", len(p.missing), answers.Len())
	case len(p.missing) == 0:
		msg = fmt.Sprintf("submission has %d row(s) whose id is not in the answers", len(p.extra))
	default:
		msg = fmt.Sprintf("submission ids do not match the answers: %d missing, %d not in the answers",
			len(p.missing), len(p.extra))
	}
	var details []string
	if len(p.missing) > 0 {
		details = append(details, "missing ids: "+idExamples(aKeys, answers, p.missing))
	}
	if len(p.extra) > 0 {
		details = append(details, "ids not in the answers: "+idExamples(sKeys, submission, p.extra))
	}
	details = append(details, fmt.Sprintf("the submission has %d rows, the answers %d", submission.Len(), answers.Len()))
	var causes []string
	if opts.IDMatch == IDExact {
		if a, s, ok := numericMismatch(aKeys, sKeys, p.missing, p.extra); ok {
			causes = append(causes, fmt.Sprintf("ids are numbers spelt differently (%s in the submission, %s in the answers): write ids exactly as the sample submission does, e.g. as integers",
				quoteShort(s), quoteShort(a)))
		}
	}
	if len(p.missing) > 0 {
		causes = append(causes, "predict every id of the test set; the sample submission lists them all")
	}
	if len(p.extra) > 0 {
		causes = append(causes, "use the test set's ids, not the training set's or row numbers")
	}
	return core.Errorf(core.TypeSubmissionInvalid, "%s", msg).
		WithDetails("%s", strings.Join(details, "; ")).
		WithCauses(causes...)
}

// idExamples lists the first few ids of rows, with their rows and lines.
func idExamples(keys *idKeys, t *Table, rows []int) string {
	var b strings.Builder
	for n, r := range rows {
		if n == maxExamples {
			fmt.Fprintf(&b, ", and %d more", len(rows)-n)
			break
		}
		if n > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (row %d, line %d)", quoteShort(string(trimSpace(keys.col.Bytes(r)))), r+1, t.Line(r))
	}
	return b.String()
}

// numericMismatch looks, among a bounded number of missing and unexpected ids, for a pair that is the
// same number spelt two ways ("1" and "1.0"), which exact matching treats as different ids.
func numericMismatch(aKeys, sKeys *idKeys, missing, extra []int) (answersID, submissionID string, ok bool) {
	const limit = 10000
	canon := make(map[string]int, min(len(missing), limit))
	var buf []byte
	for _, r := range missing[:min(len(missing), limit)] {
		buf = appendCanonicalID(buf[:0], aKeys.at(r))
		if len(buf) > 0 && buf[0] == 'n' {
			canon[string(buf)] = r
		}
	}
	for _, r := range extra[:min(len(extra), limit)] {
		buf = appendCanonicalID(buf[:0], sKeys.at(r))
		if a, found := canon[string(buf)]; found {
			return string(aKeys.at(a)), string(sKeys.at(r)), true
		}
	}
	return "", "", false
}
