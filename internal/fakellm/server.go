package fakellm

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Message is one message of a request: role system, user or assistant, and its text.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Request is one chat-completions request as the server read it.
type Request struct {
	Model     string
	Messages  []Message
	MaxTokens int64
	// Seen is how many times the same request (model and messages) was answered before; a retry of
	// a request that failed sees 1 or more.
	Seen int
}

// System is the request's system prompt, or "".
func (r Request) System() string {
	for _, m := range r.Messages {
		if m.Role == "system" {
			return m.Content
		}
	}
	return ""
}

// Conversation is the request's messages without the system prompt.
func (r Request) Conversation() []Message {
	out := make([]Message, 0, len(r.Messages))
	for _, m := range r.Messages {
		if m.Role != "system" {
			out = append(out, m)
		}
	}
	return out
}

// FirstUser is the text of the first user message, or "".
func (r Request) FirstUser() string {
	for _, m := range r.Messages {
		if m.Role == "user" {
			return m.Content
		}
	}
	return ""
}

// Chars counts the characters of every message.
func (r Request) Chars() int {
	n := 0
	for _, m := range r.Messages {
		n += len(m.Content)
	}
	return n
}

// Reply is what the server answers a request with.
type Reply struct {
	// Text is the assistant's message of a normal answer.
	Text string
	// FinishReason is the answer's finish_reason; default "stop".
	FinishReason string
	// PromptTokens and CompletionTokens are the usage a normal answer reports; when both are zero,
	// the server reports a quarter of the request's and the text's characters, rounded up.
	PromptTokens, CompletionTokens int64
	// Status, when neither 0 nor 200, makes the answer an HTTP error in OpenAI's error format.
	Status int
	// RetryAfter is the error answer's Retry-After header, such as "1".
	RetryAfter string
	// Hang sends no answer: the request waits until the client gives up (or the server closes).
	Hang bool
}

// Script decides the reply to each request. It is called from many goroutines at once.
type Script func(Request) Reply

// Answer is one logged answer: the request and the reply it got, with the usage filled in.
type Answer struct {
	Time    time.Time
	Request Request
	Reply   Reply
}

// OK reports whether the answer was a normal one, whose usage the client should count.
func (a Answer) OK() bool {
	return !a.Reply.Hang && (a.Reply.Status == 0 || a.Reply.Status == http.StatusOK)
}

// Options configure a Server.
type Options struct {
	// Key, when set, is the API key every request must carry (Authorization: Bearer KEY); a request
	// without it gets 401.
	Key string
	// Errorf, when set, is told about requests that are not chat completions or do not parse.
	Errorf func(format string, args ...any)
}

// Server is a running fake chat-completions server.
type Server struct {
	srv    *httptest.Server
	script Script
	opts   Options
	closed chan struct{}

	mu       sync.Mutex
	seen     map[[32]byte]int
	log      []Answer
	inFlight int
	waiting  int
	hold     chan struct{} // closed on Release; nil while not holding
}

// New starts a server on 127.0.0.1 that answers with script. Close stops it.
func New(script Script, opts Options) *Server {
	s := &Server{script: script, opts: opts, closed: make(chan struct{}), seen: map[[32]byte]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// BaseURL is the API's address, for an OpenAI client's base URL: http://127.0.0.1:PORT/v1.
func (s *Server) BaseURL() string { return s.srv.URL + "/v1" }

// Close ends hanging and held requests and stops the server.
func (s *Server) Close() {
	close(s.closed)
	s.srv.Close()
}

// Log returns every answer given so far, in order.
func (s *Server) Log() []Answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Answer(nil), s.log...)
}

// Hold makes requests not answered before wait until Release; retries of answered ones still pass.
func (s *Server) Hold() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hold == nil {
		s.hold = make(chan struct{})
	}
}

// Release lets held requests through and stops holding.
func (s *Server) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hold != nil {
		close(s.hold)
		s.hold = nil
	}
}

// InFlight counts requests being answered now (hanging ones included, held ones not).
func (s *Server) InFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight
}

// Waiting counts requests held by Hold.
func (s *Server) Waiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waiting
}

func (s *Server) errorf(format string, args ...any) {
	if s.opts.Errorf != nil {
		s.opts.Errorf(format, args...)
	}
}

// body is the part of a chat-completions request the server reads.
type body struct {
	Model               string `json:"model"`
	MaxTokens           int64  `json:"max_tokens"`
	MaxCompletionTokens int64  `json:"max_completion_tokens"`
	Messages            []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
}

// text reads a message's content: a string, or a list of text parts.
func text(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Text string `json:"text"`
	}
	_ = json.Unmarshal(raw, &parts)
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.Text)
	}
	return b.String()
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		s.errorf("fakellm: unexpected %s %s", r.Method, r.URL.Path)
		writeError(w, http.StatusNotFound, "", "no such endpoint")
		return
	}
	if s.opts.Key != "" && r.Header.Get("Authorization") != "Bearer "+s.opts.Key {
		writeError(w, http.StatusUnauthorized, "", "invalid API key")
		return
	}
	var b body
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		s.errorf("fakellm: request body: %v", err)
		writeError(w, http.StatusBadRequest, "", "the body is not JSON")
		return
	}
	req := Request{Model: b.Model, MaxTokens: max(b.MaxTokens, b.MaxCompletionTokens)}
	h := sha256.New()
	fmt.Fprintf(h, "%q\n", b.Model)
	for _, m := range b.Messages {
		msg := Message{Role: m.Role, Content: text(m.Content)}
		req.Messages = append(req.Messages, msg)
		fmt.Fprintf(h, "%q %q\n", msg.Role, msg.Content)
	}
	var key [32]byte
	copy(key[:], h.Sum(nil))

	s.mu.Lock()
	if hold := s.hold; hold != nil && s.seen[key] == 0 {
		s.waiting++
		s.mu.Unlock()
		select {
		case <-hold:
		case <-r.Context().Done():
		case <-s.closed:
		}
		s.mu.Lock()
		s.waiting--
		if r.Context().Err() != nil {
			s.mu.Unlock()
			return
		}
	}
	req.Seen = s.seen[key]
	s.seen[key]++
	s.inFlight++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()

	reply := s.script(req)
	if reply.Hang {
		select {
		case <-r.Context().Done():
		case <-s.closed:
		}
		s.record(req, reply)
		return
	}
	if reply.Status != 0 && reply.Status != http.StatusOK {
		writeError(w, reply.Status, reply.RetryAfter, fmt.Sprintf("scripted error %d", reply.Status))
		s.record(req, reply)
		return
	}
	if reply.PromptTokens == 0 && reply.CompletionTokens == 0 {
		reply.PromptTokens, reply.CompletionTokens = int64(req.Chars()+3)/4, int64(len(reply.Text)+3)/4
	}
	if reply.FinishReason == "" {
		reply.FinishReason = "stop"
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-fake", "object": "chat.completion", "created": time.Now().Unix(), "model": req.Model,
		"choices": []any{map[string]any{"index": 0, "finish_reason": reply.FinishReason,
			"message": map[string]any{"role": "assistant", "content": reply.Text}}},
		"usage": map[string]any{"prompt_tokens": reply.PromptTokens, "completion_tokens": reply.CompletionTokens,
			"total_tokens": reply.PromptTokens + reply.CompletionTokens},
	})
	s.record(req, reply)
}

func (s *Server) record(req Request, reply Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, Answer{Time: time.Now(), Request: req, Reply: reply})
}

// writeError answers with an HTTP error in OpenAI's format.
func writeError(w http.ResponseWriter, status int, retryAfter, msg string) {
	w.Header().Set("Content-Type", "application/json")
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	w.WriteHeader(status)
	kind := "invalid_request_error"
	switch {
	case status == http.StatusTooManyRequests:
		kind = "rate_limit_error"
	case status >= 500:
		kind = "server_error"
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": kind, "code": nil, "param": nil}})
}
