package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/tasks/native/layout"
	"github.com/mledojo/dojo/plugins/tasks/native/starter"
	"github.com/mledojo/dojo/sdk/plugintest"
)

// served is the loader over the real gRPC path.
func served(t *testing.T) pluginapi.TaskLoader {
	return plugintest.TaskLoader(t, &loader{log: hclog.NewNullLogger()})
}

// copyDir copies the fixture competition to dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	if err := copyTree(src, dst); err != nil {
		t.Fatal(err)
	}
}

// root holds the valid fixture as toy-species@2, a copy of it relabelled toy-species@1, and a broken
// directory.
func root(t *testing.T) string {
	t.Helper()
	r := t.TempDir()
	copyDir(t, "testdata/valid", filepath.Join(r, "toy-species@2"))
	old := filepath.Join(r, "older")
	copyDir(t, "testdata/valid", old)
	b, _ := os.ReadFile(filepath.Join(old, layout.ManifestFile))
	os.WriteFile(filepath.Join(old, layout.ManifestFile), []byte(strings.Replace(string(b), "toy-species@2", "toy-species@1", 1)), 0o644)
	broken := filepath.Join(r, "broken")
	os.MkdirAll(broken, 0o755)
	os.WriteFile(filepath.Join(broken, layout.ManifestFile), []byte("format: dojo-native/1\nid: [\n"), 0o644)
	os.MkdirAll(filepath.Join(r, "not-a-competition"), 0o755)
	os.MkdirAll(filepath.Join(r, ".prepare-x", "sub"), 0o755)
	return r
}

func TestList_ListsCompetitionDirsWithPreparedAndShowsBrokenOnes(t *testing.T) {
	got, err := served(t).List(context.Background(), pluginapi.ListTasksRequest{Root: root(t)})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("want broken, toy-species@1 and @2, got %+v", got)
	}
	if got[0].ID != "broken" || got[0].Prepared || !strings.HasPrefix(got[0].Title, "invalid: ") {
		t.Fatalf("broken: %+v", got[0])
	}
	if got[2].ID != "toy-species@2" || !got[2].Prepared || got[2].Metric != "accuracy" || got[2].Domain != "tabular" {
		t.Fatalf("valid: %+v", got[2])
	}
}

func TestList_WithThePackAddsItsUnpreparedCompetitions(t *testing.T) {
	recipes, err := starter.Recipes()
	if err != nil {
		t.Fatal(err)
	}
	l := served(t)
	got, err := l.List(context.Background(), pluginapi.ListTasksRequest{Root: root(t), Params: core.Params{"pack": "starter"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3+len(recipes) {
		t.Fatalf("want %d entries, got %d", 3+len(recipes), len(got))
	}
	for _, s := range got {
		if strings.Contains(s.ID, "iris") && s.Prepared {
			t.Fatalf("an unprepared pack competition is listed as prepared: %+v", s)
		}
	}
	// No root: just the pack; a missing root with the pack is not an error (nothing prepared yet).
	for _, r := range []string{"", filepath.Join(t.TempDir(), "missing")} {
		got, err = l.List(context.Background(), pluginapi.ListTasksRequest{Root: r, Params: core.Params{"pack": "starter"}})
		if err != nil || len(got) != len(recipes) {
			t.Fatalf("root %q: %d entries, %v", r, len(got), err)
		}
	}
	if _, err := l.List(context.Background(), pluginapi.ListTasksRequest{Root: filepath.Join(t.TempDir(), "missing")}); core.TypeOf(err) != core.TypeCompetitionData {
		t.Fatalf("a missing root without a pack: %v", err)
	}
	if _, err := l.List(context.Background(), pluginapi.ListTasksRequest{Root: t.TempDir(), Params: core.Params{"pack": "deluxe"}}); core.TypeOf(err) != core.TypeInvalidArgument {
		t.Fatalf("unknown pack: %v", err)
	}
}

func TestLoad_ByIDOrByNameForTheHighestVersion(t *testing.T) {
	l, r := served(t), root(t)
	for id, want := range map[string]string{"toy-species@1": "toy-species@1", "toy-species@2": "toy-species@2", "toy-species": "toy-species@2"} {
		c, err := l.Load(context.Background(), pluginapi.LoadTaskRequest{Root: r, ID: id})
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if c.ID != want || c.Source != "native" || len(c.Boards) != 2 || !filepath.IsAbs(c.AnswersPath) {
			t.Fatalf("%s: %+v", id, c)
		}
	}
}

func TestLoad_UnknownIDIsNotFoundAndPointsAtThePack(t *testing.T) {
	l, r := served(t), root(t)
	_, err := l.Load(context.Background(), pluginapi.LoadTaskRequest{Root: r, ID: "iris-species@1"})
	ce := core.AsError(err)
	if ce.Type != core.TypeCompetitionNotFound || !strings.Contains(strings.Join(ce.Causes, " "), "--pack starter --id iris-species@1") {
		t.Fatalf("%+v", ce)
	}
	_, err = l.Load(context.Background(), pluginapi.LoadTaskRequest{Root: r, ID: "nothing@1"})
	if ce := core.AsError(err); ce.Type != core.TypeCompetitionNotFound || !strings.Contains(ce.Details, "toy-species@1, toy-species@2") {
		t.Fatalf("%+v", ce)
	}
}

// TestLoad_BrokenLayoutsCrossTheWireTyped: the loader's layout errors reach the host with their type,
// message and causes.
func TestLoad_BrokenLayoutsCrossTheWireTyped(t *testing.T) {
	cases := map[string]struct {
		breakIt func(dir string)
		mention string
	}{
		"missing answers":     {func(dir string) { os.Remove(filepath.Join(dir, "private", "answers.csv")) }, "private/answers.csv"},
		"missing leaderboard": {func(dir string) { os.Remove(filepath.Join(dir, "leaderboards", "public.csv")) }, "leaderboards/public.csv"},
		"missing public dir":  {func(dir string) { os.RemoveAll(filepath.Join(dir, "public")) }, "no public/ directory"},
		"unknown metric field": {func(dir string) {
			p := filepath.Join(dir, layout.ManifestFile)
			b, _ := os.ReadFile(p)
			os.WriteFile(p, []byte(strings.Replace(string(b), "  name: accuracy\n", "  name: accuracy\n  kind: labels\n", 1)), 0o644)
		}, "field kind not found"},
		"checksum mismatch": {func(dir string) {
			os.WriteFile(filepath.Join(dir, "public", "train.csv"), []byte("id,size,species\n"), 0o644)
		}, "public/train.csv does not match the checksum"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := t.TempDir()
			dir := filepath.Join(r, "toy-species@2")
			copyDir(t, "testdata/valid", dir)
			tc.breakIt(dir)
			_, err := served(t).Load(context.Background(), pluginapi.LoadTaskRequest{Root: r, ID: "toy-species@2"})
			ce := core.AsError(err)
			if ce.Type != core.TypeCompetitionData || !strings.Contains(ce.Message, tc.mention) || len(ce.Causes) == 0 {
				t.Fatalf("%+v", ce)
			}
		})
	}
}

func TestPrepare_FromAHandMadeDirectoryCopiesAndRecordsChecksums(t *testing.T) {
	src := filepath.Join(t.TempDir(), "mine")
	copyDir(t, "testdata/valid", src)
	m, err := layout.ReadManifest(src)
	if err != nil {
		t.Fatal(err)
	}
	m.Checksums = nil
	if err := m.Write(src); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	l := served(t)
	resp, err := l.Prepare(context.Background(), pluginapi.PrepareTaskRequest{RawDir: src, DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Competition.ID != "toy-species@2" || !strings.HasPrefix(resp.Competition.PublicDir, data) || len(resp.Files) != 8 {
		t.Fatalf("%+v", resp)
	}
	if _, err := l.Load(context.Background(), pluginapi.LoadTaskRequest{Root: data, ID: "toy-species@2"}); err != nil {
		t.Fatal(err)
	}
	// The source is left as it was; preparing again onto an existing copy is refused.
	if m, _ := layout.ReadManifest(src); len(m.Checksums) != 0 {
		t.Fatal("the source was modified")
	}
	if _, err := l.Prepare(context.Background(), pluginapi.PrepareTaskRequest{RawDir: src, DataDir: data}); core.TypeOf(err) != core.TypeInvalidArgument {
		t.Fatalf("second copy: %v", err)
	}
	// In place: the directory under the data dir is sealed where it is.
	os.WriteFile(filepath.Join(data, "toy-species@2", "public", "notes.txt"), []byte("x"), 0o644)
	if _, err := l.Prepare(context.Background(), pluginapi.PrepareTaskRequest{RawDir: filepath.Join(data, "toy-species@2"), DataDir: data}); err != nil {
		t.Fatal(err)
	}
}

func TestPrepare_UnknownStarterIDIsNotFound(t *testing.T) {
	_, err := served(t).Prepare(context.Background(), pluginapi.PrepareTaskRequest{ID: "nope@1", DataDir: t.TempDir()})
	if core.TypeOf(err) != core.TypeCompetitionNotFound {
		t.Fatalf("%v", err)
	}
}

func TestLoad_ABrokenManifestIsReportedNotTakenForMissing(t *testing.T) {
	r := t.TempDir()
	dir := filepath.Join(r, "somewhere")
	copyDir(t, "testdata/valid", dir)
	p := filepath.Join(dir, layout.ManifestFile)
	b, _ := os.ReadFile(p)
	os.WriteFile(p, []byte(strings.Replace(string(b), "  name: accuracy\n", "  name: accuracy\n  average: macro\n", 1)), 0o644)
	_, err := served(t).Load(context.Background(), pluginapi.LoadTaskRequest{Root: r, ID: "toy-species@2"})
	if ce := core.AsError(err); ce.Type != core.TypeCompetitionData || !strings.Contains(ce.Message, "field average not found in metric") {
		t.Fatalf("%+v", ce)
	}
}
