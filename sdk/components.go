package sdk

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
)

// Component is one named component a plugin binary serves. Build it with Metric, Action, Feedback or
// TaskLoader.
type Component struct {
	info pluginapi.ComponentInfo
	impl any
}

// Info returns what the component says about itself.
func (c Component) Info() pluginapi.ComponentInfo { return c.info }

// Option refines a component's description.
type Option func(*pluginapi.ComponentInfo)

// Describe sets the one-line description shown by `dojo plugins list`.
func Describe(text string) Option { return func(i *pluginapi.ComponentInfo) { i.Description = text } }

// Direction states which way a metric improves.
func Direction(d core.Direction) Option {
	return func(i *pluginapi.ComponentInfo) { setMeta(i, pluginapi.MetadataDirection, string(d)) }
}

// Schema sets the JSON Schema of the component's params or config.
func Schema(jsonSchema string) Option {
	return func(i *pluginapi.ComponentInfo) { i.ConfigSchema = json.RawMessage(jsonSchema) }
}

// Meta sets a free-form metadata entry.
func Meta(key, value string) Option {
	return func(i *pluginapi.ComponentInfo) { setMeta(i, key, value) }
}

func setMeta(i *pluginapi.ComponentInfo, k, v string) {
	if i.Metadata == nil {
		i.Metadata = map[string]string{}
	}
	i.Metadata[k] = v
}

func newComponent(kind pluginapi.Kind, name string, impl any, opts []Option) Component {
	info := pluginapi.ComponentInfo{Kind: kind, Name: name, APIVersions: slices.Clone(pluginapi.APIVersions[kind])}
	for _, o := range opts {
		o(&info)
	}
	return Component{info: info, impl: impl}
}

// Metric serves m as the metric called name.
func Metric(name string, m pluginapi.Metric, opts ...Option) Component {
	return newComponent(pluginapi.KindMetric, name, m, opts)
}

// Action serves a as the custom action called name.
func Action(name string, a pluginapi.Action, opts ...Option) Component {
	return newComponent(pluginapi.KindAction, name, a, opts)
}

// Feedback serves f as the feedback style called name.
func Feedback(name string, f pluginapi.Feedback, opts ...Option) Component {
	return newComponent(pluginapi.KindFeedback, name, f, opts)
}

// TaskLoader serves l as the task loader called name.
func TaskLoader(name string, l pluginapi.TaskLoader, opts ...Option) Component {
	return newComponent(pluginapi.KindTaskLoader, name, l, opts)
}

// MetricFunc adapts a scoring function to pluginapi.Metric. Its Validate runs the function and drops
// the score, which is right for metrics whose validation is the alignment the score needs anyway.
type MetricFunc func(ctx context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error)

var _ pluginapi.Metric = MetricFunc(nil)

// Score calls f.
func (f MetricFunc) Score(ctx context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	return f(ctx, req)
}

// Validate calls f and keeps only the verdict.
func (f MetricFunc) Validate(ctx context.Context, req pluginapi.ScoreRequest) (pluginapi.ValidateResponse, error) {
	resp, err := f(ctx, req)
	if err != nil {
		return pluginapi.ValidateResponse{}, err
	}
	return pluginapi.ValidateResponse{Rows: resp.Rows}, nil
}

// Build assembles components into what the gRPC layer serves, rejecting an empty set, an unnamed
// component and two components of one kind with the same name.
func Build(version string, components ...Component) (*pluginapi.Components, error) {
	c := &pluginapi.Components{
		Description: pluginapi.Description{PluginVersion: version, SDKVersion: Version, Protocol: pluginapi.ProtocolVersion},
		Metrics:     map[string]pluginapi.Metric{},
		Actions:     map[string]pluginapi.Action{},
		Feedback:    map[string]pluginapi.Feedback{},
		TaskLoaders: map[string]pluginapi.TaskLoader{},
	}
	if len(components) == 0 {
		return nil, fmt.Errorf("sdk: a plugin must serve at least one component")
	}
	seen := map[string]bool{}
	for _, comp := range components {
		key := string(comp.info.Kind) + "/" + comp.info.Name
		if comp.info.Name == "" || comp.impl == nil {
			return nil, fmt.Errorf("sdk: %s component has no name or no implementation", comp.info.Kind)
		}
		if seen[key] {
			return nil, fmt.Errorf("sdk: two %s components are named %q", comp.info.Kind, comp.info.Name)
		}
		seen[key] = true
		switch comp.info.Kind {
		case pluginapi.KindMetric:
			c.Metrics[comp.info.Name] = comp.impl.(pluginapi.Metric)
		case pluginapi.KindAction:
			c.Actions[comp.info.Name] = comp.impl.(pluginapi.Action)
		case pluginapi.KindFeedback:
			c.Feedback[comp.info.Name] = comp.impl.(pluginapi.Feedback)
		case pluginapi.KindTaskLoader:
			c.TaskLoaders[comp.info.Name] = comp.impl.(pluginapi.TaskLoader)
		}
		c.Description.Components = append(c.Description.Components, comp.info)
	}
	return c, nil
}
