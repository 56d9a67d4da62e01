package pluginapi

import (
	"context"
	"encoding/json"
	"time"

	"github.com/mledojo/dojo/core"
)

// Action is a custom action beyond the host's five core ones. When it needs the sandbox or the
// workspace it calls back into the host through req.Host.
type Action interface {
	Describe(ctx context.Context) (ActionSpec, error)
	Invoke(ctx context.Context, req InvokeRequest) (InvokeResponse, error)
}

// ActionSpec tells an agent how to call an action.
type ActionSpec struct {
	Name        string
	Description string
	// ParamsSchema is a JSON Schema for the action's params.
	ParamsSchema json.RawMessage
}

// InvokeRequest carries one invocation of an action within an episode.
type InvokeRequest struct {
	// Action is the component name; the host fills it in.
	Action    string
	EpisodeID string
	Params    core.Params
	// Host reaches the episode's sandbox and workspace. It is valid only during Invoke.
	Host HostServices
}

// InvokeResponse is what the action returns to the episode.
type InvokeResponse struct {
	// Output is the text shown to the agent.
	Output string
	// Data is structured output for programs.
	Data map[string]any
	// Terminal ends the episode (a final answer was given).
	Terminal bool
	// SubmissionPath, relative to the workspace, asks the host to score this file as the step's submission.
	SubmissionPath string
}

// HostServices is the host's side of an action invocation: the episode's sandbox and files. Paths are
// relative to the chosen root and may never leave it.
type HostServices interface {
	Exec(ctx context.Context, req ExecRequest) (ExecResponse, error)
	ReadFile(ctx context.Context, req ReadFileRequest) (ReadFileResponse, error)
	WriteFile(ctx context.Context, req WriteFileRequest) error
	ListFiles(ctx context.Context, req ListFilesRequest) ([]FileEntry, error)
}

// Roots a HostServices file call can address.
const (
	RootWorkspace = "workspace"
	RootPublic    = "public"
)

// ExecRequest runs either Python code or an argv in the episode's sandbox.
type ExecRequest struct {
	Argv    []string
	Code    string
	Timeout time.Duration
}

// ExecResponse is a finished execution.
type ExecResponse struct {
	ExitCode  int
	Stdout    string
	Stderr    string
	Duration  time.Duration
	Outcome   core.Outcome
	Truncated bool
}

// ReadFileRequest reads up to MaxBytes (0: the host's cap) of a file under Root.
type ReadFileRequest struct {
	Root     string
	Path     string
	MaxBytes int64
}

// ReadFileResponse is file content, possibly cut at the cap.
type ReadFileResponse struct {
	Data      []byte
	Truncated bool
	Size      int64
}

// WriteFileRequest writes a file in the workspace (the only writable root).
type WriteFileRequest struct {
	Path string
	Data []byte
}

// ListFilesRequest lists a directory under Root.
type ListFilesRequest struct {
	Root      string
	Path      string
	Recursive bool
}

// FileEntry is one listed file or directory.
type FileEntry struct {
	Path string
	Size int64
	Dir  bool
}
