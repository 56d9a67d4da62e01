package catalog

import (
	"context"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
)

// Metric returns the metric component called name. The plugin starts on the first call.
func (c *Catalog) Metric(name string) (pluginapi.Metric, error) {
	ref, err := c.ref(pluginapi.KindMetric, name)
	if err != nil {
		return nil, err
	}
	return &metric{ref: ref}, nil
}

// Action returns the custom action called name.
func (c *Catalog) Action(name string) (pluginapi.Action, error) {
	ref, err := c.ref(pluginapi.KindAction, name)
	if err != nil {
		return nil, err
	}
	return &action{ref: ref}, nil
}

// Feedback returns the feedback style called name.
func (c *Catalog) Feedback(name string) (pluginapi.Feedback, error) {
	ref, err := c.ref(pluginapi.KindFeedback, name)
	if err != nil {
		return nil, err
	}
	return &feedback{ref: ref}, nil
}

// TaskLoader returns the task loader called name.
func (c *Catalog) TaskLoader(name string) (pluginapi.TaskLoader, error) {
	ref, err := c.ref(pluginapi.KindTaskLoader, name)
	if err != nil {
		return nil, err
	}
	return &taskLoader{ref: ref}, nil
}

// call runs one RPC against the component's binary, starting it if needed. When the RPC finds the
// plugin gone, the binary is marked for restart. An idempotent call is then retried once on a fresh
// process, so a plugin killed between two calls costs the caller nothing; if the retry crashes too
// (the input itself kills the plugin), the caller gets the TypePluginCrashed error. Calls with effects
// (actions) are never retried.
func call[R any](ctx context.Context, ref *entryRef, idempotent bool, rpc func(*pluginapi.Dispensed) (R, error)) (R, error) {
	for attempt := 0; ; attempt++ {
		d, err := ref.bin.dispensed(ctx)
		if err != nil {
			var zero R
			return zero, err
		}
		r, err := rpc(d)
		if core.TypeOf(err) != core.TypePluginCrashed {
			return r, err
		}
		ref.bin.markCrashed(d)
		if !idempotent || attempt > 0 || ctx.Err() != nil {
			return r, err
		}
		ref.bin.cat.log.Warn("plugin crashed during a call; retrying once on a fresh process",
			"plugin", ref.bin.name, "component", ref.entry.Name, "error", err)
	}
}

type metric struct{ ref *entryRef }

var _ pluginapi.Metric = (*metric)(nil)

func (m *metric) Validate(ctx context.Context, req pluginapi.ScoreRequest) (pluginapi.ValidateResponse, error) {
	return call(ctx, m.ref, true, func(d *pluginapi.Dispensed) (pluginapi.ValidateResponse, error) {
		return d.Metrics.Component(m.ref.entry.Name).Validate(ctx, req)
	})
}

func (m *metric) Score(ctx context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	return call(ctx, m.ref, true, func(d *pluginapi.Dispensed) (pluginapi.ScoreResponse, error) {
		return d.Metrics.Component(m.ref.entry.Name).Score(ctx, req)
	})
}

type action struct{ ref *entryRef }

var _ pluginapi.Action = (*action)(nil)

func (a *action) Describe(ctx context.Context) (pluginapi.ActionSpec, error) {
	return call(ctx, a.ref, true, func(d *pluginapi.Dispensed) (pluginapi.ActionSpec, error) {
		return d.Actions.Component(a.ref.entry.Name).Describe(ctx)
	})
}

func (a *action) Invoke(ctx context.Context, req pluginapi.InvokeRequest) (pluginapi.InvokeResponse, error) {
	return call(ctx, a.ref, false, func(d *pluginapi.Dispensed) (pluginapi.InvokeResponse, error) {
		return d.Actions.Component(a.ref.entry.Name).Invoke(ctx, req)
	})
}

type feedback struct{ ref *entryRef }

var _ pluginapi.Feedback = (*feedback)(nil)

func (f *feedback) Render(ctx context.Context, req pluginapi.RenderRequest) (pluginapi.RenderResponse, error) {
	return call(ctx, f.ref, true, func(d *pluginapi.Dispensed) (pluginapi.RenderResponse, error) {
		return d.Feedback.Component(f.ref.entry.Name).Render(ctx, req)
	})
}

type taskLoader struct{ ref *entryRef }

var _ pluginapi.TaskLoader = (*taskLoader)(nil)

func (t *taskLoader) List(ctx context.Context, req pluginapi.ListTasksRequest) ([]pluginapi.TaskSummary, error) {
	return call(ctx, t.ref, true, func(d *pluginapi.Dispensed) ([]pluginapi.TaskSummary, error) {
		return d.TaskLoaders.Component(t.ref.entry.Name).List(ctx, req)
	})
}

func (t *taskLoader) Load(ctx context.Context, req pluginapi.LoadTaskRequest) (core.Competition, error) {
	return call(ctx, t.ref, true, func(d *pluginapi.Dispensed) (core.Competition, error) {
		return d.TaskLoaders.Component(t.ref.entry.Name).Load(ctx, req)
	})
}

func (t *taskLoader) Prepare(ctx context.Context, req pluginapi.PrepareTaskRequest) (pluginapi.PrepareTaskResponse, error) {
	return call(ctx, t.ref, true, func(d *pluginapi.Dispensed) (pluginapi.PrepareTaskResponse, error) {
		return d.TaskLoaders.Component(t.ref.entry.Name).Prepare(ctx, req)
	})
}
