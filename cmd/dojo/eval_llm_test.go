package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/env"
	"github.com/mledojo/dojo/host/eval"
	"github.com/mledojo/dojo/internal/fakellm"
)

// The LLM agent's eval settings: the fake model's name and prices (USD per million tokens), and the
// retries of one call.
const (
	fakeModel      = "fake-gpt"
	fakeInputUSD   = 2.5
	fakeOutputUSD  = 10.0
	fakeMaxRetries = 3
	fakeKeyVar     = "EVAL_TEST_LLM_API_KEY"
	evalMaxSteps   = 5
)

// fakeMalformed is the model's broken turn-2 reply: its JSON is cut off at max_tokens.
const fakeMalformed = "Let me train a first model on the training data.\n\n```json\n{\"action\": \"execute_code\", \"params\": {\"code\": \"import pandas as pd\\ntrain = pd.read_csv('/data/train.csv')\\nprint(train.sha"

// Code the fake model sends: the sample submission as it is, a logistic regression that works for both
// test competitions (probabilities for a numeric target, labels otherwise), and code that fails.
const (
	sampleCode = "import shutil\nshutil.copy('/data/sample_submission.csv', '/workspace/submission.csv')\nprint('copied the sample submission')\n"
	modelCode  = `import pandas as pd
from sklearn.linear_model import LogisticRegression
train = pd.read_csv('/data/train.csv')
test = pd.read_csv('/data/test.csv')
sample = pd.read_csv('/data/sample_submission.csv')
ids, target = sample.columns[0], sample.columns[1]
features = [c for c in test.columns if c != ids]
model = LogisticRegression(max_iter=2000).fit(train[features], train[target])
if sample[target].dtype.kind == 'f':
    pred = model.predict_proba(test[features])[:, 1]
else:
    pred = model.predict(test[features])
pd.DataFrame({ids: test[ids], target: pred}).to_csv('/workspace/submission.csv', index=False)
print('wrote', len(test), 'predictions')
`
	failingCode = "import pandas as pd\ntrain = pd.read_csv('/data/train.csv')\nprint(train['Outcome'].mean())\n"
)

// keyProbeCode is Python that looks for the API key in its environment and in every process's
// environment and command line it can see. It holds only the key's SHA-256 and the variable's name
// in hex, so that neither the key nor its name is in its own command line or in the episode's files.
func keyProbeCode(key string) string {
	sum := sha256.Sum256([]byte(key))
	return fmt.Sprintf(`import hashlib, os
want, name = %q, bytes.fromhex(%q).decode()
found = []
def check(where, value):
    if name in value or hashlib.sha256(value.encode()).hexdigest() == want:
        found.append(where)
for k, v in os.environ.items():
    check("env " + k, k)
    check("env " + k, v)
for pid in os.listdir("/proc"):
    if not pid.isdigit():
        continue
    for what in ("environ", "cmdline"):
        try:
            data = open("/proc/%%s/%%s" %% (pid, what), "rb").read().decode("utf-8", "replace")
        except OSError:
            continue
        for item in data.split("\0"):
            check("proc %%s %%s" %% (pid, what), item)
            check("proc %%s %%s" %% (pid, what), item.partition("=")[2])
print("KEYPROBE", "FOUND" if found else "CLEAN", found)
`, hex.EncodeToString(sum[:]), hex.EncodeToString([]byte(fakeKeyVar)))
}

func fakeAction(prose, name string, params map[string]any) string {
	b, _ := json.MarshalIndent(map[string]any{"action": name, "params": params}, "", "  ")
	return fmt.Sprintf("%s\n\n```json\n%s\n```\n", prose, b)
}

var competitionInTask = regexp.MustCompile(`Competition: .* \(([a-z0-9._-]+@[0-9]+)\)`)

// fakeModelScript plays the same conversation in every episode, deciding each reply from the request
// alone (the turn is the number of the model's usable replies so far), so that parallel episodes, and
// episodes resumed by a rerun, get consistent answers:
//
//  1. request_info, after a rate limit (429, Retry-After) the first time the request is seen;
//  2. a reply cut off at max_tokens, then, asked for a repair, the sample submission;
//  3. HTTP 500 on every attempt unless the conversation was resumed (an infrastructure failure
//     that the evaluation retries by resuming the episode); resumed, no answer within call_timeout
//     the first time, then a logistic regression;
//  4. validate_code with the key probe;
//  5. on iris-species@1, HTTP 400 (the agent's own error: it ends the episode); elsewhere, code
//     that fails.
func fakeModelScript(key string) fakellm.Script {
	return func(r fakellm.Request) fakellm.Reply {
		m := competitionInTask.FindStringSubmatch(r.FirstUser())
		if m == nil || r.Model != fakeModel {
			return fakellm.Reply{Status: http.StatusBadRequest}
		}
		comp := m[1]
		conv := r.Conversation()
		turn, repair, resumed := 1, false, false
		for i, msg := range conv {
			switch {
			case msg.Role == "assistant" && msg.Content == fakeMalformed:
				repair = i == len(conv)-2
			case msg.Role == "assistant":
				turn++
			case strings.Contains(msg.Content, "has been resumed"):
				resumed = true
			}
		}
		switch turn {
		case 1:
			if r.Seen == 0 {
				return fakellm.Reply{Status: http.StatusTooManyRequests, RetryAfter: "1"}
			}
			return fakellm.Reply{Text: fakeAction("I will read the task first.", core.ActionRequestInfo, map[string]any{"info_type": "overview"})}
		case 2:
			if !repair {
				return fakellm.Reply{Text: fakeMalformed, FinishReason: "length"}
			}
			return fakellm.Reply{Text: fakeAction("Sorry, that was cut off. A valid submission first:", core.ActionExecuteCode, map[string]any{"code": sampleCode})}
		case 3:
			switch {
			case !resumed:
				return fakellm.Reply{Status: http.StatusInternalServerError}
			case r.Seen == 0:
				return fakellm.Reply{Hang: true}
			}
			return fakellm.Reply{Text: fakeAction("Now a real model.", core.ActionExecuteCode, map[string]any{"code": modelCode})}
		case 4:
			return fakellm.Reply{Text: fakeAction("Checking the environment.", core.ActionValidateCode, map[string]any{"code": keyProbeCode(key)})}
		case 5:
			if comp == "iris-species@1" {
				return fakellm.Reply{Status: http.StatusBadRequest}
			}
			return fakellm.Reply{Text: fakeAction("Trying another feature.", core.ActionExecuteCode, map[string]any{"code": failingCode})}
		}
		return fakellm.Reply{Text: fakeAction("Looking back.", core.ActionGetHistory, map[string]any{})}
	}
}

func writeLLMEvalConfig(t *testing.T, baseURL string) string {
	t.Helper()
	cfg := fmt.Sprintf(`name: llm-smoke
agents:
  - name: llm
    kind: llm
    params:
      provider: openai-compatible
      model: %s
      base_url: %s
      api_key_env: %s
      max_tokens: 2000
      max_retries: %d
      call_timeout: 3s
      retry_base_delay: 10ms
      retry_max_delay: 200ms
      prices:
        - {model: %s, input_per_mtok: %g, output_per_mtok: %g}
  - {name: baseline, kind: baseline}
competitions: [iris-species@1, pima-diabetes@1]
seeds: [1, 2]
workers: 2
retries: 2
episode: {max_steps: %d}
`, fakeModel, baseURL, fakeKeyVar, fakeMaxRetries, fakeModel, fakeInputUSD, fakeOutputUSD, evalMaxSteps)
	path := filepath.Join(t.TempDir(), "eval.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// llmUnderway counts the LLM agent's episodes that have a directory but no result yet.
func llmUnderway(run string) int {
	dirs, _ := filepath.Glob(filepath.Join(run, "episodes", "llm", "*", "seed-*"))
	n := 0
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "result.json")); err != nil {
			n++
		}
	}
	return n
}

// TestEval_LLMAgentWithAFlakyProviderIsKilledResumedAndReported plays the baseline and the LLM agent,
// whose model is a local fake chat-completions server with scripted replies (rate limits, a reply
// cut off, server errors, a time-out, a refused request), on two starter competitions with two seeds
// and two workers. The run is SIGKILLed once an episode has finished and an LLM episode is under
// way, at a moment when every answer the server gave has been recorded (the server holds new
// requests), and rerun. Then the report's numbers are checked against the server's log and the
// episodes' own histories, and the run directory against the API key.
func TestEval_LLMAgentWithAFlakyProviderIsKilledResumedAndReported(t *testing.T) {
	var tok [12]byte
	rand.Read(tok[:])
	key := "sk-dojo-evaltest-" + hex.EncodeToString(tok[:])
	srv := fakellm.New(fakeModelScript(key), fakellm.Options{Key: key, Errorf: t.Errorf})
	defer srv.Close()

	data := t.TempDir()
	vars := []string{"DOJO_DATA_DIR=" + data, "DOJO_RUNS_DIR=" + filepath.Join(data, "runs"), fakeKeyVar + "=" + key}
	if r := dojo(t, vars, "competitions", "prepare", "--pack", "starter", "--id", "iris-species@1", "--id", "pima-diabetes@1"); r.code != 0 {
		t.Fatalf("prepare: %+v", r)
	}
	cfg := writeLLMEvalConfig(t, srv.BaseURL())
	run := filepath.Join(t.TempDir(), "run")

	cmd := exec.Command(filepath.Join(binDir, "dojo"), "eval", "--config", cfg, "--out", run)
	cmd.Env = append(append(os.Environ(), "DOJO_PLUGIN_PATH=", "HOME="+t.TempDir()), vars...)
	var firstErr bytes.Buffer
	cmd.Stderr = &firstErr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop := func(format string, args ...any) {
		t.Helper()
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf(format+"\n%s", append(args, firstErr.String())...)
	}
	// Wait for a finished episode beside an LLM episode with steps still to go, then hold the model's
	// new requests and wait until every LLM episode under way waits on one, nothing else is in flight,
	// and that has lasted two polls: every answer given so far is recorded, so the kill loses none.
	deadline := time.Now().Add(4 * time.Minute)
	held, settled := false, 0
	var lastLog int
	for settled < 2 {
		if time.Now().After(deadline) {
			stop("the run never reached a point to kill it (held %v)", held)
		}
		time.Sleep(50 * time.Millisecond)
		if !held {
			finished, early := 0, 0
			for name, s := range episodeStates(t, run) {
				switch {
				case len(s.result) > 0:
					finished++
				case strings.HasPrefix(name, filepath.Join("episodes", "llm")+"/") && s.steps >= 1 && s.steps <= evalMaxSteps-2:
					early++
				}
			}
			if finished == 8 {
				stop("every episode finished before the kill")
			}
			if finished > 0 && early > 0 {
				srv.Hold()
				held = true
			}
			continue
		}
		waiting, n := srv.Waiting(), len(srv.Log())
		if srv.InFlight() == 0 && waiting > 0 && waiting == llmUnderway(run) && n == lastLog {
			settled++
		} else {
			settled = 0
		}
		lastLog = n
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	before := episodeStates(t, run)
	beforeChats := map[string][]byte{}
	for name := range before {
		beforeChats[name], _ = os.ReadFile(filepath.Join(run, name, "chat.jsonl"))
	}
	// The held requests of the killed run end unanswered before the rerun may be answered.
	for srv.Waiting() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("requests of the killed run are still held")
		}
		time.Sleep(10 * time.Millisecond)
	}
	srv.Release()

	r := dojo(t, vars, "eval", "--config", cfg, "--out", run)
	if r.code != 0 {
		t.Fatalf("rerun: %+v\nfirst run: %s", r, firstErr.String())
	}
	after := episodeStates(t, run)
	if len(after) != 8 {
		t.Fatalf("%d episodes after the rerun, want 8", len(after))
	}
	finished, resumedLLM := 0, 0
	for name, b := range before {
		a := after[name]
		chat, _ := os.ReadFile(filepath.Join(run, name, "chat.jsonl"))
		switch {
		case len(b.result) > 0:
			finished++
			if !bytes.Equal(a.result, b.result) || !bytes.Equal(a.events, b.events) || !bytes.Equal(chat, beforeChats[name]) {
				t.Errorf("%s was finished before the kill but was played again", name)
			}
		case b.steps > 0:
			if a.id != b.id || a.steps < b.steps || !bytes.HasPrefix(a.events, b.events[:bytes.LastIndexByte(b.events, '\n')+1]) {
				t.Errorf("%s was under way (step %d) but was not resumed: id %s -> %s, %d steps after", name, b.steps, b.id, a.id, a.steps)
			}
			if log, _ := os.ReadFile(filepath.Join(run, name, "agent.log")); !strings.Contains(string(log), "resumed at step") {
				t.Errorf("%s: agent.log does not show the resume:\n%s", name, log)
			}
			if strings.HasPrefix(name, filepath.Join("episodes", "llm")+"/") {
				resumedLLM++
				if !bytes.HasPrefix(chat, beforeChats[name]) || !bytes.Contains(chat[len(beforeChats[name]):], []byte(`"type":"resume"`)) {
					t.Errorf("%s: the chat was not continued with a resume record", name)
				}
			}
		}
	}
	if finished == 0 || resumedLLM == 0 {
		t.Fatalf("%d episodes finished before the kill and %d LLM episodes resumed; want at least one of each", finished, resumedLLM)
	}
	t.Logf("%d episodes finished before the kill, %d LLM episodes resumed; the server answered %d requests", finished, resumedLLM, len(srv.Log()))

	// What the server served: every normal answer was recorded by the agent, so the run's usage is
	// exactly the sum of the server's usage numbers times the prices.
	var calls, failures, errors500, refused, repairs int
	var prompt, completion int64
	var cost float64
	for _, a := range srv.Log() {
		switch {
		case a.OK():
			calls++
			prompt += a.Reply.PromptTokens
			completion += a.Reply.CompletionTokens
			cost += (float64(a.Reply.PromptTokens)*fakeInputUSD + float64(a.Reply.CompletionTokens)*fakeOutputUSD) / 1e6
			if c := a.Request.Conversation(); len(c) >= 2 && c[len(c)-2].Content == fakeMalformed {
				repairs++
			}
		case a.Reply.Status == http.StatusBadRequest:
			refused++
		default: // 429, 500 and time-outs are retried
			failures++
			if a.Reply.Status == http.StatusInternalServerError {
				errors500++
			}
		}
	}
	if errors500%(fakeMaxRetries+1) != 0 {
		t.Fatalf("%d HTTP 500 answers: not whole calls of %d attempts", errors500, fakeMaxRetries+1)
	}
	unavailable := errors500 / (fakeMaxRetries + 1) // calls that failed for good
	retries := failures - unavailable
	if calls == 0 || repairs == 0 || unavailable == 0 || refused == 0 || retries <= unavailable*fakeMaxRetries {
		t.Fatalf("the script did not play out: %d calls, %d repairs, %d calls unavailable, %d refused, %d retries", calls, repairs, unavailable, refused, retries)
	}

	// The episodes' results: every one is over, the LLM agent's refused requests ended its episodes
	// as its own errors, and its provider's outages are infrastructure failures, retried.
	results := map[string][]eval.Result{}
	for name := range after {
		res, err := eval.ReadResult(filepath.Join(run, name))
		if err != nil {
			t.Fatal(err)
		}
		results[res.Agent] = append(results[res.Agent], res)
		if n := strings.Count(string(after[name].events), `"type":"reset"`); n != 1 {
			t.Errorf("%s has %d resets, want 1", name, n)
		}
	}
	var llmErrors, llmInfra, llmAttempts int
	for _, res := range results["llm"] {
		switch res.Status {
		case eval.StatusDone:
		case eval.StatusError:
			llmErrors++
			if res.Error == nil || res.Error.Type != core.TypeInvalidArgument || res.Competition != "iris-species@1" {
				t.Errorf("llm %s seed %d ended with %+v", res.Competition, res.Seed, res.Error)
			}
		default:
			t.Errorf("llm %s seed %d: status %s", res.Competition, res.Seed, res.Status)
		}
		for _, f := range res.InfraFailures {
			if f.Type != core.TypeUnavailable {
				t.Errorf("llm %s seed %d: infrastructure failure %+v", res.Competition, res.Seed, f)
			}
		}
		llmInfra += len(res.InfraFailures)
		llmAttempts += res.Attempts
	}
	for _, res := range results["baseline"] {
		if res.Status != eval.StatusDone || res.Usage != nil || len(res.InfraFailures) > 0 {
			t.Errorf("baseline %s seed %d: %+v", res.Competition, res.Seed, res)
		}
	}
	// Each refused request ended one episode; the infrastructure failures recorded are those of the
	// outages the results kept (one killed with its episode under way is lost with that run).
	if llmErrors != refused || llmInfra == 0 || llmInfra > unavailable {
		t.Errorf("%d LLM episodes ended by the agent's error (want %d), %d infrastructure failures recorded (%d outages served)", llmErrors, refused, llmInfra, unavailable)
	}

	rep := dojo(t, vars, "report", run)
	if rep.code != 0 {
		t.Fatalf("report: %+v", rep)
	}
	var lb struct {
		Agents []struct {
			Agent     string
			Episodes  int `json:"episodes"`
			InfraFail int `json:"infra_failed_episodes"`
			HumanRank struct {
				Overall       float64            `json:"overall"`
				ByDomain      map[string]float64 `json:"by_domain"`
				ByCompetition map[string]float64 `json:"by_competition"`
			} `json:"humanrank"`
			ValidRate float64 `json:"valid_submission_rate"`
			Failures  struct {
				StepErrorRate    float64            `json:"step_error_rate"`
				EpisodeErrorRate float64            `json:"episode_error_rate"`
				EpisodeErrors    map[string]float64 `json:"episode_errors"`
				Attempts         int                `json:"attempts"`
				InfraFailureRate float64            `json:"infra_failure_rate"`
				InfraFailures    map[string]int     `json:"infra_failures"`
			} `json:"failures"`
			Calls            int     `json:"model_calls"`
			PromptTokens     int64   `json:"prompt_tokens"`
			CompletionTokens int64   `json:"completion_tokens"`
			CostUSD          float64 `json:"cost_usd"`
			Retries          int     `json:"model_retries"`
			Repairs          int     `json:"repairs"`
		}
	}
	if err := json.Unmarshal(mustRead(t, filepath.Join(run, "leaderboard.json")), &lb); err != nil {
		t.Fatal(err)
	}
	if len(lb.Agents) != 2 {
		t.Fatalf("leaderboard has %d agents", len(lb.Agents))
	}
	comps, err := eval.ReadCompetitions(run)
	if err != nil {
		t.Fatal(err)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
	for _, a := range lb.Agents {
		// HumanRank and validity from the histories: each episode's best valid submission, placed on
		// the competition's boards by hand (the share of each board's scores it ties or beats).
		perComp := map[string][]float64{}
		valid, steps, stepErrors := 0, 0, 0
		for _, res := range results[a.Agent] {
			dir := eval.EpisodeDir(run, res.Agent, res.Competition, res.Seed)
			events, err := env.ReadEvents(dir)
			if err != nil {
				t.Fatal(err)
			}
			info := comps[res.Competition]
			best, ok := 0.0, false
			for _, ev := range events {
				if ev.Result == nil {
					continue
				}
				steps++
				o := ev.Result.Observation
				if o.Error != nil {
					stepErrors++
				}
				if s := o.Submission; s != nil && s.Valid && (!ok || info.Direction.AtLeastAsGood(s.RawScore, best)) {
					best, ok = s.RawScore, true
				}
			}
			rank := 0.0
			if ok {
				valid++
				boards := 0
				for _, b := range info.Boards {
					if len(b.Scores) == 0 {
						continue
					}
					beaten := 0
					for _, h := range b.Scores {
						if (info.Direction == core.LowerIsBetter && best <= h) || (info.Direction != core.LowerIsBetter && best >= h) {
							beaten++
						}
					}
					rank += float64(beaten) / float64(len(b.Scores))
					boards++
				}
				rank /= float64(boards)
			}
			perComp[res.Competition] = append(perComp[res.Competition], rank)
		}
		overall := 0.0
		for id, ranks := range perComp {
			if len(ranks) != 2 {
				t.Errorf("%s: %d episodes on %s, want 2", a.Agent, len(ranks), id)
			}
			want := (ranks[0] + ranks[1]) / 2
			overall += want / float64(len(perComp))
			if got := a.HumanRank.ByCompetition[id]; !near(got, want) {
				t.Errorf("%s on %s: HumanRank %v, by hand %v (episodes %v)", a.Agent, id, got, want, ranks)
			}
		}
		if !near(a.HumanRank.Overall, overall) || !near(a.HumanRank.ByDomain["tabular"], overall) || overall <= 0 {
			t.Errorf("%s: overall HumanRank %v (tabular %v), by hand %v", a.Agent, a.HumanRank.Overall, a.HumanRank.ByDomain["tabular"], overall)
		}
		if a.Episodes != 4 || a.InfraFail != 0 || !near(a.ValidRate, float64(valid)/4) || !near(a.Failures.StepErrorRate, float64(stepErrors)/float64(steps)) {
			t.Errorf("%s: %d episodes, %d given up, valid rate %v (by hand %d/4), failing steps %v (by hand %d/%d)",
				a.Agent, a.Episodes, a.InfraFail, a.ValidRate, valid, a.Failures.StepErrorRate, stepErrors, steps)
		}

		f := a.Failures
		switch a.Agent {
		case "llm":
			if a.Calls != calls || a.PromptTokens != prompt || a.CompletionTokens != completion || !near(a.CostUSD, cost) ||
				a.Retries != retries || a.Repairs != repairs {
				t.Errorf("llm usage: %d calls, %d+%d tokens, $%v, %d retries, %d repairs; the server's log says %d calls, %d+%d tokens, $%v, %d retries, %d repairs",
					a.Calls, a.PromptTokens, a.CompletionTokens, a.CostUSD, a.Retries, a.Repairs, calls, prompt, completion, cost, retries, repairs)
			}
			if !near(f.EpisodeErrorRate, float64(refused)/4) || len(f.EpisodeErrors) != 1 || !near(f.EpisodeErrors[string(core.TypeInvalidArgument)], float64(refused)/4) {
				t.Errorf("llm episodes ended by its own error: %v %v, want %d of 4 invalid_argument", f.EpisodeErrorRate, f.EpisodeErrors, refused)
			}
			if f.Attempts != llmAttempts || len(f.InfraFailures) != 1 || f.InfraFailures[string(core.TypeUnavailable)] != llmInfra ||
				!near(f.InfraFailureRate, float64(llmInfra)/float64(llmAttempts)) {
				t.Errorf("llm infrastructure failures: %+v, want %d unavailable in %d attempts", f, llmInfra, llmAttempts)
			}
		case "baseline":
			if a.Calls != 0 || a.CostUSD != 0 || f.EpisodeErrorRate != 0 || f.InfraFailureRate != 0 || f.Attempts != 4 {
				t.Errorf("baseline: %+v", a)
			}
		default:
			t.Errorf("unexpected agent %s", a.Agent)
		}
	}
	var m struct {
		Usage struct {
			Calls   int     `json:"calls"`
			Cost    float64 `json:"cost_usd"`
			Retries int     `json:"retries"`
		} `json:"usage"`
	}
	if err := json.Unmarshal(mustRead(t, filepath.Join(run, "manifest.json")), &m); err != nil || m.Usage.Calls != calls || !near(m.Usage.Cost, cost) || m.Usage.Retries != retries {
		t.Errorf("manifest usage %+v (%v), want %d calls, $%v, %d retries", m.Usage, err, calls, cost, retries)
	}

	// The key reached the model (the server refuses requests without it) and nothing else: not the
	// sandbox, where the probe looked for it, and no file of the run.
	probes := 0
	for _, res := range results["llm"] {
		events, _ := env.ReadEvents(eval.EpisodeDir(run, res.Agent, res.Competition, res.Seed))
		for _, ev := range events {
			if ev.Result == nil || ev.Result.Observation.Execution == nil || !strings.Contains(ev.Result.Observation.Execution.Stdout+ev.Result.Observation.Execution.Stderr, "KEYPROBE") {
				continue
			}
			probes++
			if x := ev.Result.Observation.Execution; !strings.Contains(x.Stdout, "KEYPROBE CLEAN") {
				t.Errorf("%s seed %d step %d: the agent's code saw the key:\n%s\n%s", res.Competition, res.Seed, ev.Step, x.Stdout, x.Stderr)
			}
		}
	}
	if probes < 3 {
		t.Errorf("the key probe ran %d times, want one per LLM episode", probes)
	}
	files := 0
	filepath.WalkDir(run, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		if b, err := os.ReadFile(path); err != nil || bytes.Contains(b, []byte(key)) {
			t.Errorf("%s holds the API key (%v)", path, err)
		}
		return nil
	})
	if files < 50 {
		t.Errorf("only %d files in the run directory", files)
	}
}
