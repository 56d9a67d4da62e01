package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/structpb"

	"github.com/mledojo/dojo/host/server/apiv1"
)

// TestHTTPJSON_AWholeEpisodeWithPlainNetHTTP drives an episode the way a client with nothing but an
// HTTP library does: JSON bodies with snake_case fields, observations as plain objects.
func TestHTTPJSON_AWholeEpisodeWithPlainNetHTTP(t *testing.T) {
	ts := startServer(t, nil)

	comps := ts.ok(t, tokenA, "ListCompetitions", map[string]any{"prepared_only": true})
	list, _ := comps["competitions"].([]any)
	if len(list) != 1 || get(list[0].(map[string]any), "id") != competitor || get(list[0].(map[string]any), "prepared") != true ||
		get(list[0].(map[string]any), "metric") != "accuracy" {
		t.Fatalf("competitions %v", comps)
	}
	actions := ts.ok(t, tokenA, "ListActions", "{}")
	names := map[string]map[string]any{}
	for _, a := range actions["actions"].([]any) {
		m := a.(map[string]any)
		names[str(m["name"])] = m
	}
	if names["execute_code"]["core"] != true || get(names["execute_code"], "params_schema", "required") == nil ||
		names["files"]["plugin"] != "toolbox" || get(names["files"], "params_schema", "properties", "op") == nil {
		t.Fatalf("actions %v", actions)
	}

	created := ts.ok(t, tokenA, "CreateEpisode", map[string]any{
		"competition": competitor, "config": map[string]any{"max_steps": 5, "actions": []string{"files"}, "seed": 7},
	})
	id := str(get(created, "episode", "id"))
	if id == "" || get(created, "episode", "status") != "open" || get(created, "episode", "config", "max_steps") != 5.0 ||
		get(created, "episode", "terminated") != false {
		t.Fatalf("created %v", created)
	}

	reset := ts.ok(t, tokenA, "Reset", map[string]any{"episode_id": id})
	if !strings.Contains(str(get(reset, "observation", "info", "task")), "Toy species") || get(reset, "info", "episode_id") != id ||
		get(reset, "observation", "steps_left") != 5.0 {
		t.Fatalf("reset %v", reset)
	}

	info := ts.ok(t, tokenA, "Step", map[string]any{"episode_id": id, "action": map[string]any{"name": "request_info", "params": map[string]any{"info_type": "name"}}})
	if info["step"] != 1.0 || get(info, "observation", "status") != "ok" || info["reward"] != 0.0 {
		t.Fatalf("request_info %v", info)
	}
	// An agent's mistake is in the observation, typed; the call itself succeeds.
	bad := ts.ok(t, tokenA, "Step", map[string]any{"episode_id": id, "action": map[string]any{"name": "execute_code", "params": map[string]any{"code": "raise SystemExit(3)"}}})
	if get(bad, "observation", "status") != "error" || get(bad, "observation", "error", "type") != "code_runtime" {
		t.Fatalf("failing code %v", bad)
	}
	run := ts.ok(t, tokenA, "Step", map[string]any{"episode_id": id, "action": map[string]any{"name": "execute_code", "params": map[string]any{"code": submissionCode(true)}}})
	if get(run, "observation", "submission", "valid") != true || get(run, "observation", "submission", "raw_score") != 1.0 ||
		run["reward"].(float64) <= 0 || !strings.Contains(str(get(run, "observation", "execution", "stdout")), "rows 2") ||
		str(get(run, "observation", "feedback", "base")) == "" {
		t.Fatalf("execute_code %v", run)
	}
	files := ts.ok(t, tokenA, "Step", map[string]any{"episode_id": id, "action": map[string]any{"name": "files", "params": map[string]any{"op": "read", "path": "submission.csv"}}})
	if !strings.Contains(str(get(files, "observation", "info", "output")), "large") {
		t.Fatalf("files read %v", files)
	}

	hist := ts.ok(t, tokenA, "GetHistory", map[string]any{"episode_id": id})
	events, _ := hist["events"].([]any)
	if len(events) != 5 || get(events[0].(map[string]any), "type") != "reset" || get(events[3].(map[string]any), "action", "action") != "execute_code" ||
		get(hist, "episode", "step") != 4.0 {
		t.Fatalf("history: %d events, %v", len(events), hist["episode"])
	}
	last := ts.ok(t, tokenA, "GetHistory", map[string]any{"episode_id": id, "last": 1})
	if n := len(last["events"].([]any)); n != 1 {
		t.Fatalf("last 1: %d events", n)
	}

	eps := ts.ok(t, tokenA, "ListEpisodes", "{}")
	if l := eps["episodes"].([]any); len(l) != 1 || get(l[0].(map[string]any), "id") != id {
		t.Fatalf("episodes %v", eps)
	}
	closed := ts.ok(t, tokenA, "CloseEpisode", map[string]any{"episode_id": id})
	if get(closed, "episode", "status") != "closed" || get(closed, "episode", "close_reason") != "client" || get(closed, "episode", "step") != 4.0 {
		t.Fatalf("closed %v", closed)
	}
	// The history outlives the episode; steps do not.
	if h := ts.ok(t, tokenA, "GetHistory", map[string]any{"episode_id": id}); len(h["events"].([]any)) != 5 {
		t.Fatalf("history after close %v", h)
	}
	wantError(t, ts.post(t, tokenA, "Step", map[string]any{"episode_id": id, "action": map[string]any{"name": "request_info"}}),
		"failed_precondition", "episode_closed")

	// A misspelt field is an error, not silently ignored.
	wantUnknown := ts.post(t, tokenA, "CreateEpisode", map[string]any{"competition": competitor, "config": map[string]any{"max_step": 3}})
	if wantUnknown.status == http.StatusOK || wantUnknown.body["code"] != "invalid_argument" {
		t.Fatalf("unknown field: %s", wantUnknown.raw)
	}
}

// TestHTTPJSON_OperatorLimitsBoundTheConfig checks CreateEpisode's overrides against the caps.
func TestHTTPJSON_OperatorLimitsBoundTheConfig(t *testing.T) {
	ts := startServer(t, nil)
	for _, c := range []map[string]any{
		{"max_steps": 21}, {"max_steps": 0}, {"max_time_s": 7200}, {"exec_timeout_s": 600},
		{"exec_mode": "forever"}, {"score_mode": "vibes"}, {"actions": []string{"execute_code"}},
	} {
		r := ts.post(t, tokenA, "CreateEpisode", map[string]any{"competition": competitor, "config": c})
		wantError(t, r, "invalid_argument", "invalid_argument")
	}
	wantError(t, ts.post(t, tokenA, "CreateEpisode", map[string]any{"competition": "nope@1"}), "not_found", "competition_not_found")
	wantError(t, ts.post(t, tokenA, "CreateEpisode", map[string]any{"competition": competitor, "config": map[string]any{"actions": []string{"teleport"}}}),
		"not_found", "plugin_not_found")
	ok := ts.ok(t, tokenA, "CreateEpisode", map[string]any{"competition": competitor, "config": map[string]any{
		"max_steps": 20, "max_time_s": 60, "exec_timeout_s": 30, "exec_mode": "session", "score_mode": "raw", "feedback": []string{"none"},
	}})
	cfg := get(ok, "episode", "config").(map[string]any)
	if cfg["max_steps"] != 20.0 || cfg["max_time_s"] != 60.0 || cfg["exec_timeout_s"] != 30.0 || cfg["exec_mode"] != "session" ||
		cfg["score_mode"] != "raw" || len(cfg["feedback"].([]any)) != 0 {
		t.Fatalf("config %v", cfg)
	}
}

// TestGRPC_AWholeEpisodeOverGRPC drives an episode with a gRPC client over HTTP/2 without TLS, on
// the same port as HTTP/JSON.
func TestGRPC_AWholeEpisodeOverGRPC(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.grpcClient()
	ctx := t.Context()
	created, err := c.CreateEpisode(ctx, bearer(tokenA, &apiv1.CreateEpisodeRequest{Competition: competitor}))
	if err != nil {
		t.Fatal(err)
	}
	id := created.Msg.GetEpisode().GetId()
	seed := int64(3)
	reset, err := c.Reset(ctx, bearer(tokenA, &apiv1.ResetRequest{EpisodeId: id, Seed: &seed}))
	if err != nil || reset.Msg.GetInfo().GetFields()["episode_id"].GetStringValue() != id {
		t.Fatalf("%v %v", reset, err)
	}
	params, _ := structpb.NewStruct(map[string]any{"code": submissionCode(false)})
	res, err := c.Step(ctx, bearer(tokenA, &apiv1.StepRequest{EpisodeId: id, Action: &apiv1.Action{Name: "execute_code", Params: params}}))
	if err != nil {
		t.Fatal(err)
	}
	sub := res.Msg.GetObservation().GetFields()["submission"].GetStructValue().GetFields()
	if res.Msg.GetStep() != 1 || !sub["valid"].GetBoolValue() || sub["raw_score"].GetNumberValue() != 0.5 {
		t.Fatalf("step %v", res.Msg)
	}
	list, err := c.ListEpisodes(ctx, bearer(tokenA, &apiv1.ListEpisodesRequest{}))
	if err != nil || len(list.Msg.GetEpisodes()) != 1 || list.Msg.GetEpisodes()[0].GetStep() != 1 {
		t.Fatalf("%v %v", list, err)
	}
	closed, err := c.CloseEpisode(ctx, bearer(tokenA, &apiv1.CloseEpisodeRequest{EpisodeId: id}))
	if err != nil || closed.Msg.GetEpisode().GetStatus() != "closed" {
		t.Fatalf("%v %v", closed, err)
	}
	// The typed error reaches a gRPC client as an error detail.
	_, err = c.Step(ctx, bearer(tokenA, &apiv1.StepRequest{EpisodeId: id, Action: &apiv1.Action{Name: "request_info"}}))
	if typed := typedError(t, err); typed.GetType() != "episode_closed" {
		t.Fatalf("%v", err)
	}
}

// TestObservability_HealthzMetricsAndOneLogLinePerCall checks the operator's view.
func TestObservability_HealthzMetricsAndOneLogLinePerCall(t *testing.T) {
	ts := startServer(t, nil)
	id := str(get(ts.ok(t, tokenA, "CreateEpisode", map[string]any{"competition": competitor}), "episode", "id"))
	ts.ok(t, tokenA, "Reset", map[string]any{"episode_id": id})
	ts.ok(t, tokenA, "Step", map[string]any{"episode_id": id, "action": map[string]any{"name": "execute_code", "params": map[string]any{"code": "print(1)"}}})
	ts.ok(t, tokenA, "Step", map[string]any{"episode_id": id, "action": map[string]any{"name": "no-such-action-" + id}})

	resp, err := http.Get(ts.url + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = http.Get(ts.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		"dojo_server_episodes_active 1", "dojo_server_episodes_created_total 1",
		`dojo_server_steps_total{action="execute_code",status="error"} 1`, // no submission written
		`dojo_server_steps_total{action="unknown",status="error"} 1`,
		`dojo_server_step_duration_seconds_count{action="execute_code"} 1`,
		`dojo_server_sandbox_outcomes_total{outcome="ok"} 1`,
		`dojo_server_requests_total{code="ok",procedure="Step"} 2`,
		"dojo_plugin_restarts_total{plugin=",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(string(body), "no-such-action") {
		t.Error("a client's action name became a metric label")
	}
	logs := ts.logs.String()
	line := ""
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, "procedure=dojo.env.v1.EnvService/Step") && strings.Contains(l, "action=execute_code") {
			line = l
		}
	}
	if line == "" || !strings.Contains(line, "episode="+id) || !strings.Contains(line, "status=ok") || !strings.Contains(line, "latency=") {
		t.Fatalf("no log line for the step:\n%s", logs)
	}
	if strings.Contains(logs, tokenA) {
		t.Fatal("a token was logged")
	}
}

func typedError(t *testing.T, err error) *apiv1.Error {
	t.Helper()
	ce := asConnectError(err)
	if ce == nil {
		t.Fatalf("not a connect error: %v", err)
	}
	for _, d := range ce.Details() {
		v, derr := d.Value()
		if e, ok := v.(*apiv1.Error); ok && derr == nil {
			return e
		}
	}
	b, _ := json.Marshal(ce.Details())
	t.Fatalf("no dojo.env.v1.Error detail in %v (%s)", err, b)
	return nil
}
