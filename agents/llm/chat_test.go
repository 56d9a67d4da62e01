package llm

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
)

func TestChat_RecordsEveryRequestAndReplyInOrder(t *testing.T) {
	f := newFakeProvider(t, ProviderOpenAI,
		answer{text: "hmm", in: 5, out: 1},
		answer{text: actionReply("get_history", nil), in: 7, out: 2},
	)
	a, _ := newTestAgent(t, testConfig(f))
	e := &scriptedEnv{dir: t.TempDir(), maxSteps: 1}
	if _, err := a.Run(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	recs := chatRecords(t, e.dir)
	var types []string
	for _, r := range recs {
		types = append(types, r.Type+"/"+r.Purpose)
	}
	if got := strings.Join(types, " "); got != "start/ call/action call/repair turn/" {
		t.Fatalf("records %s", got)
	}
	start, repair, turn := recs[0], recs[2], recs[3]
	if start.Model != "test-model" || start.Provider != ProviderOpenAI || !strings.Contains(start.System, "# Actions") ||
		!strings.Contains(start.Task, "Competition: Toy") || len(start.Actions) != len(core.CoreActions) {
		t.Fatalf("start record %+v", start)
	}
	if n := len(repair.Request.Messages); n != 3 || repair.Request.Messages[1].Content != "hmm" || repair.Response.PromptTokens != 7 {
		t.Fatalf("repair call record %+v", repair)
	}
	if turn.Turn != 1 || turn.Step != 1 || turn.Action == nil || turn.Action.Name != "get_history" || !strings.Contains(turn.Observation, "# Step 1") {
		t.Fatalf("turn record %+v", turn)
	}
	if info, err := os.Stat(filepath.Join(e.dir, ChatFile)); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("chat.jsonl %v, %v: want it private to its owner", info.Mode(), err)
	}
}

func TestChat_TornLastLineIsIgnoredThenCutOff(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ChatFile)
	if err := os.WriteFile(path, []byte(`{"type":"start","task":"T"}`+"\n"+`{"type":"call","respo`), 0o600); err != nil {
		t.Fatal(err)
	}
	recs := chatRecords(t, dir)
	if len(recs) != 1 || recs[0].Task != "T" {
		t.Fatalf("records %+v", recs)
	}
	c, err := openChat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.append(ChatRecord{Type: RecordResume}); err != nil {
		t.Fatal(err)
	}
	c.close()
	// The torn line is cut off; the new record follows the last whole one.
	recs = chatRecords(t, dir)
	if len(recs) != 2 || recs[1].Type != RecordResume {
		t.Fatalf("records after the repair %+v", recs)
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), "respo") || strings.Count(string(raw), "\n") != 2 {
		t.Fatalf("chat.jsonl:\n%s", raw)
	}
}

func TestChat_NoDirectoryNoChat(t *testing.T) {
	f := newFakeProvider(t, ProviderOpenAI, answer{text: actionReply("get_history", nil)})
	a, _ := newTestAgent(t, testConfig(f))
	if _, err := a.Run(context.Background(), &scriptedEnv{maxSteps: 1}); err != nil {
		t.Fatal(err)
	}
}
