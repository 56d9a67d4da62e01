package inputs_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
)

// write puts content in a file named name under dir and returns its path.
func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func request(t *testing.T, answers, submission string, params core.Params) pluginapi.ScoreRequest {
	t.Helper()
	dir := t.TempDir()
	return pluginapi.ScoreRequest{
		Metric:         "test",
		AnswersPath:    write(t, dir, "answers.csv", answers),
		SubmissionPath: write(t, dir, "submission.csv", submission),
		Params:         params,
	}
}

// wantError fails unless err is a *core.Error of type typ whose text mentions every string in mention.
func wantError(t *testing.T, err error, typ core.ErrorType, mention ...string) {
	t.Helper()
	var ce *core.Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v, want a *core.Error of type %s", err, typ)
	}
	if ce.Type != typ {
		t.Errorf("type %s (%v), want %s", ce.Type, ce, typ)
	}
	text := ce.Error() + " " + strings.Join(ce.Causes, " ")
	for _, m := range mention {
		if !strings.Contains(text, m) {
			t.Errorf("error %q does not mention %q", text, m)
		}
	}
}

func TestLoad_ResolvesColumns(t *testing.T) {
	tests := []struct {
		name    string
		answers string
		params  core.Params
		want    inputs.Columns
	}{
		{"defaults: first column is the id, the rest targets", "id,a,b\n1,2,3\n", nil,
			inputs.Columns{ID: "id", Targets: []string{"a", "b"}}},
		{"id column elsewhere", "a,key,b\n1,2,3\n", core.Params{"id_column": "key"},
			inputs.Columns{ID: "key", Targets: []string{"a", "b"}}},
		{"one target column", "id,a,b\n1,2,3\n", core.Params{"target_column": "b"},
			inputs.Columns{ID: "id", Targets: []string{"b"}}},
		{"target columns keep their order", "id,a,b,c\n1,2,3,4\n", core.Params{"target_columns": []any{"c", "a"}},
			inputs.Columns{ID: "id", Targets: []string{"c", "a"}}},
		{"target columns from a comma list", "id,a,b,c\n1,2,3,4\n", core.Params{"target_columns": "b, c"},
			inputs.Columns{ID: "id", Targets: []string{"b", "c"}}},
		{"target column adds to target columns", "id,a,b,c\n1,2,3,4\n", core.Params{"target_columns": []string{"a"}, "target_column": "c"},
			inputs.Columns{ID: "id", Targets: []string{"a", "c"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The submission is the answers, with the unscored columns allowed, so only column
			// resolution can fail.
			p := core.Params{"allow_extra_columns": true}
			for k, v := range tt.params {
				p[k] = v
			}
			in, err := inputs.Load(request(t, tt.answers, tt.answers, p), inputs.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(in.Columns, tt.want) {
				t.Errorf("columns %+v, want %+v", in.Columns, tt.want)
			}
		})
	}
}

func TestLoad_UnknownOrMissingColumnsAreGroundTruthErrors(t *testing.T) {
	tests := []struct {
		name    string
		answers string
		params  core.Params
		mention []string
	}{
		{"unknown id column", "id,a\n1,2\n", core.Params{"id_column": "key"}, []string{`"key"`, "id, a", "id_column"}},
		{"unknown target column", "id,a,b\n1,2,3\n", core.Params{"target_columns": []string{"a", "c"}}, []string{`"c"`, "id, a, b"}},
		{"unknown single target column", "id,a\n1,2\n", core.Params{"target_column": "z"}, []string{`"z"`, "id, a"}},
		{"answers hold only the id", "id\n1\n", nil, []string{`"id"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := inputs.Load(request(t, tt.answers, tt.answers, tt.params), inputs.Options{})
			wantError(t, err, core.TypeGroundTruth, tt.mention...)
		})
	}
}

func TestLoad_BadParamTypesAreInvalidArgument(t *testing.T) {
	for name, p := range map[string]core.Params{
		"id_column":           {"id_column": []any{"a"}},
		"target_columns":      {"target_columns": 3.0},
		"target_column":       {"target_column": map[string]any{}},
		"allow_extra_columns": {"allow_extra_columns": "perhaps"},
		"numeric_ids":         {"numeric_ids": 2.0},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := inputs.Load(request(t, "id,a\n1,2\n", "id,a\n1,2\n", p), inputs.Options{})
			wantError(t, err, core.TypeInvalidArgument, name)
		})
	}
}

func TestLoad_MissingAnswersFileIsGroundTruth(t *testing.T) {
	req := request(t, "id,a\n1,2\n", "id,a\n1,2\n", nil)
	req.AnswersPath = filepath.Join(t.TempDir(), "absent.csv")
	_, err := inputs.Load(req, inputs.Options{})
	wantError(t, err, core.TypeGroundTruth, "answers")
}

func TestLoad_MissingSubmissionFileIsSubmissionNotFound(t *testing.T) {
	req := request(t, "id,a\n1,2\n", "id,a\n1,2\n", nil)
	req.SubmissionPath = filepath.Join(t.TempDir(), "absent.csv")
	_, err := inputs.Load(req, inputs.Options{})
	wantError(t, err, core.TypeSubmissionNotFound)
}

func TestLoad_AlignsSubmissionToAnswersByID(t *testing.T) {
	in, err := inputs.Load(request(t, "id,y\na,1\nb,2\nc,3\n", "y,id\n3,c\n1,a\n2,b\n", nil), inputs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := in.Pair.SubmissionStrings("y")
	if err != nil || !reflect.DeepEqual(got, []string{"1", "2", "3"}) {
		t.Errorf("submission in answers order = %v, %v", got, err)
	}
}

func TestLoad_ExtraSubmissionColumns(t *testing.T) {
	const answers = "id,y\n1,0\n2,1\n"
	const submission = "id,y,index\n1,0,0\n2,1,1\n"
	t.Run("rejected by default", func(t *testing.T) {
		_, err := inputs.Load(request(t, answers, submission, nil), inputs.Options{})
		wantError(t, err, core.TypeSubmissionInvalid, "index")
	})
	t.Run("allowed by allow_extra_columns", func(t *testing.T) {
		in, err := inputs.Load(request(t, answers, submission, core.Params{"allow_extra_columns": true}), inputs.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := in.Pair.SubmissionStrings("y"); !reflect.DeepEqual(got, []string{"0", "1"}) {
			t.Errorf("y = %v", got)
		}
	})
	t.Run("allowed as a string param", func(t *testing.T) {
		if _, err := inputs.Load(request(t, answers, submission, core.Params{"allow_extra_columns": "true"}), inputs.Options{}); err != nil {
			t.Fatal(err)
		}
	})
}

// classColumns is the Options of a metric whose submission has one column per class.
var classColumns = inputs.Options{SubmissionColumns: func(cols inputs.Columns, header []string) ([]string, error) {
	return []string{"cat", "dog"}, nil
}}

func TestLoad_SubmissionColumnsOption(t *testing.T) {
	const answers = "id,label\n1,cat\n2,dog\n"
	tests := []struct {
		name       string
		submission string
		params     core.Params
		wantErr    []string // mentions, or nil for success
	}{
		{"class columns", "id,cat,dog\n2,0.1,0.9\n1,0.8,0.2\n", nil, nil},
		{"missing class column", "id,cat\n1,1\n2,0\n", nil, []string{"dog", "missing"}},
		{"missing id column", "cat,dog\n1,0\n0,1\n", nil, []string{"id"}},
		{"extra column", "id,cat,dog,bird\n1,1,0,0\n2,0,1,0\n", nil, []string{"bird", "unexpected"}},
		{"extra column allowed", "id,cat,dog,bird\n1,1,0,0\n2,0,1,0\n", core.Params{"allow_extra_columns": true}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := inputs.Load(request(t, answers, tt.submission, tt.params), classColumns)
			if tt.wantErr != nil {
				wantError(t, err, core.TypeSubmissionInvalid, tt.wantErr...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(in.Columns, inputs.Columns{ID: "id", Targets: []string{"label"}}) {
				t.Errorf("columns %+v", in.Columns)
			}
			if in.Pair.Len() != 2 {
				t.Errorf("%d rows", in.Pair.Len())
			}
		})
	}
}

func TestLoad_NumericIDs(t *testing.T) {
	const answers = "id,y\n1,10\n2,20\n"
	const submission = "id,y\n2.0,20\n1e0,10\n"
	t.Run("ids compare as text by default", func(t *testing.T) {
		_, err := inputs.Load(request(t, answers, submission, nil), inputs.Options{})
		wantError(t, err, core.TypeSubmissionInvalid)
	})
	t.Run("numeric_ids compares them as numbers", func(t *testing.T) {
		in, err := inputs.Load(request(t, answers, submission, core.Params{"numeric_ids": true}), inputs.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := in.Pair.SubmissionStrings("y"); !reflect.DeepEqual(got, []string{"10", "20"}) {
			t.Errorf("y in answers order = %v", got)
		}
	})
}

func TestLabels_Canonicalisation(t *testing.T) {
	tests := []struct {
		name                string
		truth, pred         []string
		wantTruth, wantPred []string
	}{
		{"numbers in both: one spelling per value",
			[]string{"1", "0", "2"}, []string{"1.0", " 0 ", "2e0"},
			[]string{"1", "0", "2"}, []string{"1", "0", "2"}},
		{"negative and fractional numbers",
			[]string{"-1", "0.50"}, []string{"-1.000", ".5"},
			[]string{"-1", "0.5"}, []string{"-1", "0.5"}},
		{"strings in one: trimmed strings, no numeric folding",
			[]string{"1", "0"}, []string{"1.0", "no"},
			[]string{"1", "0"}, []string{"1.0", "no"}},
		{"strings in both: trimmed, case kept",
			[]string{" cat", "Dog "}, []string{"cat", "dog"},
			[]string{"cat", "Dog"}, []string{"cat", "dog"}},
		{"an empty value makes a column non-numeric",
			[]string{"1", ""}, []string{"1.0", "1"},
			[]string{"1", ""}, []string{"1.0", "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotTruth, gotPred := inputs.Labels(tt.truth, tt.pred)
			if !reflect.DeepEqual(gotTruth, tt.wantTruth) || !reflect.DeepEqual(gotPred, tt.wantPred) {
				t.Errorf("Labels(%q, %q) = %q, %q; want %q, %q", tt.truth, tt.pred, gotTruth, gotPred, tt.wantTruth, tt.wantPred)
			}
		})
	}
}

func TestLabel_MatchesLabels(t *testing.T) {
	tests := []struct {
		in      string
		numeric bool
		want    string
	}{
		{" 1.0 ", true, "1"},
		{" 1.0 ", false, "1.0"},
		{"pos", true, "pos"},
		{"3e2", true, "300"},
	}
	for _, tt := range tests {
		if got := inputs.Label(tt.in, tt.numeric); got != tt.want {
			t.Errorf("Label(%q, %v) = %q, want %q", tt.in, tt.numeric, got, tt.want)
		}
	}
	if !inputs.IsNumeric([]string{"1", " 2.5", "-3e1"}) || inputs.IsNumeric([]string{"1", "x"}) {
		t.Error("IsNumeric disagrees with Labels")
	}
}

// answersValues loads req and returns the answers' y column.
func answersValues(t *testing.T, req pluginapi.ScoreRequest) []string {
	t.Helper()
	in, err := inputs.Load(req, inputs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := in.Pair.AnswerStrings("y")
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// An episode may re-prepare its answers while the plugin runs: a rewrite must be seen at once.
func TestAnswersCache_SeesAFileRewrittenInPlace(t *testing.T) {
	rewrites := []struct {
		answers string
		want    []string
	}{
		{"id,y\n1,a\n2,b\n", []string{"a", "b"}},
		{"id,y\n1,c\n2,d\n", []string{"c", "d"}}, // same size
		{"id,y\n1,e\n2,f\n", []string{"e", "f"}}, // same size again
		{"id,y\n1,long\n2,g\n", []string{"long", "g"}},
		{"id,y\n1,h\n", []string{"h"}},
	}
	dir := t.TempDir()
	req := pluginapi.ScoreRequest{AnswersPath: filepath.Join(dir, "answers.csv"), SubmissionPath: filepath.Join(dir, "submission.csv")}
	for i, r := range rewrites {
		write(t, dir, "answers.csv", r.answers)
		write(t, dir, "submission.csv", r.answers)
		for range 2 { // the second read may come from the cache
			if got := answersValues(t, req); !reflect.DeepEqual(got, r.want) {
				t.Fatalf("after write %d: answers read as %q, want %q", i+1, got, r.want)
			}
		}
	}
}

// A rewrite of the same size within one tick of the file system's clock leaves the modification
// time as it was; the cache must not serve the old answers then.
func TestAnswersCache_SeesASameSizeRewriteThatKeptTheModificationTime(t *testing.T) {
	widen(t, time.Hour) // every file written by this test counts as recently modified
	req := request(t, "id,y\n1,a\n2,b\n", "id,y\n1,a\n2,b\n", nil)
	st, err := os.Stat(req.AnswersPath)
	if err != nil {
		t.Fatal(err)
	}
	if got := answersValues(t, req); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Fatalf("first read %q", got)
	}
	if err := os.WriteFile(req.AnswersPath, []byte("id,y\n1,c\n2,d\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(req.AnswersPath, st.ModTime(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
	if got := answersValues(t, req); !reflect.DeepEqual(got, []string{"c", "d"}) {
		t.Errorf("after the rewrite: read %q, want c, d", got)
	}
}

// widen sets the window in which a modified answers file is not cached, for one test.
func widen(t *testing.T, d time.Duration) {
	old := *inputs.RacyWindow
	*inputs.RacyWindow = d
	t.Cleanup(func() { *inputs.RacyWindow = old })
}

func TestAnswersCache_KeyedBySizeAndModificationTime(t *testing.T) {
	req := request(t, "id,y\n1,a\n2,b\n", "id,y\n1,a\n2,b\n", nil)
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	setTime := func(mtime time.Time) {
		if err := os.Chtimes(req.AnswersPath, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	rewrite := func(content string, mtime time.Time) {
		if err := os.WriteFile(req.AnswersPath, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		setTime(mtime)
	}
	setTime(old)
	if got := answersValues(t, req); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Fatalf("first read %q", got)
	}

	// Same size, same time: the parsed answers are reused, so the edit is not seen. This is the
	// cache working; tools that rewrite answers change their time (a real write always does).
	rewrite("id,y\n1,x\n2,x\n", old)
	if got := answersValues(t, req); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("same size and time: read %q, want the cached a, b", got)
	}
	// Same size, new time.
	rewrite("id,y\n1,c\n2,d\n", old.Add(time.Second))
	if got := answersValues(t, req); !reflect.DeepEqual(got, []string{"c", "d"}) {
		t.Errorf("new time: read %q, want c, d", got)
	}
	// New size, same time.
	rewrite("id,y\n1,ee\n2,f\n", old.Add(time.Second))
	if got := answersValues(t, req); !reflect.DeepEqual(got, []string{"ee", "f"}) {
		t.Errorf("new size: read %q, want ee, f", got)
	}
}

func TestAnswersCache_ManyFilesStayCorrect(t *testing.T) {
	// More answers files than the cache holds, read round robin twice.
	var reqs []pluginapi.ScoreRequest
	for i := range 7 {
		y := string(rune('a' + i))
		reqs = append(reqs, request(t, "id,y\n1,"+y+"\n", "id,y\n1,"+y+"\n", nil))
	}
	for range 2 {
		for i, req := range reqs {
			if got, want := answersValues(t, req), []string{string(rune('a' + i))}; !reflect.DeepEqual(got, want) {
				t.Errorf("file %d read %q, want %q", i, got, want)
			}
		}
	}
}

func TestLoad_ConcurrentScoresShareAnswers(t *testing.T) {
	req := request(t, "id,y\n1,0\n2,1\n3,0\n", "id,y\n3,0\n1,0\n2,1\n", nil)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			in, err := inputs.Load(req, inputs.Options{})
			if err != nil {
				errs <- err
				return
			}
			got, err := in.Pair.SubmissionStrings("y")
			if err == nil && !reflect.DeepEqual(got, []string{"0", "1", "0"}) {
				err = errors.New("misaligned: " + strings.Join(got, ","))
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
