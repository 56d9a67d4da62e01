// Package llm is Dojo's LLM agent, in the spirit of MLE-Dojo's MLE agent: each turn it shows a chat
// model the protocol (the five core actions and the episode's custom ones, with their parameters),
// the task, the latest turns in full and older ones in a line each, and the remaining steps and
// time; the model answers with one JSON action {"action": ..., "params": {...}}, which the agent
// steps. A reply that is not a usable action is sent back for repair.
//
// Models are reached through a small Provider interface: OpenAI and any OpenAI-compatible server
// (vLLM, Ollama, DeepSeek, Gemini, OpenRouter) through the official openai-go SDK, and Anthropic
// through anthropic-sdk-go. The agent owns retries (exponential back-off with jitter on rate limits,
// server errors and time-outs, honouring Retry-After) and reports a provider that stays down as a
// core.TypeUnavailable error. It counts tokens and cost into agents.Usage, and writes its whole
// chat to chat.jsonl in the episode directory, so a resumed episode continues the conversation.
//
// API keys come from the environment or a private file, never from the config, and never reach
// the sandbox. Start with New and Agent.Run:
//
//	a, err := llm.New(llm.Config{Provider: llm.ProviderAnthropic, Model: "claude-sonnet-4-5"}, llm.Options{})
//	if err != nil {
//		return err // a config error, or ANTHROPIC_API_KEY unset
//	}
//	summary, err := a.Run(ctx, episode) // an *env.Episode, or a remote env
//
// docs/agents.md describes the configuration, the providers and the chat format.
package llm
