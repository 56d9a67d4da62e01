package export_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/env"
	"github.com/mledojo/dojo/host/export"
)

// writeEpisode records an episode the way env does: a manifest, a reset, and steps with the given
// rewards, the last one terminating.
func writeEpisode(t *testing.T, dir string, rewards ...float64) {
	t.Helper()
	os.MkdirAll(dir, 0o755)
	m, _ := json.Marshal(env.Manifest{ID: filepath.Base(dir), Competition: "toy"})
	os.WriteFile(filepath.Join(dir, "episode.json"), m, 0o644)
	os.WriteFile(filepath.Join(dir, "task.txt"), []byte("Competition: Toy"), 0o644)
	var b bytes.Buffer
	seed := int64(1)
	line, _ := json.Marshal(env.Event{Type: "reset", Seed: &seed, Time: time.Now()})
	b.Write(append(line, '\n'))
	for i, r := range rewards {
		res := core.StepResult{Step: i + 1, Reward: r, Terminated: i == len(rewards)-1,
			Observation: core.Observation{Action: core.ActionExecuteCode, Status: "ok", Feedback: map[string]string{"base": "=== feedback ==="}}}
		line, _ := json.Marshal(env.Event{Type: "step", Step: i + 1, Action: &core.Action{Name: core.ActionExecuteCode, Params: core.Params{"code": "print(1)"}}, Result: &res})
		b.Write(append(line, '\n'))
	}
	os.WriteFile(filepath.Join(dir, "events.jsonl"), b.Bytes(), 0o644)
}

func lines(t *testing.T, b []byte) []map[string]any {
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err, l)
		}
		out = append(out, m)
	}
	return out
}

func TestSFT_OneConversationPerEpisodeWithActionsAndFeedback(t *testing.T) {
	root := t.TempDir()
	writeEpisode(t, filepath.Join(root, "a"), 0.1, 0.5)
	writeEpisode(t, filepath.Join(root, "b"), 0.2)
	var out bytes.Buffer
	st, err := export.Export(root, &out, export.Options{Format: export.SFT})
	if err != nil {
		t.Fatal(err)
	}
	recs := lines(t, out.Bytes())
	if st.Episodes != 2 || st.Records != 2 || len(recs) != 2 {
		t.Fatalf("stats %+v", st)
	}
	msgs := recs[0]["messages"].([]any)
	// system, task, then an assistant/user pair per step.
	if len(msgs) != 2+2*2 {
		t.Fatalf("%d messages", len(msgs))
	}
	if msgs[1].(map[string]any)["content"] != "Competition: Toy" || msgs[3].(map[string]any)["content"] != "=== feedback ===" {
		t.Fatalf("messages %v", msgs)
	}
	var act core.Action
	if err := json.Unmarshal([]byte(msgs[2].(map[string]any)["content"].(string)), &act); err != nil || act.Name != core.ActionExecuteCode {
		t.Fatalf("assistant turn is not an action: %v", msgs[2])
	}
}

func TestRL_ReturnToGoIsTheDiscountedSumOfLaterRewards(t *testing.T) {
	root := t.TempDir()
	writeEpisode(t, root, 0.1, 0.5, 0.3)
	var out bytes.Buffer
	if _, err := export.Export(root, &out, export.Options{Format: export.RL, Gamma: 0.5}); err != nil {
		t.Fatal(err)
	}
	recs := lines(t, out.Bytes())
	want := []float64{0.1 + 0.5*(0.5+0.5*0.3), 0.5 + 0.5*0.3, 0.3}
	for i, r := range recs {
		if math.Abs(r["return_to_go"].(float64)-want[i]) > 1e-12 {
			t.Errorf("step %d return_to_go %v, want %v", i+1, r["return_to_go"], want[i])
		}
	}
	if recs[0]["observation"] != nil || recs[1]["observation"] == nil || recs[2]["terminated"] != true || recs[1]["terminated"] != false {
		t.Fatalf("records %v", recs)
	}
}

func TestExport_EmptyDirectoryAndBadFormatAreTyped(t *testing.T) {
	var out bytes.Buffer
	if _, err := export.Export(t.TempDir(), &out, export.Options{Format: export.SFT}); !errors.Is(err, core.ErrInvalidArgument) {
		t.Fatalf("empty dir: %v", err)
	}
	if _, err := export.Export(t.TempDir(), &out, export.Options{Format: "csv"}); !errors.Is(err, core.ErrInvalidArgument) {
		t.Fatalf("bad format: %v", err)
	}
}

func TestExport_LabelsOfEachEpisodeGoIntoItsRecords(t *testing.T) {
	root := t.TempDir()
	for _, ep := range []struct {
		dir   string
		seed  int
		agent string
	}{{"episodes/a/toy/seed-1", 1, "a"}, {"episodes/b/toy/seed-2", 2, "b"}} {
		dir := filepath.Join(root, ep.dir)
		writeEpisode(t, dir, 0.1, 0.2)
		labels, _ := json.Marshal(map[string]any{"agent": ep.agent, "competition": "toy", "seed": ep.seed})
		os.WriteFile(filepath.Join(dir, export.LabelsFile), labels, 0o644)
	}
	var rl, sft bytes.Buffer
	if _, err := export.Export(root, &rl, export.Options{Format: export.RL}); err != nil {
		t.Fatal(err)
	}
	recs := lines(t, rl.Bytes())
	if len(recs) != 4 || recs[0]["agent"] != "a" || recs[0]["seed"] != 1.0 || recs[3]["agent"] != "b" || recs[3]["seed"] != 2.0 || recs[3]["competition"] != "toy" {
		t.Fatalf("RL records %v", recs)
	}
	if _, err := export.Export(root, &sft, export.Options{Format: export.SFT}); err != nil {
		t.Fatal(err)
	}
	conv := lines(t, sft.Bytes())
	if meta := conv[1]["metadata"].(map[string]any); meta["agent"] != "b" || meta["seed"] != 2.0 || meta["steps"] != 2.0 {
		t.Fatalf("SFT metadata %v", meta)
	}
	os.WriteFile(filepath.Join(root, "episodes/a/toy/seed-1", export.LabelsFile), []byte("[1]"), 0o644)
	if _, err := export.Export(root, &rl, export.Options{Format: export.RL}); !errors.Is(err, core.ErrInvalidArgument) {
		t.Fatalf("bad labels: %v", err)
	}
}
