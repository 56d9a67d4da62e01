package llm_test

import (
	"context"
	"fmt"

	"github.com/mledojo/dojo/agents/llm"
	"github.com/mledojo/dojo/host/env"
)

// An agent on a local Ollama server, playing an episode opened with env.New. The key variable may
// stay unset: a local server needs none.
func Example() {
	var episode *env.Episode // env.New(ctx, competition, env.Config{...}, env.Deps{...})
	a, err := llm.New(llm.Config{
		Provider: llm.ProviderOpenAICompatible, Model: "qwen2.5-coder:32b", BaseURL: "http://localhost:11434/v1",
		HistoryWindow: 4, Prices: []llm.Price{{Model: "qwen2.5-coder:32b"}},
	}, llm.Options{Log: func(format string, args ...any) { fmt.Printf(format+"\n", args...) }})
	if err != nil {
		fmt.Println(err)
		return
	}
	summary, err := a.Run(context.Background(), episode)
	if err != nil {
		fmt.Println(err) // the host failed, or the provider stayed down (core.TypeUnavailable)
		return
	}
	fmt.Printf("best HumanRank %v after %d steps, %d model calls\n", summary.BestRank, summary.Steps, summary.Usage.Calls)
}
