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

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/catalog"
	"github.com/mledojo/dojo/host/env"
	"github.com/mledojo/dojo/host/env/envtest"
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
	e, err := env.New(context.Background(), envtest.Competition(t), cfg, env.Deps{Plugins: cat, Sandbox: backend})
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
				answer{text: actionReply(core.ActionExecuteCode, map[string]any{"code": envtest.SubmitCode(7)}), in: 1500, out: 400},
				answer{text: actionReply("echo", map[string]any{"note": "done"}), in: 2100, out: 30},
			)
			cfg := testConfig(f)
			cfg.Prices = []Price{{Model: "test-model", InputPerMTok: 3, OutputPerMTok: 15}}
			a, _ := newTestAgent(t, cfg)
			ep := newEpisode(t, env.Config{MaxSteps: 4, Actions: []string{"echo"}, Feedback: []string{"base"}}, envtest.Backend{})
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
