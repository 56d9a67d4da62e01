package llm

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/env"
)

func TestRun_TokensAndCostAddUpExactly(t *testing.T) {
	for _, api := range []string{ProviderOpenAI, ProviderAnthropic} {
		t.Run(api, func(t *testing.T) {
			f := newFakeProvider(t, api,
				answer{text: actionReply("request_info", map[string]any{"info_type": "overview"}), in: 1000, out: 200},
				answer{text: actionReply("get_history", map[string]any{}), in: 1500, out: 300},
				answer{text: actionReply("request_info", map[string]any{"info_type": "metadata"}), in: 2000, out: 100},
			)
			cfg := testConfig(f)
			cfg.Prices = []Price{{Model: "other", InputPerMTok: 100, OutputPerMTok: 100}, {Model: "test-model", InputPerMTok: 2.5, OutputPerMTok: 10}}
			a, _ := newTestAgent(t, cfg)
			e := &scriptedEnv{dir: t.TempDir(), maxSteps: 3}
			sum, err := a.Run(context.Background(), e)
			if err != nil {
				t.Fatal(err)
			}
			u := sum.Usage
			if u == nil || u.Calls != 3 || u.PromptTokens != 4500 || u.CompletionTokens != 600 || u.Retries != 0 || u.Repairs != 0 {
				t.Fatalf("usage %+v, want 3 calls, 4500 prompt and 600 completion tokens", u)
			}
			// 4500 * 2.5 / 1e6 + 600 * 10 / 1e6 = 0.01125 + 0.006
			if math.Abs(u.CostUSD-0.01725) > 1e-12 {
				t.Fatalf("cost %.10f, want 0.01725", u.CostUSD)
			}
			if sum.Steps != 3 || !sum.Truncated || len(e.actions) != 3 {
				t.Fatalf("summary %+v after %d actions", sum, len(e.actions))
			}
			var chatCost float64
			for _, r := range chatRecords(t, e.dir) {
				chatCost += r.CostUSD
			}
			if math.Abs(chatCost-u.CostUSD) > 1e-12 {
				t.Fatalf("chat.jsonl costs add to %v, usage says %v", chatCost, u.CostUSD)
			}
		})
	}
}

func TestRun_ModelWithoutPriceCostsNothing(t *testing.T) {
	f := newFakeProvider(t, ProviderOpenAI, answer{text: actionReply("get_history", nil), in: 10, out: 5})
	a, _ := newTestAgent(t, testConfig(f))
	sum, err := a.Run(context.Background(), &scriptedEnv{maxSteps: 1})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Usage.CostUSD != 0 || sum.Usage.PromptTokens != 10 {
		t.Fatalf("usage %+v", sum.Usage)
	}
}

func TestRun_EveryPromptStatesTheRemainingStepsAndTime(t *testing.T) {
	f := newFakeProvider(t, ProviderOpenAI,
		answer{text: actionReply("request_info", map[string]any{"info_type": "overview"})},
		answer{text: "no idea"}, // repaired: the repair prompt states the budget too
		answer{text: actionReply("get_history", nil)},
		answer{text: actionReply("get_history", nil)},
	)
	a, _ := newTestAgent(t, testConfig(f))
	if _, err := a.Run(context.Background(), &scriptedEnv{maxSteps: 3}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Steps left: 3. Time left: 1h0m0s.",
		"Steps left: 2. Time left: 59m0s.",
		"Steps left: 2. Time left: 59m0s.",
		"Steps left: 1. Time left: 58m0s.",
	}
	reqs := f.requests()
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d", len(reqs), len(want))
	}
	for i, r := range reqs {
		if !strings.Contains(r.lastUser(), want[i]) {
			t.Errorf("request %d's last message does not state %q:\n%s", i+1, want[i], r.lastUser())
		}
	}
}

func TestRun_SystemPromptDescribesTheProtocolAndEveryAction(t *testing.T) {
	f := newFakeProvider(t, ProviderAnthropic, answer{text: actionReply("get_history", nil)})
	a, _ := newTestAgent(t, testConfig(f))
	if _, err := a.Run(context.Background(), &scriptedEnv{maxSteps: 1}); err != nil {
		t.Fatal(err)
	}
	sys := f.requests()[0].system()
	for _, want := range append([]string{`{"action": "<action name>", "params"`, "```json", "/workspace", "/data",
		"fresh Python interpreter", `"info_type"`, "sample_submission"}, core.CoreActions...) {
		if !strings.Contains(sys, want) {
			t.Errorf("the system prompt lacks %q", want)
		}
	}
	if first := f.requests()[0].messages(); len(first) != 1 || !strings.Contains(first[0].Content, "Competition: Toy (toy)") {
		t.Errorf("the first request's messages are %+v, want the task alone", first)
	}
}

func TestRun_MalformedRepliesAreRepaired(t *testing.T) {
	f := newFakeProvider(t, ProviderOpenAI,
		answer{text: "Let me think about the data first."},
		answer{text: "```json\n{\"action\": \"execute_code\", \"params\": {\"code\": print(1)}}\n```"},
		answer{text: `{"action": "train_model", "params": {}}`},
		// Raw line breaks inside the code string are tolerated.
		answer{text: "{\"action\": \"validate_code\", \"params\": {\"code\": \"import os\nprint(os.listdir('/data'))\"}}"},
	)
	cfg := testConfig(f)
	a, _ := newTestAgent(t, cfg)
	e := &scriptedEnv{maxSteps: 1}
	sum, err := a.Run(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Usage.Repairs != 3 || sum.Usage.Calls != 4 || len(e.actions) != 1 {
		t.Fatalf("usage %+v, %d actions; want 3 repairs, 4 calls, 1 action", sum.Usage, len(e.actions))
	}
	if code := e.actions[0].Params["code"]; e.actions[0].Name != core.ActionValidateCode || code != "import os\nprint(os.listdir('/data'))" {
		t.Fatalf("action %+v", e.actions[0])
	}
	reqs := f.requests()
	for i, want := range []string{`no JSON object with an "action" key`, "not valid JSON", `"train_model" is not an action of this episode`} {
		last := reqs[i+1].lastUser()
		if !strings.Contains(last, want) || !strings.Contains(last, "Steps left: 1.") {
			t.Errorf("repair %d says %q; want it to name %q and the budget", i+1, last, want)
		}
		if n := len(reqs[i+1].messages()); n != 3+2*i {
			t.Errorf("repair %d sends %d messages, want the task and %d exchanges", i+1, n, i+1)
		}
	}
}

func TestRun_TurnWithoutUsableActionIsAnAgentFailure(t *testing.T) {
	f := newFakeProvider(t, ProviderOpenAI)
	f.rest = &answer{text: "I refuse to answer in JSON."}
	cfg := testConfig(f)
	cfg.MaxRepairs, cfg.MaxFailedTurns = 1, 2
	a, _ := newTestAgent(t, cfg)
	e := &scriptedEnv{dir: t.TempDir(), maxSteps: 5}
	sum, err := a.Run(context.Background(), e)
	if err != nil {
		t.Fatalf("an agent's own failure is not an error: %v", err)
	}
	if len(e.actions) != 0 || sum.Steps != 0 {
		t.Fatalf("%d actions reached the environment", len(e.actions))
	}
	// Two turns of one call and one repair each.
	if sum.Usage.Calls != 4 || sum.Usage.Repairs != 2 {
		t.Fatalf("usage %+v, want 4 calls and 2 repairs", sum.Usage)
	}
	if len(sum.Errors) != 3 || !strings.Contains(sum.Errors[0], "turn 1: no usable action after 1 repair(s)") ||
		!strings.Contains(sum.Errors[2], "2 turns in a row") {
		t.Fatalf("errors %q", sum.Errors)
	}
	// The second turn starts over from the failure notice, not from the repair exchange.
	second := f.requests()[2]
	if msgs := second.messages(); len(msgs) != 3 || !strings.Contains(msgs[2].Content, "no step was taken") {
		t.Fatalf("second turn's messages: %+v", msgs)
	}
	recs := chatRecords(t, e.dir)
	if countRecords(recs, RecordTurn) != 2 || recs[len(recs)-1].Problem == "" || recs[len(recs)-1].Action != nil {
		t.Fatalf("chat records %+v", recs)
	}
}

func TestRun_OlderTurnsAreSummarisedBeyondTheWindow(t *testing.T) {
	f := newFakeProvider(t, ProviderOpenAI,
		answer{text: actionReply("request_info", map[string]any{"info_type": "overview"})},
		answer{text: actionReply("validate_code", map[string]any{"code": "print(1)"})},
		answer{text: actionReply("get_history", nil)},
	)
	cfg := testConfig(f)
	cfg.HistoryWindow = 1
	a, _ := newTestAgent(t, cfg)
	if _, err := a.Run(context.Background(), &scriptedEnv{maxSteps: 3}); err != nil {
		t.Fatal(err)
	}
	msgs := f.requests()[2].messages()
	if len(msgs) != 3 {
		t.Fatalf("third request has %d messages, want the task, one reply and one observation", len(msgs))
	}
	first := msgs[0].Content
	if !strings.Contains(first, "Earlier turns, in brief") || !strings.Contains(first, "- step 1 request_info: ok") ||
		strings.Contains(first, "step 2") {
		t.Fatalf("first message does not summarise exactly step 1:\n%s", first)
	}
	if !strings.Contains(msgs[1].Content, "validate_code") || !strings.Contains(msgs[2].Content, "# Step 2: validate_code, ok") {
		t.Fatalf("the window does not hold step 2 in full: %+v", msgs[1:])
	}
}

func TestCall_RateLimitAndServerErrorsAreRetried(t *testing.T) {
	for _, api := range []string{ProviderOpenAI, ProviderAnthropic} {
		t.Run(api, func(t *testing.T) {
			f := newFakeProvider(t, api,
				answer{status: http.StatusTooManyRequests, retryAfter: "7"},
				answer{status: http.StatusInternalServerError},
				answer{status: 529},
				answer{text: actionReply("get_history", nil), in: 3, out: 4},
			)
			cfg := testConfig(f)
			cfg.RetryMaxDelay = Duration(time.Minute)
			a, waits := newTestAgent(t, cfg)
			sum, err := a.Run(context.Background(), &scriptedEnv{maxSteps: 1})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Usage.Retries != 3 || sum.Usage.Calls != 1 || sum.Usage.PromptTokens != 3 {
				t.Fatalf("usage %+v, want 3 retries of 1 call", sum.Usage)
			}
			if len(*waits) != 3 || (*waits)[0] != 7*time.Second {
				t.Fatalf("waits %v; the first must be the Retry-After of 7s", *waits)
			}
			// Back-off doubles from 1ms with the upper half jittered: [1ms, 2ms), then [2ms, 4ms).
			if w := (*waits)[1]; w < time.Millisecond || w >= 2*time.Millisecond {
				t.Errorf("second wait %v, want within [1ms, 2ms)", w)
			}
			if w := (*waits)[2]; w < 2*time.Millisecond || w >= 4*time.Millisecond {
				t.Errorf("third wait %v, want within [2ms, 4ms)", w)
			}
			if len(f.requests()) != 4 {
				t.Fatalf("%d requests, want 4", len(f.requests()))
			}
		})
	}
}

func TestCall_RetryAfterIsCappedByRetryMaxDelay(t *testing.T) {
	f := newFakeProvider(t, ProviderOpenAI,
		answer{status: http.StatusTooManyRequests, retryAfter: "3600"},
		answer{text: actionReply("get_history", nil)},
	)
	cfg := testConfig(f)
	cfg.RetryMaxDelay = Duration(90 * time.Second)
	a, waits := newTestAgent(t, cfg)
	if _, err := a.Run(context.Background(), &scriptedEnv{maxSteps: 1}); err != nil {
		t.Fatal(err)
	}
	if len(*waits) != 1 || (*waits)[0] != 90*time.Second {
		t.Fatalf("waits %v, want one of 90s", *waits)
	}
}

func TestCall_HangingReplyTimesOutAndIsRetried(t *testing.T) {
	for _, api := range []string{ProviderOpenAI, ProviderAnthropic} {
		t.Run(api, func(t *testing.T) {
			f := newFakeProvider(t, api, answer{hang: true}, answer{text: actionReply("get_history", nil), in: 1, out: 1})
			cfg := testConfig(f)
			cfg.CallTimeout = Duration(200 * time.Millisecond)
			a, _ := newTestAgent(t, cfg)
			e := &scriptedEnv{dir: t.TempDir(), maxSteps: 1}
			sum, err := a.Run(context.Background(), e)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Usage.Retries != 1 || sum.Usage.Calls != 1 || len(e.actions) != 1 {
				t.Fatalf("usage %+v after %d actions, want 1 retry", sum.Usage, len(e.actions))
			}
			var failures []string
			for _, r := range chatRecords(t, e.dir) {
				failures = append(failures, r.Failures...)
			}
			if len(failures) != 1 || !strings.Contains(failures[0], "no answer within call_timeout (200ms)") {
				t.Fatalf("recorded failures %q", failures)
			}
		})
	}
}

func TestCall_ProviderThatStaysDownIsUnavailable(t *testing.T) {
	for _, api := range []string{ProviderOpenAI, ProviderAnthropic} {
		t.Run(api, func(t *testing.T) {
			f := newFakeProvider(t, api)
			f.rest = &answer{status: http.StatusServiceUnavailable}
			cfg := testConfig(f)
			cfg.MaxRetries = 2
			a, waits := newTestAgent(t, cfg)
			e := &scriptedEnv{dir: t.TempDir(), maxSteps: 5}
			sum, err := a.Run(context.Background(), e)
			if !errors.Is(err, core.ErrUnavailable) || core.TypeOf(err) != core.TypeUnavailable {
				t.Fatalf("error %v, want a TypeUnavailable error", err)
			}
			if len(f.requests()) != 3 || len(*waits) != 2 || sum.Usage.Retries != 2 || sum.Usage.Calls != 0 || len(e.actions) != 0 {
				t.Fatalf("%d requests, waits %v, usage %+v", len(f.requests()), *waits, sum.Usage)
			}
			recs := chatRecords(t, e.dir)
			if last := recs[len(recs)-1]; last.Type != RecordCall || last.Error == nil || last.Error.Type != core.TypeUnavailable {
				t.Fatalf("the failed call is not recorded: %+v", last)
			}
		})
	}
}

func TestCall_UnreachableProviderIsUnavailable(t *testing.T) {
	f := newFakeProvider(t, ProviderOpenAI)
	f.srv.Close() // nothing listens at the address any more
	cfg := testConfig(f)
	cfg.MaxRetries = 1
	a, _ := newTestAgent(t, cfg)
	_, err := a.Run(context.Background(), &scriptedEnv{maxSteps: 1})
	if core.TypeOf(err) != core.TypeUnavailable {
		t.Fatalf("error %v, want TypeUnavailable", err)
	}
}

func TestCall_RefusedRequestsAreNotRetried(t *testing.T) {
	cases := []struct {
		status int
		want   core.ErrorType
	}{
		{http.StatusUnauthorized, core.TypeConfig},
		{http.StatusNotFound, core.TypeConfig},
		{http.StatusBadRequest, core.TypeInvalidArgument},
	}
	for _, c := range cases {
		t.Run(http.StatusText(c.status), func(t *testing.T) {
			f := newFakeProvider(t, ProviderAnthropic, answer{status: c.status})
			a, waits := newTestAgent(t, testConfig(f))
			_, err := a.Run(context.Background(), &scriptedEnv{maxSteps: 1})
			if core.TypeOf(err) != c.want || len(*waits) != 0 || len(f.requests()) != 1 {
				t.Fatalf("error %v after %d requests, want %s at once", err, len(f.requests()), c.want)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Fatalf("the error repeats the key: %v", err)
			}
		})
	}
}

func TestCall_KeyAndParametersReachTheProvider(t *testing.T) {
	temp := 0.25
	cases := []struct {
		api, tokensField string
		header, value    string
	}{
		{ProviderOpenAI, "max_completion_tokens", "Authorization", "Bearer " + testKey},
		{ProviderOpenAICompatible, "max_tokens", "Authorization", "Bearer " + testKey},
		{ProviderAnthropic, "max_tokens", "X-Api-Key", testKey},
	}
	for _, c := range cases {
		t.Run(c.api, func(t *testing.T) {
			api := c.api
			if api == ProviderOpenAICompatible {
				api = ProviderOpenAI
			}
			f := newFakeProvider(t, api, answer{text: actionReply("get_history", nil)})
			cfg := testConfig(f)
			cfg.Provider, cfg.Temperature = c.api, &temp
			a, _ := newTestAgent(t, cfg)
			if _, err := a.Run(context.Background(), &scriptedEnv{maxSteps: 1}); err != nil {
				t.Fatal(err)
			}
			r := f.requests()[0]
			if got := r.header.Get(c.header); got != c.value {
				t.Errorf("%s header %q, want %q", c.header, got, c.value)
			}
			if r.body[c.tokensField] != float64(1000) || r.body["temperature"] != 0.25 || r.body["model"] != "test-model" {
				t.Errorf("request body %v", r.body)
			}
			if got := r.header.Get("X-Stainless-Retry-Count"); got != "" && got != "0" {
				t.Errorf("the SDK retried on its own: retry count %s", got)
			}
		})
	}
}

func TestContinue_PicksTheConversationUpFromChatJSONL(t *testing.T) {
	dir := t.TempDir()
	f := newFakeProvider(t, ProviderOpenAI,
		answer{text: actionReply("request_info", map[string]any{"info_type": "overview"}), in: 10, out: 1},
		answer{text: actionReply("validate_code", map[string]any{"code": "print(2)"}), in: 20, out: 2},
		answer{status: http.StatusBadRequest}, // the first run stops here
	)
	cfg := testConfig(f)
	cfg.Prices = []Price{{Model: "test-model", InputPerMTok: 1, OutputPerMTok: 1}}
	a, _ := newTestAgent(t, cfg)
	e := &scriptedEnv{dir: dir, maxSteps: 4}
	if _, err := a.Run(context.Background(), e); core.TypeOf(err) != core.TypeInvalidArgument {
		t.Fatalf("first run: %v", err)
	}
	// A new agent, as after a restart of the host, on the same episode.
	f2 := newFakeProvider(t, ProviderOpenAI,
		answer{text: actionReply("get_history", nil), in: 30, out: 3},
		answer{text: actionReply("get_history", nil), in: 40, out: 4},
	)
	a2, _ := newTestAgent(t, testConfig(f2))
	a2.cfg.Prices = cfg.Prices
	sum, err := a2.Continue(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	msgs := f2.requests()[0].messages()
	if len(msgs) != 5 || !strings.Contains(msgs[0].Content, "Competition: Toy") || !strings.Contains(msgs[3].Content, "validate_code") ||
		!strings.Contains(msgs[4].Content, "has been resumed") || !strings.Contains(msgs[4].Content, "Steps left: 2.") {
		t.Fatalf("the resumed conversation is %+v", msgs)
	}
	if f2.requests()[0].system() != f.requests()[0].system() {
		t.Fatal("the resumed conversation has another system prompt")
	}
	if strings.Contains(f2.requests()[1].lastUser(), "has been resumed") {
		t.Fatal("the resume note is repeated")
	}
	// Usage counts the whole conversation: 4 answered calls, 10+20+30+40 prompt tokens.
	if u := sum.Usage; u.Calls != 4 || u.PromptTokens != 100 || u.CompletionTokens != 10 || math.Abs(u.CostUSD-110e-6) > 1e-15 {
		t.Fatalf("usage %+v", u)
	}
	if sum.Steps != 4 || !sum.Truncated {
		t.Fatalf("summary %+v", sum)
	}
	recs := chatRecords(t, dir)
	if countRecords(recs, RecordStart) != 1 || countRecords(recs, RecordResume) != 1 || countRecords(recs, RecordTurn) != 4 {
		t.Fatalf("chat has %d start, %d resume and %d turn records", countRecords(recs, RecordStart), countRecords(recs, RecordResume), countRecords(recs, RecordTurn))
	}
}

func TestContinue_WithoutAChatStartsOverFromTheEnvironment(t *testing.T) {
	f := newFakeProvider(t, ProviderOpenAI, answer{text: actionReply("get_history", nil)})
	a, _ := newTestAgent(t, testConfig(f))
	e := &scriptedEnv{dir: t.TempDir(), maxSteps: 1}
	if _, err := a.Continue(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	first := f.requests()[0].lastUser()
	if !strings.Contains(first, "already under way") || !strings.Contains(first, "unknown until your next action") {
		t.Fatalf("first message %q", first)
	}
	if countRecords(chatRecords(t, e.dir), RecordStart) != 1 {
		t.Fatal("no start record: a later Continue could not pick this conversation up")
	}
}

func TestRun_ContextEndsTheEpisodeWithItsError(t *testing.T) {
	f := newFakeProvider(t, ProviderOpenAI, answer{hang: true})
	a, _ := newTestAgent(t, testConfig(f))
	ctx, cancel := context.WithCancel(context.Background())
	e := &cancelEnv{scriptedEnv: scriptedEnv{maxSteps: 3}, cancel: cancel}
	_, err := a.Run(ctx, e)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}

// cancelEnv cancels the episode's context once Reset returns, so the first model call is cut off.
type cancelEnv struct {
	scriptedEnv
	cancel context.CancelFunc
}

func (e *cancelEnv) Reset(ctx context.Context, o env.ResetOptions) (core.Observation, map[string]any, error) {
	defer e.cancel()
	return e.scriptedEnv.Reset(ctx, o)
}

// The Anthropic SDK refuses a large max_tokens without streaming unless the caller sets a time
// limit; the agent's call_timeout is that limit.
func TestCall_AnthropicTakesALargeMaxTokens(t *testing.T) {
	f := newFakeProvider(t, ProviderAnthropic, answer{text: actionReply("get_history", nil)})
	cfg := testConfig(f)
	cfg.MaxTokens = 64000
	a, _ := newTestAgent(t, cfg)
	if _, err := a.Run(context.Background(), &scriptedEnv{maxSteps: 1}); err != nil {
		t.Fatal(err)
	}
	if got := f.requests()[0].body["max_tokens"]; got != float64(64000) {
		t.Fatalf("max_tokens %v", got)
	}
}

// providerFunc is a Provider made of a function.
type providerFunc func(ctx context.Context, req Request) (Response, error)

func (f providerFunc) Complete(ctx context.Context, req Request) (Response, error) {
	return f(ctx, req)
}

func TestCall_ARequestThatCannotBeMadeIsNotRetried(t *testing.T) {
	calls := 0
	p := providerFunc(func(context.Context, Request) (Response, error) {
		calls++
		return Response{}, errors.New("request body could not be encoded")
	})
	a, err := New(Config{Provider: ProviderOpenAI, Model: "m"}, Options{Provider: p})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Run(context.Background(), &scriptedEnv{maxSteps: 1}); core.TypeOf(err) != core.TypeInternal || calls != 1 {
		t.Fatalf("error %v after %d calls, want an internal error at once", err, calls)
	}
}
