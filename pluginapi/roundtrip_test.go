package pluginapi_test

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk"
	"github.com/mledojo/dojo/sdk/plugintest"
)

// jsonShaped is v as it reads after a trip through JSON: what params and data promise to be.
func jsonShaped(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// paramsRecorder is a metric that keeps the params of its last call.
type paramsRecorder struct {
	mu  sync.Mutex
	got core.Params
}

func (r *paramsRecorder) score(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = req.Params
	return pluginapi.ScoreResponse{}, nil
}

func (r *paramsRecorder) last() core.Params {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got
}

func TestParams_ArriveJSONShapedAndReadAsTheirTypes(t *testing.T) {
	sent := core.Params{
		"target_columns": []string{"a", "b"},
		"k":              5,
		"eps":            0.25,
		"big":            int64(1 << 40),
		"multilabel":     true,
		"name":           "macro",
		"unset":          nil,
		"nested":         map[string]any{"list": []any{1, "x", false}, "inner": map[string]any{"z": -1.5}},
	}
	rec := &paramsRecorder{}
	m := plugintest.Metric(t, sdk.MetricFunc(rec.score))
	if _, err := m.Score(context.Background(), pluginapi.ScoreRequest{Params: sent}); err != nil {
		t.Fatal(err)
	}
	got := rec.last()
	if want := jsonShaped(t, sent); !reflect.DeepEqual(map[string]any(got), want) {
		t.Errorf("params arrived as\n%#v\nwant\n%#v", got, want)
	}

	cols, err := got.Strings("target_columns", nil)
	if err != nil || !reflect.DeepEqual(cols, []string{"a", "b"}) {
		t.Errorf("Strings(target_columns) = %v, %v", cols, err)
	}
	if k, err := got.Int("k", 0); err != nil || k != 5 {
		t.Errorf("Int(k) = %v, %v", k, err)
	}
	if big, err := got.Int("big", 0); err != nil || big != 1<<40 {
		t.Errorf("Int(big) = %v, %v", big, err)
	}
	if eps, err := got.Float("eps", 0); err != nil || eps != 0.25 {
		t.Errorf("Float(eps) = %v, %v", eps, err)
	}
	if b, err := got.Bool("multilabel", false); err != nil || !b {
		t.Errorf("Bool(multilabel) = %v, %v", b, err)
	}
	if s, err := got.String("name", ""); err != nil || s != "macro" {
		t.Errorf("String(name) = %v, %v", s, err)
	}
	if s, err := got.String("unset", "default"); err != nil || s != "default" {
		t.Errorf("String(unset) = %v, %v; a null param reads as unset", s, err)
	}
}

func TestParams_NoneArriveAsEmptyNotNil(t *testing.T) {
	for name, sent := range map[string]core.Params{"nil": nil, "empty": {}} {
		t.Run(name, func(t *testing.T) {
			rec := &paramsRecorder{}
			m := plugintest.Metric(t, sdk.MetricFunc(rec.score))
			if _, err := m.Score(context.Background(), pluginapi.ScoreRequest{Params: sent}); err != nil {
				t.Fatal(err)
			}
			if got := rec.last(); got == nil || len(got) != 0 {
				t.Errorf("params arrived as %#v, want an empty map", got)
			}
		})
	}
}

func TestParams_NotJSONEncodable_IsInvalidArgumentBeforeTheCall(t *testing.T) {
	rec := &paramsRecorder{}
	m := plugintest.Metric(t, sdk.MetricFunc(rec.score))
	for name, p := range map[string]core.Params{
		"NaN":     {"x": math.NaN()},
		"channel": {"x": make(chan int)},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := m.Score(context.Background(), pluginapi.ScoreRequest{Params: p})
			if got := core.TypeOf(err); got != core.TypeInvalidArgument {
				t.Errorf("type %q (%v), want %q", got, err, core.TypeInvalidArgument)
			}
			if rec.last() != nil {
				t.Errorf("the metric was called with %v", rec.last())
			}
		})
	}
}

func TestMetric_RequestAndResponseRoundTrip(t *testing.T) {
	var got pluginapi.ScoreRequest
	var mu sync.Mutex
	m := plugintest.Serve(t, sdk.Metric("m", sdk.MetricFunc(func(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
		mu.Lock()
		got = req
		mu.Unlock()
		return pluginapi.ScoreResponse{Score: math.Inf(-1), Rows: 42, Extras: map[string]float64{"a": 0.5, "b": math.NaN()}}, nil
	}))).Metrics.Component("m")
	resp, err := m.Score(context.Background(), pluginapi.ScoreRequest{Metric: "ignored", AnswersPath: "/a.csv", SubmissionPath: "/s.csv"})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if got.Metric != "m" || got.AnswersPath != "/a.csv" || got.SubmissionPath != "/s.csv" {
		t.Errorf("metric saw %+v; want the component name and both paths", got)
	}
	mu.Unlock()
	if !math.IsInf(resp.Score, -1) || resp.Rows != 42 || resp.Extras["a"] != 0.5 || !math.IsNaN(resp.Extras["b"]) {
		t.Errorf("response %+v did not survive the trip", resp)
	}
	v, err := m.Validate(context.Background(), pluginapi.ScoreRequest{})
	if err != nil || v.Rows != 42 {
		t.Errorf("Validate = %+v, %v; want the rows of the score", v, err)
	}
}

func TestFeedback_StepAndDataRoundTrip(t *testing.T) {
	best := 0.75
	step := core.StepResult{
		Step: 3, Reward: 0.5, Truncated: true,
		Observation: core.Observation{
			Action: "execute_code", Status: "error", StepsLeft: 7, TimeLeft: 90 * time.Second, BestRaw: &best,
			Feedback: map[string]string{"base": "text"},
			Error:    core.Errorf(core.TypeSubmissionInvalid, "bad").WithCauses("fix it"),
			Info:     map[string]any{"n": 1.0, "tags": []any{"a"}},
		},
		Info: map[string]any{"seed": 7.0},
	}
	data := map[string]any{"reward": 0.5, "lines": []any{"a", "b"}, "nested": map[string]any{"ok": true, "n": 2}}
	var mu sync.Mutex
	var seen pluginapi.RenderRequest
	f := plugintest.Feedback(t, feedbackFunc(func(_ context.Context, req pluginapi.RenderRequest) (pluginapi.RenderResponse, error) {
		mu.Lock()
		seen = req
		mu.Unlock()
		return pluginapi.RenderResponse{Text: "rendered ✓", Data: data}, nil
	}))
	resp, err := f.Render(context.Background(), pluginapi.RenderRequest{Style: "ignored", Step: step})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text != "rendered ✓" {
		t.Errorf("text %q", resp.Text)
	}
	if want := jsonShaped(t, data); !reflect.DeepEqual(resp.Data, want) {
		t.Errorf("data %#v, want %#v", resp.Data, want)
	}
	mu.Lock()
	defer mu.Unlock()
	if seen.Style != "feedback" {
		t.Errorf("style %q, want the component name", seen.Style)
	}
	if !reflect.DeepEqual(jsonShaped(t, seen.Step), jsonShaped(t, step)) {
		t.Errorf("feedback saw step\n%+v\nwant\n%+v", seen.Step, step)
	}
}

func TestFeedback_NoDataStaysNil(t *testing.T) {
	f := plugintest.Feedback(t, feedbackFunc(func(context.Context, pluginapi.RenderRequest) (pluginapi.RenderResponse, error) {
		return pluginapi.RenderResponse{Text: "t"}, nil
	}))
	resp, err := f.Render(context.Background(), pluginapi.RenderRequest{})
	if err != nil || resp.Data != nil {
		t.Errorf("Render = %#v, %v; want nil data", resp, err)
	}
}

type feedbackFunc func(context.Context, pluginapi.RenderRequest) (pluginapi.RenderResponse, error)

func (f feedbackFunc) Render(ctx context.Context, req pluginapi.RenderRequest) (pluginapi.RenderResponse, error) {
	return f(ctx, req)
}

func TestTaskLoader_RequestsAndCompetitionRoundTrip(t *testing.T) {
	comp := core.Competition{
		ID: "c", Title: "C", Metric: core.MetricRef{Name: "rmse"}, Direction: core.LowerIsBetter,
		PublicDir: "/p", AnswersPath: "/a.csv", Source: "native",
	}
	l := &recordingLoader{comp: comp}
	tl := plugintest.TaskLoader(t, l)
	ctx := context.Background()

	list, err := tl.List(ctx, pluginapi.ListTasksRequest{Root: "/root", Params: core.Params{"x": "y"}})
	want := []pluginapi.TaskSummary{{ID: "c", Title: "C", Domain: "tabular", Metric: "rmse", Prepared: true}}
	if err != nil || !reflect.DeepEqual(list, want) {
		t.Errorf("List = %+v, %v; want %+v", list, err, want)
	}
	got, err := tl.Load(ctx, pluginapi.LoadTaskRequest{Root: "/root", ID: "c"})
	if err != nil || !reflect.DeepEqual(got, comp) {
		t.Errorf("Load = %+v, %v; want %+v", got, err, comp)
	}
	prep, err := tl.Prepare(ctx, pluginapi.PrepareTaskRequest{ID: "c", RawDir: "/raw", DataDir: "/data"})
	if err != nil || !reflect.DeepEqual(prep.Competition, comp) || !reflect.DeepEqual(prep.Files, []string{"train.csv"}) {
		t.Errorf("Prepare = %+v, %v", prep, err)
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	wantSeen := []string{"list tasks /root y", "load tasks /root c", "prepare tasks c /raw /data"}
	if !reflect.DeepEqual(l.seen, wantSeen) {
		t.Errorf("loader saw %q, want %q", l.seen, wantSeen)
	}
}

type recordingLoader struct {
	comp core.Competition
	mu   sync.Mutex
	seen []string
}

func (l *recordingLoader) note(parts ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := parts[0]
	for _, p := range parts[1:] {
		s += " " + p
	}
	l.seen = append(l.seen, s)
}

func (l *recordingLoader) List(_ context.Context, req pluginapi.ListTasksRequest) ([]pluginapi.TaskSummary, error) {
	x, _ := req.Params.String("x", "")
	l.note("list", req.Loader, req.Root, x)
	return []pluginapi.TaskSummary{{ID: "c", Title: "C", Domain: "tabular", Metric: "rmse", Prepared: true}}, nil
}

func (l *recordingLoader) Load(_ context.Context, req pluginapi.LoadTaskRequest) (core.Competition, error) {
	l.note("load", req.Loader, req.Root, req.ID)
	return l.comp, nil
}

func (l *recordingLoader) Prepare(_ context.Context, req pluginapi.PrepareTaskRequest) (pluginapi.PrepareTaskResponse, error) {
	l.note("prepare", req.Loader, req.ID, req.RawDir, req.DataDir)
	return pluginapi.PrepareTaskResponse{Competition: l.comp, Files: []string{"train.csv"}}, nil
}
