package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/env"
)

// answer is one scripted answer of a fake provider.
type answer struct {
	text       string
	status     int    // an error answer when not 0 or 200
	retryAfter string // the Retry-After header of an error answer
	hang       bool   // answer nothing until the client gives up
	in, out    int64  // the usage the answer reports
	stop       string // finish_reason / stop_reason; default a normal stop
}

// seen is one request the fake provider received.
type seen struct {
	path   string
	header http.Header
	body   map[string]any
}

// lastUser is the text of the request's last message.
func (s seen) lastUser() string {
	msgs, _ := s.body["messages"].([]any)
	if len(msgs) == 0 {
		return ""
	}
	return messageText(msgs[len(msgs)-1])
}

// messages returns the request's messages as role and text, without OpenAI's system message.
func (s seen) messages() []Message {
	var out []Message
	msgs, _ := s.body["messages"].([]any)
	for _, m := range msgs {
		mm, _ := m.(map[string]any)
		role, _ := mm["role"].(string)
		if role == "system" {
			continue
		}
		out = append(out, Message{Role: role, Content: messageText(m)})
	}
	return out
}

// system is the request's system prompt, for either API.
func (s seen) system() string {
	if sys, ok := s.body["system"].([]any); ok && len(sys) > 0 {
		return messageText(map[string]any{"content": sys})
	}
	msgs, _ := s.body["messages"].([]any)
	for _, m := range msgs {
		if mm, _ := m.(map[string]any); mm["role"] == "system" {
			return messageText(m)
		}
	}
	return ""
}

// messageText reads a message's content, a string (OpenAI) or a list of text blocks (Anthropic).
func messageText(m any) string {
	mm, _ := m.(map[string]any)
	switch c := mm["content"].(type) {
	case string:
		return c
	case []any:
		var b strings.Builder
		for _, part := range c {
			p, _ := part.(map[string]any)
			t, _ := p["text"].(string)
			b.WriteString(t)
		}
		return b.String()
	}
	return ""
}

// fakeProvider is a local HTTP server speaking OpenAI's chat-completions API or Anthropic's messages
// API, giving the scripted answers in order and then rest (or failing the test when rest is nil).
type fakeProvider struct {
	t       *testing.T
	api     string // ProviderOpenAI or ProviderAnthropic
	srv     *httptest.Server
	release chan struct{}

	mu     sync.Mutex
	script []answer
	rest   *answer
	got    []seen
}

func newFakeProvider(t *testing.T, api string, script ...answer) *fakeProvider {
	t.Helper()
	f := &fakeProvider{t: t, api: api, script: script, release: make(chan struct{})}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() {
		close(f.release)
		f.srv.Close()
	})
	return f
}

// baseURL is what Config.BaseURL takes for this server.
func (f *fakeProvider) baseURL() string {
	if f.api == ProviderAnthropic {
		return f.srv.URL
	}
	return f.srv.URL + "/v1"
}

func (f *fakeProvider) requests() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seen(nil), f.got...)
}

func (f *fakeProvider) serve(w http.ResponseWriter, r *http.Request) {
	want := "/v1/chat/completions"
	if f.api == ProviderAnthropic {
		want = "/v1/messages"
	}
	if r.Method != http.MethodPost || r.URL.Path != want {
		f.t.Errorf("fake %s provider: unexpected %s %s", f.api, r.Method, r.URL.Path)
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		f.t.Errorf("fake provider: request body: %v", err)
	}
	f.mu.Lock()
	f.got = append(f.got, seen{path: r.URL.Path, header: r.Header.Clone(), body: body})
	var a answer
	switch {
	case len(f.script) > 0:
		a, f.script = f.script[0], f.script[1:]
	case f.rest != nil:
		a = *f.rest
	default:
		f.mu.Unlock()
		f.t.Errorf("fake provider: request %d is beyond the script", len(f.got))
		http.Error(w, `{"error": {"message": "beyond the script"}}`, http.StatusBadRequest)
		return
	}
	f.mu.Unlock()
	if a.hang {
		select {
		case <-r.Context().Done():
		case <-f.release:
		}
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if a.status != 0 && a.status != http.StatusOK {
		if a.retryAfter != "" {
			w.Header().Set("Retry-After", a.retryAfter)
		}
		w.WriteHeader(a.status)
		if f.api == ProviderAnthropic {
			fmt.Fprintf(w, `{"type": "error", "error": {"type": "api_error", "message": "scripted %d"}}`, a.status)
		} else {
			fmt.Fprintf(w, `{"error": {"message": "scripted %d", "type": "server_error", "code": null, "param": null}}`, a.status)
		}
		return
	}
	var out any
	if f.api == ProviderAnthropic {
		stop := a.stop
		if stop == "" {
			stop = "end_turn"
		}
		out = map[string]any{
			"id": "msg_1", "type": "message", "role": "assistant", "model": body["model"],
			"content":     []any{map[string]any{"type": "text", "text": a.text}},
			"stop_reason": stop, "stop_sequence": nil,
			"usage": map[string]any{"input_tokens": a.in, "output_tokens": a.out},
		}
	} else {
		stop := a.stop
		if stop == "" {
			stop = "stop"
		}
		out = map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": body["model"],
			"choices": []any{map[string]any{"index": 0, "finish_reason": stop,
				"message": map[string]any{"role": "assistant", "content": a.text}}},
			"usage": map[string]any{"prompt_tokens": a.in, "completion_tokens": a.out, "total_tokens": a.in + a.out},
		}
	}
	_ = json.NewEncoder(w).Encode(out)
}

// actionReply is a reply holding one action as a fenced JSON block after a line of prose.
func actionReply(name string, params map[string]any) string {
	b, _ := json.MarshalIndent(map[string]any{"action": name, "params": params}, "", "  ")
	return fmt.Sprintf("Next I will use %s.\n\n```json\n%s\n```\n", name, b)
}

// scriptedEnv is an Env without a host: every action succeeds and uses one step.
type scriptedEnv struct {
	dir      string
	maxSteps int
	step     int
	actions  []core.Action
}

func (e *scriptedEnv) Dir() string { return e.dir }

func (e *scriptedEnv) Reset(context.Context, env.ResetOptions) (core.Observation, map[string]any, error) {
	e.step = 0
	obs := core.Observation{Action: core.ActionReset, Status: "ok", StepsLeft: e.maxSteps, TimeLeft: time.Hour,
		Info: map[string]any{"task": "Competition: Toy (toy)\nWrite your predictions to /workspace/submission.csv."}}
	return obs, map[string]any{"actions": core.CoreActions, "exec_mode": "fresh"}, nil
}

func (e *scriptedEnv) Step(_ context.Context, a core.Action) (core.StepResult, error) {
	e.step++
	e.actions = append(e.actions, a)
	obs := core.Observation{Action: a.Name, Status: "ok", StepsLeft: e.maxSteps - e.step,
		TimeLeft: time.Hour - time.Duration(e.step)*time.Minute, Info: map[string]any{"echo": a.Params}}
	return core.StepResult{Step: e.step, Observation: obs, Truncated: e.step >= e.maxSteps}, nil
}

// testConfig is a config for a fake provider, with fast retries.
func testConfig(f *fakeProvider) Config {
	provider := f.api
	return Config{
		Provider: provider, Model: "test-model", BaseURL: f.baseURL(), APIKeyEnv: "DOJO_TEST_LLM_KEY",
		MaxTokens: 1000, RetryBaseDelay: Duration(time.Millisecond), RetryMaxDelay: Duration(10 * time.Millisecond),
		CallTimeout: Duration(30 * time.Second),
	}
}

const testKey = "sk-test-0123456789abcdef"

// newTestAgent builds an agent on cfg with the test key and a sleep that records its waits instead
// of taking them.
func newTestAgent(t *testing.T, cfg Config) (*Agent, *[]time.Duration) {
	t.Helper()
	a, err := New(cfg, Options{Getenv: func(name string) string {
		if name == "DOJO_TEST_LLM_KEY" {
			return testKey
		}
		return ""
	}, Log: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	var waits []time.Duration
	a.caller.sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	}
	return a, &waits
}

// chatRecords reads dir's chat, failing the test on an error.
func chatRecords(t *testing.T, dir string) []ChatRecord {
	t.Helper()
	recs, err := ReadChat(dir)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func countRecords(recs []ChatRecord, typ string) int {
	n := 0
	for _, r := range recs {
		if r.Type == typ {
			n++
		}
	}
	return n
}
