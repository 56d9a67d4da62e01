package pluginapi

import (
	"context"

	"github.com/mledojo/dojo/core"
)

// Feedback renders a step's result for the agent in one style (text like the original's, JSON,
// a critique...). A failing feedback plugin never fails the step: the host records the error instead.
type Feedback interface {
	Render(ctx context.Context, req RenderRequest) (RenderResponse, error)
}

// RenderRequest is the finished step to render.
type RenderRequest struct {
	// Style is the component name; the host fills it in.
	Style string
	Step  core.StepResult
}

// RenderResponse is the rendered feedback: text for the agent, and optional structured data.
type RenderResponse struct {
	Text string
	Data map[string]any
}
