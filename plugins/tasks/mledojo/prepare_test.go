package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk/plugintest"
)

func prepareCactus(t *testing.T, raw, data string, params map[string]any) (pluginapi.PrepareTaskResponse, error) {
	t.Helper()
	return loader{layout: mledojoLayout}.Prepare(context.Background(), pluginapi.PrepareTaskRequest{
		Loader: "mledojo", ID: "aerial-cactus-identification", RawDir: raw, DataDir: data, Params: params})
}

func cactusRaw(t *testing.T) string {
	t.Helper()
	all, _ := allRecipes()
	raw := t.TempDir()
	synthesize(t, all["aerial-cactus-identification"], raw)
	return raw
}

func TestPrepare_MissingRawFileNamesItAndTheKagglePage(t *testing.T) {
	raw := cactusRaw(t)
	os.Remove(filepath.Join(raw, "train.csv"))
	_, err := prepareCactus(t, raw, t.TempDir(), nil)
	ce := core.AsError(err)
	if !errors.Is(err, ErrRawMissing) || ce.Type != core.TypeCompetitionData || !strings.Contains(ce.Message, "train.csv") ||
		!strings.Contains(strings.Join(ce.Causes, " "), "https://www.kaggle.com/competitions/aerial-cactus-identification/data") {
		t.Fatalf("%v %v", err, ce.Causes)
	}
}

func TestPrepare_MissingColumnNamesFileAndColumn(t *testing.T) {
	raw := t.TempDir()
	os.MkdirAll(filepath.Join(raw, "train"), 0o755)
	os.WriteFile(filepath.Join(raw, "train.csv"), []byte("id,label\na.jpg,1\n"), 0o644)
	_, err := prepareCactus(t, raw, t.TempDir(), nil)
	if !errors.Is(err, ErrColumnMissing) || !strings.Contains(err.Error(), `train.csv has no column "has_cactus"`) ||
		!strings.Contains(err.Error(), "its columns: id,label") {
		t.Fatal(err)
	}
}

func TestPrepare_RefusesToOverwriteWithoutForce(t *testing.T) {
	raw, data := cactusRaw(t), t.TempDir()
	if _, err := prepareCactus(t, raw, data, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := prepareCactus(t, raw, data, nil); !errors.Is(err, ErrAlreadyPrepared) || !strings.Contains(core.AsError(err).Causes[0], "--force") {
		t.Fatal(err)
	}
	if _, err := prepareCactus(t, raw, data, map[string]any{"force": true}); err != nil {
		t.Fatal(err)
	}
	// Nothing half-made is left beside it.
	entries, _ := os.ReadDir(data)
	if len(entries) != 1 {
		t.Fatalf("%v", entries)
	}
}

// The same raw files give the same split and the same bytes.
func TestPrepare_IsDeterministic(t *testing.T) {
	raw := cactusRaw(t)
	a, b := t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if _, err := prepareCactus(t, raw, d, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"public/train.csv", "private/test_answer.csv", "public/sample_submission.csv"} {
		x, _ := os.ReadFile(filepath.Join(a, "aerial-cactus-identification", "data", f))
		y, _ := os.ReadFile(filepath.Join(b, "aerial-cactus-identification", "data", f))
		if string(x) != string(y) || len(x) == 0 {
			t.Fatalf("%s differs", f)
		}
	}
}

func TestLoad_DetectsAChangedPreparedFile(t *testing.T) {
	raw, data := cactusRaw(t), t.TempDir()
	if _, err := prepareCactus(t, raw, data, nil); err != nil {
		t.Fatal(err)
	}
	tl := plugintest.TaskLoader(t, loader{layout: mledojoLayout})
	load := func() error {
		_, err := tl.Load(context.Background(), pluginapi.LoadTaskRequest{Loader: "mledojo", Root: data, ID: "aerial-cactus-identification"})
		return err
	}
	if err := load(); err != nil {
		t.Fatal(err)
	}
	answers := filepath.Join(data, "aerial-cactus-identification", "data", answersFile)
	os.WriteFile(answers, []byte("id,has_cactus\n"), 0o644)
	err := load()
	if core.TypeOf(err) != core.TypeCompetitionData || !strings.Contains(err.Error(), "private/test_answer.csv does not match") ||
		!strings.Contains(strings.Join(core.AsError(err).Causes, " "), "--force") {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(data, "aerial-cactus-identification", PreparedFile))
	if err := load(); err != nil {
		t.Fatalf("a layout without a preparation record loads unverified (as the original's): %v", err)
	}
}

func TestPrepare_UnsupportedAndUnknown(t *testing.T) {
	// No embedded recipe is unsupported today: mark one so for this test.
	all, err := allRecipes()
	if err != nil {
		t.Fatal(err)
	}
	const marked = "conways-reverse-game-of-life-2020"
	orig := all[marked]
	unsupported := *orig
	unsupported.Unsupported = "a reason"
	all[marked] = &unsupported
	t.Cleanup(func() { all[marked] = orig })
	l := loader{layout: mledojoLayout}
	_, err = l.Prepare(context.Background(), pluginapi.PrepareTaskRequest{ID: marked, RawDir: t.TempDir(), DataDir: t.TempDir()})
	if !errors.Is(err, ErrRecipeNeedsCode) || !strings.Contains(err.Error(), "recipe needs code: not supported yet") {
		t.Fatal(err)
	}
	_, err = l.Prepare(context.Background(), pluginapi.PrepareTaskRequest{ID: "titanic", RawDir: t.TempDir(), DataDir: t.TempDir()})
	if !errors.Is(err, ErrRecipeNeedsCode) || !strings.Contains(err.Error(), "no preparation recipe yet") {
		t.Fatal(err)
	}
	_, err = l.Prepare(context.Background(), pluginapi.PrepareTaskRequest{ID: "no-such", RawDir: t.TempDir(), DataDir: t.TempDir()})
	if core.TypeOf(err) != core.TypeCompetitionNotFound {
		t.Fatal(err)
	}
	_, err = loader{layout: mlebenchLayout}.Prepare(context.Background(), pluginapi.PrepareTaskRequest{ID: "titanic"})
	if core.TypeOf(err) != core.TypeInvalidArgument {
		t.Fatal(err)
	}
}
