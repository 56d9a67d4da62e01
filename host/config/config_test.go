package config

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDefaults_AreTheDocumentedValuesAndValid(t *testing.T) {
	t.Parallel()
	want := Config{
		Log: Log{Level: "info", Format: "text"},
		Plugins: Plugins{
			Dirs:            []string{},
			Pins:            map[string]string{},
			StartTimeout:    10 * time.Second,
			MaxMessageBytes: 64 << 20,
		},
		Sandbox: Sandbox{Backend: "local", ExecMode: "fresh", Timeout: 10 * time.Minute, MemoryBytes: 8 << 30},
		Episode: Episode{MaxSteps: 50, MaxTime: 2 * time.Hour, ScoreMode: "position", Feedback: []string{"base"},
			ScoreSplit: "full", PublicFraction: 0.3},
		Server: Server{Addr: "127.0.0.1:8470", Tokens: []string{}, MaxEpisodes: 16, IdleTimeout: 30 * time.Minute,
			MaxRequestBytes: 8 << 20, MaxCodeBytes: 1 << 20, MaxStepsCap: 200, ShutdownGrace: 30 * time.Second},
		DataDir: "",
		RunsDir: "./runs",
	}
	got := Defaults()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Defaults:\n got %+v\nwant %+v", got, want)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("Defaults().Validate: %v", err)
	}
}

func TestDefaults_AreFreshEachCall(t *testing.T) {
	t.Parallel()
	a := Defaults()
	a.Plugins.Pins["x"] = digestA
	a.Plugins.Dirs = append(a.Plugins.Dirs, "/x")
	if b := Defaults(); len(b.Plugins.Pins) != 0 || len(b.Plugins.Dirs) != 0 {
		t.Errorf("changing one Defaults() changed the next: %+v", b.Plugins)
	}
}

func TestKeys_ListEveryLeafInDeclarationOrder(t *testing.T) {
	t.Parallel()
	want := []string{
		"log.level", "log.format",
		"plugins.dirs", "plugins.pins", "plugins.start_timeout", "plugins.max_message_bytes",
		"sandbox.backend", "sandbox.exec_mode", "sandbox.timeout", "sandbox.memory_bytes", "sandbox.insecure", "sandbox.docker_image",
		"episode.max_steps", "episode.max_time", "episode.score_mode", "episode.feedback", "episode.score_split",
		"episode.public_fraction",
		"server.addr", "server.tokens", "server.token_file", "server.allow_unauthenticated_loopback",
		"server.max_episodes", "server.idle_timeout", "server.max_request_bytes", "server.max_code_bytes",
		"server.max_steps_cap", "server.shutdown_grace",
		"data_dir", "runs_dir",
	}
	if got := Keys(); !slices.Equal(got, want) {
		t.Errorf("Keys() = %q, want %q", got, want)
	}
}

func TestSchema_DescribesEveryKeyForPeople(t *testing.T) {
	t.Parallel()
	tests := map[string]Key{
		"log.level": {Path: "log.level", Env: "DOJO_LOG__LEVEL", Type: "string", Default: "info",
			Allowed: []string{"trace", "debug", "info", "warn", "error"}},
		"plugins.start_timeout": {Path: "plugins.start_timeout", Env: "DOJO_PLUGINS__START_TIMEOUT", Type: "duration", Default: "10s"},
		"plugins.pins":          {Path: "plugins.pins", Env: "DOJO_PLUGINS__PINS", Type: "map of string to string"},
		"plugins.dirs":          {Path: "plugins.dirs", Env: "DOJO_PLUGINS__DIRS", Type: "list of strings"},
		"plugins.max_message_bytes": {Path: "plugins.max_message_bytes", Env: "DOJO_PLUGINS__MAX_MESSAGE_BYTES",
			Type: "integer", Default: "67108864"},
	}
	for _, k := range Schema() {
		if k.Help == "" {
			t.Errorf("%s has no help text", k.Path)
		}
		want, ok := tests[k.Path]
		if !ok {
			continue
		}
		k.Help = ""
		if len(want.Allowed) == 0 {
			want.Allowed = nil
		}
		if len(k.Allowed) == 0 {
			k.Allowed = nil
		}
		if !reflect.DeepEqual(k, want) {
			t.Errorf("Schema entry:\n got %+v\nwant %+v", k, want)
		}
	}
}

func TestYAML_RoundTripsThroughLoad(t *testing.T) {
	t.Parallel()
	first, err := Load(Sources{Environ: home, Flags: map[string]any{
		"log.level":             "debug",
		"log.format":            "json",
		"plugins.dirs":          []string{"/a", "/b c"},
		"plugins.pins":          "metrics=" + digestA + ",tasks.v2=" + digestB,
		"plugins.start_timeout": "1m30s",
		"runs_dir":              "/srv/runs",
	}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := first.YAML()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"start_timeout: 1m30s", "level: debug", "data_dir: /home/agent/.local/share/dojo"} {
		if !strings.Contains(string(out), line) {
			t.Errorf("YAML lacks %q:\n%s", line, out)
		}
	}
	second, err := Load(Sources{File: writeConfig(t, string(out))})
	if err != nil {
		t.Fatalf("reading back:\n%s\n%v", out, err)
	}
	if !reflect.DeepEqual(first, second) {
		t.Errorf("round trip changed the config:\nbefore %+v\nafter  %+v", first, second)
	}
}

func TestYAML_WritesEmptyCollectionsNotNull(t *testing.T) {
	t.Parallel()
	out, err := Config{}.YAML()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"dirs: []", "pins: {}"} {
		if !strings.Contains(string(out), line) {
			t.Errorf("YAML lacks %q:\n%s", line, out)
		}
	}
}

// The user guide is the reference for keys; it must not fall behind the struct.
func TestDocs_ListEveryKeyAndItsExampleLoads(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Schema() {
		row := "| `" + k.Path + "` |"
		if !strings.Contains(string(doc), row) || !strings.Contains(string(doc), "`"+k.Env+"`") {
			t.Errorf("docs/configuration.md has no row for %s (%s)", k.Path, k.Env)
		}
	}
	example := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindSubmatch(doc)
	if example == nil {
		t.Fatal("docs/configuration.md has no yaml example")
	}
	if _, err := Load(Sources{File: writeConfig(t, string(example[1])), Environ: home}); err != nil {
		t.Errorf("the docs example does not load: %v", err)
	}
}
