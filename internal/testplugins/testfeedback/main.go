// Command testfeedback is a test plugin serving a plain-text feedback style and one that fails.
package main

import (
	"context"
	"fmt"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk"
)

type plain struct{}

func (plain) Render(_ context.Context, req pluginapi.RenderRequest) (pluginapi.RenderResponse, error) {
	s := req.Step
	return pluginapi.RenderResponse{
		Text: fmt.Sprintf("step %d: %s %s, reward %.4f", s.Step, s.Observation.Action, s.Observation.Status, s.Reward),
		Data: map[string]any{"reward": s.Reward},
	}, nil
}

type failing struct{}

func (failing) Render(context.Context, pluginapi.RenderRequest) (pluginapi.RenderResponse, error) {
	return pluginapi.RenderResponse{}, core.Errorf(core.TypeInternal, "this style always fails")
}

func main() {
	sdk.Serve(
		sdk.Feedback("plain", plain{}, sdk.Describe("one line per step")),
		sdk.Feedback("failing", failing{}, sdk.Describe("always fails, for tests")),
	)
}
