package llm

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/catalog"
	"github.com/mledojo/dojo/host/env"
	"github.com/mledojo/dojo/host/sandbox"
)

var pluginDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dojo-llm-test")
	if err != nil {
		panic(err)
	}
	pluginDir = dir
	build := exec.Command("go", "build", "-o", dir+"/", "github.com/mledojo/dojo/plugins/metrics/classification",
		"github.com/mledojo/dojo/plugins/feedback/basic", "github.com/mledojo/dojo/internal/testplugins/testaction")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building plugins:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// labels are the hidden answers of the test competition: ten rows, ids r0..r9.
var labels = []int{1, 0, 1, 1, 0, 0, 1, 0, 1, 1}

// competition writes a small binary classification competition scored by accuracy. An accuracy of
// 0.7 ties rank 3 of 5 on the public board (HumanRank 0.6) and beats rank 4 of 4 on the private one
// (0.25): a reward of 0.425.
func competition(t *testing.T) core.Competition {
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
	for i, l := range labels {
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

// submitCode writes a submission getting `correct` of the ten labels right. It reads its paths from
// DOJO_DATA and DOJO_WORKSPACE when set (the local sandbox without isolation), else /data and /workspace.
func submitCode(correct int) string {
	var preds []string
	for i, l := range labels {
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

// newEpisode opens an episode of the test competition with the built plugins on backend.
func newEpisode(t *testing.T, cfg env.Config, backend sandbox.Backend) *env.Episode {
	t.Helper()
	cat, err := catalog.Open(context.Background(), catalog.Options{Dirs: []string{pluginDir}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cat.Close() })
	if cfg.Dir == "" {
		cfg.Dir = t.TempDir()
	}
	e, err := env.New(context.Background(), competition(t), cfg, env.Deps{Plugins: cat, Sandbox: backend})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close(context.Background()) })
	return e
}

func TestRun_PlaysARealEpisodeToAScoredSubmission(t *testing.T) {
	for _, api := range []string{ProviderOpenAI, ProviderAnthropic} {
		t.Run(api, func(t *testing.T) {
			f := newFakeProvider(t, api,
				answer{text: actionReply(core.ActionRequestInfo, map[string]any{"info_type": "sample_submission"}), in: 900, out: 40},
				// Bare JSON, no fence, no prose.
				answer{text: `{"action": "validate_code", "params": {"code": "print(sum(1 for _ in open('/data/test.csv')))"}}`, in: 1200, out: 60},
				answer{text: actionReply(core.ActionExecuteCode, map[string]any{"code": submitCode(7)}), in: 1500, out: 400},
				answer{text: actionReply("echo", map[string]any{"note": "done"}), in: 2100, out: 30},
			)
			cfg := testConfig(f)
			cfg.Prices = []Price{{Model: "test-model", InputPerMTok: 3, OutputPerMTok: 15}}
			a, _ := newTestAgent(t, cfg)
			ep := newEpisode(t, env.Config{MaxSteps: 4, Actions: []string{"echo"}, Feedback: []string{"base"}}, hostBackend{})
			sum, err := a.Run(context.Background(), ep)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Steps != 4 || !sum.Truncated || sum.BestRaw == nil || *sum.BestRaw != 0.7 ||
				math.Abs(*sum.BestRank-0.425) > 1e-12 || math.Abs(sum.TotalReward-0.425) > 1e-12 || len(sum.Errors) != 0 {
				t.Fatalf("summary %+v", sum)
			}
			u := sum.Usage
			// (5700 * 3 + 530 * 15) / 1e6 = (17100 + 7950) / 1e6
			if u.Calls != 4 || u.PromptTokens != 5700 || u.CompletionTokens != 530 || math.Abs(u.CostUSD-0.02505) > 1e-12 {
				t.Fatalf("usage %+v", u)
			}
			reqs := f.requests()
			sys := reqs[0].system()
			if !strings.Contains(sys, "- echo, params as this JSON Schema says: {\"type\":\"object\"}") || !strings.Contains(sys, "returns its params") {
				t.Errorf("the system prompt does not describe the custom action:\n%s", sys)
			}
			if first := reqs[0].lastUser(); !strings.Contains(first, "Write your predictions to /workspace/submission.csv") ||
				!strings.Contains(first, "Steps left: 4. Time left: 2h0m0s.") {
				t.Errorf("the first message does not state the task and budget:\n%s", first)
			}
			if last := reqs[3].lastUser(); !strings.Contains(last, "# Step 3: execute_code, ok, reward 0.4250") ||
				!strings.Contains(last, "Average HumanRank: 0.4250") || !strings.Contains(last, "Steps left: 1.") {
				t.Errorf("the scored step is not shown:\n%s", last)
			}
			if out := reqs[2].lastUser(); !strings.Contains(out, "11") {
				t.Errorf("the validation's output is not shown:\n%s", out)
			}
			events, err := env.ReadEvents(ep.Dir())
			if err != nil || len(events) != 5 || events[4].Action.Name != "echo" {
				t.Fatalf("episode events %d (%v)", len(events), err)
			}
			recs := chatRecords(t, ep.Dir())
			if countRecords(recs, RecordStart) != 1 || countRecords(recs, RecordCall) != 4 || countRecords(recs, RecordTurn) != 4 {
				t.Fatalf("chat records: %+v", recs)
			}
			for _, r := range recs {
				if r.Type == RecordCall && (r.Request == nil || r.Response == nil || r.Request.System != sys || len(r.Request.Messages) == 0) {
					t.Fatalf("call record without its request and reply: %+v", r)
				}
				if r.Type == RecordTurn && r.Step == 3 && (r.Action == nil || r.Action.Name != core.ActionExecuteCode) {
					t.Fatalf("turn record of step 3: %+v", r)
				}
			}
			raw, _ := os.ReadFile(filepath.Join(ep.Dir(), ChatFile))
			if bytes.Contains(raw, []byte(testKey)) {
				t.Fatal("chat.jsonl holds the API key")
			}
		})
	}
}

// hostBackend is a test sandbox without isolation: it runs /usr/bin/python3 on the host with the
// workspace as working directory and rewrites the sandbox paths (/data, /workspace) in the code to
// the real directories, so that the agent's loop can be tested on a whole episode quickly.
type hostBackend struct{}

func (hostBackend) Name() string { return "host-test" }

func (hostBackend) Check(context.Context) sandbox.Isolation {
	return sandbox.Isolation{Backend: "host-test", Insecure: true}
}

func (hostBackend) Start(_ context.Context, spec sandbox.Spec) (sandbox.Sandbox, error) {
	return &hostSandbox{spec: spec}, nil
}

type hostSandbox struct{ spec sandbox.Spec }

func (s *hostSandbox) Exec(ctx context.Context, req sandbox.ExecRequest) (sandbox.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, req.Timeout)
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
