package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk"
	"github.com/mledojo/dojo/sdk/plugintest"
)

func scoredStep() core.StepResult {
	best := 0.7
	return core.StepResult{
		Step: 4, Reward: 0.425,
		Observation: core.Observation{
			Action: core.ActionExecuteCode, Status: "ok", StepsLeft: 6, TimeLeft: 90 * time.Second, BestRaw: &best,
			Execution: &core.ExecutionResult{Stdout: "wrote 10\n", Duration: 1500 * time.Millisecond, Outcome: core.OutcomeOK},
			Submission: &core.SubmissionResult{Valid: true, RawScore: 0.7, HumanRank: &core.Ranking{
				Boards: []core.BoardRank{{Board: "private", Position: 4, Teams: 4, Value: 0.25}, {Board: "public", Position: 3, Teams: 5, Value: 0.6}},
				Mean:   0.425,
			}},
		},
	}
}

func TestBase_RendersTheOriginalsSections(t *testing.T) {
	f := plugintest.Serve(t, sdk.Feedback("base", base{})).Feedback.Component("base")
	resp, err := f.Render(context.Background(), pluginapi.RenderRequest{Step: scoredStep()})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"=== Code Execution Results ===", "Execution successful", "Execution time: 1.50s", "wrote 10",
		"=== Submission Evaluation ===", "Private leaderboard: position 4 / 4", "Public leaderboard: position 3 / 5",
		"Average HumanRank: 0.4250", "Raw score: 0.7", "Best raw score so far: 0.7", "Steps left: 6, time left: 1m30s",
	} {
		if !strings.Contains(resp.Text, want) {
			t.Errorf("missing %q in:\n%s", want, resp.Text)
		}
	}
}

func TestBase_ErrorsShowTypeDetailsAndCauses(t *testing.T) {
	s := core.StepResult{Step: 1, Observation: core.Observation{Action: core.ActionExecuteCode, Status: "error",
		Error: core.Errorf(core.TypeSubmissionInvalid, "submission is missing 3 ids").WithDetails("missing: r1, r2, r3").WithCauses("predict every id")}}
	resp, err := base{}.Render(context.Background(), pluginapi.RenderRequest{Step: s})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"=== Error ===", "Type: submission_invalid", "missing: r1, r2, r3", "  - predict every id"} {
		if !strings.Contains(resp.Text, want) {
			t.Errorf("missing %q in:\n%s", want, resp.Text)
		}
	}
}

func TestBase_LongOutputKeepsItsEnd(t *testing.T) {
	s := scoredStep()
	s.Observation.Execution.Stderr = strings.Repeat("x", 10000) + "ValueError: the end"
	resp, _ := base{}.Render(context.Background(), pluginapi.RenderRequest{Step: s})
	if !strings.Contains(resp.Text, "ValueError: the end") || !strings.Contains(resp.Text, "earlier bytes not shown") || len(resp.Text) > 6000 {
		t.Fatalf("clipping: %d bytes", len(resp.Text))
	}
}

func TestStructured_TextAndDataAgree(t *testing.T) {
	f := plugintest.Serve(t, sdk.Feedback("structured", structured{})).Feedback.Component("structured")
	resp, err := f.Render(context.Background(), pluginapi.RenderRequest{Step: scoredStep()})
	if err != nil {
		t.Fatal(err)
	}
	var fromText map[string]any
	if err := json.Unmarshal([]byte(resp.Text), &fromText); err != nil {
		t.Fatal(err)
	}
	sub := resp.Data["submission"].(map[string]any)
	if sub["humanrank"] != 0.425 || fromText["reward"] != 0.425 || resp.Data["best_raw_score"] != 0.7 {
		t.Fatalf("data %+v", resp.Data)
	}
}
