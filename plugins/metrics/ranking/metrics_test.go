package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk/plugintest"
)

// scoreFiles writes answers and submission and scores them with the named metric over gRPC.
func scoreFiles(t *testing.T, metric string, params core.Params, answers, submission string) (pluginapi.ScoreResponse, error) {
	t.Helper()
	dir := t.TempDir()
	a, s := filepath.Join(dir, "answers.csv"), filepath.Join(dir, "submission.csv")
	if err := os.WriteFile(a, []byte(answers), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s, []byte(submission), 0o644); err != nil {
		t.Fatal(err)
	}
	m := plugintest.Serve(t, components()...).Metrics.Component(metric)
	return m.Score(context.Background(), pluginapi.ScoreRequest{AnswersPath: a, SubmissionPath: s, Params: params})
}

func assertScore(t *testing.T, resp pluginapi.ScoreResponse, err error, want float64) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(resp.Score-want) > 1e-12 {
		t.Errorf("score %.17g, want %.17g", resp.Score, want)
	}
}

// assertError checks the error's type and that its message or details mention each of mention.
func assertError(t *testing.T, err error, want core.ErrorType, mention ...string) {
	t.Helper()
	e := core.AsError(err)
	if e == nil || e.Type != want {
		t.Fatalf("got %v; want an error of type %s", err, want)
	}
	for _, m := range mention {
		if !strings.Contains(e.Message+" "+e.Details, m) {
			t.Errorf("error %q (details %q) does not mention %q", e.Message, e.Details, m)
		}
	}
}

func TestMAPAtK_ScoresRankedListsAlignedByID(t *testing.T) {
	answers := "id,answer\n1,A\n2,B\n3,C\n4,D\n"
	submission := "id,answer\n4,E D A\n1,A B C\n3,B A D\n2,C B A\n" // shuffled rows
	resp, err := scoreFiles(t, "map_at_k", core.Params{"k": 3}, answers, submission)
	assertScore(t, resp, err, (1+0.5+0+0.5)/4) // D is second of row 4
}

func TestMAPAtK_NeedsK(t *testing.T) {
	_, err := scoreFiles(t, "map_at_k", nil, "id,a\n1,x\n", "id,a\n1,x\n")
	assertError(t, err, core.TypeInvalidArgument, "k")
	_, err = scoreFiles(t, "map_at_k", core.Params{"k": 3, "value_format": "json"}, "id,a\n1,x\n", "id,a\n1,x\n")
	assertError(t, err, core.TypeInvalidArgument, "json")
	_, err = scoreFiles(t, "map_at_k", core.Params{"k": 3, "kk": 1}, "id,a\n1,x\n", "id,a\n1,x\n")
	assertError(t, err, core.TypeInvalidArgument, "kk")
}

func TestNDCGAtK_LongLayoutRanksByFileOrder(t *testing.T) {
	answers := "id,country\nu1,FR\nu2,US\nu3,IT\n"
	submission := "id,country\nu2,US\nu1,US\nu3,NDF\nu1,FR\nu2,FR\n"
	resp, err := scoreFiles(t, "ndcg_at_k", core.Params{"k": 5, "layout": "long"}, answers, submission)
	assertScore(t, resp, err, (1/math.Log2(3)+1+0)/3)
}

func TestNDCGAtK_LongLayoutRejectsBadRows(t *testing.T) {
	answers := "id,country\nu1,FR\nu2,US\n"
	tests := []struct {
		name, submission string
		mention          []string
	}{
		{"too many rows for an id", "id,country\nu1,A\nu1,B\nu1,C\nu2,US\n", []string{`"u1"`, "more than 2"}},
		{"an id the answers lack", "id,country\nu1,FR\nu3,US\nu2,US\n", []string{`"u3"`}},
		{"an id without rows", "id,country\nu1,FR\n", []string{`"u2"`}},
		{"two items in one row", "id,country\nu1,FR US\nu2,US\n", []string{`"u1"`, "one item"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scoreFiles(t, "ndcg_at_k", core.Params{"k": 2, "layout": "long"}, answers, tc.submission)
			assertError(t, err, core.TypeSubmissionInvalid, tc.mention...)
		})
	}
}

func TestSpearman_PerRowListsNameTheConstantRow(t *testing.T) {
	answers := "setId,day\ns1,1 2 3 4 5\ns2,1 2 3 4 5\n"
	submission := "setId,day\ns1,1 2 3 5 4\ns2,3 3 3 3 3\n"
	params := core.Params{"sequence": "space_separated_ints", "aggregation": "mean_per_row"}
	_, err := scoreFiles(t, "spearman", params, answers, submission)
	assertError(t, err, core.TypeSubmissionInvalid, "constant", `id "s2"`)
	params["nan_as"] = 0.0
	resp, err := scoreFiles(t, "spearman", params, answers, submission)
	assertScore(t, resp, err, (0.9+0)/2)
	_, err = scoreFiles(t, "spearman", params, answers, "setId,day\ns1,1 2 3 5 4\ns2,1 2 x 4 5\n")
	assertError(t, err, core.TypeSubmissionInvalid, `"s2"`, `"x"`)
	_, err = scoreFiles(t, "spearman", params, answers, "setId,day\ns1,1 2 3 5 4\ns2,1 2 4 5\n")
	assertError(t, err, core.TypeSubmissionInvalid, `id "s2"`)
}

func TestSpearman_MeanOverColumnsWithUndefinedAsZero(t *testing.T) {
	answers := "qa_id,a,b\n1,1,0.5\n2,2,0.5\n3,3,0.5\n"
	submission := "qa_id,a,b\n1,3,1\n2,2,2\n3,1,3\n"
	_, err := scoreFiles(t, "spearman", core.Params{"id_column": "qa_id"}, answers, submission)
	assertError(t, err, core.TypeEvaluation, "constant", `column "b"`)
	resp, err := scoreFiles(t, "spearman", core.Params{"id_column": "qa_id", "aggregation": "mean_per_column", "nan_as": 0.0}, answers, submission)
	assertScore(t, resp, err, (-1+0)/2.0)
	if math.Abs(resp.Extras["a"]+1) > 1e-12 || resp.Extras["b"] != 0 {
		t.Errorf("extras %v; want a=-1, b=0", resp.Extras)
	}
}

func TestSpearman_SkipsRowsWithoutTruth(t *testing.T) {
	answers := "seq_id,tm\n1,10\n2,\n3,30\n4,20\n"
	submission := "seq_id,tm\n1,1\n2,100\n3,3\n4,2\n"
	resp, err := scoreFiles(t, "spearman", core.Params{"skip_missing_truth": true}, answers, submission)
	assertScore(t, resp, err, 1)
	_, err = scoreFiles(t, "spearman", nil, answers, submission)
	assertError(t, err, core.TypeGroundTruth)
}

func TestPearson_ConstantPredictionIsInvalidUnlessScored(t *testing.T) {
	answers := "id,score\n1,0.25\n2,0.5\n3,1\n"
	submission := "id,score\n1,0.5\n2,0.5\n3,0.5\n"
	_, err := scoreFiles(t, "pearson", nil, answers, submission)
	assertError(t, err, core.TypeSubmissionInvalid, "constant")
	resp, err := scoreFiles(t, "pearson", core.Params{"nan_as": 0}, answers, submission)
	assertScore(t, resp, err, 0)
	_, err = scoreFiles(t, "pearson", core.Params{"sequence": "space_separated_ints"}, answers, submission)
	assertError(t, err, core.TypeInvalidArgument)
}

func TestKendallTau_PooledOrdersNameTheNotebook(t *testing.T) {
	answers := "id,cell_order\nn1,a b c d\nn2,x y\n"
	params := core.Params{"sequence": "space_separated_ids", "aggregation": "pooled"}
	resp, err := scoreFiles(t, "kendall_tau", params, answers, "id,cell_order\nn1,b a c d\nn2,y x\n")
	assertScore(t, resp, err, 1-4*(2.0/(12+2)))
	_, err = scoreFiles(t, "kendall_tau", params, answers, "id,cell_order\nn1,a b c\nn2,y x\n")
	assertError(t, err, core.TypeSubmissionInvalid, `id "n1"`)
	resp, err = scoreFiles(t, "kendall_tau", nil, "id,v\n1,1\n2,2\n3,3\n", "id,v\n1,1\n2,3\n3,2\n")
	assertScore(t, resp, err, 1.0/3)
}

func TestComponents_SchemasAreJSONObjects(t *testing.T) {
	for _, c := range components() {
		info := c.Info()
		var v map[string]any
		if err := json.Unmarshal(info.ConfigSchema, &v); err != nil {
			t.Errorf("%s: schema is not a JSON object: %v\n%s", info.Name, err, info.ConfigSchema)
		}
	}
}
