package llm

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mledojo/dojo/core"
)

// Provider is a chat model behind an API. Complete makes one attempt: the agent owns retries,
// time-outs and accounting, so implementations leave their SDK's retries off. A failure that a
// retry may cure should be a *StatusError (for an HTTP status) or a network error.
type Provider interface {
	Complete(ctx context.Context, req Request) (Response, error)
}

// Message roles.
const (
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// Message is one message of a conversation: a user (the environment speaking) or assistant (the
// model) turn. The system prompt travels in Request.System.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Request is one call to a model. Messages alternate user and assistant, starting and ending with
// user, as both providers' APIs want.
type Request struct {
	Model       string    `json:"model"`
	System      string    `json:"system"`
	Messages    []Message `json:"messages"`
	MaxTokens   int       `json:"max_tokens"`
	Temperature *float64  `json:"temperature,omitempty"`
}

// Response is a model's reply and what it cost in tokens.
type Response struct {
	Text             string `json:"text"`
	Model            string `json:"model,omitempty"`
	StopReason       string `json:"stop_reason,omitempty"`
	PromptTokens     int64  `json:"prompt_tokens"`
	CompletionTokens int64  `json:"completion_tokens"`
}

// StatusError is an HTTP error answer of a provider, with what the agent needs to decide on a
// retry.
type StatusError struct {
	Provider   string
	StatusCode int
	// RetryAfter is the provider's Retry-After (or retry-after-ms), zero when it sent none.
	RetryAfter time.Duration
	Err        error
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s answered HTTP %d: %v", e.Provider, e.StatusCode, e.Err)
}

func (e *StatusError) Unwrap() error { return e.Err }

// transient reports whether a retry may cure the status: a time-out, a conflict, a rate limit or a
// server error (Anthropic's 529 "overloaded" among them).
func (e *StatusError) transient() bool {
	return e.StatusCode == http.StatusRequestTimeout || e.StatusCode == http.StatusConflict ||
		e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

// typed turns a status no retry cures into the error an evaluator sees: a refused key or an unknown
// model are configuration errors, anything else the provider refused is an invalid argument.
func (e *StatusError) typed() *core.Error {
	switch e.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return core.Errorf(core.TypeConfig, "llm agent: %s refused the API key (HTTP %d)", e.Provider, e.StatusCode).
			WithDetails("%v", e.Err).
			WithCauses("check the key in the variable named by api_key_env (or api_key_file)", "check that the key may use this model")
	case http.StatusNotFound:
		return core.Errorf(core.TypeConfig, "llm agent: %s answered 404 Not Found", e.Provider).
			WithDetails("%v", e.Err).
			WithCauses("check the model name", "check base_url: OpenAI-compatible servers usually end in /v1")
	}
	return core.Errorf(core.TypeInvalidArgument, "llm agent: %s refused the request (HTTP %d)", e.Provider, e.StatusCode).
		WithDetails("%v", e.Err).
		WithCauses("the conversation may exceed the model's context: lower history_window or max_tokens",
			"a parameter may not suit this model (temperature, max_tokens)")
}

// retryAfter reads Retry-After (seconds or an HTTP date) and OpenAI's retry-after-ms.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if h == nil {
		return 0
	}
	if ms := h.Get("Retry-After-Ms"); ms != "" {
		if v, err := strconv.ParseFloat(ms, 64); err == nil && v > 0 {
			return time.Duration(v * float64(time.Millisecond))
		}
	}
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// NewProvider builds the provider cfg names, talking with key (empty for a server that needs none).
// cfg should have gone through WithDefaults and Validate.
func NewProvider(cfg Config, key string) (Provider, error) {
	switch cfg.Provider {
	case ProviderOpenAI, ProviderOpenAICompatible:
		return newOpenAI(cfg, key), nil
	case ProviderAnthropic:
		return newAnthropic(cfg, key), nil
	}
	return nil, core.Errorf(core.TypeConfig, "llm agent: unknown provider %q", cfg.Provider).
		WithCauses("use one of: openai, openai-compatible, anthropic")
}

// httpClient is the transport both SDKs use: no client-wide time-out (each attempt has its own
// context deadline) and no proxies from the environment beyond Go's usual ones.
func httpClient() *http.Client {
	return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
}

// timeNow is time.Now; Retry-After dates are read against it.
var timeNow = time.Now

// redact hides the key should a provider's message repeat it.
func redact(s, key string) string {
	if len(key) < 8 {
		return s
	}
	return strings.ReplaceAll(s, key, "[redacted]")
}
