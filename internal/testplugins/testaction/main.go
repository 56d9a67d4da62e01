// Command testaction is a test plugin serving custom actions that call back into the host.
package main

import (
	"context"
	"fmt"

	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk"
)

type echo struct{}

func (echo) Describe(context.Context) (pluginapi.ActionSpec, error) {
	return pluginapi.ActionSpec{Description: "returns its params", ParamsSchema: []byte(`{"type":"object"}`)}, nil
}

func (echo) Invoke(_ context.Context, req pluginapi.InvokeRequest) (pluginapi.InvokeResponse, error) {
	return pluginapi.InvokeResponse{Output: fmt.Sprintf("episode %s", req.EpisodeID), Data: req.Params}, nil
}

// probe exercises every HostServices call, so a test can check the broker path end to end.
type probe struct{}

func (probe) Describe(context.Context) (pluginapi.ActionSpec, error) {
	return pluginapi.ActionSpec{Description: "writes, lists, reads a file and runs code through the host"}, nil
}

func (probe) Invoke(ctx context.Context, req pluginapi.InvokeRequest) (pluginapi.InvokeResponse, error) {
	if err := req.Host.WriteFile(ctx, pluginapi.WriteFileRequest{Path: "probe.txt", Data: []byte("hello")}); err != nil {
		return pluginapi.InvokeResponse{}, err
	}
	files, err := req.Host.ListFiles(ctx, pluginapi.ListFilesRequest{Root: pluginapi.RootWorkspace})
	if err != nil {
		return pluginapi.InvokeResponse{}, err
	}
	read, err := req.Host.ReadFile(ctx, pluginapi.ReadFileRequest{Root: pluginapi.RootWorkspace, Path: "probe.txt"})
	if err != nil {
		return pluginapi.InvokeResponse{}, err
	}
	run, err := req.Host.Exec(ctx, pluginapi.ExecRequest{Code: "print('hi')"})
	if err != nil {
		return pluginapi.InvokeResponse{}, err
	}
	return pluginapi.InvokeResponse{
		Output:   run.Stdout,
		Data:     map[string]any{"files": len(files), "read": string(read.Data), "exit": run.ExitCode},
		Terminal: req.Params.Has("final"),
	}, nil
}

func main() {
	sdk.Serve(
		sdk.Action("echo", echo{}, sdk.Describe("returns its params")),
		sdk.Action("probe", probe{}, sdk.Describe("exercises the host services")),
	)
}
