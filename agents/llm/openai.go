package llm

import (
	"context"
	"errors"
	"fmt"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

// DefaultOpenAIBaseURL is OpenAI's API, the openai provider's address when Config.BaseURL is empty.
const DefaultOpenAIBaseURL = "https://api.openai.com/v1/"

// openAIProvider speaks OpenAI's chat-completions API through the official SDK, to OpenAI or to any
// compatible server.
type openAIProvider struct {
	client openai.Client
	name   string
	// compatible caps replies with max_tokens (what vLLM, Ollama, DeepSeek and Gemini read) instead
	// of OpenAI's max_completion_tokens.
	compatible bool
	key        string
}

var _ Provider = (*openAIProvider)(nil)

func newOpenAI(cfg Config, key string) *openAIProvider {
	opts := []option.RequestOption{option.WithMaxRetries(0), option.WithHTTPClient(httpClient())}
	// Always set: otherwise the SDK would take OPENAI_BASE_URL from the environment, and the config
	// would no longer say where the conversation goes.
	base := cfg.BaseURL
	if base == "" {
		base = DefaultOpenAIBaseURL
	}
	opts = append(opts, option.WithBaseURL(base))
	// Always set, even empty: otherwise the SDK would fall back to OPENAI_API_KEY from the
	// environment, which api_key_env may deliberately not name.
	opts = append(opts, option.WithAPIKey(key))
	return &openAIProvider{client: openai.NewClient(opts...), name: cfg.Provider,
		compatible: cfg.Provider == ProviderOpenAICompatible, key: key}
}

func (p *openAIProvider) Complete(ctx context.Context, req Request) (Response, error) {
	msgs := make([]openai.ChatCompletionMessageParamUnion, 0, len(req.Messages)+1)
	if req.System != "" {
		msgs = append(msgs, openai.SystemMessage(req.System))
	}
	for _, m := range req.Messages {
		if m.Role == RoleAssistant {
			msgs = append(msgs, openai.AssistantMessage(m.Content))
		} else {
			msgs = append(msgs, openai.UserMessage(m.Content))
		}
	}
	params := openai.ChatCompletionNewParams{Model: req.Model, Messages: msgs}
	if req.MaxTokens > 0 {
		if p.compatible {
			params.MaxTokens = openai.Int(int64(req.MaxTokens))
		} else {
			params.MaxCompletionTokens = openai.Int(int64(req.MaxTokens))
		}
	}
	if req.Temperature != nil {
		params.Temperature = openai.Float(*req.Temperature)
	}
	resp, err := p.client.Chat.Completions.New(ctx, params)
	if err != nil {
		var apiErr *openai.Error
		if errors.As(err, &apiErr) {
			se := &StatusError{Provider: p.name, StatusCode: apiErr.StatusCode}
			msg := apiErr.Message
			if msg == "" {
				msg = apiErr.Error()
			}
			se.Err = errors.New(redact(msg, p.key))
			if apiErr.Response != nil {
				se.RetryAfter = retryAfter(apiErr.Response.Header, timeNow())
			}
			return Response{}, se
		}
		return Response{}, err
	}
	if len(resp.Choices) == 0 {
		return Response{}, &StatusError{Provider: p.name, StatusCode: 502, Err: fmt.Errorf("the reply has no choices")}
	}
	c := resp.Choices[0]
	text := c.Message.Content
	if text == "" && c.Message.Refusal != "" {
		text = c.Message.Refusal
	}
	return Response{
		Text: text, Model: resp.Model, StopReason: c.FinishReason,
		PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens,
	}, nil
}
