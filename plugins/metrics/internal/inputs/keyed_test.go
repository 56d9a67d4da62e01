package inputs

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
)

func keyedRequest(t *testing.T, answers, submission string) pluginapi.ScoreRequest {
	t.Helper()
	dir := t.TempDir()
	a, s := filepath.Join(dir, "answers.csv"), filepath.Join(dir, "submission.csv")
	if err := os.WriteFile(a, []byte(answers), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s, []byte(submission), 0o644); err != nil {
		t.Fatal(err)
	}
	return pluginapi.ScoreRequest{AnswersPath: a, SubmissionPath: s}
}

func TestLoadKeyed_PairsRowsByCompositeKey(t *testing.T) {
	req := keyedRequest(t, "trip,t,lat\na,1,10\na,2,20\nb,1,30\n", "trip,t,lat\nb,1,3\na,2,2\na, 1 ,1\n")
	k, err := LoadKeyed(req, KeyedOptions{Keys: []string{"trip", "t"}, Columns: []string{"lat"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := k.SubmissionFloats("lat")
	if err != nil || !slices.Equal(got, []float64{1, 2, 3}) {
		t.Errorf("got %v, %v; want the submission in answers order", got, err)
	}
}

func TestLoadKeyed_RepeatedKeysPairInFileOrder(t *testing.T) {
	req := keyedRequest(t, "id,v\n7,1\n8,2\n7,3\n", "id,v\n7,10\n8,20\n7,30\n")
	k, err := LoadKeyed(req, KeyedOptions{Keys: []string{"id"}, Columns: []string{"v"}, Duplicates: KeysInFileOrder})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := k.SubmissionFloats("v")
	if !slices.Equal(got, []float64{10, 20, 30}) {
		t.Errorf("got %v", got)
	}
	if d := k.Describe(2); d != `id "7" (submission line 4)` {
		t.Errorf("Describe(2) = %q", d)
	}
}

func TestLoadKeyed_NumericKeysCompareByValue(t *testing.T) {
	req := keyedRequest(t, "id,v\n1,1\n2,2\n", "id,v\n2.0,2\n1e0,1\n")
	if _, err := LoadKeyed(req, KeyedOptions{Keys: []string{"id"}, Columns: []string{"v"}}); core.TypeOf(err) != core.TypeSubmissionInvalid {
		t.Errorf("exact keys: got %v; want submission_invalid", err)
	}
	if _, err := LoadKeyed(req, KeyedOptions{Keys: []string{"id"}, Columns: []string{"v"}, NumericKeys: true}); err != nil {
		t.Errorf("numeric keys: %v", err)
	}
}

func TestLoadKeyed_ProblemsAreTypedAndNamed(t *testing.T) {
	tests := []struct {
		name, answers, submission string
		opts                      KeyedOptions
		want                      core.ErrorType
		mention                   []string
	}{
		{"a missing row", "k,v\na,1\nb,2\n", "k,v\na,1\n", KeyedOptions{}, core.TypeSubmissionInvalid, []string{"missing 1 row", `k "b"`}},
		{"an extra row", "k,v\na,1\n", "k,v\na,1\nz,2\n", KeyedOptions{}, core.TypeSubmissionInvalid, []string{`k "z"`, "line 3"}},
		{"a repeated submission key", "k,v\na,1\nb,1\n", "k,v\na,1\na,1\nb,1\n", KeyedOptions{}, core.TypeSubmissionInvalid, []string{"more than once", "line 3"}},
		{"a repeated answers key", "k,v\na,1\na,2\n", "k,v\na,1\na,2\n", KeyedOptions{}, core.TypeGroundTruth, []string{"more than once", "lines 2 and 3"}},
		{"a key repeated more than in the answers", "k,v\na,1\na,2\n", "k,v\na,1\na,2\na,3\n", KeyedOptions{Duplicates: KeysInFileOrder},
			core.TypeSubmissionInvalid, []string{"more often"}},
		{"a missing column", "k,v\na,1\n", "k\na\n", KeyedOptions{}, core.TypeSubmissionInvalid, []string{"v"}},
		{"an extra column", "k,v\na,1\n", "k,v,w\na,1,2\n", KeyedOptions{}, core.TypeSubmissionInvalid, []string{"w"}},
		{"an answers column the keys name", "k,v\na,1\n", "k,v\na,1\n", KeyedOptions{Keys: []string{"k", "time"}}, core.TypeGroundTruth, []string{"time"}},
		{"an unknown duplicates rule", "k,v\na,1\n", "k,v\na,1\n", KeyedOptions{Duplicates: "random"}, core.TypeInvalidArgument, []string{"random"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			if opts.Keys == nil {
				opts.Keys = []string{"k"}
			}
			opts.Columns = []string{"v"}
			_, err := LoadKeyed(keyedRequest(t, tt.answers, tt.submission), opts)
			e := core.AsError(err)
			if e == nil || e.Type != tt.want {
				t.Fatalf("got %v; want %s", err, tt.want)
			}
			for _, m := range tt.mention {
				if !strings.Contains(e.Message+" "+e.Details, m) {
					t.Errorf("%q does not mention %q", e.Message+" "+e.Details, m)
				}
			}
		})
	}
}

func TestKeyed_SubmissionFloatsNamesTheKey(t *testing.T) {
	req := keyedRequest(t, "trip,t,v\na,1,1\na,2,2\n", "trip,t,v\na,1,1\na,2,\n")
	k, err := LoadKeyed(req, KeyedOptions{Keys: []string{"trip", "t"}, Columns: []string{"v"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = k.SubmissionFloats("v")
	if e := core.AsError(err); e == nil || e.Type != core.TypeSubmissionInvalid || !strings.Contains(e.Message, `row 2 (line 3, trip "a", t "2")`) {
		t.Errorf("got %v", err)
	}
}

func TestKeyed_FloatMatricesPairRowsAndReportErrorsColumnByColumn(t *testing.T) {
	req := keyedRequest(t, "id,a,b\n1,1,2\n2,3,4\n", "id,a,b\n2,30,40\n1,10,20\n")
	k, err := LoadKeyed(req, KeyedOptions{Keys: []string{"id"}, Columns: []string{"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	truth, pred, err := k.FloatMatrices("b", "a")
	if err != nil || !slices.Equal(truth, []float64{2, 1, 4, 3}) || !slices.Equal(pred, []float64{20, 10, 40, 30}) {
		t.Errorf("FloatMatrices = %v, %v, %v", truth, pred, err)
	}
	// The submission's bad value in a comes before the answers' in b, as reading a then b finds.
	req = keyedRequest(t, "id,a,b\n1,1,x\n2,3,4\n", "id,a,b\n2,,40\n1,10,20\n")
	if k, err = LoadKeyed(req, KeyedOptions{Keys: []string{"id"}, Columns: []string{"a", "b"}}); err != nil {
		t.Fatal(err)
	}
	_, _, err = k.FloatMatrices("a", "b")
	if e := core.AsError(err); e == nil || e.Type != core.TypeSubmissionInvalid || !strings.Contains(e.Message, `column "a"`) {
		t.Errorf("got %v; want the submission's empty a", err)
	}
}
