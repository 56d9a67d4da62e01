package eval_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/eval"
)

const validConfig = `
name: smoke
agents:
  - {name: base, kind: baseline}
  - name: replay
    kind: scripted
    params: {files: [sub.py]}
competitions:
  - pima-diabetes@1
  - {domain: tabular, source: native}
seeds: [1, 2]
workers: 2
retries: 1
episode: {max_steps: 8, max_time: 30m, exec_mode: session, score_split: public}
sandbox: {backend: local}
`

func TestParseConfig_ReadsEveryKey(t *testing.T) {
	c, err := eval.ParseConfig([]byte(validConfig))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Agents) != 2 || c.Agents[1].Params["files"] == nil || c.Competitions[0].ID != "pima-diabetes@1" ||
		c.Competitions[1].Domain != "tabular" || len(c.Seeds) != 2 || c.Workers != 2 || c.RetryCount() != 1 ||
		c.Episode.MaxSteps != 8 || time.Duration(c.Episode.MaxTime) != 30*time.Minute || c.Episode.ExecMode != "session" ||
		c.Episode.ScoreSplit != "public" || c.Sandbox.Backend != "local" {
		t.Fatalf("%+v", c)
	}
	if c, _ := eval.ParseConfig([]byte("agents: [{name: a, kind: baseline}]\ncompetitions: [x]\nseeds: [1]\n")); c.RetryCount() != eval.DefaultRetries {
		t.Errorf("default retries %d", c.RetryCount())
	}
}

func TestParseConfig_ErrorsNameTheBadKey(t *testing.T) {
	base := "agents: [{name: a, kind: baseline}]\ncompetitions: [x]\nseeds: [1]\n"
	for _, tc := range []struct{ name, yaml, key string }{
		{"unknown top key", base + "worker: 2\n", `"worker"`},
		{"unknown agent key", "agents: [{name: a, kind: baseline, modle: x}]\ncompetitions: [x]\nseeds: [1]\n", `"agents[0].modle"`},
		{"unknown episode key", base + "episode: {max_step: 3}\n", `"episode.max_step"`},
		{"unknown selector key", "agents: [{name: a, kind: baseline}]\ncompetitions: [{domian: nlp}]\nseeds: [1]\n", `"competitions[0].domian"`},
		{"wrong type", base + "workers: many\n", `"workers"`},
		{"bad duration", base + "episode: {max_time: soon}\n", "max_time"},
		{"no agents", "competitions: [x]\nseeds: [1]\n", `"agents"`},
		{"agent without kind", "agents: [{name: a}]\ncompetitions: [x]\nseeds: [1]\n", `"agents[0].kind"`},
		{"bad agent name", "agents: [{name: A/B, kind: baseline}]\ncompetitions: [x]\nseeds: [1]\n", `"agents[0].name"`},
		{"duplicate agent", "agents: [{name: a, kind: baseline}, {name: a, kind: scripted}]\ncompetitions: [x]\nseeds: [1]\n", `"agents[1].name"`},
		{"no seeds", "agents: [{name: a, kind: baseline}]\ncompetitions: [x]\n", `"seeds"`},
		{"duplicate seed", "agents: [{name: a, kind: baseline}]\ncompetitions: [x]\nseeds: [1, 1]\n", `"seeds[1]"`},
		{"bad exec mode", base + "episode: {exec_mode: warm}\n", `"episode.exec_mode"`},
		{"bad split", base + "episode: {score_split: half}\n", `"episode.score_split"`},
		{"bad backend", base + "sandbox: {backend: vm}\n", `"sandbox.backend"`},
		{"negative retries", base + "retries: -1\n", `"retries"`},
		{"empty selector", "agents: [{name: a, kind: baseline}]\ncompetitions: [{}]\nseeds: [1]\n", `"competitions[0]"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := eval.ParseConfig([]byte(tc.yaml))
			if core.TypeOf(err) != core.TypeConfig || !strings.Contains(err.Error(), tc.key) {
				t.Fatalf("err = %v, want a config error naming %s", err, tc.key)
			}
		})
	}
}

func TestLoadConfig_ResolvesRelativePathsAgainstTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "eval.yaml")
	os.WriteFile(path, []byte(validConfig), 0o644)
	c, err := eval.LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Dir() != dir {
		t.Errorf("Dir() = %q, want %q", c.Dir(), dir)
	}
	if _, err := eval.LoadConfig(filepath.Join(dir, "missing.yaml")); core.TypeOf(err) != core.TypeConfig {
		t.Errorf("missing file: %v", err)
	}
}

func TestConfigChanges_NamesWhatChangedAndIgnoresWorkers(t *testing.T) {
	a, _ := eval.ParseConfig([]byte(validConfig))
	b, _ := eval.ParseConfig([]byte(strings.Replace(strings.Replace(validConfig, "seeds: [1, 2]", "seeds: [1, 2, 3]", 1), "workers: 2", "workers: 8", 1)))
	changes := eval.ConfigChanges(a, b)
	if len(changes) != 1 || !strings.HasPrefix(changes[0], "seeds: [1,2] -> [1,2,3]") {
		t.Fatalf("changes %q", changes)
	}
	if c := eval.ConfigChanges(a, a); len(c) != 0 {
		t.Fatalf("a config differs from itself: %q", c)
	}
	c, _ := eval.ParseConfig([]byte(strings.Replace(validConfig, "kind: scripted", "kind: llm", 1)))
	if ch := eval.ConfigChanges(a, c); len(ch) != 1 || !strings.HasPrefix(ch[0], "agents[1].kind") {
		t.Fatalf("changes %q", ch)
	}
}
