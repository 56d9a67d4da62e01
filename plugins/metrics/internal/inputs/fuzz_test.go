package inputs_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
	"github.com/mledojo/dojo/plugins/metrics/internal/metricfuzz"
	"github.com/mledojo/dojo/sdk/table"
)

// Fuzz targets for every entry point that reads a submission or the params that say how: each must
// never panic, and every rejection must be a typed *core.Error (metricfuzz.Typed).

// fuzzParams reads "key=value;key=value" as params; a value that is JSON ([1, 2], true, 3) is
// decoded, anything else stays text, as a command line's --param gives it.
func fuzzParams(s string) core.Params {
	p := core.Params{}
	for kv := range strings.SplitSeq(s, ";") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			continue
		}
		var decoded any
		if err := json.Unmarshal([]byte(v), &decoded); err == nil {
			p[strings.TrimSpace(k)] = decoded
		} else {
			p[strings.TrimSpace(k)] = v
		}
	}
	return p
}

// fuzzRequest writes the files into a fresh directory, so the answers cache never serves a stale file.
func fuzzRequest(t *testing.T, answers, submission []byte, params string) pluginapi.ScoreRequest {
	dir := t.TempDir()
	a, s := filepath.Join(dir, "answers.csv"), filepath.Join(dir, "submission.csv")
	if err := os.WriteFile(a, answers, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s, submission, 0o600); err != nil {
		t.Fatal(err)
	}
	return pluginapi.ScoreRequest{Metric: "fuzz", AnswersPath: a, SubmissionPath: s, Params: fuzzParams(params)}
}

// pairSeeds are answers/submission/params triples that reach each loader's paths.
var pairSeeds = [][3]string{
	{"id,target\n1,0.5\n2,1.5\n", "id,target\n2,1\n1,0\n", ""},
	{"id,target\n1,0.5\n2,1.5\n", "id,target\n2,1\n2,0\n", ""},
	{"id,target\n1,0.5\n2,1.5\n", "id,target,extra\n1,x\n", "allow_extra_columns=true"},
	{"Id,a,b\n1.0,1,2\n2,3,4\n", "Id,a,b\n1,1,2\n2.00,3,4\n", "numeric_ids=true;target_columns=a,b"},
	{"id,label\n1,cat\n2,dog\n", "id,cat,dog\n1,0.2,0.8\n2,0.9,0.1\n", "id_column=id;target_columns=[\"label\"]"},
	{"trip,t,lat,lon\na,1,2,3\na,2,2,3\n", "trip,t,lat,lon\na,2,2,3\na,1,2,3\n", "key_columns=trip,t"},
	{"eeg,v\n1,1\n1,2\n", "eeg,v\n1,1\n1,2\n", "duplicate_ids=align_in_file_order"},
	{"id,c\nu1,US\nu2,FR\n", "id,c\nu1,FR\nu1,US\nu2,NDF\n", ""},
	{"Comment,Insult\nhi,1\nhi,0\n", "Comment,Insult\nhi,0.4\n hi ,0.6\n", "align=row_order;id_column=Comment"},
	{"\xEF\xBB\xBFid,target\r\n\"1\",\"0,5\"\r\n", "id,target\n1,\n", ""},
	{"", "", ""},
}

func addPairSeeds(f *testing.F) {
	for _, s := range pairSeeds {
		f.Add([]byte(s[0]), []byte(s[1]), s[2])
	}
}

func FuzzLoad(f *testing.F) {
	addPairSeeds(f)
	f.Fuzz(func(t *testing.T, answers, submission []byte, params string) {
		req := fuzzRequest(t, answers, submission, params)
		_, err := inputs.ResolveColumns(req)
		metricfuzz.Typed(t, err)
		in, err := inputs.Load(req, inputs.Options{})
		metricfuzz.Typed(t, err)
		if err == nil {
			for _, c := range in.Targets {
				_, err := in.Pair.AnswerFloats(c)
				metricfuzz.Typed(t, err)
				_, err = in.Pair.SubmissionFloats(c)
				metricfuzz.Typed(t, err)
			}
		}
		// The submission may also carry one column per class of the answers' label column.
		_, err = inputs.Load(req, inputs.Options{SubmissionColumns: func(cols inputs.Columns, header []string) ([]string, error) {
			var out []string
			for _, h := range header {
				if h != cols.ID {
					out = append(out, h)
				}
			}
			return out, nil
		}})
		metricfuzz.Typed(t, err)
	})
}

func FuzzLoadKeyed(f *testing.F) {
	addPairSeeds(f)
	f.Fuzz(func(t *testing.T, answers, submission []byte, params string) {
		req := fuzzRequest(t, answers, submission, params)
		p := req.Params
		keys, _ := p.Strings(inputs.ParamKeyColumns, nil)
		cols, _ := p.Strings(inputs.ParamTargetColumns, nil)
		if len(keys) == 0 {
			keys = []string{"id"}
		}
		dup, _ := p.String(inputs.ParamDuplicateIDs, "error")
		numeric, _ := p.Bool(inputs.ParamNumericIDs, false)
		extra, _ := p.Bool(inputs.ParamAllowExtraColumns, false)
		k, err := inputs.LoadKeyed(req, inputs.KeyedOptions{Keys: keys, Columns: cols, AllowExtraColumns: extra,
			Duplicates: inputs.DuplicateKeys(dup), NumericKeys: numeric})
		metricfuzz.Typed(t, err)
		if err != nil {
			return
		}
		for _, c := range cols {
			_, err := k.SubmissionFloats(c)
			metricfuzz.Typed(t, err)
			_, err = k.AnswerFloats(c)
			metricfuzz.Typed(t, err)
		}
		for i := range k.Len() {
			if r := k.SubmissionRow(i); r < 0 || r >= k.Submission.Len() {
				t.Fatalf("answers row %d pairs with submission row %d of %d", i, r, k.Submission.Len())
			}
			_ = k.Describe(i)
		}
	})
}

func FuzzLoadGrouped(f *testing.F) {
	addPairSeeds(f)
	f.Fuzz(func(t *testing.T, answers, submission []byte, params string) {
		req := fuzzRequest(t, answers, submission, params)
		maxPer, _ := req.Params.Int("max_per_id", 0)
		g, err := inputs.LoadGrouped(req, inputs.GroupedOptions{MaxPerID: maxPer})
		metricfuzz.Typed(t, err)
		if err == nil && len(g.Values) != g.Answers.Len() {
			t.Fatalf("%d groups for %d answers rows", len(g.Values), g.Answers.Len())
		}
	})
}

func FuzzCheckRowOrder(f *testing.F) {
	addPairSeeds(f)
	f.Fuzz(func(t *testing.T, answers, submission []byte, params string) {
		req := fuzzRequest(t, answers, submission, params)
		req.Params[inputs.ParamAlign] = inputs.AlignByRowOrder
		metricfuzz.Typed(t, inputs.CheckRowOrder(req))
	})
}

func FuzzFilters(f *testing.F) {
	for _, s := range [][2]string{
		{"u_out == 0", "id,u_out\n1,0\n2,1\n"},
		{"keep == True", "id,keep\n1,True\n2,false\n3,1.0\n"},
		{"min_ANNmuon > 0.4", "id,min_ANNmuon\n1,0.5\n2,\n"},
		{`{"column": "kind", "op": "!=", "value": "test"}`, "id,kind\n1,train\n2,test\n"},
		{`[{"column": "a", "op": "<=", "value": 3}, {"column": "b", "op": "==", "value": true}]`, "id,a,b\n1,2,true\n2,4,x\n"},
		{`{"column": "a", "op": "~", "value": null}`, "id,a\n1,2\n"},
		{"[", "id\n1\n"},
	} {
		f.Add(s[0], []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, filter string, answers []byte) {
		fs, err := inputs.ParseFilters(core.Params{inputs.ParamFilter: filter})
		metricfuzz.Typed(t, err)
		if err != nil {
			return
		}
		_ = fs.String()
		tab, err := table.Read(answers, table.ReadOptions{})
		if err != nil {
			return // sdk/table has its own fuzz target
		}
		mask, err := fs.Mask(tab)
		metricfuzz.Typed(t, err)
		if err == nil && len(mask) != tab.Len() {
			t.Fatalf("mask of %d rows for %d", len(mask), tab.Len())
		}
		_, err = fs.Rows(tab)
		metricfuzz.Typed(t, err)
	})
}

func FuzzCells(f *testing.F) {
	for _, s := range []string{"id,v\n1,1.5\n2,\n3,NaN\n", "id,v\n1,inf\n", "id,v\n1,true\n2,0x10\n3,1e400\n", "id,v\n1,{\"a\": [1, 2]}\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := table.Read(data, table.ReadOptions{})
		if err != nil {
			return
		}
		for _, col := range tab.Header() {
			_, err := inputs.FloatsOrMissing(tab, col, core.TypeSubmissionInvalid)
			metricfuzz.Typed(t, err)
			cells, err := tab.Strings(col)
			if err != nil {
				continue
			}
			truth, pred := inputs.Labels(cells, cells)
			if len(truth) != len(cells) || len(pred) != len(cells) {
				t.Fatalf("Labels changed the row count")
			}
			numeric := inputs.IsNumeric(cells)
			for _, c := range cells {
				if inputs.Label(c, numeric) == "" && strings.TrimSpace(c) != "" {
					t.Fatalf("Label(%q) is empty", c)
				}
				_, _ = inputs.ParseBool(c) // an internal cell reader: Mask wraps its error
				_, err := inputs.DecodeJSONText("filter", c)
				metricfuzz.Typed(t, err)
			}
		}
	})
}
