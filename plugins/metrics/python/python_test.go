package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/pyref"
	"github.com/mledojo/dojo/sdk/plugintest"
)

// accuracyMetric is a metric file in MLE-Dojo's style: the share of rows whose label matches, rows
// matched by id, with a validator that insists on the answers' ids and columns.
const accuracyMetric = `
import pandas as pd
from mledojo.metrics.base import CompetitionMetrics, InvalidSubmissionError


class LabelAccuracy(CompetitionMetrics):
    def __init__(self, value="label", higher_is_better=True):
        super().__init__(higher_is_better)
        self.value = value

    def evaluate(self, y_true, y_pred):
        joined = y_true.merge(y_pred, on="id", suffixes=("_t", "_p"))
        return float((joined[self.value + "_t"] == joined[self.value + "_p"]).mean())

    def validate_submission(self, submission, ground_truth):
        if set(submission.columns) != set(ground_truth.columns):
            raise InvalidSubmissionError(f"columns must be {sorted(ground_truth.columns)}")
        if sorted(submission["id"]) != sorted(ground_truth["id"]):
            raise InvalidSubmissionError("ids differ from the answers'")
        return "Submission is valid."
`

type fixture struct {
	dir, answers string
	metric       pluginapi.Metric
}

func newFixture(t *testing.T) *fixture {
	pyref.Require(t, "pandas")
	dir := t.TempDir()
	f := &fixture{dir: dir, answers: filepath.Join(dir, "answers.csv"), metric: plugintest.Metric(t, pythonMetric{})}
	f.file(t, "answers.csv", "id,label\n1,cat\n2,dog\n3,cat\n4,bird\n")
	return f
}

func (f *fixture) file(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(f.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *fixture) score(t *testing.T, metricSource, submission string, params core.Params) (pluginapi.ScoreResponse, error) {
	t.Helper()
	if params == nil {
		params = core.Params{}
	}
	if _, ok := params["file"]; !ok {
		params["file"] = f.file(t, fmt.Sprintf("metric%d.py", time.Now().UnixNano()), metricSource)
	}
	sub := f.file(t, fmt.Sprintf("sub%d.csv", time.Now().UnixNano()), submission)
	return f.metric.Score(context.Background(), pluginapi.ScoreRequest{Metric: "python", AnswersPath: f.answers, SubmissionPath: sub, Params: params})
}

func TestPythonMetric_ScoresWithTheCompetitionsClass(t *testing.T) {
	f := newFixture(t)
	resp, err := f.score(t, accuracyMetric, "id,label\n4,bird\n3,dog\n2,dog\n1,cat\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Score != 0.75 || resp.Rows != 4 || resp.Extras["higher_is_better"] != 1 {
		t.Fatalf("score %v rows %d extras %v, want 0.75, 4 rows and higher_is_better 1", resp.Score, resp.Rows, resp.Extras)
	}
}

func TestPythonMetric_InitKwargsReachTheConstructor(t *testing.T) {
	f := newFixture(t)
	for _, kwargs := range []any{map[string]any{"value": "label", "higher_is_better": false}, `{"value": "label", "higher_is_better": false}`} {
		resp, err := f.score(t, accuracyMetric, "id,label\n1,cat\n2,dog\n3,cat\n4,cat\n", core.Params{"init_kwargs": kwargs})
		if err != nil || resp.Score != 0.75 || resp.Extras["higher_is_better"] != 0 {
			t.Fatalf("init_kwargs %v: %v %v, %v", kwargs, resp.Score, resp.Extras, err)
		}
	}
}

func TestPythonMetric_ErrorsKeepTheirKinds(t *testing.T) {
	f := newFixture(t)
	failing := strings.Replace(accuracyMetric, "return float(", "return 1 / 0 + float(", 1)
	twoClasses := accuracyMetric + "\n\nclass Other(LabelAccuracy):\n    pass\n"
	cases := []struct {
		name, source, submission string
		params                   core.Params
		errType                  core.ErrorType
		mention                  []string
	}{
		{"the validator's InvalidSubmissionError is submission_invalid", accuracyMetric, "id,label\n1,cat\n2,dog\n", nil,
			core.TypeSubmissionInvalid, []string{"ids differ from the answers'"}},
		{"any exception in the validator is submission_invalid, as in MLE-Dojo", accuracyMetric, "id,animal\n1,cat\n", nil,
			core.TypeSubmissionInvalid, []string{"columns must be"}},
		{"an exception in evaluate is evaluation, with the traceback", failing, "id,label\n1,cat\n2,dog\n3,cat\n4,bird\n", nil,
			core.TypeEvaluation, []string{"ZeroDivisionError", "Traceback", "in evaluate"}},
		{"a file that does not parse as CSV", accuracyMetric, "", nil,
			core.TypeSubmissionInvalid, []string{"cannot read the submission"}},
		{"two subclasses need the class param", twoClasses, "id,label\n1,cat\n", nil,
			core.TypeInvalidArgument, []string{"LabelAccuracy, Other"}},
		{"an unknown class", accuracyMetric, "id,label\n1,cat\n", core.Params{"class": "Nope"},
			core.TypeInvalidArgument, []string{"'Nope'", "LabelAccuracy"}},
		{"a metric file that does not import", "import no_such_module\n", "id,label\n1,cat\n", nil,
			core.TypeMetric, []string{"ModuleNotFoundError", "no_such_module"}},
		{"a constructor that rejects its arguments", accuracyMetric, "id,label\n1,cat\n", core.Params{"init_kwargs": map[string]any{"colour": "red"}},
			core.TypeMetric, []string{"cannot create LabelAccuracy", "colour"}},
		{"a score that is not a number", strings.Replace(accuracyMetric, "return float(", "return 'high' or (", 1),
			"id,label\n1,cat\n2,dog\n3,cat\n4,bird\n", nil, core.TypeEvaluation, []string{"not a number"}},
		{"a missing metric file", "", "id,label\n1,cat\n", core.Params{"file": "/nonexistent/metric.py"},
			core.TypeInvalidArgument, []string{"/nonexistent/metric.py"}},
		{"an unknown param", accuracyMetric, "id,label\n1,cat\n", core.Params{"timeout": 3},
			core.TypeInvalidArgument, []string{"timeout"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.score(t, c.source, c.submission, c.params)
			e, ok := err.(*core.Error)
			if !ok || e.Type != c.errType {
				t.Fatalf("got %v; want a %s error", err, c.errType)
			}
			text := e.Message + "\n" + e.Details
			for _, m := range c.mention {
				if !strings.Contains(text, m) {
					t.Errorf("error %q (details %q) does not mention %q", e.Message, e.Details, m)
				}
			}
		})
	}
}

func TestPythonMetric_ValidateRunsOnlyTheValidator(t *testing.T) {
	f := newFixture(t)
	src := strings.Replace(accuracyMetric, "return float(", "return 1 / 0 + float(", 1)
	file := f.file(t, "metric.py", src)
	sub := f.file(t, "sub.csv", "id,label\n1,cat\n2,dog\n3,cat\n4,bird\n")
	if _, err := f.metric.Validate(context.Background(), pluginapi.ScoreRequest{AnswersPath: f.answers, SubmissionPath: sub,
		Params: core.Params{"file": file}}); err != nil {
		t.Fatalf("Validate ran evaluate too: %v", err)
	}
}

func TestPythonMetric_StopsAtItsTimeLimit(t *testing.T) {
	f := newFixture(t)
	slow := strings.Replace(accuracyMetric, "    def evaluate(self, y_true, y_pred):\n", "    def evaluate(self, y_true, y_pred):\n        import time; time.sleep(60)\n", 1)
	start := time.Now()
	_, err := f.score(t, slow, "id,label\n1,cat\n2,dog\n3,cat\n4,bird\n", core.Params{"timeout_s": 1})
	if core.TypeOf(err) != core.TypeEvaluation || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("got %v; want an evaluation error about the limit", err)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Fatalf("took %v to stop a metric with a 1 s limit", d)
	}
}

// The metric gets a scrubbed environment and no network: it reports what it could reach.
func TestPythonMetric_RunsOfflineWithAScrubbedEnvironment(t *testing.T) {
	f := newFixture(t)
	t.Setenv("DOJO_TEST_SECRET", "hunter2")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	probe := strings.Replace(accuracyMetric, "    def evaluate(self, y_true, y_pred):\n", fmt.Sprintf(`    def evaluate(self, y_true, y_pred):
        import os, socket
        reached = 0
        try:
            socket.create_connection(("127.0.0.1", %d), timeout=2).close()
            reached = 1
        except OSError:
            pass
        return reached * 10 + ("DOJO_TEST_SECRET" in os.environ)
`, port), 1)
	resp, err := f.score(t, probe, "id,label\n1,cat\n2,dog\n3,cat\n4,bird\n", core.Params{"require_network_isolation": true})
	if core.TypeOf(err) == core.TypeMetric && strings.Contains(err.Error(), "network namespace") {
		t.Skipf("this machine cannot make network namespaces: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if resp.Score != 0 || accepted.Load() != 0 {
		t.Fatalf("metric reached the host's listener (score %v, %d connections) or saw its environment", resp.Score, accepted.Load())
	}
}
