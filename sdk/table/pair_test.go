package table

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/mledojo/dojo/core"
)

// writePair writes answers and submission files into a fresh directory and returns their paths.
func writePair(t *testing.T, answers, submission string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	a, s := filepath.Join(dir, "answers.csv"), filepath.Join(dir, "submission.csv")
	if err := os.WriteFile(a, []byte(answers), 0o600); err != nil {
		t.Fatal(err)
	}
	if submission != "" {
		if err := os.WriteFile(s, []byte(submission), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return a, s
}

func TestLoadPair_AlignsValuesById(t *testing.T) {
	a, s := writePair(t, "id,target,Usage\nx,1,Public\ny,2,Private\nz,3,Public\n", "id,target\nz,0.3\nx,0.1\ny,0.2\n")
	p, err := LoadPair(a, s, idTarget)
	if err != nil {
		t.Fatal(err)
	}
	want, err := p.AnswerFloats("target")
	if err != nil || !reflect.DeepEqual(want, []float64{1, 2, 3}) {
		t.Errorf("AnswerFloats = %v, %v", want, err)
	}
	got, err := p.SubmissionFloats("target")
	if err != nil || !reflect.DeepEqual(got, []float64{0.1, 0.2, 0.3}) {
		t.Errorf("SubmissionFloats = %v, %v", got, err)
	}
	strs, err := p.SubmissionStrings("target")
	if err != nil || !reflect.DeepEqual(strs, []string{"0.1", "0.2", "0.3"}) {
		t.Errorf("SubmissionStrings = %q, %v", strs, err)
	}
	if ids := p.IDs(); !reflect.DeepEqual(ids, []string{"x", "y", "z"}) || p.Len() != 3 {
		t.Errorf("IDs = %q, Len = %d", ids, p.Len())
	}
	if _, err := p.AnswerStrings("Usage"); err == nil {
		t.Error("AnswerStrings(Usage) succeeded on a column LoadPair does not keep")
	}
}

func TestLoadPair_InOrderSubmissionKeepsValues(t *testing.T) {
	a, s := writePair(t, "id,target\nx,1\ny,2\n", "id,target\nx,5\ny,6\n")
	p, err := LoadPair(a, s, idTarget)
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.SubmissionFloats("target")
	if err != nil || !reflect.DeepEqual(got, []float64{5, 6}) || !p.Alignment.InOrder() {
		t.Errorf("SubmissionFloats = %v, %v", got, err)
	}
	want, err := p.AnswerStrings("target")
	if err != nil || !reflect.DeepEqual(want, []string{"1", "2"}) {
		t.Errorf("AnswerStrings = %q, %v", want, err)
	}
}

func TestPair_SubmissionFloatsNameRowLineColumnAndId(t *testing.T) {
	a, s := writePair(t, "id,target\nx,1\ny,2\n", "id,target\ny,0.2\n\n x ,oops\n")
	p, err := LoadPair(a, s, idTarget)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.SubmissionFloats("target")
	requireError(t, err, core.TypeSubmissionInvalid, `submission column "target", row 2 (line 4, id "x")`, `"oops" is not a number`)
	_, err = p.SubmissionFloats("nope")
	requireError(t, err, core.TypeSubmissionInvalid, `no column "nope"`)
}

func TestLoadPair_ReportsEachFilesProblemWithItsType(t *testing.T) {
	tests := []struct {
		name, answers, submission string
		typ                       core.ErrorType
		fragments                 []string
	}{
		{"SubmissionMissing", "id,target\nx,1\n", "", core.TypeSubmissionNotFound, []string{"submission file"}},
		{"SubmissionEmpty", "id,target\nx,1\n", "\n", core.TypeSubmissionInvalid, []string{"submission file is empty"}},
		{"AnswersRagged", "id,target\nx\n", "id,target\nx,1\n", core.TypeGroundTruth, []string{"answers row 1 has 1 fields"}},
		{"SubmissionIdsWrong", "id,target\nx,1\n", "id,target\ny,1\n", core.TypeSubmissionInvalid, []string{"1 missing, 1 not in the answers"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, s := writePair(t, tt.answers, tt.submission)
			_, err := LoadPair(a, s, idTarget)
			requireError(t, err, tt.typ, tt.fragments...)
		})
	}
}

func TestPair_AnswerFloatsRejectionsAreGroundTruth(t *testing.T) {
	a, s := writePair(t, "id,target\nx,\n", "id,target\nx,1\n")
	p, err := LoadPair(a, s, idTarget)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.AnswerFloats("target")
	requireError(t, err, core.TypeGroundTruth, `answers column "target", row 1 (line 2)`, "is empty")
}
