package inputs

import (
	"slices"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/sdk/table"
)

func answersTable(t *testing.T, csv string) *table.Table {
	t.Helper()
	tb, err := table.Read([]byte(csv), table.ReadOptions{Name: "answers", ErrorType: core.TypeGroundTruth})
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func TestFilters_SelectRowsEveryWayTheyAreWritten(t *testing.T) {
	answers := answersTable(t, "id,u_out,keep,phase,x\n1,0,True,in,0.5\n2,1,False,out,0.1\n3,0.0,true,in,0.9\n4,1,1,out,0.4\n")
	tests := []struct {
		name   string
		filter any
		want   []int
	}{
		{"an object with a number", map[string]any{"column": "u_out", "op": "==", "value": 0.0}, []int{0, 2}},
		{"an object with an int, as YAML gives it", map[string]any{"column": "u_out", "op": "==", "value": 0}, []int{0, 2}},
		{"an object with a boolean, read as pandas writes one", map[string]any{"column": "keep", "op": "==", "value": true}, []int{0, 2, 3}},
		{"text", "u_out != 0", []int{1, 3}},
		{"text with a boolean", "keep==False", []int{1}},
		{"text with a quoted string", `phase == "in"`, []int{0, 2}},
		{"an ordering", "x > 0.4", []int{0, 2}},
		{"an ordering with equality", "x >= 0.4", []int{0, 2, 3}},
		{"JSON text", `{"column": "x", "op": "<", "value": 0.45}`, []int{1, 3}},
		{"a list: every filter must hold", []any{"keep == true", map[string]any{"column": "x", "op": "<=", "value": 0.5}}, []int{0, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := ParseFilters(core.Params{ParamFilter: tt.filter})
			if err != nil {
				t.Fatal(err)
			}
			got, err := fs.Rows(answers)
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("rows %v (%v), want %v", got, err, tt.want)
			}
		})
	}
}

func TestFilters_NoParamMeansEveryRow(t *testing.T) {
	fs, err := ParseFilters(core.Params{})
	if err != nil || fs != nil {
		t.Fatalf("got %v, %v", fs, err)
	}
	rows, err := fs.Rows(answersTable(t, "id\n1\n"))
	if err != nil || rows != nil {
		t.Errorf("got %v, %v; want nil (every row)", rows, err)
	}
}

func TestFilters_BadFiltersAreTypedErrors(t *testing.T) {
	answers := answersTable(t, "id,u_out,name\n1,0,a\n2,x,b\n")
	tests := []struct {
		name    string
		filter  any
		want    core.ErrorType
		atParse bool
	}{
		{"no operator", "u_out 0", core.TypeInvalidArgument, true},
		{"unknown operator", map[string]any{"column": "u_out", "op": "=~", "value": 0}, core.TypeInvalidArgument, true},
		{"no column", map[string]any{"op": "==", "value": 0}, core.TypeInvalidArgument, true},
		{"unknown key", map[string]any{"column": "u_out", "op": "==", "value": 0, "and": 1}, core.TypeInvalidArgument, true},
		{"an ordering of text", `name < "b"`, core.TypeInvalidArgument, true},
		{"broken JSON", `{"column": "u_out"`, core.TypeInvalidArgument, true},
		{"a column the answers lack", "u_in == 0", core.TypeGroundTruth, false},
		{"a cell that is not a number", "u_out == 0", core.TypeGroundTruth, false},
		{"a cell that is not a boolean", "name == true", core.TypeGroundTruth, false},
		{"nothing passes", "u_out > 5", core.TypeGroundTruth, false},
	}
	tests[len(tests)-1].want = core.TypeEvaluation
	answersOK := answersTable(t, "id,u_out,name\n1,0,a\n2,1,b\n")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := ParseFilters(core.Params{ParamFilter: tt.filter})
			if !tt.atParse {
				if err != nil {
					t.Fatal(err)
				}
				tb := answers
				if tt.want == core.TypeEvaluation {
					tb = answersOK
				}
				_, err = fs.Rows(tb)
			}
			if core.TypeOf(err) != tt.want {
				t.Errorf("got %v; want an error of type %s", err, tt.want)
			}
		})
	}
}

func TestFilters_ErrorNamesRowLineAndColumn(t *testing.T) {
	fs, _ := ParseFilters(core.Params{ParamFilter: "u_out == 0"})
	_, err := fs.Rows(answersTable(t, "id,u_out\n1,0\n2,zero\n"))
	e := core.AsError(err)
	if e == nil || e.Message != `answers column "u_out", row 2 (line 3): the value "zero" is not a number` {
		t.Errorf("got %v", err)
	}
}

func TestParseBool_AcceptsPandasAndNumericSpellings(t *testing.T) {
	for cell, want := range map[string]bool{"True": true, "FALSE": false, " true ": true, "1": true, "0.0": false, "1.0": true} {
		if got, err := ParseBool(cell); err != nil || got != want {
			t.Errorf("%q: got %v, %v; want %v", cell, got, err, want)
		}
	}
	for _, cell := range []string{"", "2", "maybe"} {
		if _, err := ParseBool(cell); err == nil {
			t.Errorf("%q: accepted", cell)
		}
	}
}

func TestFloatsOrMissing_EmptyAndNaNAreMissing(t *testing.T) {
	tb := answersTable(t, "id,y\n1,1.5\n2,\n3,NaN\n4,-2\n")
	got, err := FloatsOrMissing(tb, "y", core.TypeGroundTruth)
	if err != nil || len(got) != 4 || got[0] != 1.5 || got[1] == got[1] || got[2] == got[2] || got[3] != -2 {
		t.Errorf("got %v, %v", got, err)
	}
	_, err = FloatsOrMissing(answersTable(t, "id,y\n1,1\n2,abc\n"), "y", core.TypeGroundTruth)
	if e := core.AsError(err); e == nil || e.Type != core.TypeGroundTruth || e.Message != `answers column "y", row 2 (line 3): the value "abc" is not a number` {
		t.Errorf("got %v", err)
	}
	_, err = FloatsOrMissing(answersTable(t, "id,y\n1,inf\n"), "y", core.TypeSubmissionInvalid)
	if core.TypeOf(err) != core.TypeSubmissionInvalid {
		t.Errorf("infinity: got %v", err)
	}
}
