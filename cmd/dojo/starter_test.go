package main

import (
	"encoding/json"
	"testing"
)

// The whole starter pack prepares from the installed Debian packages, and the baseline agent gets a
// valid, ranked submission on every one of its competitions: the first model of its ladder, after
// reading the task (request_info twice, validate_code, execute_code). Preparing the pack takes a few
// minutes on two cores; -short skips it.
func TestStarterPack_BaselineGetsAValidSubmissionOnEveryCompetition(t *testing.T) {
	if testing.Short() {
		t.Skip("prepares the whole starter pack; run without -short")
	}
	data := t.TempDir()
	env := []string{"DOJO_DATA_DIR=" + data, "DOJO_RUNS_DIR=" + data + "/runs"}
	if r := dojo(t, env, "competitions", "prepare", "--pack", "starter"); r.code != 0 {
		t.Fatalf("prepare: %+v", r)
	}
	r := dojo(t, env, "competitions", "list", "--source", "native", "--json")
	var list struct {
		Competitions []struct {
			ID       string `json:"id"`
			Prepared bool   `json:"prepared"`
		} `json:"competitions"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || r.code != 0 {
		t.Fatalf("list: %v %+v", err, r)
	}
	if len(list.Competitions) < 12 {
		t.Fatalf("the starter pack has %d competitions, want at least 12", len(list.Competitions))
	}
	for _, c := range list.Competitions {
		t.Run(c.ID, func(t *testing.T) {
			if !c.Prepared {
				t.Fatalf("%s not prepared", c.ID)
			}
			r := dojo(t, env, "play", "--competition", c.ID, "--agent", "baseline", "--max-steps", "4", "--json")
			var out struct {
				Summary struct {
					Steps   int      `json:"steps"`
					BestRaw *float64 `json:"best_raw_score"`
					Rank    *float64 `json:"best_humanrank"`
					Errors  []string `json:"errors"`
				} `json:"summary"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != 0 {
				t.Fatalf("play: %v %+v", err, r)
			}
			if s := out.Summary; s.Steps != 4 || s.BestRaw == nil || s.Rank == nil || len(s.Errors) > 0 {
				t.Fatalf("summary %+v (stderr %s)", s, r.stderr)
			}
			t.Logf("%s: raw %.4g, HumanRank %.3f", c.ID, *out.Summary.BestRaw, *out.Summary.Rank)
		})
	}
}
