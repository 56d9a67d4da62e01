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
	"github.com/mledojo/dojo/sdk/plugintest"
)

// serveComponents returns the host's view of every metric this plugin serves, over real gRPC.
func serveComponents(t *testing.T) *pluginapi.MetricClient {
	t.Helper()
	return plugintest.Serve(t, components()...).Metrics
}

func scoreFiles(t *testing.T, metrics *pluginapi.MetricClient, metric, answers, submission string, params core.Params) (pluginapi.ScoreResponse, error) {
	t.Helper()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	return metrics.Component(metric).Score(context.Background(), pluginapi.ScoreRequest{
		AnswersPath: write("answers.csv", answers), SubmissionPath: write("submission.csv", submission), Params: params,
	})
}

const (
	answersOneTarget    = "id,y\n1,1\n2,2\n3,4\n"
	oneTargetPrediction = "id,y\n3,5\n1,1\n2,3\n" // rows out of order; errors 0, 1, 1
)

func TestColumnwise_OneTargetScoresAsScikitLearn(t *testing.T) {
	tests := []struct {
		metric string
		want   float64
	}{
		{"mse", 2.0 / 3},
		{"rmse", math.Sqrt(2.0 / 3)},
		{"mae", 2.0 / 3},
		{"r2", 1 - 2/(14.0/3)}, // truth mean 7/3: SS_tot 14/3, SS_res 2
		{"rmsle", math.Sqrt((0 + square(math.Log(3)-math.Log(4)) + square(math.Log(5)-math.Log(6))) / 3)},
	}
	metrics := serveComponents(t)
	for _, tt := range tests {
		t.Run(tt.metric, func(t *testing.T) {
			resp, err := scoreFiles(t, metrics, tt.metric, answersOneTarget, oneTargetPrediction, nil)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(resp.Score-tt.want) > 1e-12 || resp.Rows != 3 {
				t.Errorf("score %v over %d rows, want %v over 3", resp.Score, resp.Rows, tt.want)
			}
			if resp.Extras != nil {
				t.Errorf("extras %v for one target", resp.Extras)
			}
		})
	}
}

func square(x float64) float64 { return x * x }

func TestColumnwise_SeveralTargetsReportEachColumnAndAverageThem(t *testing.T) {
	const answers = "id,a,b,c\n1,1,10,0\n2,2,20,1\n3,3,30,5\n"
	const submission = "id,a,b,c\n1,1,12,1\n2,3,20,1\n3,3,27,2\n"
	metrics := serveComponents(t)
	for _, metric := range []string{"mse", "rmse", "mae", "r2", "rmsle"} {
		t.Run(metric, func(t *testing.T) {
			resp, err := scoreFiles(t, metrics, metric, answers, submission, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Extras) != 3 {
				t.Fatalf("extras %v, want one per target column", resp.Extras)
			}
			var sum float64
			for _, col := range []string{"a", "b", "c"} {
				// Each column's extra is the metric of that column alone.
				alone, err := scoreFiles(t, metrics, metric, answers, submission, core.Params{"target_columns": col, "allow_extra_columns": true})
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(resp.Extras[col]-alone.Score) > 1e-12 {
					t.Errorf("extra %s = %v, want the column scored alone, %v", col, resp.Extras[col], alone.Score)
				}
				sum += resp.Extras[col]
			}
			if math.Abs(resp.Score-sum/3) > 1e-12 {
				t.Errorf("score %v, want the mean of the extras %v", resp.Score, sum/3)
			}
		})
	}
}

func TestColumnwise_BadInputsAreTypedErrors(t *testing.T) {
	tests := []struct {
		name       string
		metric     string
		answers    string
		submission string
		params     core.Params
		want       core.ErrorType
		mention    []string
	}{
		{"rmsle with a negative prediction", "rmsle", "id,y\n1,1\n2,2\n", "id,y\n2,-0.5\n1,1\n", nil,
			core.TypeSubmissionInvalid, []string{"-0.5", "non-negative", "clip"}},
		{"rmsle with a negative truth", "rmsle", "id,y\n1,-1\n2,2\n", "id,y\n1,1\n2,2\n", nil,
			core.TypeGroundTruth, []string{"-1"}},
		{"r2 of one row", "r2", "id,y\n1,1\n", "id,y\n1,1\n", nil,
			core.TypeEvaluation, []string{"two rows"}},
		{"a prediction that is not a number", "rmse", "id,y\n1,1\n2,2\n", "id,y\n1,1\n2,two\n", nil,
			core.TypeSubmissionInvalid, []string{"two"}},
		{"an empty prediction", "mae", "id,y\n1,1\n2,2\n", "id,y\n1,1\n2,\n", nil,
			core.TypeSubmissionInvalid, []string{`"2"`}},
		{"a missing target column", "mse", "id,a,b\n1,1,1\n", "id,a\n1,1\n", nil,
			core.TypeSubmissionInvalid, []string{"b"}},
		{"an unknown target column", "mse", "id,y\n1,1\n", "id,y\n1,1\n", core.Params{"target_columns": "z"},
			core.TypeGroundTruth, []string{`"z"`}},
	}
	metrics := serveComponents(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scoreFiles(t, metrics, tt.metric, tt.answers, tt.submission, tt.params)
			wantTypedError(t, err, tt.want, tt.mention...)
		})
	}
}

func TestComponents_UnknownParamIsInvalidArgumentListingKnownParams(t *testing.T) {
	metrics := serveComponents(t)
	for _, c := range components() {
		name := c.Info().Name
		t.Run(name, func(t *testing.T) {
			_, err := scoreFiles(t, metrics, name, answersOneTarget, answersOneTarget, core.Params{"no_such_param": 1})
			mention := []string{`"no_such_param"`, "id_column", "target_columns"}
			if name == "life_reverse_mae" {
				mention = mention[:2] // its columns are named by prefixes (board cells), not target_columns
			}
			wantTypedError(t, err, core.TypeInvalidArgument, mention...)
		})
	}
}

func TestComponents_DescribeThemselves(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range components() {
		info := c.Info()
		if seen[info.Name] {
			t.Errorf("%s served twice", info.Name)
		}
		seen[info.Name] = true
		if info.Description == "" {
			t.Errorf("%s has no description", info.Name)
		}
		if _, err := core.ParseDirection(info.Metadata["direction"]); err != nil {
			t.Errorf("%s: direction %q: %v", info.Name, info.Metadata["direction"], err)
		}
		if len(info.ConfigSchema) > 0 && !json.Valid(info.ConfigSchema) {
			t.Errorf("%s: schema is not JSON: %s", info.Name, info.ConfigSchema)
		}
	}
	for _, name := range []string{"rmse", "mse", "rmsle", "mae", "r2"} {
		if !seen[name] {
			t.Errorf("%s is not served", name)
		}
	}
}

// wantError fails unless err is a *core.Error of type typ whose text mentions every string in mention.
func wantTypedError(t *testing.T, err error, typ core.ErrorType, mention ...string) {
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
