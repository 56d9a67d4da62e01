package fakellm

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func post(t *testing.T, ctx context.Context, s *Server, key string, msgs ...Message) (int, http.Header, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"model": "m", "messages": msgs, "max_tokens": 10})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.BaseURL()+"/chat/completions", bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, nil
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, resp.Header, out
}

// A script that fails a request the first time it sees it and answers it the second: the server
// tells the two apart by the request alone, and logs both with the usage it reported.
func TestServer_RetriesOfTheSameRequestSeeItAgain(t *testing.T) {
	s := New(func(r Request) Reply {
		if r.Seen == 0 {
			return Reply{Status: http.StatusTooManyRequests, RetryAfter: "1"}
		}
		return Reply{Text: "hello " + r.FirstUser(), PromptTokens: 7, CompletionTokens: 3}
	}, Options{Key: "k", Errorf: t.Errorf})
	defer s.Close()
	ctx := context.Background()
	msgs := []Message{{Role: "system", Content: "sys"}, {Role: "user", Content: "there"}}
	if code, h, _ := post(t, ctx, s, "k", msgs...); code != http.StatusTooManyRequests || h.Get("Retry-After") != "1" {
		t.Fatalf("first answer %d %v", code, h)
	}
	code, _, out := post(t, ctx, s, "k", msgs...)
	choice := out["choices"].([]any)[0].(map[string]any)
	if code != 200 || choice["message"].(map[string]any)["content"] != "hello there" || out["usage"].(map[string]any)["prompt_tokens"] != 7.0 {
		t.Fatalf("second answer %d %v", code, out)
	}
	if code, _, _ := post(t, ctx, s, "wrong", msgs...); code != http.StatusUnauthorized {
		t.Fatalf("a wrong key got %d", code)
	}
	log := s.Log()
	if len(log) != 2 || log[0].OK() || !log[1].OK() || log[1].Request.Seen != 1 || log[1].Request.System() != "sys" || len(log[1].Request.Conversation()) != 1 {
		t.Fatalf("log %+v", log)
	}
}

// Held new requests wait for Release, and a client that gives up on a held or hanging request
// leaves no answer in the log.
func TestServer_HoldKeepsNewRequestsWaiting(t *testing.T) {
	s := New(func(r Request) Reply {
		if strings.Contains(r.FirstUser(), "hang") {
			return Reply{Hang: true}
		}
		return Reply{Text: "ok"}
	}, Options{Errorf: t.Errorf})
	defer s.Close()
	s.Hold()
	done := make(chan int)
	go func() {
		code, _, _ := post(t, context.Background(), s, "", Message{Role: "user", Content: "a"})
		done <- code
	}()
	for s.Waiting() == 0 {
		time.Sleep(time.Millisecond)
	}
	if len(s.Log()) != 0 {
		t.Fatal("a held request was answered")
	}
	s.Release()
	if code := <-done; code != 200 {
		t.Fatalf("released request got %d", code)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for s.InFlight() == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	if code, _, _ := post(t, ctx, s, "", Message{Role: "user", Content: "hang"}); code != 0 {
		t.Fatalf("a hanging request got %d", code)
	}
	for s.InFlight() != 0 {
		time.Sleep(time.Millisecond)
	}
	if log := s.Log(); len(log) != 2 || !log[1].Reply.Hang || log[1].OK() {
		t.Fatalf("log %+v", log)
	}
}
