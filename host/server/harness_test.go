package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/hashicorp/go-hclog"

	"github.com/mledojo/dojo/host/catalog"
	"github.com/mledojo/dojo/host/competitions"
	"github.com/mledojo/dojo/host/config"
	"github.com/mledojo/dojo/host/env"
	"github.com/mledojo/dojo/host/sandbox"
	"github.com/mledojo/dojo/host/sandbox/local"
	"github.com/mledojo/dojo/host/server"
	"github.com/mledojo/dojo/host/server/apiv1/apiv1connect"
)

// pluginDir holds the real plugins these tests run: the native task loader, the metrics, the
// feedback styles, the toolbox actions and the test plugins.
var pluginDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dojo-server-test")
	if err != nil {
		panic(err)
	}
	pluginDir = dir
	build := exec.Command("go", "build", "-o", dir+"/",
		"github.com/mledojo/dojo/plugins/tasks/native", "github.com/mledojo/dojo/plugins/metrics/classification",
		"github.com/mledojo/dojo/plugins/feedback/basic", "github.com/mledojo/dojo/plugins/actions/toolbox",
		"github.com/mledojo/dojo/internal/testplugins/testaction")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building plugins:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	shared.close()
	os.RemoveAll(dir)
	os.Exit(code)
}

const (
	tokenA     = "token-a-0123456789abcdef"
	tokenB     = "token-b-0123456789abcdef"
	competitor = "toy-species@2"
)

// sharedDeps are the catalog, competition library and sandbox backend every test server uses: the
// plugins start once for the whole run, as they do in one `dojo serve`.
type sharedDeps struct {
	once    sync.Once
	cat     *catalog.Catalog
	lib     *competitions.Library
	backend sandbox.Backend
	err     error
}

var shared sharedDeps

func (s *sharedDeps) close() {
	if s.cat != nil {
		s.cat.Close()
	}
}

func deps(t *testing.T) (*catalog.Catalog, *competitions.Library, sandbox.Backend) {
	t.Helper()
	shared.once.Do(func() {
		shared.cat, shared.err = catalog.Open(context.Background(), catalog.Options{Dirs: []string{pluginDir}, StartTimeout: 30 * time.Second})
		if shared.err != nil {
			return
		}
		data, err := os.MkdirTemp(pluginDir, "competitions")
		if err != nil {
			shared.err = err
			return
		}
		if shared.err = copyTree("../../plugins/tasks/native/testdata/valid", filepath.Join(data, competitor)); shared.err != nil {
			return
		}
		shared.lib = competitions.New(shared.cat, competitions.Root{Loader: competitions.NativeLoader, Dir: data})
		// The local sandbox isolates where the kernel lets it; elsewhere it runs without isolation,
		// which these tests of the API do not depend on.
		b := local.New(local.Options{CgroupParent: os.Getenv("DOJO_TEST_CGROUP_PARENT")})
		if b.Check(context.Background()).Insecure {
			b = local.New(local.Options{Insecure: true})
		}
		shared.backend = b
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.cat, shared.lib, shared.backend
}

// testServer is one running server on 127.0.0.1:0.
type testServer struct {
	srv    *server.Server
	url    string
	addr   string
	runs   string
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// serverConfig is the test default: small limits, two tokens.
func serverConfig() config.Server {
	c := config.Defaults().Server
	c.MaxEpisodes = 4
	c.MaxCodeBytes = 4 << 10
	c.MaxRequestBytes = 64 << 10
	c.MaxStepsCap = 20
	c.ShutdownGrace = 2 * time.Minute
	return c
}

type serverSetup struct {
	cfg    config.Server
	tokens []string
	runs   string
}

func startServer(t *testing.T, change func(*serverSetup)) *testServer {
	t.Helper()
	cat, lib, backend := deps(t)
	setup := serverSetup{cfg: serverConfig(), tokens: []string{tokenA, tokenB}, runs: t.TempDir()}
	if change != nil {
		change(&setup)
	}
	logs := &syncBuffer{}
	srv, err := server.New(server.Options{
		Config: setup.cfg, Tokens: setup.tokens, RunsDir: setup.runs,
		Episode:      env.Config{MaxSteps: 10, MaxTime: time.Hour, ExecTimeout: 2 * time.Minute, Feedback: []string{"base"}, Limits: sandbox.Limits{MemoryBytes: 2 << 30}},
		Competitions: lib, Plugins: cat, Sandbox: backend, Version: "test",
		Logger: hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Info}),
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ts := &testServer{srv: srv, url: "http://" + ln.Addr().String(), addr: ln.Addr().String(), runs: setup.runs, logs: logs, cancel: cancel, done: make(chan error, 1)}
	go func() { ts.done <- srv.Run(ctx, ln) }()
	t.Cleanup(func() { ts.stop(t) })
	return ts
}

// stop shuts the server down (once) and returns Run's error.
func (ts *testServer) stop(t *testing.T) error {
	t.Helper()
	ts.cancel()
	err, ok := <-ts.done
	if ok {
		close(ts.done)
	}
	return err
}

// reply is an HTTP/JSON answer.
type reply struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// post calls method over Connect's HTTP/JSON protocol with plain net/http.
func (ts *testServer) post(t *testing.T, token, method string, body any) reply {
	t.Helper()
	var b []byte
	switch x := body.(type) {
	case string:
		b = []byte(x)
	case []byte:
		b = x
	default:
		var err error
		if b, err = json.Marshal(body); err != nil {
			t.Fatal(err)
		}
	}
	req, err := http.NewRequest(http.MethodPost, ts.url+"/dojo.env.v1.EnvService/"+method, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	if err := json.Unmarshal(raw, &r.body); err != nil {
		t.Fatalf("%s: body is not JSON: %v\n%s", method, err, raw)
	}
	return r
}

// ok posts and fails the test unless the call succeeded.
func (ts *testServer) ok(t *testing.T, token, method string, body any) map[string]any {
	t.Helper()
	r := ts.post(t, token, method, body)
	if r.status != http.StatusOK {
		t.Fatalf("%s: HTTP %d: %s", method, r.status, r.raw)
	}
	return r.body
}

// wantError checks a failed HTTP/JSON call: the Connect code, the Dojo-Error-Type header, the
// Dojo-Error header's JSON and the typed error detail in the body.
func wantError(t *testing.T, r reply, code, errType string) {
	t.Helper()
	if r.status == http.StatusOK {
		t.Fatalf("want a %s error, the call succeeded: %s", code, r.raw)
	}
	if r.body["code"] != code {
		t.Errorf("code %v, want %s: %s", r.body["code"], code, r.raw)
	}
	if got := r.header.Get(server.HeaderErrorType); got != errType {
		t.Errorf("%s header %q, want %q", server.HeaderErrorType, got, errType)
	}
	var typed struct{ Type, Message string }
	if err := json.Unmarshal([]byte(r.header.Get(server.HeaderError)), &typed); err != nil || typed.Type != errType || typed.Message == "" {
		t.Errorf("%s header %q: %v", server.HeaderError, r.header.Get(server.HeaderError), err)
	}
	details, _ := r.body["details"].([]any)
	if len(details) != 1 {
		t.Fatalf("want one error detail: %s", r.raw)
	}
	d := details[0].(map[string]any)
	debug, _ := d["debug"].(map[string]any)
	if d["type"] != "dojo.env.v1.Error" || debug["type"] != errType {
		t.Errorf("detail %v, want a dojo.env.v1.Error of type %s", d, errType)
	}
}

// grpcClient speaks gRPC over HTTP/2 without TLS.
func (ts *testServer) grpcClient() apiv1connect.EnvServiceClient {
	p := new(http.Protocols)
	p.SetUnencryptedHTTP2(true)
	return apiv1connect.NewEnvServiceClient(&http.Client{Transport: &http.Transport{Protocols: p}}, ts.url, connect.WithGRPC())
}

func bearer[T any](token string, msg *T) *connect.Request[T] {
	r := connect.NewRequest(msg)
	r.Header().Set("Authorization", "Bearer "+token)
	return r
}

// eventually polls cond until it holds, failing after a minute: a wait, not a timing assertion.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// submissionCode writes a submission to the toy competition; with right, both rows are right.
func submissionCode(right bool) string {
	rule := `"small" if s < 5 else "large"`
	if !right {
		rule = `"small"`
	}
	return `import os
import pandas as pd
data = os.environ.get("DOJO_DATA", "/data")
t = pd.read_csv(os.path.join(data, "test.csv"))
t["species"] = [` + rule + ` for s in t["size"]]
t[["id", "species"]].to_csv("submission.csv", index=False)
print("rows", len(t))
`
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
}

// get reads a nested field of a JSON object: get(m, "episode", "id").
func get(m map[string]any, path ...string) any {
	var v any = m
	for _, p := range path {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = obj[p]
	}
	return v
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func asConnectError(err error) *connect.Error {
	var ce *connect.Error
	if errors.As(err, &ce) {
		return ce
	}
	return nil
}

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o600) }
