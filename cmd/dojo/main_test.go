package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// binDir holds dojo and bin/plugins built for these tests; testPluginDir the test plugins.
var binDir, testPluginDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dojo-cli-test")
	if err != nil {
		panic(err)
	}
	binDir = dir
	testPluginDir = filepath.Join(dir, "testplugins")
	steps := [][]string{
		{"go", "build", "-o", filepath.Join(dir, "dojo"), "github.com/mledojo/dojo/cmd/dojo"},
		{"go", "build", "-o", filepath.Join(dir, "plugins") + "/", "github.com/mledojo/dojo/plugins/..."},
		{"go", "build", "-o", testPluginDir + "/", "github.com/mledojo/dojo/internal/testplugins/..."},
	}
	for _, s := range steps {
		cmd := exec.Command(s[0], s[1:]...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "build:", strings.Join(s, " "), err)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

// dojo runs the built CLI with a clean plugin path plus extra environment.
func dojo(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(filepath.Join(binDir, "dojo"), args...)
	cmd.Env = append(os.Environ(), "DOJO_PLUGIN_PATH=", "HOME="+t.TempDir())
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

func TestVersion_Prints(t *testing.T) {
	r := dojo(t, nil, "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "dojo ") {
		t.Fatalf("%+v", r)
	}
}

func TestPluginsList_JSONListsAllFourKindsFromSeparateBinaries(t *testing.T) {
	r := dojo(t, []string{"DOJO_PLUGIN_PATH=" + testPluginDir}, "plugins", "list", "--json")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	var out struct {
		Components []struct {
			Kind, Name, Plugin, Binary string
			APIVersion                 int `json:"api_version"`
		}
		Problems []any
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err, r.stdout)
	}
	binaryOf := map[string]string{}
	for _, c := range out.Components {
		if c.APIVersion != 1 || c.Binary == "" {
			t.Errorf("component %+v lacks a binary or API version", c)
		}
		binaryOf[c.Kind] = c.Plugin
	}
	seen := map[string]bool{}
	for _, kind := range []string{"metric", "action", "feedback", "tasks"} {
		b, ok := binaryOf[kind]
		if !ok {
			t.Errorf("no %s component listed", kind)
		}
		seen[b] = true
	}
	if len(seen) != 4 {
		t.Errorf("kinds come from %d binaries, want 4 separate ones: %v", len(seen), binaryOf)
	}
	for _, want := range []string{"accuracy", "roc_auc", "log_loss", "f1", "rmse", "rmsle", "mae", "r2"} {
		if !strings.Contains(r.stdout, `"name": "`+want+`"`) {
			t.Errorf("metric %s not listed", want)
		}
	}
}

func TestPluginsDescribe_ShowsAnActionsSchema(t *testing.T) {
	r := dojo(t, []string{"DOJO_PLUGIN_PATH=" + testPluginDir}, "plugins", "describe", "action/echo")
	if r.code != 0 || !strings.Contains(r.stdout, `"params_schema"`) {
		t.Fatalf("%+v", r)
	}
	r = dojo(t, nil, "plugins", "describe", "nope")
	if r.code != 1 || !strings.Contains(r.stderr, "plugin_not_found") {
		t.Fatalf("%+v", r)
	}
}

func TestConfig_BadKeyNamesKeyAndSource(t *testing.T) {
	r := dojo(t, []string{"DOJO_LOG__LEVL=debug"}, "config", "show")
	if r.code != 1 || !strings.Contains(r.stderr, "DOJO_LOG__LEVL") || !strings.Contains(r.stderr, "DOJO_LOG__LEVEL") {
		t.Fatalf("%+v", r)
	}
}

func TestUsage_UnknownCommandAndMissingFlagsExitTwo(t *testing.T) {
	for _, args := range [][]string{{"bogus"}, {"score", "--metric", "rmse"}, {}} {
		if r := dojo(t, nil, args...); r.code != 2 {
			t.Errorf("dojo %v: exit %d, want 2: %s", args, r.code, r.stderr)
		}
	}
}

// TestPluginGuide_ExampleIsTestedAndScores keeps docs/plugins.md honest: the guide's plugin is the
// tested file verbatim, and it scores through the CLI.
func TestPluginGuide_ExampleIsTestedAndScores(t *testing.T) {
	src, err := os.ReadFile("../../internal/testplugins/mape/main.go")
	if err != nil {
		t.Fatal(err)
	}
	guide, err := os.ReadFile("../../docs/plugins.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(guide), string(src)) {
		t.Fatal("docs/plugins.md no longer shows internal/testplugins/mape/main.go verbatim")
	}
	dir := t.TempDir()
	a, s := filepath.Join(dir, "a.csv"), filepath.Join(dir, "s.csv")
	os.WriteFile(a, []byte("id,target\n1,100\n2,50\n"), 0o644)
	os.WriteFile(s, []byte("id,target\n2,55\n1,90\n"), 0o644)
	r := dojo(t, []string{"DOJO_PLUGIN_PATH=" + testPluginDir}, "score", "--metric", "mape", "--answers", a, "--submission", s, "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"raw_score": 0.1`) {
		t.Fatalf("%+v", r)
	}
}
