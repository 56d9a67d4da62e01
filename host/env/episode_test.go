package env_test

import (
	"context"
	"encoding/json"
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
)

var pluginDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dojo-env-test")
	if err != nil {
		panic(err)
	}
	pluginDir = dir
	build := exec.Command("go", "build", "-o", dir+"/",
		"github.com/mledojo/dojo/plugins/...", "github.com/mledojo/dojo/internal/testplugins/...")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building plugins:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func newEpisode(t *testing.T, cfg env.Config) *env.Episode {
	t.Helper()
	cat, err := catalog.Open(context.Background(), catalog.Options{Dirs: []string{pluginDir}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cat.Close() })
	if cfg.Dir == "" {
		cfg.Dir = t.TempDir()
	}
	e, err := env.New(context.Background(), envtest.Competition(t), cfg, env.Deps{Plugins: cat, Sandbox: envtest.Backend{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close(context.Background()) })
	if _, _, err := e.Reset(context.Background(), env.ResetOptions{}); err != nil {
		t.Fatal(err)
	}
	return e
}

func step(t *testing.T, e *env.Episode, name string, params core.Params) core.StepResult {
	t.Helper()
	res, err := e.Step(context.Background(), core.Action{Name: name, Params: params})
	if err != nil {
		t.Fatalf("%s: host error %v", name, err)
	}
	return res
}

func TestExecuteCode_RewardIsMeanHumanRankOverBoards(t *testing.T) {
	e := newEpisode(t, env.Config{})
	res := step(t, e, core.ActionExecuteCode, core.Params{"code": envtest.SubmitCode(7)})
	sub := res.Observation.Submission
	if res.Observation.Error != nil || sub == nil || !sub.Valid {
		t.Fatalf("observation %+v", res.Observation)
	}
	if sub.RawScore != 0.7 {
		t.Fatalf("raw score %v, want 0.7", sub.RawScore)
	}
	// public: 0.7 ties rank 3 of 5 -> (5-3+1)/5 = 0.6; private: beats rank 4 of 4 -> 1/4 = 0.25.
	want := (0.6 + 0.25) / 2
	if math.Abs(res.Reward-want) > 1e-12 || math.Abs(sub.HumanRank.Mean-want) > 1e-12 {
		t.Fatalf("reward %v humanrank %+v, want %v", res.Reward, sub.HumanRank, want)
	}
	if res.Terminated || res.Truncated || res.Step != 1 || res.Observation.StepsLeft != env.DefaultMaxSteps-1 {
		t.Fatalf("5-tuple %+v", res)
	}
	if *res.Observation.BestRaw != 0.7 || *res.Observation.BestRank != want {
		t.Fatalf("bests %v %v", *res.Observation.BestRaw, *res.Observation.BestRank)
	}
}

func TestScoreModeRaw_RewardIsTheMetric(t *testing.T) {
	e := newEpisode(t, env.Config{ScoreMode: env.ScoreRaw})
	if res := step(t, e, core.ActionExecuteCode, core.Params{"code": envtest.SubmitCode(9)}); res.Reward != 0.9 {
		t.Fatalf("reward %v, want 0.9", res.Reward)
	}
}

func TestMaxSteps_TruncatesAndLaterStepsSayTheEpisodeIsOver(t *testing.T) {
	e := newEpisode(t, env.Config{MaxSteps: 2})
	if res := step(t, e, core.ActionRequestInfo, core.Params{"info_type": "name"}); res.Truncated {
		t.Fatal("truncated after one of two steps")
	}
	res := step(t, e, core.ActionRequestInfo, core.Params{"info_type": "name"})
	if !res.Truncated || res.Terminated || res.Observation.StepsLeft != 0 {
		t.Fatalf("after the last step: %+v", res)
	}
	res = step(t, e, core.ActionRequestInfo, nil)
	if res.Observation.Error == nil || res.Observation.Error.Type != core.TypeInvalidAction || !res.Truncated {
		t.Fatalf("step after the end: %+v", res.Observation)
	}
}

func TestErrors_AreTypedInTheObservationAndTheNextStepWorks(t *testing.T) {
	e := newEpisode(t, env.Config{})
	dir := e.Dir()
	cases := []struct {
		name   string
		action core.Action
		want   core.ErrorType
		setup  func()
	}{
		{"unknown action", core.Action{Name: "dance"}, core.TypeInvalidAction, nil},
		{"unknown info type", core.Action{Name: core.ActionRequestInfo, Params: core.Params{"info_type": "secrets"}}, core.TypeInfoRequest, nil},
		{"unknown param", core.Action{Name: core.ActionExecuteCode, Params: core.Params{"cod": "print(1)"}}, core.TypeInvalidArgument, nil},
		{"empty code", core.Action{Name: core.ActionExecuteCode, Params: core.Params{"code": "  "}}, core.TypeInvalidArgument, nil},
		{"syntax error", core.Action{Name: core.ActionExecuteCode, Params: core.Params{"code": "def f(:\n"}}, core.TypeCodeSyntax, nil},
		{"runtime error", core.Action{Name: core.ActionExecuteCode, Params: core.Params{"code": "1/0"}}, core.TypeCodeRuntime, nil},
		{"no submission", core.Action{Name: core.ActionExecuteCode, Params: core.Params{"code": "print('hi')"}}, core.TypeSubmissionNotFound, nil},
		{"invalid submission", core.Action{Name: core.ActionExecuteCode, Params: core.Params{"code": "open('/workspace/submission.csv','w').write('id,label\\nr0,1\\n')"}}, core.TypeSubmissionInvalid, nil},
		{"symlink submission", core.Action{Name: core.ActionExecuteCode, Params: core.Params{"code": "import os; os.symlink('/etc/passwd', '/workspace/submission.csv')"}}, core.TypeSubmissionInvalid, nil},
		{"fifo submission", core.Action{Name: core.ActionExecuteCode, Params: core.Params{"code": "import os; os.mkfifo('/workspace/submission.csv')"}}, core.TypeSubmissionInvalid, nil},
		{"validate syntax", core.Action{Name: core.ActionValidateCode, Params: core.Params{"code": "x = (1,"}}, core.TypeCodeSyntax, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := step(t, e, c.action.Name, c.action.Params)
			if res.Observation.Error == nil || res.Observation.Error.Type != c.want || res.Observation.Status != "error" {
				t.Fatalf("got %+v, want %s", res.Observation.Error, c.want)
			}
			if res.Reward != 0 {
				t.Fatalf("reward %v for a failed step", res.Reward)
			}
			next := step(t, e, core.ActionRequestInfo, core.Params{"info_type": "name"})
			if next.Observation.Error != nil || next.Observation.Info["name"] != "toy" {
				t.Fatalf("next step after %s: %+v", c.name, next.Observation)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "history.json")); err != nil {
		t.Fatal(err)
	}
}

func TestRequestInfo_AnswersEveryType(t *testing.T) {
	e := newEpisode(t, env.Config{})
	res := step(t, e, core.ActionRequestInfo, core.Params{"info_type": "all"})
	for _, k := range env.InfoTypes[:len(env.InfoTypes)-1] {
		if res.Observation.Info[k] == nil {
			t.Errorf("info %s missing", k)
		}
	}
	if !strings.Contains(res.Observation.Info["sample_submission"].(string), "id,label") ||
		!strings.Contains(res.Observation.Info["data_structure"].(string), "test.csv") ||
		res.Observation.Info["data_path"] != "/data" {
		t.Fatalf("info %+v", res.Observation.Info)
	}
	if strings.Contains(fmt.Sprint(res.Observation.Info), "answers.csv") {
		t.Fatal("request_info reveals the private answers' location")
	}
}

func TestValidateCode_RunsWithoutScoringAndKeepsTheSubmission(t *testing.T) {
	e := newEpisode(t, env.Config{})
	step(t, e, core.ActionExecuteCode, core.Params{"code": envtest.SubmitCode(10)})
	res := step(t, e, core.ActionValidateCode, core.Params{"code": envtest.SubmitCode(1)})
	if res.Reward != 0 || res.Observation.Submission != nil || res.Observation.Error != nil || res.Observation.Execution == nil {
		t.Fatalf("validate: %+v", res)
	}
	b, _ := os.ReadFile(filepath.Join(e.Dir(), "workspace", "submission.csv"))
	if !strings.Contains(string(b), "r1,0") {
		t.Fatalf("validate_code disturbed the existing submission:\n%s", b)
	}
}

func TestGetHistory_ReturnsEveryStepToTheAgent(t *testing.T) {
	e := newEpisode(t, env.Config{})
	step(t, e, core.ActionRequestInfo, core.Params{"info_type": "name"})
	step(t, e, core.ActionExecuteCode, core.Params{"code": envtest.SubmitCode(7)})
	res := step(t, e, core.ActionGetHistory, nil)
	b, _ := json.Marshal(res.Observation.Info["steps"])
	var steps []map[string]any
	json.Unmarshal(b, &steps)
	if len(steps) != 2 || steps[1]["action"] != core.ActionExecuteCode || steps[1]["raw_score"] != 0.7 {
		t.Fatalf("history %s", b)
	}
}

func TestResetAction_ClearsTheWorkspaceButKeepsBudgets(t *testing.T) {
	e := newEpisode(t, env.Config{MaxSteps: 10})
	step(t, e, core.ActionExecuteCode, core.Params{"code": envtest.SubmitCode(7)})
	res := step(t, e, core.ActionReset, nil)
	if res.Observation.StepsLeft != 8 || res.Observation.BestRaw == nil || res.Observation.Info["cleared"] == nil {
		t.Fatalf("reset action: %+v", res.Observation)
	}
	if _, err := os.Stat(filepath.Join(e.Dir(), "workspace", "submission.csv")); !os.IsNotExist(err) {
		t.Fatal("workspace not cleared")
	}
}

func TestCustomAction_ReachesTheWorkspaceThroughHostServices(t *testing.T) {
	e := newEpisode(t, env.Config{Actions: []string{"probe"}})
	res := step(t, e, "probe", core.Params{"final": true})
	if res.Observation.Error != nil || !res.Terminated {
		t.Fatalf("probe: %+v", res)
	}
	if b, _ := os.ReadFile(filepath.Join(e.Dir(), "workspace", "probe.txt")); string(b) != "hello" {
		t.Fatalf("probe.txt = %q", b)
	}
	data := res.Observation.Info["data"].(map[string]any)
	if data["read"] != "hello" || res.Observation.Info["output"] != "hi\n" {
		t.Fatalf("data %+v", res.Observation.Info)
	}
}

func TestFeedback_StylesRenderAndAFailingStyleDoesNotBreakTheStep(t *testing.T) {
	e := newEpisode(t, env.Config{Feedback: []string{"plain", "failing"}})
	res := step(t, e, core.ActionExecuteCode, core.Params{"code": envtest.SubmitCode(7)})
	if !strings.HasPrefix(res.Observation.Feedback["plain"], "step 1: execute_code ok") {
		t.Fatalf("feedback %+v", res.Observation.Feedback)
	}
	if res.Info["feedback_errors"] == nil || res.Observation.Error != nil {
		t.Fatalf("info %+v", res.Info)
	}
}

func TestNew_RejectsUnknownPluginsAndBadConfig(t *testing.T) {
	cat, _ := catalog.Open(context.Background(), catalog.Options{Dirs: []string{pluginDir}})
	defer cat.Close()
	deps := env.Deps{Plugins: cat, Sandbox: envtest.Backend{}}
	for name, cfg := range map[string]env.Config{
		"unknown action":   {Actions: []string{"nope"}},
		"unknown feedback": {Feedback: []string{"nope"}},
		"core action name": {Actions: []string{"reset"}},
		"bad exec mode":    {ExecMode: "notebook"},
	} {
		cfg.Dir = t.TempDir()
		if _, err := env.New(context.Background(), envtest.Competition(t), cfg, deps); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestResume_ContinuesAfterTheLastFinishedStep(t *testing.T) {
	dir := t.TempDir()
	e := newEpisode(t, env.Config{Dir: dir, MaxSteps: 10})
	step(t, e, core.ActionRequestInfo, core.Params{"info_type": "name"})
	step(t, e, core.ActionExecuteCode, core.Params{"code": envtest.SubmitCode(7)})
	e.Close(context.Background())
	// A torn last line, as a crash mid-write leaves it, is dropped.
	f, _ := os.OpenFile(filepath.Join(dir, "events.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"type":"step","step":3,"act`)
	f.Close()

	cat, _ := catalog.Open(context.Background(), catalog.Options{Dirs: []string{pluginDir}})
	defer cat.Close()
	r, obs, err := env.Resume(context.Background(), dir, envtest.Competition(t), env.Deps{Plugins: cat, Sandbox: envtest.Backend{}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(context.Background())
	if obs.StepsLeft != 8 || *obs.BestRaw != 0.7 || obs.Info["resumed_at_step"] != 2 {
		t.Fatalf("resumed observation %+v", obs)
	}
	res := step(t, r, core.ActionGetHistory, nil)
	if res.Step != 3 || len(res.Observation.Info["steps"].([]env.HistoryEntry)) != 2 {
		b, _ := json.Marshal(res)
		t.Fatalf("after resume: %s", b)
	}
	var h map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, "history.json"))
	json.Unmarshal(b, &h)
	if h["step_count"] != float64(3) || h["best_raw_score"] != 0.7 || !strings.Contains(h["best_code"].(string), "csv.DictReader") {
		t.Fatalf("history.json %s", b)
	}
}

func TestSubmitAction_ScoresTheFinalAnswerAndTerminates(t *testing.T) {
	e := newEpisode(t, env.Config{Actions: []string{"submit", "files"}, Feedback: []string{"base"}})
	step(t, e, core.ActionExecuteCode, core.Params{"code": envtest.SubmitCode(8)})
	res := step(t, e, "submit", nil)
	if !res.Terminated || res.Truncated || res.Observation.Submission == nil || res.Observation.Submission.RawScore != 0.8 {
		t.Fatalf("submit: %+v", res)
	}
	if !strings.Contains(res.Observation.Feedback["base"], "The episode is over.") {
		t.Fatalf("feedback %q", res.Observation.Feedback["base"])
	}
	if next := step(t, e, "files", core.Params{"op": "list"}); next.Observation.Error == nil || !next.Terminated {
		t.Fatalf("step after submit: %+v", next.Observation)
	}
}

func TestFilesAction_CannotReachOutsideTheWorkspace(t *testing.T) {
	e := newEpisode(t, env.Config{Actions: []string{"files"}})
	for _, p := range []string{"../private/answers.csv", "/etc/passwd", "../../.."} {
		res := step(t, e, "files", core.Params{"op": "read", "path": p})
		if res.Observation.Error == nil || res.Observation.Error.Type != core.TypeInvalidArgument {
			t.Errorf("read %s: %+v", p, res.Observation)
		}
	}
	// A symlink planted in the workspace that points out of it is refused too.
	step(t, e, core.ActionExecuteCode, core.Params{"code": "import os; os.symlink('/etc', '/workspace/etc')"})
	if res := step(t, e, "files", core.Params{"op": "read", "path": "etc/passwd"}); res.Observation.Error == nil {
		t.Fatalf("read through a symlink: %+v", res.Observation.Info)
	}
}
