package config

import (
	"reflect"
	"time"
)

// Config is the host's effective configuration. Each leaf field is one key: its koanf tag names the key,
// its default tag gives the default (parsed as an environment variable would be), and optional oneof,
// check and keycheck tags constrain its values (see rules.go). Adding a key is adding a field here and
// a line to docs/configuration.md.
type Config struct {
	Log     Log     `koanf:"log"`
	Plugins Plugins `koanf:"plugins"`
	Sandbox Sandbox `koanf:"sandbox"`
	Episode Episode `koanf:"episode"`
	Server  Server  `koanf:"server"`
	// DataDir holds downloaded competitions and other long-lived data. Empty means
	// $XDG_DATA_HOME/dojo, else ~/.local/share/dojo; Load resolves it.
	DataDir string `koanf:"data_dir" default:"" help:"where competitions and other long-lived data live (empty: $XDG_DATA_HOME/dojo or ~/.local/share/dojo)"`
	// RunsDir is where episode histories and run outputs are written.
	RunsDir string `koanf:"runs_dir" default:"./runs" check:"nonempty" help:"where episode histories and run outputs are written"`
}

// Log configures the host's own logging; plugin logs are re-emitted through it.
type Log struct {
	Level  string `koanf:"level" default:"info" oneof:"trace|debug|info|warn|error" help:"the least severe level logged"`
	Format string `koanf:"format" default:"text" oneof:"text|json" help:"log line format"`
}

// Plugins configures plugin discovery and launch.
type Plugins struct {
	// Dirs are searched for plugin binaries in addition to the build's bin/plugins and the
	// DOJO_PLUGIN_PATH list.
	Dirs []string `koanf:"dirs" default:"" check:"nonempty" help:"extra directories to search for plugin binaries, after bin/plugins and DOJO_PLUGIN_PATH"`
	// Pins maps a plugin binary's base name to the sha256 (lower-case hex) it must have to be launched.
	Pins map[string]string `koanf:"pins" default:"" keycheck:"basename" check:"sha256" help:"binary base name -> required sha256 (64 hex digits)"`
	// StartTimeout bounds a plugin's launch and handshake.
	StartTimeout time.Duration `koanf:"start_timeout" default:"10s" check:"positive" help:"how long a plugin may take to start and complete the handshake"`
	// MaxMessageBytes caps one gRPC message between host and plugin, in each direction.
	MaxMessageBytes int `koanf:"max_message_bytes" default:"67108864" check:"positive" help:"largest gRPC message between host and plugin, in bytes"`
}

// Sandbox configures where agent code runs and its limits.
type Sandbox struct {
	Backend     string        `koanf:"backend" default:"local" oneof:"local|docker" help:"where agent code runs: local (namespaces, Landlock, cgroups; no daemon) or docker"`
	ExecMode    string        `koanf:"exec_mode" default:"fresh" oneof:"fresh|session" help:"fresh: a new interpreter per execution; session: one persistent interpreter per episode"`
	Timeout     time.Duration `koanf:"timeout" default:"10m" check:"positive" help:"wall time of one execution of agent code"`
	MemoryBytes int64         `koanf:"memory_bytes" default:"8589934592" check:"positive" help:"memory limit of everything the agent's code starts, in bytes"`
	Insecure    bool          `koanf:"insecure" default:"false" help:"run the local backend without isolation (reported in every observation); for machines without the kernel features"`
	DockerImage string        `koanf:"docker_image" default:"" help:"runtime image of the docker backend (empty: the one make image builds)"`
}

// Episode configures episodes' budgets and rewards.
type Episode struct {
	MaxSteps  int           `koanf:"max_steps" default:"50" check:"positive" help:"steps before an episode is truncated"`
	MaxTime   time.Duration `koanf:"max_time" default:"2h" check:"positive" help:"wall time before an episode is truncated"`
	ScoreMode string        `koanf:"score_mode" default:"position" oneof:"position|raw" help:"reward: position (mean HumanRank) or raw (the metric's value)"`
	Feedback  []string      `koanf:"feedback" default:"base" help:"feedback styles rendered for each step"`
	// ScoreSplit public holds part of the answers out of every score during the episode and scores
	// the agent's chosen submission on it once the episode ends (host/env.SplitPublic).
	ScoreSplit     string  `koanf:"score_split" default:"full" oneof:"full|public" help:"answers that score submissions: full (all, the original's behaviour) or public (a seeded public part during the episode, the held-out rest for the final score)"`
	PublicFraction float64 `koanf:"public_fraction" default:"0.3" check:"fraction" help:"share of the answers' ids in the public part under score_split public"`
}

// Server configures `dojo serve`, the remote environment API (docs/api.md).
type Server struct {
	Addr      string   `koanf:"addr" default:"127.0.0.1:8470" check:"nonempty" help:"host:port the API listens on (gRPC, gRPC-Web and HTTP/JSON on one port)"`
	Tokens    []string `koanf:"tokens" default:"" check:"nonempty" help:"bearer tokens that may call the API, each seeing only its own episodes (also DOJO_SERVER_TOKENS, comma-separated)"`
	TokenFile string   `koanf:"token_file" default:"" help:"file of more bearer tokens, one a line; blank lines and # comments are skipped"`
	// AllowUnauthenticatedLoopback lets calls without a token through when the server listens on a
	// loopback address only; they share one anonymous owner.
	AllowUnauthenticatedLoopback bool          `koanf:"allow_unauthenticated_loopback" default:"false" help:"accept calls without a token when listening on a loopback address only"`
	MaxEpisodes                  int           `koanf:"max_episodes" default:"16" check:"positive" help:"open episodes (each with its own sandbox) the server holds at once; more is a server_busy error"`
	IdleTimeout                  time.Duration `koanf:"idle_timeout" default:"30m" check:"positive" help:"an episode without calls for this long is closed and its sandbox removed (ResumeEpisode reopens it)"`
	MaxRequestBytes              int64         `koanf:"max_request_bytes" default:"8388608" check:"positive" help:"largest request body, in bytes"`
	MaxCodeBytes                 int64         `koanf:"max_code_bytes" default:"1048576" check:"positive" help:"largest code (or file content, shell command) one action may carry, in bytes"`
	MaxStepsCap                  int           `koanf:"max_steps_cap" default:"200" check:"positive" help:"most steps a client may ask for in an episode's max_steps"`
	ShutdownGrace                time.Duration `koanf:"shutdown_grace" default:"30s" check:"positive" help:"on SIGTERM or SIGINT, how long steps in flight may take to finish before episodes are closed"`
}

// Defaults returns the configuration before any file, environment variable or flag is applied.
// DataDir is empty, meaning the XDG default that Load resolves.
func Defaults() Config {
	layer, err := defaultsLayer()
	if err == nil {
		var c Config
		if c, err = merge([]map[string]any{layer}); err == nil {
			return c
		}
	}
	// The defaults are constants in struct tags; TestDefaults_AreValid keeps this unreachable.
	panic("config: the built-in defaults are broken: " + err.Error())
}

// defaultsLayer reads the default tags as a source named "defaults", so a broken default is reported
// like any other bad value.
func defaultsLayer() (map[string]any, error) {
	raw := make(map[string]any, len(theSchema().leaves))
	for _, f := range theSchema().leaves {
		raw[f.path] = f.def
	}
	return theSchema().read(source{kind: fromDefaults}, raw)
}

// Validate reports the first key whose value breaks its rule (allowed values, sha256 pins, positive
// durations and sizes), as a *core.Error of TypeConfig naming the key and what it allows.
func (c Config) Validate() error {
	rv := reflect.ValueOf(c)
	for _, f := range theSchema().leaves {
		if _, err := f.checkValue(source{}, rv.FieldByIndex(f.index)); err != nil {
			return err
		}
	}
	return nil
}
