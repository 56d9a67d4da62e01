package llm

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"

	"github.com/mledojo/dojo/core"
)

func TestConfig_ValidateNamesTheField(t *testing.T) {
	temp := 3.0
	base := Config{Provider: ProviderOpenAI, Model: "gpt-4.1"}
	cases := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"key in config", func(c *Config) { c.APIKey = "sk-abc" }, "api_key holds a key"},
		{"unknown provider", func(c *Config) { c.Provider = "openia" }, "provider"},
		{"no model", func(c *Config) { c.Model = " " }, "model"},
		{"compatible without base_url", func(c *Config) { c.Provider = ProviderOpenAICompatible }, "base_url"},
		{"bad base_url", func(c *Config) { c.BaseURL = "localhost:8000" }, "base_url"},
		{"credentials in base_url", func(c *Config) { c.BaseURL = "https://me:secret@example.com/v1" }, "base_url holds credentials"},
		{"key in api_key_env", func(c *Config) { c.APIKeyEnv = "sk-proj-abc123" }, "api_key_env is not an environment variable name"},
		{"env and file", func(c *Config) { c.APIKeyEnv, c.APIKeyFile = "K", "/k" }, "api_key_env and api_key_file"},
		{"temperature", func(c *Config) { c.Temperature = &temp }, "temperature"},
		{"negative timeout", func(c *Config) { c.CallTimeout = Duration(-time.Second) }, "call_timeout"},
		{"price without model", func(c *Config) { c.Prices = []Price{{InputPerMTok: 1}} }, "prices[0].model"},
		{"negative price", func(c *Config) { c.Prices = []Price{{Model: "m", OutputPerMTok: -1}} }, "prices[0].output_per_mtok"},
		{"model priced twice", func(c *Config) { c.Prices = []Price{{Model: "m"}, {Model: "m"}} }, "prices[1].model"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := base
			c.change(&cfg)
			err := cfg.Validate()
			if core.TypeOf(err) != core.TypeConfig || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want a config error naming %q", err, c.want)
			}
		})
	}
	if err := base.WithDefaults().Validate(); err != nil {
		t.Fatalf("a minimal config is refused: %v", err)
	}
}

func TestConfig_KeyInConfigIsRefusedWithoutEchoingIt(t *testing.T) {
	_, err := New(Config{Provider: ProviderAnthropic, Model: "m", APIKey: "sk-ant-secret-123"}, Options{})
	if core.TypeOf(err) != core.TypeConfig || strings.Contains(err.Error(), "sk-ant-secret-123") {
		t.Fatalf("error %v", err)
	}
	if ce := core.AsError(err); len(ce.Causes) == 0 || !strings.Contains(strings.Join(ce.Causes, " "), "api_key_env") {
		t.Fatalf("causes %q do not say where the key goes", ce.Causes)
	}
}

func TestConfig_KeyComesFromTheEnvironmentOrAPrivateFile(t *testing.T) {
	getenv := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cfg := Config{Provider: ProviderAnthropic, Model: "m"}.WithDefaults()
	if key, err := cfg.Key(getenv(map[string]string{"ANTHROPIC_API_KEY": " k1\n"})); err != nil || key != "k1" {
		t.Fatalf("key %q, error %v", key, err)
	}
	if _, err := cfg.Key(getenv(nil)); core.TypeOf(err) != core.TypeConfig || !strings.Contains(err.Error(), "ANTHROPIC_API_KEY") {
		t.Fatalf("a missing key: %v", err)
	}
	local := Config{Provider: ProviderOpenAICompatible, Model: "m", BaseURL: "http://localhost:11434/v1"}.WithDefaults()
	if key, err := local.Key(getenv(nil)); err != nil || key != "" {
		t.Fatalf("an openai-compatible server may need no key: %q, %v", key, err)
	}

	path := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(path, []byte("k2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fromFile := Config{Provider: ProviderOpenAI, Model: "m", APIKeyFile: path}.WithDefaults()
	if fromFile.APIKeyEnv != "" {
		t.Fatalf("api_key_file leaves api_key_env empty, got %q", fromFile.APIKeyEnv)
	}
	if key, err := fromFile.Key(getenv(map[string]string{"OPENAI_API_KEY": "not this"})); err != nil || key != "k2" {
		t.Fatalf("key %q, error %v", key, err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := fromFile.Key(nil); core.TypeOf(err) != core.TypeConfig || !strings.Contains(err.Error(), "readable by others") {
		t.Fatalf("a world-readable key file: %v", err)
	}
}

// An evaluation config file holds the agent's config under a key of its own; koanf reads it with
// dotted model names and durations intact.
func TestConfig_LoadsFromAnEvalConfigFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "eval.yaml")
	yml := `agent:
  provider: openai-compatible
  model: qwen2.5-coder:7b
  base_url: http://localhost:11434/v1
  api_key_env: OLLAMA_KEY
  max_tokens: 2048
  temperature: 0.2
  history_window: 4
  max_repairs: -1
  call_timeout: 90s
  prices:
    - {model: gpt-4.1, input_per_mtok: 2, output_per_mtok: 8}
`
	if err := os.WriteFile(path, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	k := koanf.New(".")
	if err := k.Load(file.Provider(path), yaml.Parser()); err != nil {
		t.Fatal(err)
	}
	var cfg Config
	if err := k.UnmarshalWithConf("agent", &cfg, koanf.UnmarshalConf{Tag: "koanf"}); err != nil {
		t.Fatal(err)
	}
	temp := 0.2
	want := Config{Provider: ProviderOpenAICompatible, Model: "qwen2.5-coder:7b", BaseURL: "http://localhost:11434/v1",
		APIKeyEnv: "OLLAMA_KEY", MaxTokens: 2048, Temperature: &temp, HistoryWindow: 4, MaxRepairs: -1,
		CallTimeout: Duration(90 * time.Second), Prices: []Price{{Model: "gpt-4.1", InputPerMTok: 2, OutputPerMTok: 8}}}
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("got %+v\nwant %+v", cfg, want)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	// The same config round-trips through JSON, durations as text.
	b, err := json.Marshal(cfg)
	if err != nil || !strings.Contains(string(b), `"call_timeout":"1m30s"`) {
		t.Fatalf("JSON %s (%v)", b, err)
	}
	var back Config
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, cfg) {
		t.Fatalf("JSON round trip: %+v (%v)", back, err)
	}
}

func TestConfig_NegativeRepairsAndRetriesMeanNone(t *testing.T) {
	f := newFakeProvider(t, ProviderOpenAI, answer{text: "not an action"})
	cfg := testConfig(f)
	cfg.MaxRepairs, cfg.MaxRetries, cfg.MaxFailedTurns = -1, -1, 1
	a, _ := newTestAgent(t, cfg)
	sum, err := a.Run(t.Context(), &scriptedEnv{maxSteps: 3})
	if err != nil || sum.Usage.Calls != 1 || sum.Usage.Repairs != 0 {
		t.Fatalf("usage %+v, error %v; want one call and no repair", sum.Usage, err)
	}
	f.rest = &answer{status: 500}
	if _, err := a.Run(t.Context(), &scriptedEnv{maxSteps: 3}); core.TypeOf(err) != core.TypeUnavailable || len(f.requests()) != 2 {
		t.Fatalf("error %v after %d requests; want unavailable at once", err, len(f.requests()))
	}
}

func TestConfigFromParams_ReadsAnEvalAgentsParams(t *testing.T) {
	base := t.TempDir()
	cfg, err := ConfigFromParams(map[string]any{
		"provider": "anthropic", "model": "claude-sonnet-4-5", "api_key_file": "keys/anthropic", "call_timeout": "2m",
		"prices": []any{map[string]any{"model": "claude-sonnet-4-5", "input_per_mtok": 3, "output_per_mtok": 15}},
	}, base)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.APIKeyFile != filepath.Join(base, "keys/anthropic") || cfg.CallTimeout != Duration(2*time.Minute) || cfg.Prices[0].OutputPerMTok != 15 {
		t.Fatalf("config %+v", cfg)
	}
	cases := []struct {
		params map[string]any
		want   string
	}{
		{map[string]any{"provider": "openai", "model": "m", "modle": "x"}, "unknown param params.modle"},
		{map[string]any{"provider": "openai", "model": "m", "max_tokens": "many"}, "params.max_tokens"},
		{map[string]any{"provider": "openai", "model": "m", "api_key": "sk-1"}, "params.api_key holds a key"},
		{map[string]any{"provider": "openai"}, "params.model"},
	}
	for _, c := range cases {
		_, err := ConfigFromParams(c.params, base)
		if core.TypeOf(err) != core.TypeConfig || !strings.Contains(err.Error(), c.want) {
			t.Errorf("params %v: error %v, want a config error naming %q", c.params, err, c.want)
		}
	}
}
