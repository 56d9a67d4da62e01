package sdk_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk"
)

// one implements every kind, so one value can stand for any component.
type one struct{}

func (one) Validate(context.Context, pluginapi.ScoreRequest) (pluginapi.ValidateResponse, error) {
	return pluginapi.ValidateResponse{}, nil
}

func (one) Score(context.Context, pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	return pluginapi.ScoreResponse{}, nil
}

func (one) Describe(context.Context) (pluginapi.ActionSpec, error) {
	return pluginapi.ActionSpec{}, nil
}

func (one) Invoke(context.Context, pluginapi.InvokeRequest) (pluginapi.InvokeResponse, error) {
	return pluginapi.InvokeResponse{}, nil
}

func (one) Render(context.Context, pluginapi.RenderRequest) (pluginapi.RenderResponse, error) {
	return pluginapi.RenderResponse{}, nil
}

func (one) List(context.Context, pluginapi.ListTasksRequest) ([]pluginapi.TaskSummary, error) {
	return nil, nil
}

func (one) Load(context.Context, pluginapi.LoadTaskRequest) (core.Competition, error) {
	return core.Competition{}, nil
}

func (one) Prepare(context.Context, pluginapi.PrepareTaskRequest) (pluginapi.PrepareTaskResponse, error) {
	return pluginapi.PrepareTaskResponse{}, nil
}

func TestBuild_RejectsInvalidSets(t *testing.T) {
	tests := []struct {
		name       string
		components []sdk.Component
		mention    string
	}{
		{"no components", nil, "at least one component"},
		{"unnamed metric", []sdk.Component{sdk.Metric("", one{})}, "no name"},
		{"unnamed action beside a named one", []sdk.Component{sdk.Action("a", one{}), sdk.Action("", one{})}, "action"},
		{"no implementation", []sdk.Component{sdk.Feedback("f", nil)}, "no implementation"},
		{"zero component", []sdk.Component{{}}, "no name"},
		{"duplicate metric", []sdk.Component{sdk.Metric("rmse", one{}), sdk.Metric("mae", one{}), sdk.Metric("rmse", one{})}, `"rmse"`},
		{"duplicate task loader", []sdk.Component{sdk.TaskLoader("native", one{}), sdk.TaskLoader("native", one{})}, "tasks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := sdk.Build("1.0", tt.components...)
			if err == nil {
				t.Fatalf("Build accepted %d components: %+v", len(tt.components), c.Description)
			}
			if c != nil {
				t.Errorf("Build returned components with its error")
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("error %q does not mention %q", err, tt.mention)
			}
		})
	}
}

func TestBuild_SameNameInEveryKindIsFine(t *testing.T) {
	c, err := sdk.Build("2.1",
		sdk.Metric("x", one{}), sdk.Action("x", one{}), sdk.Feedback("x", one{}), sdk.TaskLoader("x", one{}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Metrics["x"] == nil || c.Actions["x"] == nil || c.Feedback["x"] == nil || c.TaskLoaders["x"] == nil {
		t.Errorf("not every kind serves x: %+v", c)
	}
	d := c.Description
	if d.PluginVersion != "2.1" || d.SDKVersion != sdk.Version || d.Protocol != pluginapi.ProtocolVersion {
		t.Errorf("description %+v", d)
	}
	var kinds []pluginapi.Kind
	for _, ci := range d.Components {
		kinds = append(kinds, ci.Kind)
	}
	if want := []pluginapi.Kind{pluginapi.KindMetric, pluginapi.KindAction, pluginapi.KindFeedback, pluginapi.KindTaskLoader}; !reflect.DeepEqual(kinds, want) {
		t.Errorf("components listed as %v, want %v in the order given", kinds, want)
	}
}

func TestOptions_LandInComponentInfo(t *testing.T) {
	tests := []struct {
		name string
		comp sdk.Component
		want pluginapi.ComponentInfo
	}{
		{
			name: "no options",
			comp: sdk.Action("shell", one{}),
			want: pluginapi.ComponentInfo{Kind: pluginapi.KindAction, Name: "shell", APIVersions: pluginapi.APIVersions[pluginapi.KindAction]},
		},
		{
			name: "every option",
			comp: sdk.Metric("rmse", one{}, sdk.Describe("root mean squared error"), sdk.Direction(core.LowerIsBetter),
				sdk.Schema(`{"type":"object"}`), sdk.Meta("family", "regression")),
			want: pluginapi.ComponentInfo{
				Kind: pluginapi.KindMetric, Name: "rmse", Description: "root mean squared error",
				APIVersions:  pluginapi.APIVersions[pluginapi.KindMetric],
				ConfigSchema: json.RawMessage(`{"type":"object"}`),
				Metadata:     map[string]string{pluginapi.MetadataDirection: "minimize", "family": "regression"},
			},
		},
		{
			name: "a later option wins",
			comp: sdk.Feedback("f", one{}, sdk.Describe("first"), sdk.Describe("second"),
				sdk.Direction(core.LowerIsBetter), sdk.Direction(core.HigherIsBetter)),
			want: pluginapi.ComponentInfo{Kind: pluginapi.KindFeedback, Name: "f", Description: "second",
				APIVersions: pluginapi.APIVersions[pluginapi.KindFeedback],
				Metadata:    map[string]string{pluginapi.MetadataDirection: "maximize"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.comp.Info(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Info() = %+v\nwant     %+v", got, tt.want)
			}
			c, err := sdk.Build("", tt.comp)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Description.Components; len(got) != 1 || !reflect.DeepEqual(got[0], tt.want) {
				t.Errorf("Build described %+v", got)
			}
		})
	}
}

func TestComponentInfo_APIVersionsAreTheComponentsOwn(t *testing.T) {
	before := append([]int(nil), pluginapi.APIVersions[pluginapi.KindMetric]...)
	info := sdk.Metric("m", one{}).Info()
	info.APIVersions[0] = 99
	if !reflect.DeepEqual(pluginapi.APIVersions[pluginapi.KindMetric], before) {
		t.Errorf("changing one component's versions changed the SDK's: %v", pluginapi.APIVersions[pluginapi.KindMetric])
	}
}

func TestMetricFunc_ValidateKeepsRowsAndErrorsDropsScore(t *testing.T) {
	fail := core.Errorf(core.TypeSubmissionInvalid, "missing id 7").WithCauses("write every id")
	tests := []struct {
		name     string
		resp     pluginapi.ScoreResponse
		err      error
		wantResp pluginapi.ValidateResponse
	}{
		{"valid", pluginapi.ScoreResponse{Score: 0.9, Rows: 12, Extras: map[string]float64{"a": 1}}, nil, pluginapi.ValidateResponse{Rows: 12}},
		{"invalid", pluginapi.ScoreResponse{Score: 0.9, Rows: 12}, fail, pluginapi.ValidateResponse{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got pluginapi.ScoreRequest
			f := sdk.MetricFunc(func(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
				got = req
				return tt.resp, tt.err
			})
			req := pluginapi.ScoreRequest{Metric: "m", AnswersPath: "a", SubmissionPath: "s", Params: core.Params{"k": 1.0}}
			v, err := f.Validate(context.Background(), req)
			if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Errorf("Validate error %v, want %v", err, tt.err)
			}
			if !reflect.DeepEqual(v, tt.wantResp) {
				t.Errorf("Validate = %+v, want %+v", v, tt.wantResp)
			}
			if !reflect.DeepEqual(got, req) {
				t.Errorf("function got %+v, want %+v", got, req)
			}
			s, err := f.Score(context.Background(), req)
			if !reflect.DeepEqual(s, tt.resp) || !errors.Is(err, tt.err) {
				t.Errorf("Score = %+v, %v; want %+v, %v", s, err, tt.resp, tt.err)
			}
		})
	}
}
