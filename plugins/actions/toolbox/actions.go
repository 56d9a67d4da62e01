package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
)

func spec(name, description, schema string) pluginapi.ActionSpec {
	return pluginapi.ActionSpec{Name: name, Description: description, ParamsSchema: json.RawMessage(schema)}
}

// inspectData summarises a public file with pandas inside the sandbox, so it reads the whole file
// under the sandbox's limits and never loads data into the host.
type inspectData struct{}

const inspectScript = `import json, sys
import pandas as pd
path, rows = sys.argv[1], int(sys.argv[2])
readers = {"csv": pd.read_csv, "tsv": lambda p: pd.read_csv(p, sep="\t"), "parquet": pd.read_parquet,
           "json": pd.read_json, "jsonl": lambda p: pd.read_json(p, lines=True)}
ext = path.rsplit(".", 1)[-1].lower()
if ext not in readers:
    print(f"cannot summarise .{ext} files; supported: {', '.join(sorted(readers))}", file=sys.stderr)
    sys.exit(2)
df = readers[ext](path)
pd.set_option("display.width", 200)
pd.set_option("display.max_columns", 50)
print(f"shape: {df.shape[0]} rows x {df.shape[1]} columns\n")
print("columns:")
for c in df.columns:
    print(f"  {c}: {df[c].dtype}, {df[c].isna().sum()} missing, {df[c].nunique()} unique")
print(f"\nhead({rows}):")
print(df.head(rows).to_string())
print("\nsummary:")
print(df.describe(include="all").transpose().to_string())
`

func (inspectData) Describe(context.Context) (pluginapi.ActionSpec, error) {
	return spec("inspect_data", "Schema, head and summary statistics of a public data file (csv, tsv, parquet, json, jsonl); without a path, lists the public files.",
		`{"type": "object", "properties": {"path": {"type": "string", "description": "file under /data"}, "rows": {"type": "integer", "default": 5}}}`), nil
}

func (inspectData) Invoke(ctx context.Context, req pluginapi.InvokeRequest) (pluginapi.InvokeResponse, error) {
	if err := req.Params.CheckKnown("path", "rows"); err != nil {
		return pluginapi.InvokeResponse{}, err
	}
	path, err := req.Params.String("path", "")
	if err != nil {
		return pluginapi.InvokeResponse{}, err
	}
	rows, err := req.Params.Int("rows", 5)
	if err != nil {
		return pluginapi.InvokeResponse{}, err
	}
	if path == "" {
		entries, err := req.Host.ListFiles(ctx, pluginapi.ListFilesRequest{Root: pluginapi.RootPublic, Recursive: true})
		if err != nil {
			return pluginapi.InvokeResponse{}, err
		}
		var b strings.Builder
		for _, e := range entries {
			if !e.Dir {
				fmt.Fprintf(&b, "%s (%d bytes)\n", e.Path, e.Size)
			}
		}
		return pluginapi.InvokeResponse{Output: b.String(), Data: map[string]any{"files": len(entries)}}, nil
	}
	path = strings.TrimPrefix(path, "/data/")
	if strings.Contains(path, "..") {
		return pluginapi.InvokeResponse{}, core.Errorf(core.TypeInvalidArgument, "path %q leaves /data", path)
	}
	res, err := req.Host.Exec(ctx, pluginapi.ExecRequest{Argv: []string{"python3", "-c", inspectScript, "/data/" + path, fmt.Sprint(rows)}, Timeout: 5 * time.Minute})
	if err != nil {
		return pluginapi.InvokeResponse{}, err
	}
	if res.ExitCode != 0 {
		return pluginapi.InvokeResponse{}, core.Errorf(core.TypeInvalidArgument, "cannot inspect %s", path).WithDetails("%s", strings.TrimSpace(res.Stderr))
	}
	return pluginapi.InvokeResponse{Output: res.Stdout}, nil
}

// shell runs one command with /bin/sh in the sandbox.
type shell struct{}

func (shell) Describe(context.Context) (pluginapi.ActionSpec, error) {
	return spec("shell", "Run a shell command in the sandbox (working directory /workspace; no network).",
		`{"type": "object", "required": ["command"], "properties": {"command": {"type": "string"}, "timeout_s": {"type": "number"}}}`), nil
}

func (shell) Invoke(ctx context.Context, req pluginapi.InvokeRequest) (pluginapi.InvokeResponse, error) {
	if err := req.Params.CheckKnown("command", "timeout_s"); err != nil {
		return pluginapi.InvokeResponse{}, err
	}
	cmd, err := req.Params.String("command", "")
	if err != nil {
		return pluginapi.InvokeResponse{}, err
	}
	if strings.TrimSpace(cmd) == "" {
		return pluginapi.InvokeResponse{}, core.Errorf(core.TypeInvalidArgument, "shell needs a command")
	}
	secs, err := req.Params.Float("timeout_s", 0)
	if err != nil {
		return pluginapi.InvokeResponse{}, err
	}
	res, err := req.Host.Exec(ctx, pluginapi.ExecRequest{Argv: []string{"/bin/sh", "-c", cmd}, Timeout: time.Duration(secs * float64(time.Second))})
	if err != nil {
		return pluginapi.InvokeResponse{}, err
	}
	out := res.Stdout
	if res.Stderr != "" {
		out += "\n[stderr]\n" + res.Stderr
	}
	return pluginapi.InvokeResponse{Output: out, Data: map[string]any{"exit_code": res.ExitCode, "outcome": string(res.Outcome)}}, nil
}

// files lists, reads and writes workspace files (and reads public ones).
type files struct{}

func (files) Describe(context.Context) (pluginapi.ActionSpec, error) {
	return spec("files", "List, read or write files: op=list|read|write, path relative to the workspace (or root=public to read data).",
		`{"type": "object", "required": ["op"], "properties": {"op": {"enum": ["list", "read", "write"]}, "path": {"type": "string"}, "content": {"type": "string"}, "root": {"enum": ["workspace", "public"]}}}`), nil
}

func (files) Invoke(ctx context.Context, req pluginapi.InvokeRequest) (pluginapi.InvokeResponse, error) {
	if err := req.Params.CheckKnown("op", "path", "content", "root"); err != nil {
		return pluginapi.InvokeResponse{}, err
	}
	op, _ := req.Params.String("op", "")
	path, _ := req.Params.String("path", "")
	root, _ := req.Params.String("root", pluginapi.RootWorkspace)
	switch op {
	case "list":
		entries, err := req.Host.ListFiles(ctx, pluginapi.ListFilesRequest{Root: root, Path: path})
		if err != nil {
			return pluginapi.InvokeResponse{}, err
		}
		var b strings.Builder
		for _, e := range entries {
			if e.Dir {
				fmt.Fprintf(&b, "%s/\n", e.Path)
			} else {
				fmt.Fprintf(&b, "%s (%d bytes)\n", e.Path, e.Size)
			}
		}
		return pluginapi.InvokeResponse{Output: b.String(), Data: map[string]any{"entries": len(entries)}}, nil
	case "read":
		r, err := req.Host.ReadFile(ctx, pluginapi.ReadFileRequest{Root: root, Path: path, MaxBytes: 64 << 10})
		if err != nil {
			return pluginapi.InvokeResponse{}, err
		}
		out := string(r.Data)
		if r.Truncated {
			out += fmt.Sprintf("\n[... file is %d bytes; first %d shown ...]", r.Size, len(r.Data))
		}
		return pluginapi.InvokeResponse{Output: out, Data: map[string]any{"size": r.Size, "truncated": r.Truncated}}, nil
	case "write":
		if root != pluginapi.RootWorkspace {
			return pluginapi.InvokeResponse{}, core.Errorf(core.TypeInvalidArgument, "only the workspace is writable")
		}
		content, err := req.Params.String("content", "")
		if err != nil {
			return pluginapi.InvokeResponse{}, err
		}
		if err := req.Host.WriteFile(ctx, pluginapi.WriteFileRequest{Path: path, Data: []byte(content)}); err != nil {
			return pluginapi.InvokeResponse{}, err
		}
		return pluginapi.InvokeResponse{Output: fmt.Sprintf("wrote %d bytes to %s", len(content), path)}, nil
	}
	return pluginapi.InvokeResponse{}, core.Errorf(core.TypeInvalidArgument, "unknown op %q", op).WithCauses("use list, read or write")
}

// submit names the final answer: the host scores it and ends the episode.
type submit struct{}

func (submit) Describe(context.Context) (pluginapi.ActionSpec, error) {
	return spec("submit", "Submit a workspace file (default submission.csv) as the final answer: it is scored and the episode ends.",
		`{"type": "object", "properties": {"path": {"type": "string", "default": "submission.csv"}}}`), nil
}

func (submit) Invoke(_ context.Context, req pluginapi.InvokeRequest) (pluginapi.InvokeResponse, error) {
	if err := req.Params.CheckKnown("path"); err != nil {
		return pluginapi.InvokeResponse{}, err
	}
	path, err := req.Params.String("path", "submission.csv")
	if err != nil {
		return pluginapi.InvokeResponse{}, err
	}
	return pluginapi.InvokeResponse{Output: "final answer submitted: " + path, SubmissionPath: path, Terminal: true}, nil
}
