// Package sandbox runs an agent's code in isolation: with the competition's public data read-only and
// a workspace read-write, and without the private answers, the host's files, the host's secrets or
// the network. One interface, several backends (local: namespaces + Landlock + cgroups, the embedded
// default; docker: the real engine). Start with Backend and Sandbox below.
package sandbox

import (
	"context"
	"time"

	"github.com/mledojo/dojo/core"
)

// Paths inside every sandbox, whatever the backend.
const (
	// PublicMount is where the competition's public data appears, read-only.
	PublicMount = "/data"
	// WorkspaceMount is the agent's read-write working directory.
	WorkspaceMount = "/workspace"
)

// ExecMode says whether executions share an interpreter.
type ExecMode string

// Execution modes.
const (
	// ModeFresh starts a new interpreter per execution (the original MLE-Dojo's behaviour).
	ModeFresh ExecMode = "fresh"
	// ModeSession keeps one interpreter per episode, like a notebook kernel: imports and variables
	// survive between executions. A crash, OOM or timeout restarts it and the result says so.
	ModeSession ExecMode = "session"
)

// Limits bound one episode's sandbox. Zero means the backend's default, never "unlimited".
type Limits struct {
	// Timeout is the wall time of one execution.
	Timeout time.Duration `json:"timeout"`
	// CPUs is the CPU share (1.5 = one and a half cores).
	CPUs float64 `json:"cpus"`
	// MemoryBytes caps the resident memory of everything the code starts.
	MemoryBytes int64 `json:"memory_bytes"`
	// Processes caps the number of processes and threads.
	Processes int `json:"processes"`
	// DiskBytes caps what the code may write to the workspace and /tmp.
	DiskBytes int64 `json:"disk_bytes"`
	// OutputBytes caps stdout and stderr, each; the rest is dropped and a marker says so.
	OutputBytes int `json:"output_bytes"`
}

// DefaultLimits are used for zero fields.
var DefaultLimits = Limits{
	Timeout:     10 * time.Minute,
	CPUs:        2,
	MemoryBytes: 8 << 30,
	Processes:   512,
	DiskBytes:   10 << 30,
	OutputBytes: 256 << 10,
}

// WithDefaults fills zero fields from DefaultLimits.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits
	if l.Timeout > 0 {
		d.Timeout = l.Timeout
	}
	if l.CPUs > 0 {
		d.CPUs = l.CPUs
	}
	if l.MemoryBytes > 0 {
		d.MemoryBytes = l.MemoryBytes
	}
	if l.Processes > 0 {
		d.Processes = l.Processes
	}
	if l.DiskBytes > 0 {
		d.DiskBytes = l.DiskBytes
	}
	if l.OutputBytes > 0 {
		d.OutputBytes = l.OutputBytes
	}
	return d
}

// Spec describes an episode's sandbox.
type Spec struct {
	// PublicDir is the host directory shown read-only at PublicMount. It must not contain answers.
	PublicDir string
	// WorkspaceDir is the host directory shown read-write at WorkspaceMount, the working directory.
	WorkspaceDir string
	Limits       Limits
	Mode         ExecMode
	// Network allows network access. Off by default; only a competition that needs it turns it on.
	Network bool
	// Env is the code's whole environment besides a fixed minimal set (PATH, HOME, LANG...): nothing
	// from the host's environment passes unless it is listed here.
	Env map[string]string
	// Interpreter runs Python code; default /usr/bin/python3 (local) or the image's python3 (docker).
	Interpreter string
	// GPUs lists device ids to expose ("all" for every one); empty exposes none.
	GPUs []string
}

// ExecRequest is one execution: Python source, or an argv run as a command.
type ExecRequest struct {
	Code string
	Argv []string
	// Timeout overrides Limits.Timeout when positive and shorter.
	Timeout time.Duration
}

// Result is a finished execution. A result with an outcome other than ok is not an error: the code ran
// and misbehaved. Errors are for the sandbox itself failing (typed core.TypeSandbox*).
type Result struct {
	ExitCode  int           `json:"exit_code"`
	Stdout    string        `json:"stdout"`
	Stderr    string        `json:"stderr"`
	Truncated bool          `json:"truncated"`
	Duration  time.Duration `json:"duration"`
	PeakBytes int64         `json:"peak_memory_bytes"`
	Outcome   core.Outcome  `json:"outcome"`
	// SessionRestarted is set in session mode when the interpreter had to be started anew (after a
	// crash, OOM or timeout in this or the previous execution), so earlier state is gone.
	SessionRestarted bool `json:"session_restarted,omitempty"`
}

// Sandbox is one episode's running sandbox. Exec calls are serialised by the caller (one step at a
// time); Close may be called concurrently with Exec to abort it.
type Sandbox interface {
	Exec(ctx context.Context, req ExecRequest) (Result, error)
	// Reset discards session state (a fresh interpreter) and kills anything left running.
	Reset(ctx context.Context) error
	// Close kills everything and removes every process, mount, cgroup or container it made.
	Close(ctx context.Context) error
	// Isolation reports what this sandbox enforces.
	Isolation() Isolation
}

// Backend makes sandboxes.
type Backend interface {
	Name() string
	// Check reports which isolation features are available here, without starting a sandbox.
	Check(ctx context.Context) Isolation
	Start(ctx context.Context, spec Spec) (Sandbox, error)
}

// Isolation lists the isolation features a backend or sandbox has, for `dojo sandbox check` and
// for every observation (Insecure is shown to the agent's operator on each step).
type Isolation struct {
	Backend  string    `json:"backend"`
	Insecure bool      `json:"insecure"`
	Features []Feature `json:"features"`
}

// Feature is one isolation mechanism and whether it is active.
type Feature struct {
	Name   string `json:"name"`
	Active bool   `json:"active"`
	Detail string `json:"detail,omitempty"`
}
