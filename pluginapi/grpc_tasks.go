package pluginapi

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/mledojo/dojo/core"
	pb "github.com/mledojo/dojo/pluginapi/internal/proto"
)

type tasksPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	impls map[string]TaskLoader
}

func (p *tasksPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	pb.RegisterTaskLoaderServer(s, &tasksServer{impls: p.impls})
	return nil
}

func (p *tasksPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return &TaskLoaderClient{c: pb.NewTaskLoaderClient(c)}, nil
}

type tasksServer struct {
	pb.UnimplementedTaskLoaderServer
	impls map[string]TaskLoader
}

func (s *tasksServer) List(ctx context.Context, req *pb.ListTasksRequest) (*pb.ListTasksResponse, error) {
	l, ok := s.impls[req.Component]
	if !ok {
		return nil, notFound(KindTaskLoader, req.Component, names(s.impls))
	}
	var tasks []TaskSummary
	err := guard(req.Component, func() (err error) {
		tasks, err = l.List(ctx, ListTasksRequest{Loader: req.Component, Root: req.Root, Params: structToParams(req.Params)})
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &pb.ListTasksResponse{}
	for _, t := range tasks {
		out.Tasks = append(out.Tasks, &pb.TaskSummary{Id: t.ID, Title: t.Title, Domain: t.Domain, Prepared: t.Prepared, Metric: t.Metric, Labels: t.Labels})
	}
	return out, nil
}

func (s *tasksServer) Load(ctx context.Context, req *pb.LoadTaskRequest) (*pb.LoadTaskResponse, error) {
	l, ok := s.impls[req.Component]
	if !ok {
		return nil, notFound(KindTaskLoader, req.Component, names(s.impls))
	}
	var comp core.Competition
	err := guard(req.Component, func() (err error) {
		comp, err = l.Load(ctx, LoadTaskRequest{Loader: req.Component, Root: req.Root, ID: req.Id})
		return err
	})
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(comp)
	if err != nil {
		return nil, toStatus(core.Errorf(core.TypeInternal, "loader %q: competition is not JSON-encodable: %w", req.Component, err))
	}
	return &pb.LoadTaskResponse{CompetitionJson: b}, nil
}

func (s *tasksServer) Prepare(ctx context.Context, req *pb.PrepareTaskRequest) (*pb.PrepareTaskResponse, error) {
	l, ok := s.impls[req.Component]
	if !ok {
		return nil, notFound(KindTaskLoader, req.Component, names(s.impls))
	}
	var resp PrepareTaskResponse
	err := guard(req.Component, func() (err error) {
		resp, err = l.Prepare(ctx, PrepareTaskRequest{
			Loader: req.Component, ID: req.Id, RawDir: req.RawDir, DataDir: req.DataDir, Params: structToParams(req.Params),
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(resp.Competition)
	if err != nil {
		return nil, toStatus(core.Errorf(core.TypeInternal, "loader %q: competition is not JSON-encodable: %w", req.Component, err))
	}
	return &pb.PrepareTaskResponse{CompetitionJson: b, Files: resp.Files}, nil
}

// TaskLoaderClient is the host's handle on every task loader component of one plugin binary.
type TaskLoaderClient struct{ c pb.TaskLoaderClient }

// Component returns the task loader named name.
func (t *TaskLoaderClient) Component(name string) TaskLoader {
	return &tasksComponent{c: t.c, name: name}
}

type tasksComponent struct {
	c    pb.TaskLoaderClient
	name string
}

var _ TaskLoader = (*tasksComponent)(nil)

func (t *tasksComponent) List(ctx context.Context, req ListTasksRequest) ([]TaskSummary, error) {
	params, err := paramsToStruct(req.Params)
	if err != nil {
		return nil, err
	}
	resp, err := t.c.List(ctx, &pb.ListTasksRequest{Component: t.name, Root: req.Root, Params: params})
	if err != nil {
		return nil, fromStatus(ctx, err, "task loader "+t.name+" list")
	}
	out := make([]TaskSummary, 0, len(resp.Tasks))
	for _, x := range resp.Tasks {
		out = append(out, TaskSummary{ID: x.Id, Title: x.Title, Domain: x.Domain, Metric: x.Metric, Prepared: x.Prepared, Labels: x.Labels})
	}
	return out, nil
}

func (t *tasksComponent) Load(ctx context.Context, req LoadTaskRequest) (core.Competition, error) {
	resp, err := t.c.Load(ctx, &pb.LoadTaskRequest{Component: t.name, Root: req.Root, Id: req.ID})
	if err != nil {
		return core.Competition{}, fromStatus(ctx, err, "task loader "+t.name+" load")
	}
	return decodeCompetition(t.name, resp.CompetitionJson)
}

func (t *tasksComponent) Prepare(ctx context.Context, req PrepareTaskRequest) (PrepareTaskResponse, error) {
	params, err := paramsToStruct(req.Params)
	if err != nil {
		return PrepareTaskResponse{}, err
	}
	resp, err := t.c.Prepare(ctx, &pb.PrepareTaskRequest{Component: t.name, Id: req.ID, RawDir: req.RawDir, DataDir: req.DataDir, Params: params})
	if err != nil {
		return PrepareTaskResponse{}, fromStatus(ctx, err, "task loader "+t.name+" prepare")
	}
	comp, err := decodeCompetition(t.name, resp.CompetitionJson)
	if err != nil {
		return PrepareTaskResponse{}, err
	}
	return PrepareTaskResponse{Competition: comp, Files: resp.Files}, nil
}

func decodeCompetition(loader string, b []byte) (core.Competition, error) {
	var c core.Competition
	if err := json.Unmarshal(b, &c); err != nil {
		return core.Competition{}, core.Errorf(core.TypePluginProtocol, "task loader %q returned an invalid competition: %w", loader, err)
	}
	return c, nil
}
