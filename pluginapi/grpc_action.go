package pluginapi

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/mledojo/dojo/core"
	pb "github.com/mledojo/dojo/pluginapi/internal/proto"
)

type actionPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	impls map[string]Action
}

func (p *actionPlugin) GRPCServer(broker *plugin.GRPCBroker, s *grpc.Server) error {
	pb.RegisterActionServer(s, &actionServer{impls: p.impls, broker: broker})
	return nil
}

func (p *actionPlugin) GRPCClient(_ context.Context, broker *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return &ActionClient{c: pb.NewActionClient(c), broker: broker}, nil
}

type actionServer struct {
	pb.UnimplementedActionServer
	impls  map[string]Action
	broker *plugin.GRPCBroker
}

func (s *actionServer) Describe(ctx context.Context, req *pb.DescribeActionRequest) (*pb.DescribeActionResponse, error) {
	a, ok := s.impls[req.Component]
	if !ok {
		return nil, notFound(KindAction, req.Component, names(s.impls))
	}
	var spec ActionSpec
	if err := guard(req.Component, func() (err error) { spec, err = a.Describe(ctx); return err }); err != nil {
		return nil, err
	}
	if spec.Name == "" {
		spec.Name = req.Component
	}
	return &pb.DescribeActionResponse{Name: spec.Name, Description: spec.Description, ParamsSchemaJson: string(spec.ParamsSchema)}, nil
}

func (s *actionServer) Invoke(ctx context.Context, req *pb.InvokeRequest) (*pb.InvokeResponse, error) {
	a, ok := s.impls[req.Component]
	if !ok {
		return nil, notFound(KindAction, req.Component, names(s.impls))
	}
	conn, err := s.broker.Dial(req.HostServices)
	if err != nil {
		return nil, toStatus(core.Errorf(core.TypePluginProtocol, "action %q cannot reach the host's services: %w", req.Component, err))
	}
	defer conn.Close()
	host := &hostServicesClient{c: pb.NewHostServicesClient(conn)}
	var resp InvokeResponse
	err = guard(req.Component, func() (err error) {
		resp, err = a.Invoke(ctx, InvokeRequest{
			Action: req.Component, EpisodeID: req.EpisodeId, Params: structToParams(req.Params), Host: host,
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	data, err := mapToStruct(resp.Data)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.InvokeResponse{Output: resp.Output, Data: data, Terminal: resp.Terminal, SubmissionPath: resp.SubmissionPath}, nil
}

// ActionClient is the host's handle on every action component of one plugin binary.
type ActionClient struct {
	c      pb.ActionClient
	broker *plugin.GRPCBroker
}

// Component returns the action named name.
func (a *ActionClient) Component(name string) Action { return &actionComponent{a: a, name: name} }

type actionComponent struct {
	a    *ActionClient
	name string
}

var _ Action = (*actionComponent)(nil)

func (c *actionComponent) Describe(ctx context.Context) (ActionSpec, error) {
	resp, err := c.a.c.Describe(ctx, &pb.DescribeActionRequest{Component: c.name})
	if err != nil {
		return ActionSpec{}, fromStatus(ctx, err, "action "+c.name+" describe")
	}
	return ActionSpec{Name: resp.Name, Description: resp.Description, ParamsSchema: json.RawMessage(resp.ParamsSchemaJson)}, nil
}

// Invoke serves req.Host on a fresh broker stream for the duration of the call, so the plugin can call
// back into the episode's sandbox and workspace.
func (c *actionComponent) Invoke(ctx context.Context, req InvokeRequest) (InvokeResponse, error) {
	params, err := paramsToStruct(req.Params)
	if err != nil {
		return InvokeResponse{}, err
	}
	host := req.Host
	if host == nil {
		host = NoHostServices{}
	}
	var (
		mu       sync.Mutex
		server   *grpc.Server
		finished bool
		done     = make(chan struct{})
	)
	id := c.a.broker.NextId()
	go func() {
		defer close(done)
		c.a.broker.AcceptAndServe(id, func(opts []grpc.ServerOption) *grpc.Server {
			s := grpc.NewServer(opts...)
			pb.RegisterHostServicesServer(s, &hostServicesServer{impl: host})
			mu.Lock()
			server = s
			if finished {
				// The invocation ended before the server existed (the action never called back):
				// a stopped server's Serve returns at once instead of serving forever.
				s.Stop()
			}
			mu.Unlock()
			return s
		})
	}()
	defer func() {
		mu.Lock()
		finished = true
		s := server
		mu.Unlock()
		if s != nil {
			s.Stop()
		}
		// Accept does not block on the plugin, so this returns promptly and the call leaves no
		// listener or goroutine behind.
		<-done
	}()
	resp, err := c.a.c.Invoke(ctx, &pb.InvokeRequest{Component: c.name, EpisodeId: req.EpisodeID, Params: params, HostServices: id})
	if err != nil {
		return InvokeResponse{}, fromStatus(ctx, err, "action "+c.name)
	}
	return InvokeResponse{Output: resp.Output, Data: structToMap(resp.Data), Terminal: resp.Terminal, SubmissionPath: resp.SubmissionPath}, nil
}

// NoHostServices answers every call with an error; it stands in when an action is invoked outside an
// episode (for example by `dojo plugins` tooling or a unit test that needs no sandbox).
type NoHostServices struct{}

var _ HostServices = NoHostServices{}

func noHost() error {
	return core.Errorf(core.TypeInvalidAction, "no episode is attached: host services are unavailable").
		WithCauses("invoke the action within an episode")
}

// Exec implements HostServices.
func (NoHostServices) Exec(context.Context, ExecRequest) (ExecResponse, error) {
	return ExecResponse{}, noHost()
}

// ReadFile implements HostServices.
func (NoHostServices) ReadFile(context.Context, ReadFileRequest) (ReadFileResponse, error) {
	return ReadFileResponse{}, noHost()
}

// WriteFile implements HostServices.
func (NoHostServices) WriteFile(context.Context, WriteFileRequest) error { return noHost() }

// ListFiles implements HostServices.
func (NoHostServices) ListFiles(context.Context, ListFilesRequest) ([]FileEntry, error) {
	return nil, noHost()
}
