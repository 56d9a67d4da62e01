package eval

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/knadh/koanf/parsers/yaml"

	"github.com/mledojo/dojo/core"
)

// Config is an evaluation: which agents play which competitions with which seeds, and how. It is
// what eval.yaml holds; docs/evaluation.md is its reference.
type Config struct {
	// Name labels the run in the report; default the run directory's name.
	Name string `json:"name,omitempty"`
	// Agents are the players, each under a unique name.
	Agents []AgentSpec `json:"agents"`
	// Competitions are ids (NAME@VERSION or NAME) and selectors over the prepared competitions.
	Competitions []CompetitionSelector `json:"competitions"`
	// Seeds are the episode seeds; every agent plays every competition once per seed.
	Seeds []int64 `json:"seeds"`
	// Workers is how many episodes run at once; default 1. The --workers flag overrides it.
	Workers int `json:"workers,omitempty"`
	// Retries is how many times an episode is retried after an infrastructure failure; default 2.
	Retries *int `json:"retries,omitempty"`
	// Episode overrides the host configuration's episode and sandbox settings for every episode.
	Episode EpisodeOverrides `json:"episode,omitempty"`
	// Sandbox picks the sandbox backend; default the host configuration's.
	Sandbox SandboxSpec `json:"sandbox,omitempty"`
	// DataDir is the competitions directory; default DATA_DIR/competitions.
	DataDir string `json:"data_dir,omitempty"`

	// dir is the directory of the config file, against which agents' relative paths resolve.
	dir string
}

// AgentSpec names one agent of an evaluation and how to build it.
type AgentSpec struct {
	// Name is the agent's name in the run directory and the report: lower-case letters, digits, . _ -.
	Name string `json:"name"`
	// Kind picks the agent implementation from the Registry: baseline, scripted, llm, ...
	Kind string `json:"kind"`
	// Params are the kind's own settings (a scripted agent's actions, an LLM agent's model).
	Params map[string]any `json:"params,omitempty"`
}

// CompetitionSelector is one entry of the competitions list: an id, or a filter over every prepared
// competition the library lists. In YAML a plain string is an id.
type CompetitionSelector struct {
	// ID is a competition id, or a glob over ids (path.Match syntax: "*", "?", "[a-z]").
	ID string `json:"id,omitempty"`
	// Domain keeps competitions of one domain (tabular, vision, nlp, time_series, audio, other).
	Domain string `json:"domain,omitempty"`
	// Source keeps competitions of one task loader (native, mledojo, mlebench).
	Source string `json:"source,omitempty"`
	// Labels keeps competitions whose loader labels match every entry (e.g. split: eval).
	Labels map[string]string `json:"labels,omitempty"`
}

// EpisodeOverrides are the episode settings an evaluation fixes for all its episodes. Zero fields keep
// the host configuration's value.
type EpisodeOverrides struct {
	MaxSteps    int      `json:"max_steps,omitempty"`
	MaxTime     Duration `json:"max_time,omitempty"`
	ExecTimeout Duration `json:"exec_timeout,omitempty"`
	ExecMode    string   `json:"exec_mode,omitempty"`
	ScoreMode   string   `json:"score_mode,omitempty"`
	MemoryBytes int64    `json:"memory_bytes,omitempty"`
	Feedback    []string `json:"feedback,omitempty"`
	Actions     []string `json:"actions,omitempty"`
	// ScoreSplit public scores submissions on a seeded public part of the answers during the episode
	// and the agent's final choice once on the held-out rest; the report then ranks by that final
	// score. Default full (every submission on all the answers).
	ScoreSplit     string  `json:"score_split,omitempty"`
	PublicFraction float64 `json:"public_fraction,omitempty"`
}

// SandboxSpec picks the sandbox backend of an evaluation.
type SandboxSpec struct {
	Backend  string `json:"backend,omitempty"`
	Insecure bool   `json:"insecure,omitempty"`
}

// Duration is a time.Duration written as in Go ("90s", "1h30m") in YAML and JSON.
type Duration time.Duration

// MarshalJSON writes d as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads a Go duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	// An UnmarshalTypeError gets the key path from the decoder, so the message can name the key.
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeFor[Duration]()}
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: strconv.Quote(s), Type: reflect.TypeFor[Duration]()}
	}
	*d = Duration(v)
	return nil
}

// UnmarshalJSON reads a selector from a map, or an id from a plain string.
func (s *CompetitionSelector) UnmarshalJSON(b []byte) error {
	var id string
	if err := json.Unmarshal(b, &id); err == nil {
		*s = CompetitionSelector{ID: id}
		return nil
	}
	type plain CompetitionSelector
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p plain
	if err := dec.Decode(&p); err != nil {
		return err
	}
	*s = CompetitionSelector(p)
	return nil
}

// exact reports whether the selector names one competition by id and nothing else.
func (s CompetitionSelector) exact() bool {
	return s.Domain == "" && s.Source == "" && len(s.Labels) == 0 && s.ID != "" && !strings.ContainsAny(s.ID, "*?[")
}

// String renders the selector for messages.
func (s CompetitionSelector) String() string {
	if s.exact() {
		return s.ID
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// DefaultRetries is how often an episode is retried after an infrastructure failure by default.
const DefaultRetries = 2

// RetryCount is Retries or its default.
func (c Config) RetryCount() int {
	if c.Retries == nil {
		return DefaultRetries
	}
	return *c.Retries
}

// Dir is the directory of the config file (relative paths in agent params resolve against it).
func (c Config) Dir() string { return c.dir }

// WithDir returns c with its base directory for relative paths set.
func (c Config) WithDir(dir string) Config {
	c.dir = dir
	return c
}

// The keys each section allows; an unknown key is an error naming it and these.
var (
	topKeys         = []string{"name", "agents", "competitions", "seeds", "workers", "retries", "episode", "sandbox", "data_dir"}
	agentKeys       = []string{"name", "kind", "params"}
	selectorKeys    = []string{"id", "domain", "source", "labels"}
	episodeKeys     = []string{"max_steps", "max_time", "exec_timeout", "exec_mode", "score_mode", "memory_bytes", "feedback", "actions", "score_split", "public_fraction"}
	sandboxKeys     = []string{"backend", "insecure"}
	agentNameSyntax = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
)

// LoadConfig reads an eval config file (YAML; JSON is YAML too) and validates it. Every problem is a
// *core.Error of TypeConfig naming the key, such as agents[1].kind.
func LoadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, core.Errorf(core.TypeConfig, "cannot read eval config %s: %w", path, err).
			WithCauses("pass the path of an eval.yaml (docs/evaluation.md shows one)")
	}
	c, err := ParseConfig(b)
	if err != nil {
		ce := core.AsError(err)
		ce.Message = path + ": " + ce.Message
		return Config{}, ce
	}
	abs, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return Config{}, core.Errorf(core.TypeConfig, "eval config %s: %w", path, err)
	}
	c.dir = abs
	return c, nil
}

// ParseConfig decodes and validates an eval config.
func ParseConfig(b []byte) (Config, error) {
	raw, err := yaml.Parser().Unmarshal(b)
	if err != nil {
		return Config{}, core.Errorf(core.TypeConfig, "eval config is not valid YAML: %w", err)
	}
	if err := checkKeys(raw); err != nil {
		return Config{}, err
	}
	js, err := json.Marshal(raw)
	if err != nil {
		return Config{}, core.Errorf(core.TypeConfig, "eval config: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return Config{}, typeError(err)
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// checkKeys rejects unknown keys anywhere except inside agent params (which their kind checks).
func checkKeys(raw map[string]any) error {
	if err := known("", raw, topKeys); err != nil {
		return err
	}
	if list, ok := raw["agents"].([]any); ok {
		for i, a := range list {
			if m, ok := a.(map[string]any); ok {
				if err := known(fmt.Sprintf("agents[%d].", i), m, agentKeys); err != nil {
					return err
				}
			}
		}
	}
	if list, ok := raw["competitions"].([]any); ok {
		for i, s := range list {
			if m, ok := s.(map[string]any); ok {
				if err := known(fmt.Sprintf("competitions[%d].", i), m, selectorKeys); err != nil {
					return err
				}
			}
		}
	}
	for key, keys := range map[string][]string{"episode": episodeKeys, "sandbox": sandboxKeys} {
		if m, ok := raw[key].(map[string]any); ok {
			if err := known(key+".", m, keys); err != nil {
				return err
			}
		}
	}
	return nil
}

func known(prefix string, m map[string]any, keys []string) error {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !slices.Contains(keys, k) {
			return core.Errorf(core.TypeConfig, "eval config: unknown key %q", prefix+k).
				WithDetails("known keys here: %s", strings.Join(keys, ", ")).
				WithCauses("a misspelt key; docs/evaluation.md lists every key")
		}
	}
	return nil
}

// typeError turns a JSON decoding error into a config error naming the key.
func typeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return core.Errorf(core.TypeConfig, "eval config: wrong type for %q: got %s", keyPath(te.Field), te.Value).
			WithDetails("want %s", describeGoType(te.Type.String()))
	}
	return core.Errorf(core.TypeConfig, "eval config: %v", err)
}

// keyPath renders encoding/json's field path ("agents.name") as the config would (agents[].name).
func keyPath(field string) string {
	for _, list := range []string{"agents", "competitions", "seeds"} {
		if strings.HasPrefix(field, list+".") {
			return list + "[]" + field[len(list):]
		}
	}
	return field
}

func describeGoType(t string) string {
	switch {
	case strings.HasPrefix(t, "int"):
		return "an integer"
	case t == "string":
		return "a string"
	case t == "eval.Duration":
		return `a duration such as "30m" or "1h30m"`
	case t == "bool":
		return "true or false"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map"), strings.HasPrefix(t, "eval."):
		return "a mapping"
	}
	return t
}

// Validate checks what the decoder cannot: required keys, names, ranges and allowed values.
func (c Config) Validate() error {
	bad := func(key, format string, args ...any) error {
		return core.Errorf(core.TypeConfig, "eval config: invalid %q: %s", key, fmt.Sprintf(format, args...)).
			WithCauses("docs/evaluation.md describes every key")
	}
	if len(c.Agents) == 0 {
		return bad("agents", "at least one agent is required")
	}
	seen := map[string]bool{}
	for i, a := range c.Agents {
		key := fmt.Sprintf("agents[%d]", i)
		switch {
		case a.Name == "":
			return bad(key+".name", "every agent needs a name")
		case !agentNameSyntax.MatchString(a.Name):
			return bad(key+".name", "%q: use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit", a.Name)
		case seen[a.Name]:
			return bad(key+".name", "%q is used by two agents", a.Name)
		case a.Kind == "":
			return bad(key+".kind", "every agent needs a kind (baseline, scripted, llm, ...)")
		}
		seen[a.Name] = true
	}
	if len(c.Competitions) == 0 {
		return bad("competitions", "at least one competition id or selector is required")
	}
	for i, s := range c.Competitions {
		if s.ID == "" && s.Domain == "" && s.Source == "" && len(s.Labels) == 0 {
			return bad(fmt.Sprintf("competitions[%d]", i), "an empty selector: give an id, or domain, source or labels")
		}
	}
	if len(c.Seeds) == 0 {
		return bad("seeds", "at least one seed is required, e.g. seeds: [1, 2, 3]")
	}
	seeds := map[int64]bool{}
	for i, s := range c.Seeds {
		if seeds[s] {
			return bad(fmt.Sprintf("seeds[%d]", i), "seed %d is listed twice", s)
		}
		seeds[s] = true
	}
	if c.Workers < 0 {
		return bad("workers", "%d: want 1 or more (0 means 1)", c.Workers)
	}
	if c.Retries != nil && *c.Retries < 0 {
		return bad("retries", "%d: want 0 or more", *c.Retries)
	}
	e := c.Episode
	switch {
	case e.MaxSteps < 0:
		return bad("episode.max_steps", "%d: want a positive number", e.MaxSteps)
	case e.MaxTime < 0:
		return bad("episode.max_time", "%v: want a positive duration", time.Duration(e.MaxTime))
	case e.ExecTimeout < 0:
		return bad("episode.exec_timeout", "%v: want a positive duration", time.Duration(e.ExecTimeout))
	case e.MemoryBytes < 0:
		return bad("episode.memory_bytes", "%d: want a positive number of bytes", e.MemoryBytes)
	case e.ExecMode != "" && e.ExecMode != "fresh" && e.ExecMode != "session":
		return bad("episode.exec_mode", "%q: want fresh or session", e.ExecMode)
	case e.ScoreMode != "" && e.ScoreMode != "position" && e.ScoreMode != "raw":
		return bad("episode.score_mode", "%q: want position or raw", e.ScoreMode)
	case e.ScoreSplit != "" && e.ScoreSplit != "full" && e.ScoreSplit != "public":
		return bad("episode.score_split", "%q: want full or public", e.ScoreSplit)
	case e.PublicFraction < 0 || e.PublicFraction >= 1:
		return bad("episode.public_fraction", "%v: want a fraction between 0 and 1 (exclusive)", e.PublicFraction)
	}
	if b := c.Sandbox.Backend; b != "" && b != "local" && b != "docker" {
		return bad("sandbox.backend", "%q: want local or docker", b)
	}
	return nil
}
