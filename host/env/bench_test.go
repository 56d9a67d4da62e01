package env_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/catalog"
	"github.com/mledojo/dojo/host/env"
	"github.com/mledojo/dojo/host/sandbox"
)

// instantBackend "runs" code by writing a prepared submission into the workspace at once, so a
// benchmark measures the host's own work in a step: dispatch, copying the submission out of the
// workspace, scoring through the metric plugin, ranking, and the fsynced history.
type instantBackend struct{ submission []byte }

func (b instantBackend) Name() string { return "instant" }
func (b instantBackend) Check(context.Context) sandbox.Isolation {
	return sandbox.Isolation{Backend: "instant"}
}
func (b instantBackend) Start(_ context.Context, spec sandbox.Spec) (sandbox.Sandbox, error) {
	return &instantSandbox{b: b, spec: spec}, nil
}

type instantSandbox struct {
	b    instantBackend
	spec sandbox.Spec
}

func (s *instantSandbox) Exec(context.Context, sandbox.ExecRequest) (sandbox.Result, error) {
	err := os.WriteFile(filepath.Join(s.spec.WorkspaceDir, "submission.csv"), s.b.submission, 0o644)
	return sandbox.Result{Outcome: core.OutcomeOK}, err
}
func (s *instantSandbox) Reset(context.Context) error  { return nil }
func (s *instantSandbox) Close(context.Context) error  { return nil }
func (s *instantSandbox) Isolation() sandbox.Isolation { return sandbox.Isolation{Backend: "instant"} }

// BenchmarkExecuteCodeStep_HostOverhead is the host's time per execute_code step with a
// 10,000-row submission, excluding the sandboxed process's run time (target: under 10 ms).
func BenchmarkExecuteCodeStep_HostOverhead(b *testing.B) {
	const rows = 10000
	dir := b.TempDir()
	pub, priv := filepath.Join(dir, "public"), filepath.Join(dir, "private")
	os.MkdirAll(pub, 0o755)
	os.MkdirAll(priv, 0o755)
	var answers, sub strings.Builder
	answers.WriteString("id,label\n")
	sub.WriteString("id,label\n")
	for i := range rows {
		fmt.Fprintf(&answers, "r%d,%d\n", i, i%2)
		fmt.Fprintf(&sub, "r%d,%d\n", i, (i/3)%2)
	}
	os.WriteFile(filepath.Join(priv, "answers.csv"), []byte(answers.String()), 0o644)
	board := make([]float64, 2000)
	for i := range board {
		board[i] = 1 - float64(i)/2000
	}
	comp := core.Competition{
		ID: "bench", Title: "Bench", Metric: core.MetricRef{Name: "accuracy"}, Direction: core.HigherIsBetter,
		PublicDir: pub, AnswersPath: filepath.Join(priv, "answers.csv"),
		Boards: []core.Leaderboard{{Name: "public", Scores: board}, {Name: "private", Scores: board}},
	}
	cat, err := catalog.Open(context.Background(), catalog.Options{Dirs: []string{pluginDir}})
	if err != nil {
		b.Fatal(err)
	}
	defer cat.Close()
	e, err := env.New(context.Background(), comp, env.Config{Dir: filepath.Join(dir, "ep"), MaxSteps: b.N + 10},
		env.Deps{Plugins: cat, Sandbox: instantBackend{submission: []byte(sub.String())}})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close(context.Background())
	ctx := context.Background()
	e.Reset(ctx, env.ResetOptions{})
	act := core.Action{Name: core.ActionExecuteCode, Params: core.Params{"code": "pass"}}
	if res, _ := e.Step(ctx, act); res.Observation.Submission == nil || !res.Observation.Submission.Valid {
		b.Fatalf("warm-up step: %+v", res.Observation)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := e.Step(ctx, act); err != nil {
			b.Fatal(err)
		}
	}
}
