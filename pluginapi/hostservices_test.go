package pluginapi_test

import (
	"context"
	"encoding/json"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk"
	"github.com/mledojo/dojo/sdk/plugintest"
)

// fakeHost stands in for an episode: it records what the action asked for and answers with fixed
// values, or with err when set.
type fakeHost struct {
	mu    sync.Mutex
	calls []any
	err   error
}

var _ pluginapi.HostServices = (*fakeHost)(nil)

func (h *fakeHost) record(req any) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, req)
	return h.err
}

func (h *fakeHost) Exec(_ context.Context, req pluginapi.ExecRequest) (pluginapi.ExecResponse, error) {
	if err := h.record(req); err != nil {
		return pluginapi.ExecResponse{}, err
	}
	return pluginapi.ExecResponse{ExitCode: 3, Stdout: "out", Stderr: "err", Duration: 1500 * time.Millisecond,
		Outcome: core.OutcomeExitNonZero, Truncated: true}, nil
}

func (h *fakeHost) ReadFile(_ context.Context, req pluginapi.ReadFileRequest) (pluginapi.ReadFileResponse, error) {
	if err := h.record(req); err != nil {
		return pluginapi.ReadFileResponse{}, err
	}
	return pluginapi.ReadFileResponse{Data: []byte("col\n\x00\xff"), Truncated: true, Size: 99}, nil
}

func (h *fakeHost) WriteFile(_ context.Context, req pluginapi.WriteFileRequest) error {
	return h.record(req)
}

func (h *fakeHost) ListFiles(_ context.Context, req pluginapi.ListFilesRequest) ([]pluginapi.FileEntry, error) {
	if err := h.record(req); err != nil {
		return nil, err
	}
	return []pluginapi.FileEntry{{Path: "a.csv", Size: 10}, {Path: "sub", Dir: true}}, nil
}

// useHost is an action that calls every host service once and reports what came back, or returns
// the first error unchanged.
type useHost struct {
	mu   sync.Mutex
	seen []any
}

func (a *useHost) Describe(context.Context) (pluginapi.ActionSpec, error) {
	return pluginapi.ActionSpec{}, nil
}

func (a *useHost) Invoke(ctx context.Context, req pluginapi.InvokeRequest) (pluginapi.InvokeResponse, error) {
	h := req.Host
	run, err := h.Exec(ctx, pluginapi.ExecRequest{Argv: []string{"python", "-V"}, Code: "print(1)", Timeout: 2500 * time.Millisecond})
	if err != nil {
		return pluginapi.InvokeResponse{}, err
	}
	read, err := h.ReadFile(ctx, pluginapi.ReadFileRequest{Root: pluginapi.RootPublic, Path: "train.csv", MaxBytes: 64})
	if err != nil {
		return pluginapi.InvokeResponse{}, err
	}
	if err := h.WriteFile(ctx, pluginapi.WriteFileRequest{Path: "out/x.bin", Data: []byte{0, 1, 0xff}}); err != nil {
		return pluginapi.InvokeResponse{}, err
	}
	files, err := h.ListFiles(ctx, pluginapi.ListFilesRequest{Root: pluginapi.RootWorkspace, Path: "out", Recursive: true})
	if err != nil {
		return pluginapi.InvokeResponse{}, err
	}
	a.mu.Lock()
	a.seen = []any{run, read, files}
	a.mu.Unlock()
	return pluginapi.InvokeResponse{Output: "done"}, nil
}

func TestAction_HostServicesReachTheHostThroughTheBroker(t *testing.T) {
	host := &fakeHost{}
	action := &useHost{}
	a := plugintest.Action(t, action)
	resp, err := a.Invoke(context.Background(), pluginapi.InvokeRequest{EpisodeID: "ep", Host: host})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Output != "done" {
		t.Errorf("output %q", resp.Output)
	}

	wantHostSaw := []any{
		pluginapi.ExecRequest{Argv: []string{"python", "-V"}, Code: "print(1)", Timeout: 2500 * time.Millisecond},
		pluginapi.ReadFileRequest{Root: pluginapi.RootPublic, Path: "train.csv", MaxBytes: 64},
		pluginapi.WriteFileRequest{Path: "out/x.bin", Data: []byte{0, 1, 0xff}},
		pluginapi.ListFilesRequest{Root: pluginapi.RootWorkspace, Path: "out", Recursive: true},
	}
	host.mu.Lock()
	if !reflect.DeepEqual(host.calls, wantHostSaw) {
		t.Errorf("host saw\n%#v\nwant\n%#v", host.calls, wantHostSaw)
	}
	host.mu.Unlock()

	wantActionSaw := []any{
		pluginapi.ExecResponse{ExitCode: 3, Stdout: "out", Stderr: "err", Duration: 1500 * time.Millisecond,
			Outcome: core.OutcomeExitNonZero, Truncated: true},
		pluginapi.ReadFileResponse{Data: []byte("col\n\x00\xff"), Truncated: true, Size: 99},
		[]pluginapi.FileEntry{{Path: "a.csv", Size: 10}, {Path: "sub", Dir: true}},
	}
	action.mu.Lock()
	if !reflect.DeepEqual(action.seen, wantActionSaw) {
		t.Errorf("action saw\n%#v\nwant\n%#v", action.seen, wantActionSaw)
	}
	action.mu.Unlock()
}

func TestAction_HostServiceErrorsComeBackTyped(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want core.Error
	}{
		{
			name: "typed",
			err:  core.Errorf(core.TypeSandboxExecution, "sandbox died").WithDetails("oom").WithCauses("use less memory"),
			want: core.Error{Type: core.TypeSandboxExecution, Message: "sandbox died", Details: "oom", Causes: []string{"use less memory"}},
		},
		{
			name: "path outside the root",
			err:  core.Errorf(core.TypeInvalidArgument, "path ../x leaves the workspace"),
			want: core.Error{Type: core.TypeInvalidArgument, Message: "path ../x leaves the workspace"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := plugintest.Action(t, &useHost{})
			_, err := a.Invoke(context.Background(), pluginapi.InvokeRequest{Host: &fakeHost{err: tt.err}})
			got := asCoreError(t, err)
			if got.Type != tt.want.Type || got.Message != tt.want.Message || got.Details != tt.want.Details ||
				!reflect.DeepEqual(got.Causes, tt.want.Causes) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

// panickyHost panics in every call, as a buggy host service might.
type panickyHost struct{ fakeHost }

func (*panickyHost) Exec(context.Context, pluginapi.ExecRequest) (pluginapi.ExecResponse, error) {
	panic("host bug")
}

func TestAction_PanickingHostServiceIsInternalError(t *testing.T) {
	a := plugintest.Action(t, &useHost{})
	_, err := a.Invoke(context.Background(), pluginapi.InvokeRequest{Host: &panickyHost{}})
	got := asCoreError(t, err)
	if got.Type != core.TypeInternal || !strings.Contains(got.Message, "host bug") {
		t.Errorf("got %#v, want an internal error saying the host panicked", got)
	}
}

func TestAction_InvokeWithoutHost_HostServicesAreInvalidAction(t *testing.T) {
	a := plugintest.Action(t, &useHost{})
	_, err := a.Invoke(context.Background(), pluginapi.InvokeRequest{EpisodeID: "none"})
	if got := asCoreError(t, err); got.Type != core.TypeInvalidAction || len(got.Causes) == 0 {
		t.Errorf("got %#v, want %s with a cause", got, core.TypeInvalidAction)
	}
}

func TestNoHostServices_EveryCallIsInvalidAction(t *testing.T) {
	ctx := context.Background()
	var h pluginapi.NoHostServices
	_, e1 := h.Exec(ctx, pluginapi.ExecRequest{})
	_, e2 := h.ReadFile(ctx, pluginapi.ReadFileRequest{})
	e3 := h.WriteFile(ctx, pluginapi.WriteFileRequest{})
	_, e4 := h.ListFiles(ctx, pluginapi.ListFilesRequest{})
	for i, err := range []error{e1, e2, e3, e4} {
		if core.TypeOf(err) != core.TypeInvalidAction {
			t.Errorf("call %d: %v, want %s", i, err, core.TypeInvalidAction)
		}
	}
}

// echoAction returns its request as data and its params' "final" as Terminal.
type echoAction struct{}

func (echoAction) Describe(context.Context) (pluginapi.ActionSpec, error) {
	return pluginapi.ActionSpec{Description: "echoes", ParamsSchema: json.RawMessage(`{"type":"object"}`)}, nil
}

func (echoAction) Invoke(_ context.Context, req pluginapi.InvokeRequest) (pluginapi.InvokeResponse, error) {
	final, _ := req.Params.Bool("final", false)
	return pluginapi.InvokeResponse{
		Output:         req.Action + " in " + req.EpisodeID,
		Data:           map[string]any{"params": map[string]any(req.Params), "list": []any{1, "two", nil}, "bytes": 3},
		Terminal:       final,
		SubmissionPath: "submission.csv",
	}, nil
}

func TestAction_InvokeRoundTrip(t *testing.T) {
	a := plugintest.Serve(t, sdk.Action("echo", echoAction{})).Actions.Component("echo")
	params := core.Params{"final": true, "cols": []string{"a"}, "n": 2}
	resp, err := a.Invoke(context.Background(), pluginapi.InvokeRequest{Action: "ignored", EpisodeID: "ep-1", Params: params})
	if err != nil {
		t.Fatal(err)
	}
	want := pluginapi.InvokeResponse{
		Output:         "echo in ep-1",
		Data:           jsonShaped(t, map[string]any{"params": params, "list": []any{1, "two", nil}, "bytes": 3}),
		Terminal:       true,
		SubmissionPath: "submission.csv",
	}
	if !reflect.DeepEqual(resp, want) {
		t.Errorf("got\n%#v\nwant\n%#v", resp, want)
	}
}

func TestAction_DescribeRoundTripAndNameDefaultsToComponent(t *testing.T) {
	a := plugintest.Serve(t, sdk.Action("echo", echoAction{})).Actions.Component("echo")
	spec, err := a.Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if spec.Name != "echo" || spec.Description != "echoes" || string(spec.ParamsSchema) != `{"type":"object"}` {
		t.Errorf("spec %+v", spec)
	}
}

// Every Invoke serves the host's callbacks on a broker stream of its own; it must take that server
// down before returning, even when the action never called back (the server may not exist yet
// when the plugin answers).
func TestAction_InvokeLeavesNoHostServicesServerBehind(t *testing.T) {
	a := plugintest.Serve(t, sdk.Action("echo", echoAction{})).Actions.Component("echo")
	for i := range 200 {
		if _, err := a.Invoke(context.Background(), pluginapi.InvokeRequest{}); err != nil {
			t.Fatal(err)
		}
		if n := invokeGoroutines(); n > 0 {
			t.Fatalf("after invocation %d, %d host services goroutine(s) still run", i+1, n)
		}
	}
}

// invokeGoroutines counts goroutines serving a broker stream for an invocation.
func invokeGoroutines() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Count(string(buf[:n]), "(*GRPCBroker).AcceptAndServe(")
		}
		buf = make([]byte, 2*len(buf))
	}
}
