package server_test

import (
	"net"
	"net/http"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/config"
	"github.com/mledojo/dojo/host/env"
	"github.com/mledojo/dojo/host/server"
	"github.com/mledojo/dojo/host/server/apiv1"
)

func openEpisode(t *testing.T, ts *testServer, token string, cfg map[string]any) string {
	t.Helper()
	body := map[string]any{"competition": competitor}
	if cfg != nil {
		body["config"] = cfg
	}
	id := str(get(ts.ok(t, token, "CreateEpisode", body), "episode", "id"))
	ts.ok(t, token, "Reset", map[string]any{"episode_id": id})
	return id
}

// TestOwnership_AnotherTokenCannotSeeStepOrCloseAnEpisode: to token B, token A's episode does not
// exist — over HTTP/JSON and gRPC alike.
func TestOwnership_AnotherTokenCannotSeeStepOrCloseAnEpisode(t *testing.T) {
	ts := startServer(t, nil)
	id := openEpisode(t, ts, tokenA, nil)
	for method, body := range map[string]map[string]any{
		"Reset":         {"episode_id": id},
		"Step":          {"episode_id": id, "action": map[string]any{"name": "request_info"}},
		"GetHistory":    {"episode_id": id},
		"CloseEpisode":  {"episode_id": id},
		"ResumeEpisode": {"episode_id": id},
	} {
		t.Run(method, func(t *testing.T) {
			r := ts.post(t, tokenB, method, body)
			wantError(t, r, "not_found", "episode_not_found")
			if strings.Contains(r.raw, "toy") {
				t.Fatalf("the answer tells B about A's episode: %s", r.raw)
			}
		})
	}
	if eps := ts.ok(t, tokenB, "ListEpisodes", "{}"); len(eps["episodes"].([]any)) != 0 {
		t.Fatalf("B lists %v", eps)
	}
	_, err := ts.grpcClient().Step(t.Context(), bearer(tokenB, &apiv1.StepRequest{EpisodeId: id, Action: &apiv1.Action{Name: "request_info"}}))
	if connect.CodeOf(err) != connect.CodeNotFound || typedError(t, err).GetType() != "episode_not_found" {
		t.Fatalf("gRPC: %v", err)
	}
	// A's episode is untouched by all that.
	if r := ts.ok(t, tokenA, "Step", map[string]any{"episode_id": id, "action": map[string]any{"name": "request_info"}}); r["step"] != 1.0 {
		t.Fatalf("A's step %v", r)
	}
	// Ids that are not ids never reach the disk.
	wantError(t, ts.post(t, tokenA, "GetHistory", map[string]any{"episode_id": "../" + id}), "not_found", "episode_not_found")
}

func TestAuth_CallsWithoutAValidTokenAreRefused(t *testing.T) {
	ts := startServer(t, nil)
	wantError(t, ts.post(t, "", "ListCompetitions", "{}"), "unauthenticated", "unauthenticated")
	wantError(t, ts.post(t, "wrong-token-0123456789", "ListCompetitions", "{}"), "unauthenticated", "unauthenticated")
	r := ts.post(t, "", "CreateEpisode", map[string]any{"competition": competitor})
	wantError(t, r, "unauthenticated", "unauthenticated")
	if r.status != http.StatusUnauthorized {
		t.Fatalf("HTTP %d", r.status)
	}
	_, err := ts.grpcClient().ListEpisodes(t.Context(), connect.NewRequest(&apiv1.ListEpisodesRequest{}))
	if connect.CodeOf(err) != connect.CodeUnauthenticated || typedError(t, err).GetType() != "unauthenticated" {
		t.Fatalf("gRPC without a token: %v", err)
	}
	// Health and metrics need no token.
	resp, err := http.Get(ts.url + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%v %v", resp, err)
	}
	resp.Body.Close()
}

func TestAuth_NoTokenOnlyOnLoopbackAndOnlyWhenAllowed(t *testing.T) {
	ts := startServer(t, func(s *serverSetup) { s.tokens = nil; s.cfg.AllowUnauthenticatedLoopback = true })
	id := str(get(ts.ok(t, "", "CreateEpisode", map[string]any{"competition": competitor}), "episode", "id"))
	if eps := ts.ok(t, "", "ListEpisodes", "{}"); len(eps["episodes"].([]any)) != 1 {
		t.Fatalf("%v", eps)
	}
	// A token that is sent must be valid, even here.
	wantError(t, ts.post(t, "made-up-token-0123456789", "ListEpisodes", "{}"), "unauthenticated", "unauthenticated")
	_ = id

	// Without tokens, a server on every interface, or one whose operator did not allow it, does not start.
	cat, lib, backend := deps(t)
	for _, c := range []struct {
		addr  string
		allow bool
	}{{"0.0.0.0:0", true}, {"127.0.0.1:0", false}} {
		cfg := serverConfig()
		cfg.AllowUnauthenticatedLoopback = c.allow
		srv, err := server.New(server.Options{Config: cfg, RunsDir: t.TempDir(), Episode: env.Config{}, Competitions: lib, Plugins: cat, Sandbox: backend})
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", c.addr)
		if err != nil {
			t.Fatal(err)
		}
		err = srv.Serve(ln)
		if core.TypeOf(err) != core.TypeConfig || !strings.Contains(err.Error(), "no bearer tokens") {
			t.Errorf("%s allow=%v: %v", c.addr, c.allow, err)
		}
	}
}

// TestLimits_PathsOutsideTheWorkspaceAndOversizedCodeOrBodiesAreTypedErrors.
func TestLimits_PathsOutsideTheWorkspaceAndOversizedCodeOrBodiesAreTypedErrors(t *testing.T) {
	ts := startServer(t, nil)
	id := openEpisode(t, ts, tokenA, map[string]any{"actions": []string{"files", "inspect_data"}})
	step := func(name string, params map[string]any) reply {
		return ts.post(t, tokenA, "Step", map[string]any{"episode_id": id, "action": map[string]any{"name": name, "params": params}})
	}
	for _, p := range []map[string]any{
		{"op": "read", "path": "../episode.json"},
		{"op": "read", "path": "a/../../owner.json"},
		{"op": "read", "path": "/etc/passwd"},
		{"op": "write", "path": "/workspace/../x", "content": "x"},
		{"op": "list", "path": ".."},
	} {
		r := step("files", p)
		wantError(t, r, "invalid_argument", "invalid_argument")
		if !strings.Contains(r.header.Get(server.HeaderError), "path") {
			t.Errorf("%v: the error does not say it is the path: %s", p, r.header.Get(server.HeaderError))
		}
	}
	wantError(t, step("inspect_data", map[string]any{"path": "/data/../private/answers.csv"}), "invalid_argument", "invalid_argument")
	// Paths inside are fine, relative or under the mounts.
	if r := ts.ok(t, tokenA, "Step", map[string]any{"episode_id": id, "action": map[string]any{"name": "files", "params": map[string]any{"op": "write", "path": "/workspace/notes.txt", "content": "hi"}}}); get(r, "observation", "status") != "ok" {
		t.Fatalf("write inside: %v", r)
	}
	// None of the refused steps used up the budget.
	if r := ts.ok(t, tokenA, "GetHistory", map[string]any{"episode_id": id}); get(r, "episode", "step") != 1.0 {
		t.Fatalf("steps %v", get(r, "episode", "step"))
	}

	big := strings.Repeat("x = 1\n", 1000) // 6000 bytes over a 4 KiB code limit
	r := step("execute_code", map[string]any{"code": big})
	wantError(t, r, "resource_exhausted", "request_too_large")
	if !strings.Contains(r.header.Get(server.HeaderError), "max_code_bytes") {
		t.Errorf("the error does not name the setting: %s", r.header.Get(server.HeaderError))
	}
	r = ts.post(t, tokenA, "Step", `{"episode_id": "`+id+`", "action": {"name": "execute_code", "params": {"code": "`+strings.Repeat("#", 70<<10)+`"}}}`)
	wantError(t, r, "resource_exhausted", "request_too_large")
	if !strings.Contains(r.header.Get(server.HeaderError), "max_request_bytes") {
		t.Errorf("the error does not name the setting: %s", r.header.Get(server.HeaderError))
	}
	// Over gRPC, the same limit holds.
	params, _ := structpb.NewStruct(map[string]any{"code": big})
	_, err := ts.grpcClient().Step(t.Context(), bearer(tokenA, &apiv1.StepRequest{EpisodeId: id, Action: &apiv1.Action{Name: "execute_code", Params: params}}))
	if connect.CodeOf(err) != connect.CodeResourceExhausted || typedError(t, err).GetType() != "request_too_large" {
		t.Fatalf("gRPC: %v", err)
	}
}

func TestLimits_PastTheEpisodeCapTheServerIsBusy(t *testing.T) {
	ts := startServer(t, func(s *serverSetup) { s.cfg.MaxEpisodes = 2 })
	first := str(get(ts.ok(t, tokenA, "CreateEpisode", map[string]any{"competition": competitor}), "episode", "id"))
	ts.ok(t, tokenB, "CreateEpisode", map[string]any{"competition": competitor})
	r := ts.post(t, tokenA, "CreateEpisode", map[string]any{"competition": competitor})
	wantError(t, r, "resource_exhausted", "server_busy")
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.header.Get(server.HeaderError), "maximum of 2") {
		t.Fatalf("HTTP %d %s", r.status, r.header.Get(server.HeaderError))
	}
	// Resuming counts against the cap too; closing one makes room.
	ts.ok(t, tokenA, "CloseEpisode", map[string]any{"episode_id": first})
	ts.ok(t, tokenA, "CreateEpisode", map[string]any{"competition": competitor})
	wantError(t, ts.post(t, tokenA, "ResumeEpisode", map[string]any{"episode_id": first}), "resource_exhausted", "server_busy")
}

func TestTokens_GatheredFromConfigFileAndEnvironment(t *testing.T) {
	file := t.TempDir() + "/tokens"
	if err := writeFile(file, "# operator tokens\n\nfile-token-0123456789\n"); err != nil {
		t.Fatal(err)
	}
	cfg := config.Server{Tokens: []string{"config-token-0123456789"}, TokenFile: file}
	env := map[string]string{server.EnvTokens: " env-token-0123456789 ,"}
	got, err := server.Tokens(cfg, func(k string) string { return env[k] })
	if err != nil || strings.Join(got, " ") != "config-token-0123456789 file-token-0123456789 env-token-0123456789" {
		t.Fatalf("%q %v", got, err)
	}
	if _, err := server.Tokens(config.Server{Tokens: []string{"short"}}, nil); core.TypeOf(err) != core.TypeConfig {
		t.Fatalf("weak token: %v", err)
	}
	if _, err := server.Tokens(config.Server{TokenFile: file + ".missing"}, nil); core.TypeOf(err) != core.TypeConfig {
		t.Fatalf("missing file: %v", err)
	}
}
