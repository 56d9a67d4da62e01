package llm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/mledojo/dojo/core"
)

// Providers the agent can talk to.
const (
	// ProviderOpenAI is OpenAI's own API (https://api.openai.com/v1 unless BaseURL says otherwise).
	// Replies are capped with max_completion_tokens, as OpenAI's newer models require.
	ProviderOpenAI = "openai"
	// ProviderOpenAICompatible is any server speaking OpenAI's chat-completions API: vLLM, Ollama,
	// DeepSeek, Gemini's or OpenRouter's compatible endpoints. BaseURL is required, the key is
	// optional (local servers need none), and replies are capped with the widely supported max_tokens.
	ProviderOpenAICompatible = "openai-compatible"
	// ProviderAnthropic is Anthropic's messages API (https://api.anthropic.com unless BaseURL says
	// otherwise).
	ProviderAnthropic = "anthropic"
)

// Providers lists the provider names Config accepts.
var Providers = []string{ProviderOpenAI, ProviderOpenAICompatible, ProviderAnthropic}

// Defaults for zero Config fields.
const (
	DefaultMaxTokens      = 8192
	DefaultHistoryWindow  = 6
	DefaultMaxRepairs     = 3
	DefaultMaxRetries     = 5
	DefaultMaxFailedTurns = 3
	DefaultCallTimeout    = 5 * time.Minute
	DefaultRetryBaseDelay = time.Second
	DefaultRetryMaxDelay  = 2 * time.Minute
)

// Config is the LLM agent's configuration, in the form an evaluation config file holds it (YAML,
// JSON or koanf). It never holds an API key: the key comes from the environment variable named by
// APIKeyEnv or from the file APIKeyFile, and a key written in the config is refused.
//
// Zero fields take the defaults documented on each; for MaxRepairs, MaxRetries and HistoryWindow a
// negative value means none (no repairs, no retries) or, for HistoryWindow, every turn in full.
type Config struct {
	// Provider is openai, openai-compatible or anthropic. Required.
	Provider string `json:"provider" yaml:"provider" koanf:"provider"`
	// Model is the provider's model name, such as gpt-4.1 or claude-sonnet-4-5. Required.
	Model string `json:"model" yaml:"model" koanf:"model"`
	// BaseURL is the API's address; empty means the provider's public API. Required for
	// openai-compatible (e.g. http://localhost:8000/v1 for vLLM, http://localhost:11434/v1 for Ollama).
	BaseURL string `json:"base_url,omitempty" yaml:"base_url,omitempty" koanf:"base_url"`
	// APIKeyEnv names the environment variable holding the key. Default OPENAI_API_KEY (openai,
	// openai-compatible) or ANTHROPIC_API_KEY (anthropic).
	APIKeyEnv string `json:"api_key_env,omitempty" yaml:"api_key_env,omitempty" koanf:"api_key_env"`
	// APIKeyFile is a file holding the key (surrounding white space is ignored). It must not be
	// readable by group or others. It takes the place of APIKeyEnv; setting both is an error.
	APIKeyFile string `json:"api_key_file,omitempty" yaml:"api_key_file,omitempty" koanf:"api_key_file"`
	// APIKey exists only to be refused: a key in a config file ends up committed or logged.
	APIKey string `json:"api_key,omitempty" yaml:"api_key,omitempty" koanf:"api_key"`
	// MaxTokens caps one reply. Default 8192.
	MaxTokens int `json:"max_tokens,omitempty" yaml:"max_tokens,omitempty" koanf:"max_tokens"`
	// Temperature, when set, is sent with every call (0 to 2); unset leaves the provider's default.
	Temperature *float64 `json:"temperature,omitempty" yaml:"temperature,omitempty" koanf:"temperature"`
	// HistoryWindow is how many of the latest turns (reply and observation) each prompt repeats in
	// full; older turns are summarised in a line each. Default 6; negative keeps every turn in full.
	HistoryWindow int `json:"history_window,omitempty" yaml:"history_window,omitempty" koanf:"history_window"`
	// MaxRepairs is how often a reply that is not a usable action is sent back for repair before the
	// turn is given up as an agent failure. Default 3; negative means no repairs.
	MaxRepairs int `json:"max_repairs,omitempty" yaml:"max_repairs,omitempty" koanf:"max_repairs"`
	// MaxFailedTurns ends the episode early after this many turns in a row gave no usable action.
	// Default 3.
	MaxFailedTurns int `json:"max_failed_turns,omitempty" yaml:"max_failed_turns,omitempty" koanf:"max_failed_turns"`
	// MaxRetries is how often one call is repeated after a transient failure (rate limit, 5xx,
	// time-out, connection error) before the provider counts as unavailable. Default 5; negative
	// means no retries.
	MaxRetries int `json:"max_retries,omitempty" yaml:"max_retries,omitempty" koanf:"max_retries"`
	// CallTimeout bounds one attempt of one call. Default 5m.
	CallTimeout Duration `json:"call_timeout,omitempty" yaml:"call_timeout,omitempty" koanf:"call_timeout"`
	// RetryBaseDelay is the first back-off; each retry doubles it, with jitter. Default 1s.
	RetryBaseDelay Duration `json:"retry_base_delay,omitempty" yaml:"retry_base_delay,omitempty" koanf:"retry_base_delay"`
	// RetryMaxDelay caps one back-off, including a provider's Retry-After. Default 2m.
	RetryMaxDelay Duration `json:"retry_max_delay,omitempty" yaml:"retry_max_delay,omitempty" koanf:"retry_max_delay"`
	// Prices are what models cost, for Usage.CostUSD; a model not listed costs 0 (unknown).
	Prices []Price `json:"prices,omitempty" yaml:"prices,omitempty" koanf:"prices"`
}

// Price is what one model costs, in US dollars per million tokens. It is a list entry rather than a
// map value because model names hold dots (gpt-4.1), which koanf would split into nested keys.
type Price struct {
	Model         string  `json:"model" yaml:"model" koanf:"model"`
	InputPerMTok  float64 `json:"input_per_mtok" yaml:"input_per_mtok" koanf:"input_per_mtok"`
	OutputPerMTok float64 `json:"output_per_mtok" yaml:"output_per_mtok" koanf:"output_per_mtok"`
}

// Cost is what promptTokens in and completionTokens out cost at p.
func (p Price) Cost(promptTokens, completionTokens int64) float64 {
	return (float64(promptTokens)*p.InputPerMTok + float64(completionTokens)*p.OutputPerMTok) / 1e6
}

// Duration is a time.Duration written as text ("90s", "5m") in YAML, JSON and koanf.
type Duration time.Duration

// MarshalText writes d as time.Duration's String does.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText reads a duration with a unit, such as "30s" or "1m30s".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(strings.TrimSpace(string(b)))
	if err != nil {
		return fmt.Errorf("want a duration with a unit, such as \"30s\" or \"5m\": %w", err)
	}
	*d = Duration(v)
	return nil
}

// WithDefaults fills zero fields.
func (c Config) WithDefaults() Config {
	if c.APIKeyEnv == "" && c.APIKeyFile == "" {
		c.APIKeyEnv = "OPENAI_API_KEY"
		if c.Provider == ProviderAnthropic {
			c.APIKeyEnv = "ANTHROPIC_API_KEY"
		}
	}
	defaultInt(&c.MaxTokens, DefaultMaxTokens)
	defaultInt(&c.HistoryWindow, DefaultHistoryWindow)
	defaultInt(&c.MaxRepairs, DefaultMaxRepairs)
	defaultInt(&c.MaxFailedTurns, DefaultMaxFailedTurns)
	defaultInt(&c.MaxRetries, DefaultMaxRetries)
	if c.CallTimeout == 0 {
		c.CallTimeout = Duration(DefaultCallTimeout)
	}
	if c.RetryBaseDelay == 0 {
		c.RetryBaseDelay = Duration(DefaultRetryBaseDelay)
	}
	if c.RetryMaxDelay == 0 {
		c.RetryMaxDelay = Duration(DefaultRetryMaxDelay)
	}
	return c
}

func defaultInt(v *int, def int) {
	if *v == 0 {
		*v = def
	}
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Validate reports the first invalid field as a TypeConfig error naming it and what it allows.
// It checks the configuration only; Key reads the key.
func (c Config) Validate() error {
	bad := func(field string, got any, want string) error {
		return core.Errorf(core.TypeConfig, "llm agent config: %s is %v; want %s", field, got, want)
	}
	switch {
	case c.APIKey != "":
		return core.Errorf(core.TypeConfig, "llm agent config: api_key holds a key; keys are never read from config").
			WithCauses("remove api_key from the config (and rotate the key if the file was shared or committed)",
				"put the key in an environment variable and name it in api_key_env (default OPENAI_API_KEY or ANTHROPIC_API_KEY)",
				"or put it in a file only you can read (chmod 600) and name it in api_key_file")
	case !oneOf(c.Provider, Providers):
		return bad("provider", fmt.Sprintf("%q", c.Provider), "one of "+strings.Join(Providers, ", "))
	case strings.TrimSpace(c.Model) == "":
		return bad("model", `""`, "the provider's model name, such as gpt-4.1 or claude-sonnet-4-5")
	case c.Provider == ProviderOpenAICompatible && c.BaseURL == "":
		return bad("base_url", `""`, "the server's address for openai-compatible, such as http://localhost:8000/v1")
	case c.APIKeyEnv != "" && c.APIKeyFile != "":
		return bad("api_key_env and api_key_file", "both set", "one of them")
	case c.APIKeyEnv != "" && !envName.MatchString(c.APIKeyEnv):
		return core.Errorf(core.TypeConfig, "llm agent config: api_key_env is not an environment variable name").
			WithCauses("api_key_env names the variable that holds the key (such as OPENAI_API_KEY), never the key itself; if a key was written here, rotate it")
	case c.MaxTokens < 0:
		return bad("max_tokens", c.MaxTokens, "a positive number of tokens")
	case c.Temperature != nil && (*c.Temperature < 0 || *c.Temperature > 2 || math.IsNaN(*c.Temperature)):
		return bad("temperature", *c.Temperature, "a number from 0 to 2 (Anthropic allows up to 1)")
	case c.MaxFailedTurns < 0:
		return bad("max_failed_turns", c.MaxFailedTurns, "a positive number of turns")
	case c.CallTimeout < 0:
		return bad("call_timeout", time.Duration(c.CallTimeout), "a positive duration such as 5m")
	case c.RetryBaseDelay < 0:
		return bad("retry_base_delay", time.Duration(c.RetryBaseDelay), "a positive duration such as 1s")
	case c.RetryMaxDelay < 0:
		return bad("retry_max_delay", time.Duration(c.RetryMaxDelay), "a positive duration such as 2m")
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return bad("base_url", fmt.Sprintf("%q", c.BaseURL), "an http or https URL such as https://api.openai.com/v1")
		}
		if u.User != nil {
			return core.Errorf(core.TypeConfig, "llm agent config: base_url holds credentials").
				WithCauses("remove the user:password part; give the key through api_key_env or api_key_file")
		}
	}
	seen := map[string]bool{}
	for i, p := range c.Prices {
		field := fmt.Sprintf("prices[%d]", i)
		switch {
		case p.Model == "":
			return bad(field+".model", `""`, "the model name the price is for")
		case seen[p.Model]:
			return bad(field+".model", p.Model, "each model priced once")
		case p.InputPerMTok < 0 || math.IsNaN(p.InputPerMTok) || math.IsInf(p.InputPerMTok, 0):
			return bad(field+".input_per_mtok", p.InputPerMTok, "US dollars per million input tokens, 0 or more")
		case p.OutputPerMTok < 0 || math.IsNaN(p.OutputPerMTok) || math.IsInf(p.OutputPerMTok, 0):
			return bad(field+".output_per_mtok", p.OutputPerMTok, "US dollars per million output tokens, 0 or more")
		}
		seen[p.Model] = true
	}
	return nil
}

// price finds the model's price; ok is false for a model the table does not list.
func (c Config) price(model string) (Price, bool) {
	for _, p := range c.Prices {
		if p.Model == model {
			return p, true
		}
	}
	return Price{}, false
}

// Key reads the API key: from the file APIKeyFile, else from the environment variable APIKeyEnv
// (through getenv, os.Getenv when nil). No key is an error except for openai-compatible, whose local
// servers need none. Call it on a config that went through WithDefaults.
func (c Config) Key(getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if c.APIKeyFile != "" {
		st, err := os.Stat(c.APIKeyFile)
		if err != nil {
			return "", core.Errorf(core.TypeConfig, "llm agent: api_key_file: %w", err).
				WithCauses("check the path in api_key_file")
		}
		if st.Mode().Perm()&0o077 != 0 {
			return "", core.Errorf(core.TypeConfig, "llm agent: api_key_file %s is readable by others (mode %v)", c.APIKeyFile, st.Mode().Perm()).
				WithCauses(fmt.Sprintf("chmod 600 %s", c.APIKeyFile))
		}
		b, err := os.ReadFile(c.APIKeyFile)
		if err != nil {
			return "", core.Errorf(core.TypeConfig, "llm agent: api_key_file: %w", err)
		}
		key := strings.TrimSpace(string(b))
		if key == "" {
			return "", core.Errorf(core.TypeConfig, "llm agent: api_key_file %s is empty", c.APIKeyFile)
		}
		return key, nil
	}
	key := strings.TrimSpace(getenv(c.APIKeyEnv))
	if key == "" && c.Provider != ProviderOpenAICompatible {
		return "", core.Errorf(core.TypeConfig, "llm agent: no API key: environment variable %s is not set", c.APIKeyEnv).
			WithCauses("export "+c.APIKeyEnv+"=<your key>", "or name another variable in api_key_env, or a key file in api_key_file")
	}
	return key, nil
}

func oneOf(s string, set []string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}

// ConfigFromParams reads a Config from an evaluation's agent params (the keys of Config's json
// tags), refusing unknown keys. A relative api_key_file is taken from baseDir, the eval config's
// directory. Errors are TypeConfig errors naming the param (params.model).
func ConfigFromParams(params map[string]any, baseDir string) (Config, error) {
	var cfg Config
	b, err := json.Marshal(params)
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		err = dec.Decode(&cfg)
	}
	if err != nil {
		return Config{}, core.Errorf(core.TypeConfig, "invalid params of the llm agent: %s", paramsError(err)).
			WithCauses("the params are: " + strings.Join(paramNames(), ", "))
	}
	if cfg.APIKeyFile != "" && !filepath.IsAbs(cfg.APIKeyFile) && baseDir != "" {
		cfg.APIKeyFile = filepath.Join(baseDir, cfg.APIKeyFile)
	}
	if err := cfg.Validate(); err != nil {
		ce := core.AsError(err)
		ce.Message = strings.Replace(ce.Message, "llm agent config: ", "llm agent config: params.", 1)
		return Config{}, ce
	}
	return cfg, nil
}

// paramsError names the param a JSON decoding error is about.
func paramsError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return fmt.Sprintf("params.%s: got a JSON %s, want %s", te.Field, te.Value, te.Type)
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return "unknown param params." + strings.Trim(f, `"`)
	}
	return strings.TrimPrefix(msg, "json: ")
}

func paramNames() []string {
	t := reflect.TypeOf(Config{})
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "api_key" {
			out = append(out, name)
		}
	}
	return out
}
