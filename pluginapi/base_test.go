package pluginapi_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk"
	"github.com/mledojo/dojo/sdk/plugintest"
)

// plainMetric has no Configure method: it lacks the Configurable ability.
type plainMetric struct{}

func (plainMetric) Validate(context.Context, pluginapi.ScoreRequest) (pluginapi.ValidateResponse, error) {
	return pluginapi.ValidateResponse{}, nil
}

func (plainMetric) Score(context.Context, pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	return pluginapi.ScoreResponse{}, nil
}

func TestInfo_DescribesEveryComponent(t *testing.T) {
	d := plugintest.Serve(t,
		sdk.Metric("rmse", plainMetric{}, sdk.Describe("root mean squared error"), sdk.Direction(core.LowerIsBetter),
			sdk.Schema(`{"type":"object"}`), sdk.Meta("family", "regression")),
		sdk.Feedback("plain", &stub{}),
	)
	got, err := d.Base.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.PluginVersion != "test" || got.SDKVersion != sdk.Version || got.Protocol != pluginapi.ProtocolVersion {
		t.Errorf("description %+v", got)
	}
	want := []pluginapi.ComponentInfo{
		{Kind: pluginapi.KindMetric, Name: "rmse", Description: "root mean squared error",
			APIVersions: pluginapi.APIVersions[pluginapi.KindMetric], ConfigSchema: json.RawMessage(`{"type":"object"}`),
			Metadata: map[string]string{pluginapi.MetadataDirection: "minimize", "family": "regression"}},
		{Kind: pluginapi.KindFeedback, Name: "plain", APIVersions: pluginapi.APIVersions[pluginapi.KindFeedback]},
	}
	if len(got.Components) != len(want) {
		t.Fatalf("components %+v, want %+v", got.Components, want)
	}
	for i := range want {
		g, w := got.Components[i], want[i]
		if g.Kind != w.Kind || g.Name != w.Name || g.Description != w.Description ||
			!reflect.DeepEqual(g.APIVersions, w.APIVersions) || string(g.ConfigSchema) != string(w.ConfigSchema) ||
			len(g.Metadata) != len(w.Metadata) || (len(w.Metadata) > 0 && !reflect.DeepEqual(g.Metadata, w.Metadata)) {
			t.Errorf("component %d: got %+v, want %+v", i, g, w)
		}
	}
}

func TestConfigure_ConfigurableComponentGetsTheRequest(t *testing.T) {
	s := &stub{}
	d := plugintest.Serve(t, sdk.Action("act", s))
	req := pluginapi.ConfigureRequest{Kind: pluginapi.KindAction, Component: "act", APIVersion: 1, Config: json.RawMessage(`{"k":[1,2]}`)}
	if err := d.Base.Configure(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	got, ok := s.lastConfigure()
	if !ok || !reflect.DeepEqual(got, req) {
		t.Errorf("component got %+v (called: %v), want %+v", got, ok, req)
	}
}

func TestConfigure_WithoutTheAbility(t *testing.T) {
	d := plugintest.Serve(t, sdk.Metric("m", plainMetric{}))
	tests := []struct {
		config string
		want   core.ErrorType
	}{
		{"", ""},
		{"{}", ""},
		{"null", ""},
		{`{"threshold": 0.5}`, core.TypeConfig},
		{`[1]`, core.TypeConfig},
	}
	for _, tt := range tests {
		t.Run(tt.config, func(t *testing.T) {
			err := d.Base.Configure(context.Background(), pluginapi.ConfigureRequest{
				Kind: pluginapi.KindMetric, Component: "m", APIVersion: 1, Config: json.RawMessage(tt.config),
			})
			if got := core.TypeOf(err); got != tt.want {
				t.Errorf("Configure(%q) = %v, want type %q", tt.config, err, tt.want)
			}
		})
	}
}

func TestConfigure_LooksUpTheComponentOfTheGivenKind(t *testing.T) {
	s := &stub{}
	d := plugintest.Serve(t, sdk.Metric("shared", plainMetric{}), sdk.Feedback("shared", s))
	// The metric takes no config; the feedback style of the same name does.
	cfg := json.RawMessage(`{"verbose":true}`)
	if err := d.Base.Configure(context.Background(), pluginapi.ConfigureRequest{Kind: pluginapi.KindFeedback, Component: "shared", Config: cfg}); err != nil {
		t.Errorf("feedback: %v", err)
	}
	err := d.Base.Configure(context.Background(), pluginapi.ConfigureRequest{Kind: pluginapi.KindMetric, Component: "shared", Config: cfg})
	if core.TypeOf(err) != core.TypeConfig {
		t.Errorf("metric: %v, want %s", err, core.TypeConfig)
	}
	err = d.Base.Configure(context.Background(), pluginapi.ConfigureRequest{Kind: "bogus", Component: "shared"})
	if core.TypeOf(err) != core.TypePluginNotFound {
		t.Errorf("unknown kind: %v, want %s", err, core.TypePluginNotFound)
	}
}
