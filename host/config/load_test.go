package config

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

const (
	digestA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	digestB = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
)

// writeConfig writes body to a YAML file in a fresh temporary directory and returns its path.
func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "dojo.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// home is an environment with nothing but HOME, so data_dir resolves the same everywhere.
var home = []string{"HOME=/home/agent"}

func TestLoad_LaterLayersOverrideEarlierOnes(t *testing.T) {
	t.Parallel()
	const file = "log:\n  level: debug\nplugins:\n  start_timeout: 20s\n  dirs: [/from/file]\n"
	tests := []struct {
		name  string
		file  string
		env   []string
		flags map[string]any
		want  func(*Config)
	}{
		{
			name: "defaults alone",
			want: func(*Config) {},
		},
		{
			name: "file beats defaults",
			file: file,
			want: func(c *Config) {
				c.Log.Level, c.Plugins.StartTimeout, c.Plugins.Dirs = "debug", 20*time.Second, []string{"/from/file"}
			},
		},
		{
			name: "env beats file",
			file: file,
			env:  []string{"DOJO_LOG__LEVEL=warn"},
			want: func(c *Config) {
				c.Log.Level, c.Plugins.StartTimeout, c.Plugins.Dirs = "warn", 20*time.Second, []string{"/from/file"}
			},
		},
		{
			name:  "flags beat env",
			file:  file,
			env:   []string{"DOJO_LOG__LEVEL=warn", "DOJO_PLUGINS__START_TIMEOUT=30s"},
			flags: map[string]any{"log.level": "error"},
			want: func(c *Config) {
				c.Log.Level, c.Plugins.StartTimeout, c.Plugins.Dirs = "error", 30*time.Second, []string{"/from/file"}
			},
		},
		{
			name:  "a later list replaces an earlier one",
			file:  file,
			flags: map[string]any{"plugins.dirs": []string{"/a", "/b"}},
			want: func(c *Config) {
				c.Log.Level, c.Plugins.StartTimeout, c.Plugins.Dirs = "debug", 20*time.Second, []string{"/a", "/b"}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := Sources{Environ: append(tt.env, home...), Flags: tt.flags}
			if tt.file != "" {
				src.File = writeConfig(t, tt.file)
			}
			got, err := Load(src)
			if err != nil {
				t.Fatal(err)
			}
			want := Defaults()
			want.DataDir = "/home/agent/.local/share/dojo"
			tt.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Load:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestLoad_MapsMergeEntryByEntryAcrossLayers(t *testing.T) {
	t.Parallel()
	got, err := Load(Sources{
		File:    writeConfig(t, "plugins:\n  pins:\n    metrics: "+digestA+"\n    tasks: "+digestA+"\n"),
		Environ: append([]string{"DOJO_PLUGINS__PINS__FEEDBACK=" + digestB}, home...),
		Flags:   map[string]any{"plugins.pins": "tasks=" + digestB},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"metrics": digestA, "tasks": digestB, "feedback": digestB}
	if !reflect.DeepEqual(got.Plugins.Pins, want) {
		t.Errorf("pins = %v, want %v", got.Plugins.Pins, want)
	}
}

func TestLoad_EnvNestsKeysOnDoubleUnderscore(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  string
		want func(*Config) any
		val  any
	}{
		{"DOJO_LOG__LEVEL=trace", func(c *Config) any { return c.Log.Level }, "trace"},
		{"DOJO_LOG__FORMAT=json", func(c *Config) any { return c.Log.Format }, "json"},
		{"DOJO_PLUGINS__START_TIMEOUT=1m30s", func(c *Config) any { return c.Plugins.StartTimeout }, 90 * time.Second},
		{"DOJO_PLUGINS__MAX_MESSAGE_BYTES=1048576", func(c *Config) any { return c.Plugins.MaxMessageBytes }, 1 << 20},
		{"DOJO_PLUGINS__PINS__METRICS=" + digestA, func(c *Config) any { return c.Plugins.Pins }, map[string]string{"metrics": digestA}},
		{"DOJO_PLUGINS__PINS=metrics=" + digestA + ",tasks=" + digestB, func(c *Config) any { return c.Plugins.Pins },
			map[string]string{"metrics": digestA, "tasks": digestB}},
		{"DOJO_DATA_DIR=/srv/dojo", func(c *Config) any { return c.DataDir }, "/srv/dojo"},
		{"DOJO_RUNS_DIR=/srv/runs", func(c *Config) any { return c.RunsDir }, "/srv/runs"},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			t.Parallel()
			c, err := Load(Sources{Environ: append([]string{tt.env}, home...)})
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.want(&c); !reflect.DeepEqual(got, tt.val) {
				t.Errorf("got %v, want %v", got, tt.val)
			}
		})
	}
}

func TestLoad_EnvListsSplitOnCommas(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value string
		want  []string
	}{
		{"/a", []string{"/a"}},
		{"/a,/b", []string{"/a", "/b"}},
		{" /a , /b ", []string{"/a", "/b"}},
		{"/a,,/b,", []string{"/a", "/b"}},
		{"", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			t.Parallel()
			c, err := Load(Sources{
				File:    writeConfig(t, "plugins:\n  dirs: [/from/file]\n"),
				Environ: append([]string{"DOJO_PLUGINS__DIRS=" + tt.value}, home...),
			})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.Plugins.Dirs, tt.want) {
				t.Errorf("dirs = %q, want %q", c.Plugins.Dirs, tt.want)
			}
		})
	}
}

func TestLoad_IgnoresVariablesThatAreNotConfiguration(t *testing.T) {
	t.Parallel()
	c, err := Load(Sources{Environ: append([]string{
		"DOJO_PLUGIN_PATH=/opt/plugins",
		"DOJO_PLUGIN_MAGIC_COOKIE=x",
		"DOJO_CONFIG=/etc/dojo.yaml",
		"dojo_log__level=debug", // the prefix is case-sensitive
		"LOG__LEVEL=debug",
		"PATH=/usr/bin",
	}, home...)})
	if err != nil {
		t.Fatal(err)
	}
	if c.Log.Level != "info" || len(c.Plugins.Dirs) != 0 {
		t.Errorf("non-configuration variables changed the config: %+v", c)
	}
}

func TestLoad_FlagsTakeTypedOrStringValues(t *testing.T) {
	t.Parallel()
	c, err := Load(Sources{Environ: home, Flags: map[string]any{
		"plugins.start_timeout":     3 * time.Second,
		"plugins.max_message_bytes": float64(4096), // JSON-shaped numbers
		"plugins.dirs":              "/x,/y",
		"log":                       map[string]any{"format": "json"},
		"plugins.pins.metrics":      digestA,
	}})
	if err != nil {
		t.Fatal(err)
	}
	p := c.Plugins
	if p.StartTimeout != 3*time.Second || p.MaxMessageBytes != 4096 || !reflect.DeepEqual(p.Dirs, []string{"/x", "/y"}) ||
		c.Log.Format != "json" || p.Pins["metrics"] != digestA {
		t.Errorf("flags not applied: %+v", c)
	}
}

func TestLoad_PinsAreLowerCased(t *testing.T) {
	t.Parallel()
	upper := "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"
	c, err := Load(Sources{Environ: home, File: writeConfig(t, "plugins:\n  pins:\n    metrics: "+upper+"\n")})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Plugins.Pins["metrics"]; got != digestA {
		t.Errorf("pin = %q, want %q", got, digestA)
	}
}

func TestLoad_EmptyFileChangesNothing(t *testing.T) {
	t.Parallel()
	for _, body := range []string{"", "# only a comment\n", "log:\n"} {
		c, err := Load(Sources{Environ: home, File: writeConfig(t, body)})
		if err != nil {
			t.Fatalf("%q: %v", body, err)
		}
		if c.Log.Level != "info" {
			t.Errorf("%q: log.level = %q", body, c.Log.Level)
		}
	}
}

func TestLoad_DataDirDefaultFollowsXDG(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		environ []string
		want    string
	}{
		{"XDG_DATA_HOME wins over HOME", []string{"XDG_DATA_HOME=/xdg", "HOME=/home/agent"}, "/xdg/dojo"},
		{"HOME when XDG_DATA_HOME is unset", []string{"HOME=/home/agent"}, "/home/agent/.local/share/dojo"},
		{"a relative XDG_DATA_HOME is ignored", []string{"XDG_DATA_HOME=rel", "HOME=/home/agent"}, "/home/agent/.local/share/dojo"},
		{"data_dir set explicitly wins", []string{"DOJO_DATA_DIR=/srv/d", "XDG_DATA_HOME=/xdg"}, "/srv/d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := Load(Sources{Environ: tt.environ})
			if err != nil {
				t.Fatal(err)
			}
			if c.DataDir != tt.want {
				t.Errorf("data_dir = %q, want %q", c.DataDir, tt.want)
			}
		})
	}
}
