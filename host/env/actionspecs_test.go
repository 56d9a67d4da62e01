package env_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/mledojo/dojo/host/env"
)

func TestReset_InfoDescribesTheCustomActions(t *testing.T) {
	e := newEpisode(t, env.Config{Actions: []string{"echo", "probe"}})
	_, info, err := e.Reset(context.Background(), env.ResetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	specs, ok := info["action_specs"].([]env.ActionSpec)
	if !ok || len(specs) != 2 {
		t.Fatalf("action_specs %#v", info["action_specs"])
	}
	if s := specs[0]; s.Name != "echo" || s.Description != "returns its params" || string(s.ParamsSchema) != `{"type":"object"}` {
		t.Fatalf("echo's spec %+v", s)
	}
	if s := specs[1]; s.Name != "probe" || s.Description == "" || s.ParamsSchema != nil {
		t.Fatalf("probe's spec %+v", s)
	}
	// It crosses JSON as a remote env would send it.
	b, err := json.Marshal(info)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Specs []env.ActionSpec `json:"action_specs"`
	}
	if err := json.Unmarshal(b, &back); err != nil || len(back.Specs) != 2 || string(back.Specs[0].ParamsSchema) != `{"type":"object"}` {
		t.Fatalf("JSON %s: %v", b, err)
	}
}
