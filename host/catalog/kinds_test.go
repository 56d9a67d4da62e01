package catalog_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/catalog"
	"github.com/mledojo/dojo/pluginapi"
)

func sha256File(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// fakeHost stands in for an episode: a workspace directory and a canned execution.
type fakeHost struct{ dir string }

func (h fakeHost) Exec(context.Context, pluginapi.ExecRequest) (pluginapi.ExecResponse, error) {
	return pluginapi.ExecResponse{Stdout: "hi\n", Outcome: core.OutcomeOK}, nil
}

func (h fakeHost) ReadFile(_ context.Context, r pluginapi.ReadFileRequest) (pluginapi.ReadFileResponse, error) {
	b, err := os.ReadFile(filepath.Join(h.dir, filepath.Clean("/"+r.Path)))
	return pluginapi.ReadFileResponse{Data: b, Size: int64(len(b))}, err
}

func (h fakeHost) WriteFile(_ context.Context, r pluginapi.WriteFileRequest) error {
	return os.WriteFile(filepath.Join(h.dir, filepath.Clean("/"+r.Path)), r.Data, 0o644)
}

func (h fakeHost) ListFiles(context.Context, pluginapi.ListFilesRequest) ([]pluginapi.FileEntry, error) {
	entries, err := os.ReadDir(h.dir)
	var out []pluginapi.FileEntry
	for _, e := range entries {
		out = append(out, pluginapi.FileEntry{Path: e.Name()})
	}
	return out, err
}

func TestAction_CallsBackIntoTheHostThroughTheBroker(t *testing.T) {
	c := open(t, catalog.Options{})
	a, err := c.Action("probe")
	if err != nil {
		t.Fatal(err)
	}
	host := fakeHost{dir: t.TempDir()}
	resp, err := a.Invoke(context.Background(), pluginapi.InvokeRequest{EpisodeID: "ep1", Host: host, Params: core.Params{"final": true}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Output != "hi\n" || resp.Data["read"] != "hello" || resp.Data["files"] != float64(1) || !resp.Terminal {
		t.Fatalf("response %+v", resp)
	}
	if b, _ := os.ReadFile(filepath.Join(host.dir, "probe.txt")); string(b) != "hello" {
		t.Fatalf("plugin's write did not reach the workspace: %q", b)
	}
}

func TestAction_WithoutAnEpisodeHostCallsAreTyped(t *testing.T) {
	c := open(t, catalog.Options{})
	a, _ := c.Action("probe")
	_, err := a.Invoke(context.Background(), pluginapi.InvokeRequest{})
	if !errors.Is(err, core.ErrInvalidAction) {
		t.Fatalf("got %v", err)
	}
	spec, err := a.Describe(context.Background())
	if err != nil || spec.Name != "probe" {
		t.Fatalf("describe: %+v %v", spec, err)
	}
}

func TestFeedback_RendersAStepAndFailuresAreTyped(t *testing.T) {
	c := open(t, catalog.Options{})
	f, _ := c.Feedback("plain")
	step := core.StepResult{Step: 3, Reward: 0.5, Observation: core.Observation{Action: "execute_code", Status: "ok"}}
	resp, err := f.Render(context.Background(), pluginapi.RenderRequest{Step: step})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text != "step 3: execute_code ok, reward 0.5000" || resp.Data["reward"] != 0.5 {
		t.Fatalf("rendered %+v", resp)
	}
	bad, _ := c.Feedback("failing")
	if _, err := bad.Render(context.Background(), pluginapi.RenderRequest{Step: step}); core.TypeOf(err) != core.TypeInternal {
		t.Fatalf("got %v", err)
	}
}

func TestTaskLoader_ListsLoadsAndReportsMissing(t *testing.T) {
	c := open(t, catalog.Options{})
	l, _ := c.TaskLoader("dirs")
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "titanic", "public"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tasks, err := l.List(ctx, pluginapi.ListTasksRequest{Root: root})
	if err != nil || len(tasks) != 1 || tasks[0].ID != "titanic" {
		t.Fatalf("list: %+v %v", tasks, err)
	}
	comp, err := l.Load(ctx, pluginapi.LoadTaskRequest{Root: root, ID: "titanic"})
	if err != nil || comp.Metric.Name != "accuracy" || comp.Direction != core.HigherIsBetter {
		t.Fatalf("load: %+v %v", comp, err)
	}
	if _, err := l.Load(ctx, pluginapi.LoadTaskRequest{Root: root, ID: "nope"}); !errors.Is(err, core.ErrCompetitionNotFound) {
		t.Fatalf("missing competition: %v", err)
	}
}
