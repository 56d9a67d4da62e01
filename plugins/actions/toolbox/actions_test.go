package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk"
	"github.com/mledojo/dojo/sdk/plugintest"
)

// recordingHost answers every host call and remembers the last ones.
type recordingHost struct {
	argv    []string
	written map[string]string
}

func (h *recordingHost) Exec(_ context.Context, r pluginapi.ExecRequest) (pluginapi.ExecResponse, error) {
	h.argv = r.Argv
	return pluginapi.ExecResponse{Stdout: "shape: 3 rows x 2 columns\n", Outcome: core.OutcomeOK}, nil
}

func (h *recordingHost) ReadFile(_ context.Context, r pluginapi.ReadFileRequest) (pluginapi.ReadFileResponse, error) {
	if r.Path == "missing.txt" {
		return pluginapi.ReadFileResponse{}, core.Errorf(core.TypeInvalidArgument, "no such file")
	}
	return pluginapi.ReadFileResponse{Data: []byte("abc"), Size: 100, Truncated: true}, nil
}

func (h *recordingHost) WriteFile(_ context.Context, r pluginapi.WriteFileRequest) error {
	h.written[r.Path] = string(r.Data)
	return nil
}

func (h *recordingHost) ListFiles(context.Context, pluginapi.ListFilesRequest) ([]pluginapi.FileEntry, error) {
	return []pluginapi.FileEntry{{Path: "train.csv", Size: 10}, {Path: "images", Dir: true}}, nil
}

func invoke(t *testing.T, name string, a pluginapi.Action, params core.Params) (pluginapi.InvokeResponse, *recordingHost, error) {
	t.Helper()
	host := &recordingHost{written: map[string]string{}}
	act := plugintest.Serve(t, sdk.Action(name, a)).Actions.Component(name)
	resp, err := act.Invoke(context.Background(), pluginapi.InvokeRequest{Params: params, Host: host})
	return resp, host, err
}

func TestInspectData_RunsPandasInTheSandboxOnAPublicFile(t *testing.T) {
	resp, host, err := invoke(t, "inspect_data", inspectData{}, core.Params{"path": "/data/train.csv", "rows": 3})
	if err != nil {
		t.Fatal(err)
	}
	if host.argv[0] != "python3" || host.argv[3] != "/data/train.csv" || host.argv[4] != "3" || !strings.Contains(resp.Output, "shape") {
		t.Fatalf("argv %v output %q", host.argv, resp.Output)
	}
}

func TestInspectData_WithoutAPathListsFilesAndRefusesEscapes(t *testing.T) {
	resp, _, err := invoke(t, "inspect_data", inspectData{}, nil)
	if err != nil || !strings.Contains(resp.Output, "train.csv (10 bytes)") || strings.Contains(resp.Output, "images") {
		t.Fatalf("%q %v", resp.Output, err)
	}
	if _, _, err := invoke(t, "inspect_data", inspectData{}, core.Params{"path": "../private/answers.csv"}); !errors.Is(err, core.ErrInvalidArgument) {
		t.Fatalf("escape: %v", err)
	}
}

func TestShell_RunsShAndReportsTheExit(t *testing.T) {
	resp, host, err := invoke(t, "shell", shell{}, core.Params{"command": "ls -la"})
	if err != nil || strings.Join(host.argv, " ") != "/bin/sh -c ls -la" || resp.Data["outcome"] != "ok" {
		t.Fatalf("%v %+v %v", host.argv, resp, err)
	}
	if _, _, err := invoke(t, "shell", shell{}, core.Params{"command": " "}); !errors.Is(err, core.ErrInvalidArgument) {
		t.Fatalf("empty command: %v", err)
	}
}

func TestFiles_ListReadWriteAndErrors(t *testing.T) {
	resp, _, err := invoke(t, "files", files{}, core.Params{"op": "list"})
	if err != nil || !strings.Contains(resp.Output, "images/") {
		t.Fatalf("list: %q %v", resp.Output, err)
	}
	resp, _, err = invoke(t, "files", files{}, core.Params{"op": "read", "path": "notes.txt"})
	if err != nil || !strings.Contains(resp.Output, "file is 100 bytes") {
		t.Fatalf("read: %q %v", resp.Output, err)
	}
	_, host, err := invoke(t, "files", files{}, core.Params{"op": "write", "path": "a.py", "content": "print(1)"})
	if err != nil || host.written["a.py"] != "print(1)" {
		t.Fatalf("write: %v %v", host.written, err)
	}
	for _, p := range []core.Params{{"op": "delete"}, {"op": "write", "root": "public", "path": "x"}, {"op": "read", "path": "missing.txt"}, {"op": "list", "bogus": 1}} {
		if _, _, err := invoke(t, "files", files{}, p); !errors.Is(err, core.ErrInvalidArgument) {
			t.Errorf("%v: got %v", p, err)
		}
	}
}

func TestSubmit_NamesTheFileAndEndsTheEpisode(t *testing.T) {
	resp, _, err := invoke(t, "submit", submit{}, nil)
	if err != nil || !resp.Terminal || resp.SubmissionPath != "submission.csv" {
		t.Fatalf("%+v %v", resp, err)
	}
}
