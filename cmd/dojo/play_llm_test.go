package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// fakeChatModel is an OpenAI-compatible chat-completions server whose every reply is one action:
// copy the sample submission to the submission file.
func fakeChatModel(t *testing.T, calls *atomic.Int32) *httptest.Server {
	t.Helper()
	action, _ := json.Marshal(map[string]any{"action": "execute_code", "params": map[string]any{
		"code": "import shutil\nshutil.copy('/data/sample_submission.csv', '/workspace/submission.csv')\nprint('copied')\n"}})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer sk-play-test" {
			http.Error(w, `{"error": {"message": "unexpected request"}}`, http.StatusBadRequest)
			return
		}
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": "c1", "object": "chat.completion", "created": 1, "model": "m",
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": "```json\n" + string(action) + "\n```"}}},
			"usage": map[string]any{"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestPlay_LLMAgentPlaysAgainstAnOpenAICompatibleServer(t *testing.T) {
	var calls atomic.Int32
	srv := fakeChatModel(t, &calls)
	env := append(preparedData(t, "iris-species@1"), "PLAY_TEST_KEY=sk-play-test")
	r := dojo(t, env, "play", "--competition", "iris-species@1", "--agent", "llm", "--provider", "openai-compatible",
		"--model", "m", "--base-url", srv.URL+"/v1", "--api-key-env", "PLAY_TEST_KEY", "--max-steps", "2", "--json")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	var out struct {
		Summary struct {
			Steps   int      `json:"steps"`
			BestRaw *float64 `json:"best_raw_score"`
			Usage   *struct {
				Calls        int   `json:"calls"`
				PromptTokens int64 `json:"prompt_tokens"`
			} `json:"usage"`
		} `json:"summary"`
		History string `json:"history"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err, r.stdout)
	}
	s := out.Summary
	if s.Steps != 2 || s.BestRaw == nil || s.Usage == nil || s.Usage.Calls != 2 || s.Usage.PromptTokens != 200 || calls.Load() != 2 {
		t.Fatalf("summary %+v after %d calls", s, calls.Load())
	}
	if _, err := os.Stat(filepath.Join(out.History, "chat.jsonl")); err != nil {
		t.Fatalf("no chat record: %v", err)
	}
}

func TestPlay_LLMAgentConfigErrorsComeFirst(t *testing.T) {
	env := preparedData(t, "iris-species@1")
	out := t.TempDir()
	r := dojo(t, env, "play", "--competition", "iris-species@1", "--agent", "llm", "--provider", "anthropic", "--out", filepath.Join(out, "ep"))
	if r.code == 0 || !strings.Contains(r.stderr, "model") {
		t.Fatalf("%+v", r)
	}
	if _, err := os.Stat(filepath.Join(out, "ep")); !os.IsNotExist(err) {
		t.Fatalf("a refused config left an episode directory: %v", err)
	}
}
