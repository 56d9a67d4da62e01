package main

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk"
	"github.com/mledojo/dojo/sdk/plugintest"
)

// served returns the host's view of this plugin's metrics, over real gRPC.
func served(t *testing.T) *pluginapi.MetricClient {
	t.Helper()
	return plugintest.Serve(t,
		sdk.Metric("accuracy", sdk.MetricFunc(accuracy)),
		sdk.Metric("roc_auc", sdk.MetricFunc(rocAUC)),
		sdk.Metric("log_loss", sdk.MetricFunc(logLoss)),
		sdk.Metric("f1", sdk.MetricFunc(f1)),
	).Metrics
}

type scoreCase struct {
	name       string
	metric     string
	answers    string
	submission string
	params     core.Params
}

func (c scoreCase) score(t *testing.T, metrics *pluginapi.MetricClient) (pluginapi.ScoreResponse, error) {
	t.Helper()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	return metrics.Component(c.metric).Score(context.Background(), pluginapi.ScoreRequest{
		AnswersPath: write("answers.csv", c.answers), SubmissionPath: write("submission.csv", c.submission), Params: c.params,
	})
}

func TestMetrics_ScoreAsScikitLearnDoes(t *testing.T) {
	tests := []struct {
		scoreCase
		want float64
		rows int64
	}{
		{scoreCase{"accuracy folds numeric spellings", "accuracy",
			"id,y\n1,1\n2,0\n3,1\n4,0\n", "id,y\n1,1.0\n2, 0\n3,0\n4,0.0\n", nil}, 0.75, 4},
		{scoreCase{"accuracy of string labels is exact but trimmed", "accuracy",
			"id,y\n1,cat\n2,dog\n", "id,y\n1, cat \n2,Dog\n", nil}, 0.5, 2},
		{scoreCase{"accuracy over several targets needs every column right", "accuracy",
			"id,a,b\n1,x,y\n2,x,y\n", "id,a,b\n1,x,y\n2,x,n\n", nil}, 0.5, 2},
		{scoreCase{"accuracy in the submission's row order", "accuracy",
			"id,y\n1,a\n2,b\n3,c\n", "id,y\n3,c\n1,a\n2,b\n", nil}, 1, 3},
		{scoreCase{"binary roc_auc", "roc_auc",
			"id,y\n1,0\n2,0\n3,1\n4,1\n", "id,y\n1,0.1\n2,0.4\n3,0.35\n4,0.8\n", nil}, 0.75, 4},
		{scoreCase{"one-vs-rest roc_auc over class columns", "roc_auc",
			"id,label\n1,cat\n2,dog\n3,bird\n", "id,bird,cat,dog\n1,0.1,0.8,0.1\n2,0.1,0.2,0.7\n3,0.6,0.2,0.2\n", nil}, 1, 3},
		{scoreCase{"class columns match numeric labels by value", "roc_auc",
			"id,label\n1,0\n2,1.0\n3,2\n", "id,0,1,2\n1,0.8,0.1,0.1\n2,0.1,0.8,0.1\n3,0.1,0.1,0.8\n", nil}, 1, 3},
		{scoreCase{"binary log_loss", "log_loss",
			"id,y\n1,1\n2,0\n", "id,y\n1,0.8\n2,0.3\n", nil}, -(math.Log(0.8) + math.Log(0.7)) / 2, 2},
		{scoreCase{"multiclass log_loss from a label column", "log_loss",
			"id,label\n1,a\n2,b\n", "id,a,b\n1,0.5,0.5\n2,0.2,0.8\n", nil}, -(math.Log(0.5) + math.Log(0.8)) / 2, 2},
		{scoreCase{"multiclass log_loss from one-hot columns", "log_loss",
			"id,a,b\n1,1,0\n2,0,1\n", "id,a,b\n1,0.5,0.5\n2,0.2,0.8\n", nil}, -(math.Log(0.5) + math.Log(0.8)) / 2, 2},
		{scoreCase{"binary f1", "f1",
			"id,y\n1,1\n2,1\n3,0\n4,0\n", "id,y\n1,1\n2,0\n3,1\n4,0\n", nil}, 0.5, 4},
		{scoreCase{"f1 with a string positive label", "f1",
			"id,y\n1,yes\n2,yes\n3,no\n", "id,y\n1,yes\n2,yes\n3,yes\n", core.Params{"pos_label": "yes"}}, 0.8, 3},
		{scoreCase{"f1 positive label folded like the labels", "f1",
			"id,y\n1,1\n2,0\n", "id,y\n1,1.0\n2,0\n", core.Params{"pos_label": "1.0"}}, 1, 2},
		{scoreCase{"macro f1", "f1",
			"id,y\n1,a\n2,b\n3,c\n", "id,y\n1,a\n2,b\n3,b\n", core.Params{"average": "macro"}}, (1 + 2.0/3 + 0) / 3, 3},
	}
	metrics := served(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := tt.score(t, metrics)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(resp.Score-tt.want) > 1e-12 || resp.Rows != tt.rows {
				t.Errorf("score %v over %d rows, want %v over %d", resp.Score, resp.Rows, tt.want, tt.rows)
			}
		})
	}
}

func TestLogLoss_MultilabelReportsEveryColumn(t *testing.T) {
	c := scoreCase{"", "log_loss", "id,a,b\n1,1,1\n2,0,1\n", "id,a,b\n1,0.9,0.6\n2,0.2,0.7\n", core.Params{"multilabel": true}}
	resp, err := c.score(t, served(t))
	if err != nil {
		t.Fatal(err)
	}
	a := -(math.Log(0.9) + math.Log(0.8)) / 2
	b := -(math.Log(0.6) + math.Log(0.7)) / 2
	if math.Abs(resp.Extras["a"]-a) > 1e-12 || math.Abs(resp.Extras["b"]-b) > 1e-12 || len(resp.Extras) != 2 {
		t.Errorf("extras %v, want a=%v b=%v", resp.Extras, a, b)
	}
	if math.Abs(resp.Score-(a+b)/2) > 1e-12 {
		t.Errorf("score %v, want the mean of the columns %v", resp.Score, (a+b)/2)
	}
}

func TestMetrics_BadInputsAreTypedErrors(t *testing.T) {
	tests := []struct {
		scoreCase
		want    core.ErrorType
		mention []string
	}{
		{scoreCase{"answers class without a submission column", "roc_auc",
			"id,label\n1,cat\n2,dog\n3,bird\n", "id,cat,dog\n1,0.5,0.5\n2,0.5,0.5\n3,0.5,0.5\n", nil},
			core.TypeSubmissionInvalid, []string{`"bird"`, "cat, dog"}},
		{scoreCase{"answers class outside the classes param", "log_loss",
			"id,label\n1,cat\n2,dog\n", "id,cat,fish\n1,0.5,0.5\n2,0.5,0.5\n", core.Params{"classes": []string{"cat", "fish"}}},
			core.TypeSubmissionInvalid, []string{`"dog"`}},
		{scoreCase{"a classes param column the submission lacks", "log_loss",
			"id,label\n1,cat\n2,dog\n", "id,cat\n1,0.5\n2,0.5\n", core.Params{"classes": "cat,dog"}},
			core.TypeSubmissionInvalid, []string{"dog"}},
		{scoreCase{"neither the target column nor class columns", "roc_auc",
			"id,y\n1,0\n2,1\n", "id,p\n1,0.5\n2,0.5\n", nil},
			core.TypeSubmissionInvalid, []string{`"y"`}},
		{scoreCase{"one-hot answers with two hot columns", "log_loss",
			"id,a,b,c\n1,1,0,0\n2,0,1,1\n", "id,a,b,c\n1,0.8,0.1,0.1\n2,0.1,0.8,0.1\n", nil},
			core.TypeGroundTruth, []string{"row 2", "one-hot", "multilabel=true"}},
		{scoreCase{"one-hot answers with no hot column", "log_loss",
			"id,a,b\n1,0,0\n2,0,1\n", "id,a,b\n1,0.5,0.5\n2,0.1,0.9\n", nil},
			core.TypeGroundTruth, []string{"row 1", "multilabel=true"}},
		{scoreCase{"f1 over several targets", "f1",
			"id,a,b\n1,1,0\n", "id,a,b\n1,1,0\n", nil},
			core.TypeInvalidArgument, []string{"a, b", "target_columns"}},
		{scoreCase{"class columns need one target", "roc_auc",
			"id,a,b\n1,x,y\n2,y,x\n", "id,x,y\n1,0.5,0.5\n2,0.5,0.5\n", core.Params{"classes": []string{"x", "y"}}},
			core.TypeInvalidArgument, []string{"roc_auc", "a, b"}},
		{scoreCase{"roc_auc with one class in the answers", "roc_auc",
			"id,y\n1,1\n2,1\n", "id,y\n1,0.2\n2,0.9\n", nil},
			core.TypeEvaluation, []string{"one class"}},
		{scoreCase{"one-vs-rest roc_auc with a class absent from the answers", "roc_auc",
			"id,label\n1,a\n2,b\n", "id,a,b,c\n1,0.8,0.1,0.1\n2,0.1,0.8,0.1\n", nil},
			core.TypeEvaluation, nil},
		{scoreCase{"a probability that is not a number", "log_loss",
			"id,y\n1,1\n2,0\n", "id,y\n1,high\n2,0.1\n", nil},
			core.TypeSubmissionInvalid, []string{"high"}},
		{scoreCase{"a missing id", "accuracy",
			"id,y\n1,a\n2,b\n", "id,y\n1,a\n", nil},
			core.TypeSubmissionInvalid, []string{"2"}},
		{scoreCase{"a bad average", "f1",
			"id,y\n1,1\n", "id,y\n1,1\n", core.Params{"average": "median"}},
			core.TypeInvalidArgument, []string{"median"}},
	}
	metrics := served(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.score(t, metrics)
			wantError(t, err, tt.want, tt.mention...)
		})
	}
}

func TestUnknownParam_IsInvalidArgumentListingKnownParams(t *testing.T) {
	own := map[string][]string{
		"accuracy": nil,
		"roc_auc":  {"average", "classes"},
		"log_loss": {"eps", "classes", "multilabel"},
		"f1":       {"average", "pos_label"},
	}
	metrics := served(t)
	for metric, params := range own {
		t.Run(metric, func(t *testing.T) {
			c := scoreCase{metric: metric, answers: "id,y\n1,1\n2,0\n", submission: "id,y\n1,1\n2,0\n",
				params: core.Params{"averaging": "macro"}}
			_, err := c.score(t, metrics)
			wantError(t, err, core.TypeInvalidArgument, append([]string{`"averaging"`, "id_column", "target_columns", "numeric_ids"}, params...)...)
		})
	}
}

func TestValidate_OverTheWire(t *testing.T) {
	metrics := served(t)
	dir := t.TempDir()
	answers, submission := filepath.Join(dir, "a.csv"), filepath.Join(dir, "s.csv")
	if err := os.WriteFile(answers, []byte("id,y\n1,0\n2,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(submission, []byte("id,y\n2,0.9\n1,0.2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	v, err := metrics.Component("roc_auc").Validate(context.Background(), pluginapi.ScoreRequest{AnswersPath: answers, SubmissionPath: submission})
	if err != nil || v.Rows != 2 {
		t.Errorf("Validate = %+v, %v; want 2 rows", v, err)
	}
}

func TestSchema_IsJSON(t *testing.T) {
	for _, s := range []string{schema(), schema(`"average": {"type": "string"}`)} {
		if !jsonValid(s) {
			t.Errorf("schema is not JSON: %s", s)
		}
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

func jsonValid(s string) bool { return json.Valid([]byte(s)) }
