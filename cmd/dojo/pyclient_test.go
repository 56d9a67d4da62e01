package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// systemPython is the interpreter the Python client's tests run under: the stdlib is all they need.
const systemPython = "/usr/bin/python3"

// pyServer is a `dojo serve` started for the Python client's tests.
type pyServer struct {
	url, token, competition       string
	maxEpisodes, maxCode, maxBody int
	cmd                           *exec.Cmd
	stderr                        *lockedBuffer
}

// lockedBuffer is a bytes.Buffer that the server's stderr copier and the test may use at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startPyServer runs the built `dojo serve` on 127.0.0.1:0 with the toy-species@2 test competition,
// one token and small limits (the tests reach max_episodes and max_code_bytes on purpose).
func startPyServer(t *testing.T) *pyServer {
	t.Helper()
	s := &pyServer{token: "python-client-test-token-0123456789", competition: "toy-species@2", maxEpisodes: 6, maxCode: 4096, maxBody: 64 << 10}
	s.cmd, s.url, _, s.stderr = serveToy(t, "DOJO_SERVER_TOKENS="+s.token,
		"DOJO_SERVER__MAX_EPISODES="+strconv.Itoa(s.maxEpisodes), "DOJO_SERVER__MAX_CODE_BYTES="+strconv.Itoa(s.maxCode),
		"DOJO_SERVER__MAX_REQUEST_BYTES="+strconv.Itoa(s.maxBody), "DOJO_SERVER__MAX_STEPS_CAP=50")
	t.Cleanup(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		if err := s.cmd.Wait(); err != nil {
			t.Errorf("dojo serve after SIGTERM: %v\n%s", err, s.stderr.String())
		}
	})
	return s
}

// requirePython returns the system interpreter, skipping the test where it is missing, except in CI
// (CI set), where a missing interpreter is a broken machine and fails the test.
func requirePython(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(systemPython); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing (%v): the Python client's tests need it in CI (make deps installs it)", systemPython, err)
		}
		t.Skipf("%s is missing: %v", systemPython, err)
	}
	return systemPython
}

// TestPythonClient_UnittestsPassAgainstALiveServer runs clients/python's unittest suite (unit tests
// and live tests) against a real `dojo serve`: whole episodes, typed errors, resume, the vector env
// and the gymnasium path. Every test must run: a skipped one means the server was not handed over.
func TestPythonClient_UnittestsPassAgainstALiveServer(t *testing.T) {
	python := requirePython(t)
	s := startPyServer(t)
	tests, err := filepath.Abs("../../clients/python/tests")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "-m", "unittest", "discover", "-v", "-s", tests, "-t", tests)
	cmd.Dir = tests
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "PYTHONPATH=",
		"DOJO_TEST_URL="+s.url, "DOJO_TEST_TOKEN="+s.token, "DOJO_TEST_COMPETITION="+s.competition,
		"DOJO_TEST_MAX_EPISODES="+strconv.Itoa(s.maxEpisodes), "DOJO_TEST_MAX_CODE_BYTES="+strconv.Itoa(s.maxCode),
		"DOJO_TEST_MAX_REQUEST_BYTES="+strconv.Itoa(s.maxBody))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python tests failed (%v):\n%s\nserver log tail:\n%s", err, out, tail(s.stderr.String(), 4000))
	}
	ran := regexp.MustCompile(`Ran (\d+) tests?`).FindSubmatch(out)
	if ran == nil {
		t.Fatalf("no unittest summary:\n%s", out)
	}
	t.Logf("%s against %s", ran[0], s.url)
	if n, _ := strconv.Atoi(string(ran[1])); n < 25 {
		t.Errorf("only %d Python tests ran; expected the whole suite:\n%s", n, out)
	}
	if bytes.Contains(out, []byte("skipped")) {
		t.Errorf("Python tests were skipped against a live server:\n%s", out)
	}
	// The token never reaches the server's logs.
	if strings.Contains(s.stderr.String(), s.token) {
		t.Error("the server logged the bearer token")
	}
}

// TestPythonClient_ExampleAgentScores keeps clients/python/examples/random_agent.py working: it plays
// a whole episode and its first step scores the sample submission.
func TestPythonClient_ExampleAgentScores(t *testing.T) {
	python := requirePython(t)
	s := startPyServer(t)
	cmd := exec.Command(python, "../../clients/python/examples/random_agent.py", "--competition", s.competition, "--steps", "4", "--seed", "1")
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "DOJO_URL="+s.url, "DOJO_TOKEN="+s.token)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("random_agent.py: %v\n%s", err, out)
	}
	for _, want := range []string{"step 1: execute_code -> ok", `"steps": 4`, `"best_raw_score": 0.5`, `"truncated": true`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// tail is the last n bytes of s.
func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
