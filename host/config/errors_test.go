package config

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
)

// configError asserts that err is a *core.Error of TypeConfig whose text holds every one of want.
func configError(t *testing.T, err error, want ...string) {
	t.Helper()
	var ce *core.Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is not a *core.Error", err, err)
	}
	if ce.Type != core.TypeConfig || !errors.Is(err, core.ErrConfig) {
		t.Errorf("error type = %q, want %q", ce.Type, core.TypeConfig)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
}

func TestLoad_ErrorsNameKeySourceAndWhatIsAllowed(t *testing.T) {
	t.Parallel()
	const file = "FILE" // replaced by the test file's path
	tests := []struct {
		name  string
		file  string
		env   []string
		flags map[string]any
		want  []string
	}{
		{
			name: "unknown key in file suggests the near one",
			file: "plugins:\n  dir: [/x]\n",
			want: []string{`unknown key "plugins.dir" in ` + file + ` (did you mean "plugins.dirs"?)`},
		},
		{
			name: "unknown key in the wrong section suggests where it lives",
			file: "level: debug\n",
			want: []string{`unknown key "level" in ` + file, `did you mean "log.level"?`},
		},
		{
			name: "unknown key far from any lists the section's keys",
			file: "plugins:\n  zzzzzzzz: 1\n",
			want: []string{`unknown key "plugins.zzzzzzzz" in ` + file, "plugins.dirs, plugins.pins, plugins.start_timeout, plugins.max_message_bytes"},
		},
		{
			name: "unknown env var suggests the variable to use",
			env:  []string{"DOJO_PLUGINS_DIRS=/x"},
			want: []string{`unknown key "plugins_dirs" in environment variable DOJO_PLUGINS_DIRS`, "did you mean DOJO_PLUGINS__DIRS?"},
		},
		{
			name:  "unknown flag",
			flags: map[string]any{"log.levle": "debug"},
			want:  []string{`unknown key "log.levle" in flags`, `did you mean "log.level"?`},
		},
		{
			name: "a public fraction outside (0, 1)",
			file: "episode:\n  public_fraction: 1.5\n",
			want: []string{`"episode.public_fraction"`, "a fraction between 0 and 1, both excluded"},
		},
		{
			name: "a score split that does not exist",
			file: "episode:\n  score_split: private\n",
			want: []string{`"episode.score_split"`, "full, public"},
		},
		{
			name: "integer where a level is wanted",
			file: "log:\n  level: 5\n",
			want: []string{`wrong type for "log.level" in ` + file + ": got integer 5", "want a string, one of: trace, debug, info, warn, error"},
		},
		{
			name: "word where a duration is wanted",
			file: "plugins:\n  start_timeout: soon\n",
			want: []string{`wrong type for "plugins.start_timeout" in ` + file + `: got "soon"`, `want a duration with a unit, such as "10s"`},
		},
		{
			name: "bare number where a duration is wanted",
			file: "plugins:\n  start_timeout: 10\n",
			want: []string{`wrong type for "plugins.start_timeout" in ` + file + ": got integer 10", "want a duration"},
		},
		{
			name: "word where a size is wanted, from env",
			env:  []string{"DOJO_PLUGINS__MAX_MESSAGE_BYTES=64MiB"},
			want: []string{`wrong type for "plugins.max_message_bytes" in environment variable DOJO_PLUGINS__MAX_MESSAGE_BYTES: got "64MiB"`, "want an integer"},
		},
		{
			name: "number inside a list of directories",
			file: "plugins:\n  dirs: [/ok, 7]\n",
			want: []string{`wrong type for "plugins.dirs[1]" in ` + file + ": got integer 7", "want a string"},
		},
		{
			name: "scalar where a section is wanted",
			file: "plugins: 3\n",
			want: []string{`wrong type for "plugins" in ` + file, "want a section holding plugins.dirs"},
		},
		{
			name:  "map that is not name=value pairs",
			flags: map[string]any{"plugins.pins": "metrics"},
			want:  []string{`wrong type for "plugins.pins" in flags`, "name=value"},
		},
		{
			name:  "level outside the allowed set",
			flags: map[string]any{"log.level": "loud"},
			want:  []string{`invalid value "loud" for "log.level" in flags`, "want one of: trace, debug, info, warn, error"},
		},
		{
			name: "format outside the allowed set",
			env:  []string{"DOJO_LOG__FORMAT=xml"},
			want: []string{`invalid value "xml" for "log.format" in environment variable DOJO_LOG__FORMAT`, "want one of: text, json"},
		},
		{
			name: "pin that is too short",
			file: "plugins:\n  pins:\n    metrics: abc123\n",
			want: []string{`invalid value "abc123" for "plugins.pins.metrics" in ` + file, "want a sha256 digest: 64 hex digits"},
		},
		{
			name: "pin that is not hex",
			env:  []string{"DOJO_PLUGINS__PINS__METRICS=" + strings.Repeat("g", 64)},
			want: []string{`for "plugins.pins.metrics" in environment variable DOJO_PLUGINS__PINS__METRICS`, "64 hex digits"},
		},
		{
			name: "pin for a path rather than a base name",
			file: "plugins:\n  pins:\n    bin/metrics: " + digestA + "\n",
			want: []string{`invalid value "bin/metrics" for "plugins.pins.bin/metrics" in ` + file, "want a file's base name"},
		},
		{
			name:  "zero timeout",
			flags: map[string]any{"plugins.start_timeout": "0s"},
			want:  []string{`invalid value duration 0s for "plugins.start_timeout" in flags`, "want a value greater than zero"},
		},
		{
			name: "negative message size",
			file: "plugins:\n  max_message_bytes: -1\n",
			want: []string{`invalid value integer -1 for "plugins.max_message_bytes" in ` + file, "greater than zero"},
		},
		{
			name:  "empty directory in a list",
			flags: map[string]any{"plugins.dirs": []string{"/a", ""}},
			want:  []string{`invalid value "" for "plugins.dirs[1]" in flags`, "want a non-empty string"},
		},
		{
			name: "empty runs_dir",
			env:  []string{"DOJO_RUNS_DIR="},
			want: []string{`for "runs_dir" in environment variable DOJO_RUNS_DIR`, "want a non-empty string"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := Sources{Environ: append(tt.env, home...), Flags: tt.flags}
			if tt.file != "" {
				src.File = writeConfig(t, tt.file)
			}
			_, err := Load(src)
			want := make([]string, len(tt.want))
			for i, w := range tt.want {
				want[i] = strings.ReplaceAll(w, file, src.File)
			}
			configError(t, err, want...)
		})
	}
}

func TestLoad_ReportsTheFirstBadKeyInKeyOrder(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "zeta: 1\nalpha: 1\nmid: 1\nlog:\n  zz: 1\n  aa: 1\n")
	for range 20 { // map iteration order varies from run to run
		_, err := Load(Sources{File: path, Environ: home})
		configError(t, err, `unknown key "alpha"`)
	}
}

func TestLoad_MissingFileIsAnError(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "absent.yaml")
	_, err := Load(Sources{File: path, Environ: home})
	configError(t, err, "config file "+path+" does not exist")
}

func TestLoad_UnreadableFileIsAnError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir() // a directory cannot be read as a file
	_, err := Load(Sources{File: dir, Environ: home})
	configError(t, err, "cannot read config file "+dir)
}

func TestLoad_YAMLSyntaxErrorNamesFileAndLine(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "log:\n  level: info\nplugins:\n  dirs: [/a\n  start_timeout: 5s\n")
	_, err := Load(Sources{File: path, Environ: home})
	configError(t, err, "cannot read config file "+path, "line ")
}

func TestSuggest_FindsTheKeyMeant(t *testing.T) {
	t.Parallel()
	tests := []struct{ typed, want string }{
		{"plugins.dir", "plugins.dirs"},
		{"log.levle", "log.level"},
		{"loglevel", "log.level"},
		{"plugins_dirs", "plugins.dirs"},
		{"plugin", "plugins"},
		{"format", "log.format"},
		{"plugins.startup_timeout", "plugins.start_timeout"},
		{"runs-dir", "runs_dir"},
		{"telemetry", ""},
		{"x", ""},
	}
	for _, tt := range tests {
		if got := theSchema().suggest(tt.typed); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.typed, got, tt.want)
		}
	}
}

func TestValidate_NamesTheKeyAndWhatIsAllowed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(*Config)
		want   []string
	}{
		{"valid defaults", func(*Config) {}, nil},
		{"zero Config", func(c *Config) { *c = Config{} }, []string{`"log.level"`, "one of: trace"}},
		{"bad format", func(c *Config) { c.Log.Format = "xml" }, []string{`invalid value "xml" for "log.format"`, "text, json"}},
		{"bad pin", func(c *Config) { c.Plugins.Pins = map[string]string{"m": "00"} }, []string{`"plugins.pins.m"`, "sha256"}},
		{"upper-case pin is valid", func(c *Config) { c.Plugins.Pins = map[string]string{"m": strings.ToUpper(digestA)} }, nil},
		{"negative timeout", func(c *Config) { c.Plugins.StartTimeout = -1 }, []string{`"plugins.start_timeout"`, "greater than zero"}},
		{"zero message size", func(c *Config) { c.Plugins.MaxMessageBytes = 0 }, []string{`"plugins.max_message_bytes"`}},
		{"blank dir", func(c *Config) { c.Plugins.Dirs = []string{" "} }, []string{`"plugins.dirs[0]"`, "non-empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := Defaults()
			tt.mutate(&c)
			err := c.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			configError(t, err, tt.want...)
			if strings.Contains(err.Error(), " in ") {
				t.Errorf("Validate names a source it cannot know: %v", err)
			}
		})
	}
}

func TestLoad_DoesNotReadTheProcessEnvironment(t *testing.T) {
	// Not parallel: it sets a variable of the process.
	t.Setenv("DOJO_LOG__LEVEL", "debug")
	c, err := Load(Sources{Environ: home})
	if err != nil {
		t.Fatal(err)
	}
	if c.Log.Level != "info" {
		t.Errorf("log.level = %q: Load read os.Environ instead of Sources.Environ", c.Log.Level)
	}
}

func TestLoad_MapKeysMustBeStrings(t *testing.T) {
	t.Parallel()
	_, err := Load(Sources{Environ: home, Flags: map[string]any{"plugins.pins": map[int]string{7: digestA}}})
	configError(t, err, `wrong type for "plugins.pins.7" in flags: got integer 7`, "want a string")
}
