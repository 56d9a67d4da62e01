package env_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
)

// hostBackend is a test sandbox without isolation: it runs /usr/bin/python3 on the host with the
// workspace as working directory and rewrites the sandbox paths (/data, /workspace) in the code to the
// real directories. It lets the episode's logic be tested on its own; the sandbox backends have their
// own conformance suite.
type hostBackend struct{}

func (hostBackend) Name() string { return "host-test" }

func (hostBackend) Check(context.Context) sandbox.Isolation {
	return sandbox.Isolation{Backend: "host-test", Insecure: true}
}

func (hostBackend) Start(_ context.Context, spec sandbox.Spec) (sandbox.Sandbox, error) {
	return &hostSandbox{spec: spec}, nil
}

type hostSandbox struct {
	spec  sandbox.Spec
	execs int
}

func (s *hostSandbox) rewrite(x string) string {
	x = strings.ReplaceAll(x, sandbox.WorkspaceMount, s.spec.WorkspaceDir)
	return strings.ReplaceAll(x, sandbox.PublicMount, s.spec.PublicDir)
}

func (s *hostSandbox) Exec(ctx context.Context, req sandbox.ExecRequest) (sandbox.Result, error) {
	s.execs++
	ctx, cancel := context.WithTimeout(ctx, req.Timeout)
	defer cancel()
	var cmd *exec.Cmd
	if len(req.Argv) > 0 {
		argv := make([]string, len(req.Argv))
		for i, a := range req.Argv {
			argv[i] = s.rewrite(a)
		}
		if argv[0] == "python3" {
			argv[0] = "/usr/bin/python3"
		}
		cmd = exec.CommandContext(ctx, argv[0], argv[1:]...)
	} else {
		cmd = exec.CommandContext(ctx, "/usr/bin/python3", "-c", s.rewrite(req.Code))
	}
	cmd.Dir = s.spec.WorkspaceDir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + s.spec.WorkspaceDir}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	res := sandbox.Result{Stdout: out.String(), Stderr: errb.String(), Duration: time.Since(start), Outcome: core.OutcomeOK}
	if ctx.Err() == context.DeadlineExceeded {
		res.Outcome, res.ExitCode = core.OutcomeTimedOut, -1
		return res, nil
	}
	if ee, ok := err.(*exec.ExitError); ok {
		res.ExitCode, res.Outcome = ee.ExitCode(), core.OutcomeExitNonZero
	} else if err != nil {
		return res, core.Errorf(core.TypeSandboxExecution, "%v", err)
	}
	return res, nil
}

func (s *hostSandbox) Reset(context.Context) error { return nil }
func (s *hostSandbox) Close(context.Context) error { return nil }
func (s *hostSandbox) Isolation() sandbox.Isolation {
	return sandbox.Isolation{Backend: "host-test", Insecure: true}
}

var _ = os.Getenv
