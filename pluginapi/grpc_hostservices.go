package pluginapi

import (
	"context"
	"time"

	"github.com/mledojo/dojo/core"
	pb "github.com/mledojo/dojo/pluginapi/internal/proto"
)

// hostServicesServer runs in the host, serving an action plugin's callbacks.
type hostServicesServer struct {
	pb.UnimplementedHostServicesServer
	impl HostServices
}

func (s *hostServicesServer) Exec(ctx context.Context, req *pb.ExecRequest) (*pb.ExecResponse, error) {
	var resp ExecResponse
	err := guard("host.exec", func() (err error) {
		resp, err = s.impl.Exec(ctx, ExecRequest{Argv: req.Argv, Code: req.Code, Timeout: time.Duration(req.TimeoutMs) * time.Millisecond})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &pb.ExecResponse{
		ExitCode: int32(resp.ExitCode), Stdout: resp.Stdout, Stderr: resp.Stderr,
		DurationMs: resp.Duration.Milliseconds(), Outcome: string(resp.Outcome), Truncated: resp.Truncated,
	}, nil
}

func (s *hostServicesServer) ReadFile(ctx context.Context, req *pb.ReadFileRequest) (*pb.ReadFileResponse, error) {
	var resp ReadFileResponse
	err := guard("host.read_file", func() (err error) {
		resp, err = s.impl.ReadFile(ctx, ReadFileRequest{Root: req.Root, Path: req.Path, MaxBytes: req.MaxBytes})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &pb.ReadFileResponse{Data: resp.Data, Truncated: resp.Truncated, Size: resp.Size}, nil
}

func (s *hostServicesServer) WriteFile(ctx context.Context, req *pb.WriteFileRequest) (*pb.Empty, error) {
	err := guard("host.write_file", func() error {
		return s.impl.WriteFile(ctx, WriteFileRequest{Path: req.Path, Data: req.Data})
	})
	if err != nil {
		return nil, err
	}
	return &pb.Empty{}, nil
}

func (s *hostServicesServer) ListFiles(ctx context.Context, req *pb.ListFilesRequest) (*pb.ListFilesResponse, error) {
	var entries []FileEntry
	err := guard("host.list_files", func() (err error) {
		entries, err = s.impl.ListFiles(ctx, ListFilesRequest{Root: req.Root, Path: req.Path, Recursive: req.Recursive})
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &pb.ListFilesResponse{}
	for _, e := range entries {
		out.Entries = append(out.Entries, &pb.FileEntry{Path: e.Path, Size: e.Size, Dir: e.Dir})
	}
	return out, nil
}

// hostServicesClient runs in the plugin, calling back into the host.
type hostServicesClient struct{ c pb.HostServicesClient }

var _ HostServices = (*hostServicesClient)(nil)

func (h *hostServicesClient) Exec(ctx context.Context, req ExecRequest) (ExecResponse, error) {
	resp, err := h.c.Exec(ctx, &pb.ExecRequest{Argv: req.Argv, Code: req.Code, TimeoutMs: req.Timeout.Milliseconds()})
	if err != nil {
		return ExecResponse{}, fromStatus(ctx, err, "host exec")
	}
	return ExecResponse{
		ExitCode: int(resp.ExitCode), Stdout: resp.Stdout, Stderr: resp.Stderr,
		Duration: time.Duration(resp.DurationMs) * time.Millisecond, Outcome: core.Outcome(resp.Outcome), Truncated: resp.Truncated,
	}, nil
}

func (h *hostServicesClient) ReadFile(ctx context.Context, req ReadFileRequest) (ReadFileResponse, error) {
	resp, err := h.c.ReadFile(ctx, &pb.ReadFileRequest{Root: req.Root, Path: req.Path, MaxBytes: req.MaxBytes})
	if err != nil {
		return ReadFileResponse{}, fromStatus(ctx, err, "host read_file")
	}
	return ReadFileResponse{Data: resp.Data, Truncated: resp.Truncated, Size: resp.Size}, nil
}

func (h *hostServicesClient) WriteFile(ctx context.Context, req WriteFileRequest) error {
	_, err := h.c.WriteFile(ctx, &pb.WriteFileRequest{Path: req.Path, Data: req.Data})
	return fromStatus(ctx, err, "host write_file")
}

func (h *hostServicesClient) ListFiles(ctx context.Context, req ListFilesRequest) ([]FileEntry, error) {
	resp, err := h.c.ListFiles(ctx, &pb.ListFilesRequest{Root: req.Root, Path: req.Path, Recursive: req.Recursive})
	if err != nil {
		return nil, fromStatus(ctx, err, "host list_files")
	}
	out := make([]FileEntry, 0, len(resp.Entries))
	for _, e := range resp.Entries {
		out = append(out, FileEntry{Path: e.Path, Size: e.Size, Dir: e.Dir})
	}
	return out, nil
}
