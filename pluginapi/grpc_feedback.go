package pluginapi

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/mledojo/dojo/core"
	pb "github.com/mledojo/dojo/pluginapi/internal/proto"
)

type feedbackPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	impls map[string]Feedback
}

func (p *feedbackPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	pb.RegisterFeedbackServer(s, &feedbackServer{impls: p.impls})
	return nil
}

func (p *feedbackPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return &FeedbackClient{c: pb.NewFeedbackClient(c)}, nil
}

type feedbackServer struct {
	pb.UnimplementedFeedbackServer
	impls map[string]Feedback
}

func (s *feedbackServer) Render(ctx context.Context, req *pb.RenderRequest) (*pb.RenderResponse, error) {
	f, ok := s.impls[req.Component]
	if !ok {
		return nil, notFound(KindFeedback, req.Component, names(s.impls))
	}
	var step core.StepResult
	if err := json.Unmarshal(req.StepJson, &step); err != nil {
		return nil, toStatus(core.Errorf(core.TypePluginProtocol, "feedback %q: step is not valid JSON: %w", req.Component, err))
	}
	var resp RenderResponse
	err := guard(req.Component, func() (err error) {
		resp, err = f.Render(ctx, RenderRequest{Style: req.Component, Step: step})
		return err
	})
	if err != nil {
		return nil, err
	}
	var data []byte
	if resp.Data != nil {
		if data, err = json.Marshal(resp.Data); err != nil {
			return nil, toStatus(core.Errorf(core.TypeInternal, "feedback %q: data is not JSON-encodable: %w", req.Component, err))
		}
	}
	return &pb.RenderResponse{Text: resp.Text, DataJson: data}, nil
}

// FeedbackClient is the host's handle on every feedback component of one plugin binary.
type FeedbackClient struct{ c pb.FeedbackClient }

// Component returns the feedback style named name.
func (f *FeedbackClient) Component(name string) Feedback {
	return &feedbackComponent{c: f.c, name: name}
}

type feedbackComponent struct {
	c    pb.FeedbackClient
	name string
}

var _ Feedback = (*feedbackComponent)(nil)

func (f *feedbackComponent) Render(ctx context.Context, req RenderRequest) (RenderResponse, error) {
	step, err := json.Marshal(req.Step)
	if err != nil {
		return RenderResponse{}, core.Errorf(core.TypeInternal, "feedback %q: step is not JSON-encodable: %w", f.name, err)
	}
	resp, err := f.c.Render(ctx, &pb.RenderRequest{Component: f.name, StepJson: step})
	if err != nil {
		return RenderResponse{}, fromStatus(ctx, err, "feedback "+f.name)
	}
	out := RenderResponse{Text: resp.Text}
	if len(resp.DataJson) > 0 {
		if err := json.Unmarshal(resp.DataJson, &out.Data); err != nil {
			return RenderResponse{}, core.Errorf(core.TypePluginProtocol, "feedback %q returned invalid JSON data: %w", f.name, err)
		}
	}
	return out, nil
}
