package scoring_test

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/scoring"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk"
	"github.com/mledojo/dojo/sdk/plugintest"
)

// catalog is a fake Metrics: the metrics it knows, by name.
type catalog map[string]pluginapi.Metric

func (c catalog) Metric(name string) (pluginapi.Metric, error) {
	m, ok := c[name]
	if !ok {
		return nil, core.Errorf(core.TypePluginNotFound, "no metric %q", name)
	}
	return m, nil
}

// fakeMetric answers every Score with resp and err, and counts and records its calls.
type fakeMetric struct {
	resp pluginapi.ScoreResponse
	err  error

	mu    sync.Mutex
	calls []pluginapi.ScoreRequest
}

func (f *fakeMetric) Validate(context.Context, pluginapi.ScoreRequest) (pluginapi.ValidateResponse, error) {
	return pluginapi.ValidateResponse{}, errors.New("scoring must not call Validate")
}

func (f *fakeMetric) Score(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, req)
	return f.resp, f.err
}

func (f *fakeMetric) called() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// files writes an answers and a submission file and returns a request for metric "m" on them.
func files(t *testing.T) scoring.Request {
	t.Helper()
	dir := t.TempDir()
	req := scoring.Request{
		Metric:         "m",
		Params:         core.Params{"k": "v"},
		AnswersPath:    filepath.Join(dir, "answers.csv"),
		SubmissionPath: filepath.Join(dir, "submission.csv"),
	}
	for _, p := range []string{req.AnswersPath, req.SubmissionPath} {
		if err := os.WriteFile(p, []byte("id,y\n1,1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return req
}

// checkInvalid fails unless res is an invalid result carrying an error of type want.
func checkInvalid(t *testing.T, res scoring.Result, err error, want core.ErrorType) {
	t.Helper()
	if err != nil {
		t.Fatalf("returned error %v; a bad submission is an invalid result, not an error", err)
	}
	if res.Valid || res.Error == nil {
		t.Fatalf("result %+v, want invalid with an error", res)
	}
	if res.Error.Type != want {
		t.Errorf("error type %s (%v), want %s", res.Error.Type, res.Error, want)
	}
}

func TestScore_ValidSubmission(t *testing.T) {
	m := &fakeMetric{resp: pluginapi.ScoreResponse{Score: 0.25, Rows: 10, Extras: map[string]float64{"a": 0.5}}}
	req := files(t)
	res, err := scoring.Score(context.Background(), catalog{"m": m}, req)
	if err != nil {
		t.Fatal(err)
	}
	want := scoring.Result{Valid: true, RawScore: 0.25, Rows: 10, Extras: map[string]float64{"a": 0.5}}
	if !reflect.DeepEqual(res, want) {
		t.Errorf("result %+v, want %+v", res, want)
	}
	wantReq := pluginapi.ScoreRequest{Metric: "m", AnswersPath: req.AnswersPath, SubmissionPath: req.SubmissionPath, Params: req.Params}
	if m.called() != 1 || !reflect.DeepEqual(m.calls[0], wantReq) {
		t.Errorf("metric got %+v, want one call with %+v", m.calls, wantReq)
	}
}

func TestScore_BadFilesAreInvalidResultsWithoutCallingTheMetric(t *testing.T) {
	tests := []struct {
		name   string
		modify func(t *testing.T, req *scoring.Request)
		want   core.ErrorType
	}{
		{"missing submission", func(t *testing.T, req *scoring.Request) {
			req.SubmissionPath = filepath.Join(t.TempDir(), "absent.csv")
		}, core.TypeSubmissionNotFound},
		{"no submission path", func(t *testing.T, req *scoring.Request) {
			req.SubmissionPath = ""
		}, core.TypeSubmissionNotFound},
		{"directory as submission", func(t *testing.T, req *scoring.Request) {
			req.SubmissionPath = t.TempDir()
		}, core.TypeSubmissionNotFound},
		{"submission is a dangling link", func(t *testing.T, req *scoring.Request) {
			link := filepath.Join(t.TempDir(), "submission.csv")
			if err := os.Symlink(filepath.Join(t.TempDir(), "gone.csv"), link); err != nil {
				t.Fatal(err)
			}
			req.SubmissionPath = link
		}, core.TypeSubmissionNotFound},
		{"missing answers", func(t *testing.T, req *scoring.Request) {
			req.AnswersPath = filepath.Join(t.TempDir(), "absent.csv")
		}, core.TypeGroundTruth},
		{"directory as answers", func(t *testing.T, req *scoring.Request) {
			req.AnswersPath = t.TempDir()
		}, core.TypeGroundTruth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &fakeMetric{resp: pluginapi.ScoreResponse{Score: 1}}
			req := files(t)
			tt.modify(t, &req)
			res, err := scoring.Score(context.Background(), catalog{"m": m}, req)
			checkInvalid(t, res, err, tt.want)
			if m.called() != 0 {
				t.Errorf("the metric was called %d times", m.called())
			}
		})
	}
}

func TestScore_MetricErrorsAreInvalidResults(t *testing.T) {
	typed := core.Errorf(core.TypeSubmissionInvalid, "missing id 7").WithDetails("line 8").WithCauses("write every id")
	tests := []struct {
		name string
		err  error
		want core.Error
	}{
		{"typed error kept as is", typed, *typed},
		{"wrapped typed error", errors.Join(errors.New("context"), typed), *typed},
		{"foreign error is internal", errors.New("boom"), core.Error{Type: core.TypeInternal, Message: "boom"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := scoring.Score(context.Background(), catalog{"m": &fakeMetric{err: tt.err}}, files(t))
			checkInvalid(t, res, err, tt.want.Type)
			if res.Error.Message != tt.want.Message || res.Error.Details != tt.want.Details || !reflect.DeepEqual(res.Error.Causes, tt.want.Causes) {
				t.Errorf("error %#v, want %#v", res.Error, tt.want)
			}
			if res.RawScore != 0 || res.Extras != nil {
				t.Errorf("an invalid result carries a score: %+v", res)
			}
		})
	}
}

func TestScore_NonFiniteScoreIsEvaluationError(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		t.Run(formatFloat(v), func(t *testing.T) {
			m := &fakeMetric{resp: pluginapi.ScoreResponse{Score: v, Rows: 3}}
			res, err := scoring.Score(context.Background(), catalog{"m": m}, files(t))
			checkInvalid(t, res, err, core.TypeEvaluation)
			if len(res.Error.Causes) == 0 {
				t.Error("no cause suggests what to check")
			}
		})
	}
}

func formatFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	}
	return "-Inf"
}

func TestScore_UnknownMetricIsReturnedError(t *testing.T) {
	res, err := scoring.Score(context.Background(), catalog{}, files(t))
	if core.TypeOf(err) != core.TypePluginNotFound {
		t.Errorf("error %v, want %s", err, core.TypePluginNotFound)
	}
	if res.Valid || res.Error != nil {
		t.Errorf("result %+v alongside a returned error", res)
	}
}

func TestScore_CancelledContextIsReturnedError(t *testing.T) {
	tests := []struct {
		name   string
		metric *fakeMetric
	}{
		// A metric that finishes anyway must not turn a cancelled step into a score.
		{"metric ignores the context", &fakeMetric{resp: pluginapi.ScoreResponse{Score: 1}}},
		{"metric gives up", &fakeMetric{err: core.Errorf(core.TypeInternal, "%w", context.Canceled)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			res, err := scoring.Score(ctx, catalog{"m": tt.metric}, files(t))
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error %v, want context.Canceled", err)
			}
			if res.Valid || res.Error != nil {
				t.Errorf("result %+v alongside a returned error", res)
			}
		})
	}
}

// The same paths over a real plugin connection: typed errors, NaN and cancellation keep their
// meaning across the wire.
func TestScore_OverRealGRPC(t *testing.T) {
	started := make(chan struct{}, 1)
	d := plugintest.Serve(t,
		sdk.Metric("ok", sdk.MetricFunc(func(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
			k, _ := req.Params.String("k", "")
			return pluginapi.ScoreResponse{Score: 0.5, Rows: 1, Extras: map[string]float64{k: 1}}, nil
		})),
		sdk.Metric("nan", sdk.MetricFunc(func(context.Context, pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
			return pluginapi.ScoreResponse{Score: math.NaN()}, nil
		})),
		sdk.Metric("invalid", sdk.MetricFunc(func(context.Context, pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
			return pluginapi.ScoreResponse{}, core.Errorf(core.TypeSubmissionInvalid, "bad row").WithCauses("fix it")
		})),
		sdk.Metric("hang", sdk.MetricFunc(func(ctx context.Context, _ pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
			started <- struct{}{}
			<-ctx.Done()
			return pluginapi.ScoreResponse{}, ctx.Err()
		})),
	)
	metrics := catalog{}
	for _, name := range []string{"ok", "nan", "invalid", "hang"} {
		metrics[name] = d.Metrics.Component(name)
	}
	score := func(ctx context.Context, metric string) (scoring.Result, error) {
		req := files(t)
		req.Metric = metric
		return scoring.Score(ctx, metrics, req)
	}

	t.Run("valid", func(t *testing.T) {
		res, err := score(context.Background(), "ok")
		want := scoring.Result{Valid: true, RawScore: 0.5, Rows: 1, Extras: map[string]float64{"v": 1}}
		if err != nil || !reflect.DeepEqual(res, want) {
			t.Errorf("Score = %+v, %v; want %+v", res, err, want)
		}
	})
	t.Run("NaN", func(t *testing.T) {
		res, err := score(context.Background(), "nan")
		checkInvalid(t, res, err, core.TypeEvaluation)
	})
	t.Run("typed error", func(t *testing.T) {
		res, err := score(context.Background(), "invalid")
		checkInvalid(t, res, err, core.TypeSubmissionInvalid)
		if res.Error.Message != "bad row" || !reflect.DeepEqual(res.Error.Causes, []string{"fix it"}) {
			t.Errorf("error %#v", res.Error)
		}
	})
	t.Run("cancelled mid-call", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-started
			cancel()
		}()
		res, err := score(ctx, "hang")
		if !errors.Is(err, context.Canceled) || res.Valid || res.Error != nil {
			t.Errorf("Score = %+v, %v; want only context.Canceled", res, err)
		}
	})
}
