package pluginapi

import (
	"context"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	pb "github.com/mledojo/dojo/pluginapi/internal/proto"
)

type metricPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	impls map[string]Metric
}

func (p *metricPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	pb.RegisterMetricServer(s, &metricServer{impls: p.impls})
	return nil
}

func (p *metricPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return &MetricClient{c: pb.NewMetricClient(c)}, nil
}

type metricServer struct {
	pb.UnimplementedMetricServer
	impls map[string]Metric
}

func (s *metricServer) Validate(ctx context.Context, req *pb.ScoreRequest) (*pb.ValidateResponse, error) {
	m, ok := s.impls[req.Component]
	if !ok {
		return nil, notFound(KindMetric, req.Component, names(s.impls))
	}
	var resp ValidateResponse
	err := guard(req.Component, func() (err error) {
		resp, err = m.Validate(ctx, scoreRequestFromProto(req))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &pb.ValidateResponse{Rows: resp.Rows, Warnings: resp.Warnings}, nil
}

func (s *metricServer) Score(ctx context.Context, req *pb.ScoreRequest) (*pb.ScoreResponse, error) {
	m, ok := s.impls[req.Component]
	if !ok {
		return nil, notFound(KindMetric, req.Component, names(s.impls))
	}
	var resp ScoreResponse
	err := guard(req.Component, func() (err error) {
		resp, err = m.Score(ctx, scoreRequestFromProto(req))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &pb.ScoreResponse{Score: resp.Score, Rows: resp.Rows, Extras: resp.Extras}, nil
}

func scoreRequestFromProto(req *pb.ScoreRequest) ScoreRequest {
	return ScoreRequest{
		Metric: req.Component, AnswersPath: req.AnswersPath, SubmissionPath: req.SubmissionPath,
		Params: structToParams(req.Params),
	}
}

// MetricClient is the host's handle on every metric component of one plugin binary.
type MetricClient struct{ c pb.MetricClient }

// Component returns the metric named name. Whether the binary serves it shows on the first call.
func (m *MetricClient) Component(name string) Metric { return &metricComponent{c: m.c, name: name} }

type metricComponent struct {
	c    pb.MetricClient
	name string
}

var _ Metric = (*metricComponent)(nil)

func (m *metricComponent) toProto(req ScoreRequest) (*pb.ScoreRequest, error) {
	params, err := paramsToStruct(req.Params)
	if err != nil {
		return nil, err
	}
	return &pb.ScoreRequest{Component: m.name, AnswersPath: req.AnswersPath, SubmissionPath: req.SubmissionPath, Params: params}, nil
}

func (m *metricComponent) Validate(ctx context.Context, req ScoreRequest) (ValidateResponse, error) {
	p, err := m.toProto(req)
	if err != nil {
		return ValidateResponse{}, err
	}
	resp, err := m.c.Validate(ctx, p)
	if err != nil {
		return ValidateResponse{}, fromStatus(ctx, err, "metric "+m.name+" validate")
	}
	return ValidateResponse{Rows: resp.Rows, Warnings: resp.Warnings}, nil
}

func (m *metricComponent) Score(ctx context.Context, req ScoreRequest) (ScoreResponse, error) {
	p, err := m.toProto(req)
	if err != nil {
		return ScoreResponse{}, err
	}
	resp, err := m.c.Score(ctx, p)
	if err != nil {
		return ScoreResponse{}, fromStatus(ctx, err, "metric "+m.name+" score")
	}
	return ScoreResponse{Score: resp.Score, Rows: resp.Rows, Extras: resp.Extras}, nil
}
