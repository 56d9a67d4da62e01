package llm

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/anthropics/anthropic-sdk-go"
	"github.com/anthropics/anthropic-sdk-go/option"
)

// anthropicProvider speaks Anthropic's messages API through the official SDK.
type anthropicProvider struct {
	client anthropic.Client
	key    string
}

var _ Provider = (*anthropicProvider)(nil)

func newAnthropic(cfg Config, key string) *anthropicProvider {
	// WithoutEnvironmentDefaults: the key is the one Config.Key read, never one the SDK finds on its
	// own (ANTHROPIC_API_KEY, profiles, federation).
	// WithRequestTimeout: the agent's call_timeout governs; without it the SDK would impose its own
	// 10 minutes and refuse a max_tokens it guesses would take longer.
	opts := []option.RequestOption{option.WithoutEnvironmentDefaults(), option.WithMaxRetries(0),
		option.WithHTTPClient(httpClient()), option.WithAPIKey(key),
		option.WithRequestTimeout(time.Duration(cfg.CallTimeout))}
	if cfg.BaseURL != "" {
		opts = append(opts, option.WithBaseURL(cfg.BaseURL))
	}
	return &anthropicProvider{client: anthropic.NewClient(opts...), key: key}
}

func (p *anthropicProvider) Complete(ctx context.Context, req Request) (Response, error) {
	msgs := make([]anthropic.MessageParam, 0, len(req.Messages))
	for _, m := range req.Messages {
		block := anthropic.NewTextBlock(m.Content)
		if m.Role == RoleAssistant {
			msgs = append(msgs, anthropic.NewAssistantMessage(block))
		} else {
			msgs = append(msgs, anthropic.NewUserMessage(block))
		}
	}
	params := anthropic.MessageNewParams{Model: req.Model, Messages: msgs, MaxTokens: int64(req.MaxTokens)}
	if req.System != "" {
		params.System = []anthropic.TextBlockParam{{Text: req.System}}
	}
	if req.Temperature != nil {
		params.Temperature = anthropic.Float(*req.Temperature)
	}
	msg, err := p.client.Messages.New(ctx, params)
	if err != nil {
		var apiErr *anthropic.Error
		if errors.As(err, &apiErr) {
			// The SDK's own message names the request URL; the raw body says what was wrong.
			detail := apiErr.RawJSON()
			if detail == "" {
				detail = "no details"
			}
			se := &StatusError{Provider: ProviderAnthropic, StatusCode: apiErr.StatusCode, Err: errors.New(redact(detail, p.key))}
			if apiErr.Response != nil {
				se.RetryAfter = retryAfter(apiErr.Response.Header, timeNow())
			}
			return Response{}, se
		}
		return Response{}, err
	}
	var text strings.Builder
	for _, c := range msg.Content {
		if c.Type == "text" {
			text.WriteString(c.Text)
		}
	}
	u := msg.Usage
	return Response{
		Text: text.String(), Model: msg.Model, StopReason: string(msg.StopReason),
		// Cached prompt tokens are prompt tokens too; the price table has one input price.
		PromptTokens:     u.InputTokens + u.CacheCreationInputTokens + u.CacheReadInputTokens,
		CompletionTokens: u.OutputTokens,
	}, nil
}
