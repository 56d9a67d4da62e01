// Package envtest holds what tests of episodes and agents share: a ten-row competition whose
// HumanRank is easy to work out by hand, code that writes a submission of a chosen accuracy, and a
// sandbox backend without isolation that runs /usr/bin/python3 on the host, so an episode's logic can
// be tested quickly. The sandbox backends have their own conformance suite (host/sandbox/sandboxtest).
package envtest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
)

// Labels are the hidden answers of the test competition: ten rows, ids r0..r9.
var Labels = []int{1, 0, 1, 1, 0, 0, 1, 0, 1, 1}

// Competition writes a small binary classification competition scored by accuracy. An accuracy of
// 0.7 ties rank 3 of 5 on the public board (HumanRank 0.6) and beats rank 4 of 4 on the private one
// (0.25): a reward of 0.425.
func Competition(t testing.TB) core.Competition {
	t.Helper()
	dir := t.TempDir()
	pub, priv := filepath.Join(dir, "public"), filepath.Join(dir, "private")
	for _, d := range []string{pub, priv} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var answers, sample, test strings.Builder
	answers.WriteString("id,label\n")
	sample.WriteString("id,label\n")
	test.WriteString("id,x\n")
	for i, l := range Labels {
		fmt.Fprintf(&answers, "r%d,%d\n", i, l)
		fmt.Fprintf(&sample, "r%d,0\n", i)
		fmt.Fprintf(&test, "r%d,%d\n", i, i)
	}
	for path, text := range map[string]string{filepath.Join(priv, "answers.csv"): answers.String(),
		filepath.Join(pub, "sample_submission.csv"): sample.String(), filepath.Join(pub, "test.csv"): test.String()} {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return core.Competition{
		ID: "toy", Title: "Toy", Description: "Predict label for each id.", Domain: core.DomainTabular,
		Metric: core.MetricRef{Name: "accuracy"}, Direction: core.HigherIsBetter,
		PublicDir: pub, AnswersPath: filepath.Join(priv, "answers.csv"),
		Boards: []core.Leaderboard{
			{Name: "public", Scores: []float64{0.9, 0.8, 0.7, 0.6, 0.5}},
			{Name: "private", Scores: []float64{0.95, 0.85, 0.75, 0.65}},
		},
	}
}

// SubmitCode is Python that writes a submission getting `correct` of the ten labels right (the first
// `correct` ids). It finds its directories through DOJO_DATA and DOJO_WORKSPACE when they are set
// (the local sandbox without isolation), else at /data and /workspace.
func SubmitCode(correct int) string {
	var preds []string
	for i, l := range Labels {
		p := l
		if i >= correct {
			p = 1 - l
		}
		preds = append(preds, fmt.Sprint(p))
	}
	return fmt.Sprintf(`import csv, os
data, work = os.environ.get("DOJO_DATA", "/data"), os.environ.get("DOJO_WORKSPACE", "/workspace")
ids = [row["id"] for row in csv.DictReader(open(os.path.join(data, "test.csv")))]
with open(os.path.join(work, "submission.csv"), "w") as f:
    f.write("id,label\n")
    for i, p in zip(ids, [%s]):
        f.write(f"{i},{p}\n")
print("wrote", len(ids), "rows")
`, strings.Join(preds, ","))
}

// Backend is a test sandbox without isolation: it runs /usr/bin/python3 on the host with the
// workspace as working directory and rewrites the sandbox paths (/data, /workspace) in the code and
// the argv to the real directories. It enforces only the timeout.
type Backend struct{}

var _ sandbox.Backend = Backend{}

// Name is the backend's name in observations.
func (Backend) Name() string { return "host-test" }

// Check reports no isolation.
func (Backend) Check(context.Context) sandbox.Isolation {
	return sandbox.Isolation{Backend: "host-test", Insecure: true}
}

// Start returns a sandbox over spec's directories.
func (Backend) Start(_ context.Context, spec sandbox.Spec) (sandbox.Sandbox, error) {
	return &hostSandbox{spec: spec}, nil
}

type hostSandbox struct{ spec sandbox.Spec }

func (s *hostSandbox) Exec(ctx context.Context, req sandbox.ExecRequest) (sandbox.Result, error) {
	timeout := req.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	rewrite := strings.NewReplacer(sandbox.WorkspaceMount, s.spec.WorkspaceDir, sandbox.PublicMount, s.spec.PublicDir)
	var cmd *exec.Cmd
	if len(req.Argv) > 0 {
		argv := make([]string, len(req.Argv))
		for i, a := range req.Argv {
			argv[i] = rewrite.Replace(a)
		}
		if argv[0] == "python3" {
			argv[0] = "/usr/bin/python3"
		}
		cmd = exec.CommandContext(ctx, argv[0], argv[1:]...)
	} else {
		cmd = exec.CommandContext(ctx, "/usr/bin/python3", "-c", rewrite.Replace(req.Code))
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
