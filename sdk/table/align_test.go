package table

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
)

func readAnswers(t *testing.T, data string) *Table {
	t.Helper()
	tab, err := Read([]byte(data), ReadOptions{ErrorType: core.TypeGroundTruth})
	if err != nil {
		t.Fatalf("answers %q: %v", data, err)
	}
	return tab
}

// alignRows aligns and returns, for each answers row, the submission row it maps to.
func alignRows(t *testing.T, answers, submission string, opts PairOptions) (*Alignment, []int) {
	t.Helper()
	a, err := Align(readAnswers(t, answers), mustRead(t, submission), opts)
	if err != nil {
		t.Fatalf("Align: %v", err)
	}
	rows := make([]int, a.Len())
	for i := range rows {
		rows[i] = a.SubmissionRow(i)
	}
	return a, rows
}

var idTarget = PairOptions{IDColumn: "id", Columns: []string{"target"}}

func TestAlign_InOrderIdsNeedNoPermutation(t *testing.T) {
	a, rows := alignRows(t, "id,target\na,1\nb,2\nc,3\n", "id,target\na,9\nb,8\nc,7\n", idTarget)
	if !a.InOrder() || fmt.Sprint(rows) != "[0 1 2]" {
		t.Errorf("InOrder = %v, rows = %v", a.InOrder(), rows)
	}
}

func TestAlign_ShuffledRowsAlignById(t *testing.T) {
	a, rows := alignRows(t, "id,target\na,1\nb,2\nc,3\n", "target,id\n7,c\n9,a\n8,b\n", idTarget)
	if a.InOrder() || fmt.Sprint(rows) != "[1 2 0]" {
		t.Errorf("InOrder = %v, rows = %v", a.InOrder(), rows)
	}
}

func TestAlign_IdsCompareAfterTrimmingSpaces(t *testing.T) {
	_, rows := alignRows(t, "id,target\n1,0\n2,0\n", "id,target\n\" 1 \",0\n2\t,0\n", idTarget)
	if fmt.Sprint(rows) != "[0 1]" {
		t.Errorf("in order: rows = %v", rows)
	}
	_, rows = alignRows(t, "id,target\n1,0\n2,0\n", "id,target\n2 ,0\n 1,0\n", idTarget)
	if fmt.Sprint(rows) != "[1 0]" {
		t.Errorf("shuffled: rows = %v", rows)
	}
}

func TestAlign_NumericIdsSpeltDifferentlyDoNotMatchByDefault(t *testing.T) {
	_, err := Align(readAnswers(t, "id,target\n1,0\n2,0\n"), mustRead(t, "id,target\n1.0,0\n2.0,0\n"), idTarget)
	requireError(t, err, core.TypeSubmissionInvalid, "2 missing, 2 not in the answers",
		`numbers spelt differently ("1.0" in the submission, "1" in the answers)`)
}

func TestAlign_IDNumericMatchesNumbersByValue(t *testing.T) {
	opts := idTarget
	opts.IDMatch = IDNumeric
	_, rows := alignRows(t, "id,target\n1,0\n20,0\nx,0\n", "id,target\n2e1,0\nx,0\n1.0,0\n", opts)
	if fmt.Sprint(rows) != "[2 0 1]" {
		t.Errorf("rows = %v", rows)
	}
	_, rows = alignRows(t, "id,target\n1,0\n20,0\n", "id,target\n1.000,0\n20.0,0\n", opts)
	if fmt.Sprint(rows) != "[0 1]" {
		t.Errorf("in order: rows = %v", rows)
	}
}

func TestAlign_DuplicateAnswerIdsInOrderPairByPosition(t *testing.T) {
	_, rows := alignRows(t, "id,target\na,1\na,2\n", "id,target\na,1\na,2\n", idTarget)
	if fmt.Sprint(rows) != "[0 1]" {
		t.Errorf("rows = %v", rows)
	}
}

func TestAlign_RejectsBadSubmissions(t *testing.T) {
	const answers = "id,target\na,1\nb,2\nc,3\n"
	tests := []struct {
		name       string
		submission string
		opts       PairOptions
		fragments  []string
	}{
		{"MissingIdColumn", "ID,target\na,1\n", idTarget,
			[]string{`lacks column(s) "id"`, `unexpected column(s) "ID"`, `rename column "ID" to "id"`, `found: "ID", "target"`}},
		{"SpaceInHeaderName", "id, target\na,1\nb,2\nc,3\n", idTarget, []string{`rename column " target" to "target"`}},
		{"MissingValueColumn", "id\na\nb\nc\n", idTarget, []string{`lacks column(s) "target"`, "id,target"}},
		{"UnexpectedColumn", "id,target,extra\na,1,x\nb,2,x\nc,3,x\n", idTarget, []string{`unexpected column(s) "extra"`}},
		{"WrittenIndex", ",id,target\n0,a,1\n1,b,2\n2,c,3\n", idTarget, []string{`unexpected column(s) ""`, "index=False"}},
		{"PandasUnnamedIndex", "Unnamed: 0,id,target\n0,a,1\n1,b,2\n2,c,3\n", idTarget, []string{"index=False"}},
		{"DuplicateIds", "id,target\na,1\nb,2\nc,3\nb,4\n", idTarget,
			[]string{`id "b" more than once`, "rows 2 and 4 (lines 3 and 5)", "1 repeated row(s)"}},
		{"MissingIds", "id,target\nc,3\na,1\n", idTarget,
			[]string{"missing 1 of the 3 ids", `missing ids: "b" (row 2, line 3)`, "2 rows, the answers 3", "predict every id"}},
		{"ExtraIds", "id,target\nc,3\na,1\nb,2\nzz,0\n", idTarget,
			[]string{"1 row(s) whose id is not in the answers", `"zz" (row 4, line 5)`, "test set's ids"}},
		{"MissingAndExtraIds", "id,target\nc,3\na,1\nzz,0\n", idTarget,
			[]string{"1 missing, 1 not in the answers", `missing ids: "b"`, `not in the answers: "zz"`}},
		{"ManyMissingIdsListFew", "id,target\nq,0\n", idTarget, []string{"3 missing, 1 not in the answers", `"a" (row 1, line 2), "b"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Align(readAnswers(t, answers), mustRead(t, tt.submission), tt.opts)
			requireError(t, err, core.TypeSubmissionInvalid, tt.fragments...)
		})
	}
}

func TestAlign_ListsAtMostFiveExampleIds(t *testing.T) {
	var ans, sub strings.Builder
	ans.WriteString("id,target\n")
	sub.WriteString("id,target\n")
	for i := range 20 {
		fmt.Fprintf(&ans, "a%d,0\n", i)
	}
	sub.WriteString("a0,0\n")
	_, err := Align(readAnswers(t, ans.String()), mustRead(t, sub.String()), idTarget)
	e := requireError(t, err, core.TypeSubmissionInvalid, "missing 19 of the 20 ids", "and 14 more")
	if strings.Contains(e.Details, `"a6"`) {
		t.Errorf("details list more than five ids: %s", e.Details)
	}
}

func TestAlign_AllowExtraColumns(t *testing.T) {
	opts := idTarget
	opts.AllowExtraColumns = true
	_, rows := alignRows(t, "id,target\na,1\n", "note,target,id\nx,1,a\n", opts)
	if fmt.Sprint(rows) != "[0]" {
		t.Errorf("rows = %v", rows)
	}
}

func TestAlign_AnswersProblemsAreGroundTruth(t *testing.T) {
	tests := []struct {
		name, answers, submission string
		fragments                 []string
	}{
		{"AnswersLackIdColumn", "key,target\na,1\n", "id,target\na,1\n", []string{`answers lack column(s) "id"`}},
		{"AnswersLackValueColumn", "id\na\n", "id,target\na,1\n", []string{`answers lack column(s) "target"`}},
		{"AnswersRepeatAnId", "id,target\na,1\nb,2\na,3\n", "id,target\nb,2\na,1\nc,3\n",
			[]string{`answers hold id "a" more than once`, "rows 1 and 3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Align(readAnswers(t, tt.answers), mustRead(t, tt.submission), idTarget)
			requireError(t, err, core.TypeGroundTruth, tt.fragments...)
		})
	}
}

func TestAlign_CallerMistakesAreInvalidArgument(t *testing.T) {
	answers := readAnswers(t, "id,target\na,1\n")
	_, err := Align(answers, mustRead(t, "id,target\na,1\n"), PairOptions{})
	requireError(t, err, core.TypeInvalidArgument, "IDColumn is empty")
	notKept, err := Read([]byte("id,target\na,1\n"), ReadOptions{Columns: []string{"target"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Align(answers, notKept, idTarget)
	requireError(t, err, core.TypeInvalidArgument, "not kept")
}

func TestAlign_LargeShuffledSubmission(t *testing.T) {
	withSmallChunks(t)
	const n = 5000
	var ans, sub strings.Builder
	ans.WriteString("id,target\n")
	sub.WriteString("id,target\n")
	for i := range n {
		fmt.Fprintf(&ans, "row%d,%d\n", i, i)
		fmt.Fprintf(&sub, "row%d,%d\n", (i*7919)%n, (i*7919)%n)
	}
	a, rows := alignRows(t, ans.String(), sub.String(), idTarget)
	if a.InOrder() {
		t.Fatal("InOrder for a shuffled submission")
	}
	for i, j := range rows {
		if (j*7919)%n != i {
			t.Fatalf("answers row %d maps to submission row %d", i, j)
		}
	}
}

func TestAlign_ReportsFirstRepeatedAnswerIdAcrossRegions(t *testing.T) {
	withSmallChunks(t)
	var ans, sub strings.Builder
	ans.WriteString("id,target\n")
	sub.WriteString("id,target\n")
	for i := range 5000 {
		id := i
		switch i {
		case 4000:
			id = 10
		case 3000:
			id = 20
		}
		fmt.Fprintf(&ans, "k%d,0\n", id)
		fmt.Fprintf(&sub, "k%d,0\n", 4999-i)
	}
	_, err := Align(readAnswers(t, ans.String()), mustRead(t, sub.String()), idTarget)
	requireError(t, err, core.TypeGroundTruth, `id "k20" more than once`, "rows 21 and 3001 (lines 22 and 3002)")
}
