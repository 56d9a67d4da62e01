package pluginapi

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/mledojo/dojo/core"
	pb "github.com/mledojo/dojo/pluginapi/internal/proto"
)

// Configurable is an optional ability: a component that accepts configuration from the host after
// version negotiation.
type Configurable interface {
	Configure(ctx context.Context, req ConfigureRequest) error
}

// ConfigureRequest carries the negotiated API version and the component's config (JSON).
type ConfigureRequest struct {
	Kind       Kind
	Component  string
	APIVersion int
	Config     json.RawMessage
}

// Base is the client side of the Base service every plugin binary serves.
type Base interface {
	Info(ctx context.Context) (Description, error)
	Configure(ctx context.Context, req ConfigureRequest) error
}

type basePlugin struct {
	plugin.NetRPCUnsupportedPlugin
	components *Components
}

func (p *basePlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	pb.RegisterBaseServer(s, &baseServer{c: p.components})
	return nil
}

func (p *basePlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return &baseClient{c: pb.NewBaseClient(c)}, nil
}

type baseServer struct {
	pb.UnimplementedBaseServer
	c *Components
}

func (s *baseServer) Info(context.Context, *pb.Empty) (*pb.InfoResponse, error) {
	d := s.c.Description
	resp := &pb.InfoResponse{PluginVersion: d.PluginVersion, SdkVersion: d.SDKVersion}
	for _, ci := range d.Components {
		resp.Components = append(resp.Components, &pb.ComponentInfo{
			Kind: string(ci.Kind), Name: ci.Name, Description: ci.Description,
			ApiVersions: uint32s(ci.APIVersions), ConfigSchemaJson: string(ci.ConfigSchema), Metadata: ci.Metadata,
		})
	}
	return resp, nil
}

func (s *baseServer) Configure(ctx context.Context, req *pb.ConfigureRequest) (*pb.Empty, error) {
	impl := s.c.lookup(Kind(req.Kind), req.Component)
	if impl == nil {
		return nil, notFound(Kind(req.Kind), req.Component, s.c.names(Kind(req.Kind)))
	}
	c, ok := impl.(Configurable)
	if !ok {
		if req.ConfigJson == "" || req.ConfigJson == "{}" || req.ConfigJson == "null" {
			return &pb.Empty{}, nil
		}
		return nil, toStatus(core.Errorf(core.TypeConfig, "%s %q takes no configuration", req.Kind, req.Component))
	}
	err := guard(req.Component, func() error {
		return c.Configure(ctx, ConfigureRequest{
			Kind: Kind(req.Kind), Component: req.Component, APIVersion: int(req.ApiVersion),
			Config: json.RawMessage(req.ConfigJson),
		})
	})
	if err != nil {
		return nil, err
	}
	return &pb.Empty{}, nil
}

type baseClient struct{ c pb.BaseClient }

var _ Base = (*baseClient)(nil)

func (b *baseClient) Info(ctx context.Context) (Description, error) {
	resp, err := b.c.Info(ctx, &pb.Empty{})
	if err != nil {
		return Description{}, fromStatus(ctx, err, "plugin info")
	}
	d := Description{PluginVersion: resp.PluginVersion, SDKVersion: resp.SdkVersion, Protocol: ProtocolVersion}
	for _, c := range resp.Components {
		d.Components = append(d.Components, ComponentInfo{
			Kind: Kind(c.Kind), Name: c.Name, Description: c.Description, APIVersions: ints(c.ApiVersions),
			ConfigSchema: json.RawMessage(c.ConfigSchemaJson), Metadata: c.Metadata,
		})
	}
	return d, nil
}

func (b *baseClient) Configure(ctx context.Context, req ConfigureRequest) error {
	_, err := b.c.Configure(ctx, &pb.ConfigureRequest{
		Kind: string(req.Kind), Component: req.Component, ApiVersion: uint32(req.APIVersion),
		ConfigJson: string(req.Config),
	})
	return fromStatus(ctx, err, "configure "+req.Component)
}
