package env_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/catalog"
	"github.com/mledojo/dojo/host/env"
	"github.com/mledojo/dojo/host/env/envtest"
)

// splitIDs reads the public (or held-out) answers an episode cut, as id -> label.
func splitIDs(t *testing.T, dir, file string) map[string]int {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "split", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range rows[1:] {
		out[r[0]], _ = strconv.Atoi(r[1])
	}
	return out
}

// accuracyOn is the accuracy of envtest.SubmitCode(correct) on the given ids, computed by hand.
func accuracyOn(ids map[string]int, correct int) float64 {
	right := 0
	for id := range ids {
		i, _ := strconv.Atoi(strings.TrimPrefix(id, "r"))
		if i < correct {
			right++
		}
	}
	return float64(right) / float64(len(ids))
}

func TestScoreSplitPublic_ScoresThePublicPartAndHoldsTheRestOut(t *testing.T) {
	dir := t.TempDir()
	e := newEpisode(t, env.Config{Dir: dir, ScoreSplit: env.SplitPublic, PublicFraction: 0.5, Seed: 7, MaxSteps: 2})
	public, heldOut := splitIDs(t, dir, "answers_public.csv"), splitIDs(t, dir, "answers_heldout.csv")
	if len(public) != 5 || len(heldOut) != 5 {
		t.Fatalf("split %d public / %d held out, want 5 / 5", len(public), len(heldOut))
	}
	for id := range public {
		if _, ok := heldOut[id]; ok {
			t.Fatalf("id %s in both parts", id)
		}
	}
	res := step(t, e, core.ActionExecuteCode, core.Params{"code": envtest.SubmitCode(7)})
	sub := res.Observation.Submission
	if sub == nil || !sub.Valid || sub.Rows != 5 || sub.RawScore != accuracyOn(public, 7) {
		t.Fatalf("public score %+v, want accuracy %v on 5 rows", sub, accuracyOn(public, 7))
	}
	if res.Info["final"] != nil {
		t.Fatal("final score before the episode ended")
	}
	if _, ok, _ := env.ReadFinal(dir); ok {
		t.Fatal("final.json before the episode ended")
	}
	// The second and last step truncates the episode: the best submission is scored on the held-out part.
	res = step(t, e, core.ActionRequestInfo, core.Params{"info_type": "name"})
	final, ok := res.Info["final"].(*env.FinalScore)
	if !res.Truncated || !ok {
		t.Fatalf("last step: truncated %v, info %+v", res.Truncated, res.Info)
	}
	onDisk, ok, err := env.ReadFinal(dir)
	if err != nil || !ok {
		t.Fatalf("final.json: %v %v", ok, err)
	}
	for _, f := range []env.FinalScore{*final, onDisk} {
		if f.Step != 1 || f.Chosen != "best_public" || f.HeldOut == nil || !f.HeldOut.Valid || f.HeldOut.Rows != 5 ||
			f.HeldOut.RawScore != accuracyOn(heldOut, 7) || f.Public == nil || f.Public.RawScore != sub.RawScore ||
			f.HeldOut.HumanRank == nil {
			t.Fatalf("final %+v (held out %+v), want held-out accuracy %v", f, f.HeldOut, accuracyOn(heldOut, 7))
		}
	}
	// Finishing again scores nothing new: it returns the recorded final score.
	again, err := e.Finish(context.Background())
	if err != nil || again == nil || again.Step != final.Step || again.HeldOut.RawScore != final.HeldOut.RawScore || !again.Time.Equal(onDisk.Time) {
		t.Fatalf("second Finish: %+v %v", again, err)
	}
}

func TestScoreSplitPublic_IsFixedBySeed(t *testing.T) {
	cut := func(seed int64) map[string]int {
		dir := t.TempDir()
		newEpisode(t, env.Config{Dir: dir, ScoreSplit: env.SplitPublic, Seed: seed})
		return splitIDs(t, dir, "answers_public.csv")
	}
	a, b := cut(1), cut(1)
	if len(a) != 3 { // 30% of 10 ids
		t.Fatalf("default fraction: %d public ids, want 3", len(a))
	}
	for id := range a {
		if _, ok := b[id]; !ok {
			t.Fatalf("same seed, different cuts: %v vs %v", a, b)
		}
	}
	differs := false
	for seed := int64(2); seed < 10 && !differs; seed++ {
		c := cut(seed)
		for id := range a {
			if _, ok := c[id]; !ok {
				differs = true
			}
		}
	}
	if !differs {
		t.Fatal("eight other seeds all cut the same ids")
	}
}

func TestScoreSplitPublic_SubmitChoosesTheSubmittedAnswer(t *testing.T) {
	dir := t.TempDir()
	e := newEpisode(t, env.Config{Dir: dir, ScoreSplit: env.SplitPublic, PublicFraction: 0.5, Seed: 3, Actions: []string{"submit"}})
	heldOut := splitIDs(t, dir, "answers_heldout.csv")
	step(t, e, core.ActionExecuteCode, core.Params{"code": envtest.SubmitCode(10)}) // the best public score
	step(t, e, core.ActionExecuteCode, core.Params{"code": envtest.SubmitCode(4)})  // then a worse one, submitted
	res := step(t, e, "submit", nil)
	final, _ := res.Info["final"].(*env.FinalScore)
	if !res.Terminated || final == nil || final.Chosen != "submitted" || final.Step != 3 ||
		final.HeldOut == nil || final.HeldOut.RawScore != accuracyOn(heldOut, 4) {
		t.Fatalf("submit: terminated %v final %+v", res.Terminated, final)
	}
}

func TestScoreSplitPublic_FinishWhenTheAgentStopsEarlyAndResumeKeepsTheCut(t *testing.T) {
	dir := t.TempDir()
	e := newEpisode(t, env.Config{Dir: dir, ScoreSplit: env.SplitPublic, Seed: 5})
	public := splitIDs(t, dir, "answers_public.csv")
	step(t, e, core.ActionExecuteCode, core.Params{"code": envtest.SubmitCode(6)})
	e.Close(context.Background())

	cat, _ := catalog.Open(context.Background(), catalog.Options{Dirs: []string{pluginDir}})
	defer cat.Close()
	r, _, err := env.Resume(context.Background(), dir, envtest.Competition(t), env.Deps{Plugins: cat, Sandbox: envtest.Backend{}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(context.Background())
	if after := splitIDs(t, dir, "answers_public.csv"); len(after) != len(public) {
		t.Fatalf("resume changed the cut: %v -> %v", public, after)
	}
	res := step(t, r, core.ActionExecuteCode, core.Params{"code": envtest.SubmitCode(9)})
	if res.Observation.Submission.RawScore != accuracyOn(public, 9) {
		t.Fatalf("after resume: public score %v, want %v", res.Observation.Submission.RawScore, accuracyOn(public, 9))
	}
	final, err := r.Finish(context.Background())
	if err != nil || final == nil || final.Step != 2 || final.HeldOut == nil || !final.HeldOut.Valid {
		t.Fatalf("Finish: %+v %v", final, err)
	}
}

func TestScoreSplitFull_IsTheDefaultAndWritesNoSplit(t *testing.T) {
	dir := t.TempDir()
	e := newEpisode(t, env.Config{Dir: dir, MaxSteps: 1})
	res := step(t, e, core.ActionExecuteCode, core.Params{"code": envtest.SubmitCode(7)})
	if res.Observation.Submission.Rows != 10 || res.Info["final"] != nil {
		t.Fatalf("full split: %+v info %v", res.Observation.Submission, res.Info)
	}
	if _, err := os.Stat(filepath.Join(dir, "split")); !os.IsNotExist(err) {
		t.Fatalf("split directory written under the full split: %v", err)
	}
	if f, err := e.Finish(context.Background()); f != nil || err != nil {
		t.Fatalf("Finish under the full split: %+v %v", f, err)
	}
}

func TestScoreSplit_BadConfigIsTyped(t *testing.T) {
	for _, cfg := range []env.Config{
		{Dir: "x", ScoreSplit: "private"},
		{Dir: "x", ScoreSplit: env.SplitPublic, PublicFraction: 1},
		{Dir: "x", ScoreSplit: env.SplitPublic, PublicFraction: -0.1},
	} {
		err := cfg.Validate()
		if core.TypeOf(err) != core.TypeConfig {
			t.Errorf("%+v: err = %v, want a config error", cfg, err)
		}
	}
}
