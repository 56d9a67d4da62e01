package pluginapi_test

import (
	"context"
	"sync"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
)

// stub is one component of every kind whose every method does what the test last told it to, so
// one served plugin covers every kind and method. It runs in the test process (plugintest serves
// in-process), so the test can set its behaviour between calls.
type stub struct {
	mu         sync.Mutex
	behave     func() error
	configured []pluginapi.ConfigureRequest
}

var (
	_ pluginapi.Metric       = (*stub)(nil)
	_ pluginapi.Action       = (*stub)(nil)
	_ pluginapi.Feedback     = (*stub)(nil)
	_ pluginapi.TaskLoader   = (*stub)(nil)
	_ pluginapi.Configurable = (*stub)(nil)
)

// set makes every later call run f (which may panic); nil makes calls succeed.
func (s *stub) set(f func() error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.behave = f
}

func (s *stub) run() error {
	s.mu.Lock()
	f := s.behave
	s.mu.Unlock()
	if f == nil {
		return nil
	}
	return f()
}

func (s *stub) Validate(context.Context, pluginapi.ScoreRequest) (pluginapi.ValidateResponse, error) {
	return pluginapi.ValidateResponse{Rows: 1}, s.run()
}

func (s *stub) Score(context.Context, pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	return pluginapi.ScoreResponse{Score: 1, Rows: 1}, s.run()
}

func (s *stub) Describe(context.Context) (pluginapi.ActionSpec, error) {
	return pluginapi.ActionSpec{Description: "stub"}, s.run()
}

func (s *stub) Invoke(context.Context, pluginapi.InvokeRequest) (pluginapi.InvokeResponse, error) {
	return pluginapi.InvokeResponse{Output: "ok"}, s.run()
}

func (s *stub) Render(context.Context, pluginapi.RenderRequest) (pluginapi.RenderResponse, error) {
	return pluginapi.RenderResponse{Text: "ok"}, s.run()
}

func (s *stub) List(context.Context, pluginapi.ListTasksRequest) ([]pluginapi.TaskSummary, error) {
	return []pluginapi.TaskSummary{{ID: "t"}}, s.run()
}

func (s *stub) Load(context.Context, pluginapi.LoadTaskRequest) (core.Competition, error) {
	return core.Competition{ID: "t"}, s.run()
}

func (s *stub) Prepare(context.Context, pluginapi.PrepareTaskRequest) (pluginapi.PrepareTaskResponse, error) {
	return pluginapi.PrepareTaskResponse{Files: []string{"f"}}, s.run()
}

func (s *stub) Configure(_ context.Context, req pluginapi.ConfigureRequest) error {
	s.mu.Lock()
	s.configured = append(s.configured, req)
	s.mu.Unlock()
	return s.run()
}

func (s *stub) lastConfigure() (pluginapi.ConfigureRequest, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.configured) == 0 {
		return pluginapi.ConfigureRequest{}, false
	}
	return s.configured[len(s.configured)-1], true
}

// call is one host-side method of one kind, addressed to the component called name.
type call struct {
	name string
	kind pluginapi.Kind
	do   func(ctx context.Context, d *pluginapi.Dispensed, name string) error
}

// calls lists every method a host can call on a component, of every kind.
var calls = []call{
	{"metric validate", pluginapi.KindMetric, func(ctx context.Context, d *pluginapi.Dispensed, name string) error {
		_, err := d.Metrics.Component(name).Validate(ctx, pluginapi.ScoreRequest{AnswersPath: "a", SubmissionPath: "s"})
		return err
	}},
	{"metric score", pluginapi.KindMetric, func(ctx context.Context, d *pluginapi.Dispensed, name string) error {
		_, err := d.Metrics.Component(name).Score(ctx, pluginapi.ScoreRequest{AnswersPath: "a", SubmissionPath: "s"})
		return err
	}},
	{"action describe", pluginapi.KindAction, func(ctx context.Context, d *pluginapi.Dispensed, name string) error {
		_, err := d.Actions.Component(name).Describe(ctx)
		return err
	}},
	{"action invoke", pluginapi.KindAction, func(ctx context.Context, d *pluginapi.Dispensed, name string) error {
		_, err := d.Actions.Component(name).Invoke(ctx, pluginapi.InvokeRequest{EpisodeID: "e"})
		return err
	}},
	{"feedback render", pluginapi.KindFeedback, func(ctx context.Context, d *pluginapi.Dispensed, name string) error {
		_, err := d.Feedback.Component(name).Render(ctx, pluginapi.RenderRequest{Step: core.StepResult{Step: 1}})
		return err
	}},
	{"tasks list", pluginapi.KindTaskLoader, func(ctx context.Context, d *pluginapi.Dispensed, name string) error {
		_, err := d.TaskLoaders.Component(name).List(ctx, pluginapi.ListTasksRequest{Root: "r"})
		return err
	}},
	{"tasks load", pluginapi.KindTaskLoader, func(ctx context.Context, d *pluginapi.Dispensed, name string) error {
		_, err := d.TaskLoaders.Component(name).Load(ctx, pluginapi.LoadTaskRequest{Root: "r", ID: "t"})
		return err
	}},
	{"tasks prepare", pluginapi.KindTaskLoader, func(ctx context.Context, d *pluginapi.Dispensed, name string) error {
		_, err := d.TaskLoaders.Component(name).Prepare(ctx, pluginapi.PrepareTaskRequest{ID: "t"})
		return err
	}},
}
