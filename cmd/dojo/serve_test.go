package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestServe_PlaysOverHTTPJSONAndStopsCleanlyOnSIGTERM runs `dojo serve` on a free port, plays a step
// of a hand-made competition over HTTP/JSON, then stops it with SIGTERM: the episode is closed
// cleanly, its history on disk.
func TestServe_PlaysOverHTTPJSONAndStopsCleanlyOnSIGTERM(t *testing.T) {
	const token = "serve-test-token-0123456789"
	cmd, url, runs, stderr := serveToy(t, "DOJO_SERVER_TOKENS="+token)
	call := func(method string, body map[string]any) map[string]any {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(http.MethodPost, url+"/dojo.env.v1.EnvService/"+method, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: HTTP %d %v", method, resp.StatusCode, out)
		}
		return out
	}
	created := call("CreateEpisode", map[string]any{"competition": "toy-species@2"})
	id := created["episode"].(map[string]any)["id"].(string)
	call("Reset", map[string]any{"episode_id": id})
	code := "import os, shutil\nshutil.copy(os.path.join(os.environ.get('DOJO_DATA', '/data'), 'sample_submission.csv'), 'submission.csv')\n"
	step := call("Step", map[string]any{"episode_id": id, "action": map[string]any{"name": "execute_code", "params": map[string]any{"code": code}}})
	if sub, _ := step["observation"].(map[string]any)["submission"].(map[string]any); sub["valid"] != true || sub["raw_score"] != 0.5 {
		t.Fatalf("step %v", step)
	}

	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("dojo serve after SIGTERM: %v\n%s", err, stderr.String())
	}
	b, err := os.ReadFile(filepath.Join(runs, "server", id, "closed.json"))
	if err != nil || !strings.Contains(string(b), `"reason": "shutdown"`) {
		t.Fatalf("closed.json: %s %v", b, err)
	}
	if !strings.Contains(stderr.String(), "procedure=dojo.env.v1.EnvService/Step") || strings.Contains(stderr.String(), token) {
		t.Fatalf("logs:\n%s", stderr.String())
	}
}

func TestServe_RefusesToRunWithoutTokens(t *testing.T) {
	r := dojo(t, []string{"DOJO_RUNS_DIR=" + t.TempDir(), "DOJO_DATA_DIR=" + t.TempDir()}, "serve", "--addr", "127.0.0.1:0")
	if r.code != 1 || !strings.Contains(r.stderr, "no bearer tokens") || !strings.Contains(r.stderr, "DOJO_SERVER_TOKENS") {
		t.Fatalf("%+v", r)
	}
	r = dojo(t, []string{"DOJO_SERVER_TOKENS=short"}, "serve")
	if r.code != 1 || !strings.Contains(r.stderr, "too weak") {
		t.Fatalf("%+v", r)
	}
}

// serveToy starts `dojo serve` on a free loopback port over a fresh data directory holding the
// toy-species@2 test competition, with extra environment (tokens, limits). It returns the process,
// the URL it listens on, its runs directory and its stderr; the process is killed at the end of the
// test if the test has not stopped it.
func serveToy(t *testing.T, env ...string) (cmd *exec.Cmd, url, runs string, stderr *lockedBuffer) {
	t.Helper()
	data := t.TempDir()
	if err := copyDir("../../plugins/tasks/native/testdata/valid", filepath.Join(data, "competitions", "toy-species@2")); err != nil {
		t.Fatal(err)
	}
	runs = filepath.Join(data, "runs")
	cmd = exec.Command(filepath.Join(binDir, "dojo"), "serve", "--addr", "127.0.0.1:0")
	cmd.Env = append(append(os.Environ(), "DOJO_PLUGIN_PATH=", "HOME="+t.TempDir(), "DOJO_DATA_DIR="+data, "DOJO_RUNS_DIR="+runs), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr = &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	r := bufio.NewReader(stdout)
	line, err := r.ReadString('\n')
	url = strings.TrimSpace(strings.TrimPrefix(line, "dojo serve: listening on "))
	if err != nil || !strings.HasPrefix(url, "http://127.0.0.1:") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("first line %q (%v); stderr:\n%s", line, err, stderr.String())
	}
	go io.Copy(io.Discard, r)
	return cmd, url, runs, stderr
}

// copyDir copies a directory tree of regular files.
func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err == nil {
			err = os.WriteFile(filepath.Join(dst, rel), b, 0o644)
		}
		return err
	})
}
