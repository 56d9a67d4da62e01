package competitions_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/catalog"
	"github.com/mledojo/dojo/host/competitions"
	"github.com/mledojo/dojo/host/scoring"
)

// pluginDir holds the native task loader and the metric plugins, built once for these tests.
var pluginDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dojo-competitions-test")
	if err != nil {
		panic(err)
	}
	pluginDir = dir
	build := exec.Command("go", "build", "-o", dir+"/",
		"github.com/mledojo/dojo/plugins/tasks/native",
		"github.com/mledojo/dojo/plugins/metrics/classification",
		"github.com/mledojo/dojo/plugins/metrics/regression")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the plugins:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func openCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Open(context.Background(), catalog.Options{Dirs: []string{pluginDir}, StartTimeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cat.Close() })
	return cat
}

func requirePython(t *testing.T) {
	t.Helper()
	if err := exec.Command("/usr/bin/python3", "-c", "import sklearn, pandas, statsmodels").Run(); err != nil {
		t.Fatalf("preparing the starter pack needs scikit-learn, pandas and statsmodels under /usr/bin/python3 (make deps): %v", err)
	}
}

// TestLibrary_PreparesStarterCompetitionsThatListLoadAndScore prepares four small competitions, one
// of each submission shape, and plays the host's part with each: list, load, and score the sample
// submission (and the answers themselves) through the metric plugins with the competition's params.
func TestLibrary_PreparesStarterCompetitionsThatListLoadAndScore(t *testing.T) {
	requirePython(t)
	ctx := context.Background()
	cat := openCatalog(t)
	data := filepath.Join(t.TempDir(), "competitions")
	lib := competitions.New(cat, competitions.DefaultRoots(filepath.Dir(data))...)
	ids := []string{"iris-species@1", "wine-cultivar@1", "breast-cancer-diagnosis", "air-passengers-forecast@1"}

	var events []competitions.Progress
	var log bytes.Buffer
	write := competitions.ProgressWriter(&log)
	res, err := lib.Prepare(ctx, competitions.PrepareRequest{
		Pack: competitions.StarterPack, DataDir: data, IDs: ids,
		Progress: func(p competitions.Progress) { events = append(events, p); write(p) },
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if len(res.Prepared) != 4 || res.Prepared[2] != "breast-cancer-diagnosis@1" || len(events) != 8 {
		t.Fatalf("result %+v, %d events", res, len(events))
	}
	if e := events[1]; e.State != "done" || e.Index != 1 || e.Total != 4 || e.Files != 9 || e.Elapsed <= 0 {
		t.Fatalf("progress: %+v", e)
	}
	if !strings.Contains(log.String(), "[1/4] iris-species@1: prepared in ") {
		t.Fatalf("progress lines:\n%s", log.String())
	}

	list, err := lib.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	prepared := 0
	for _, e := range list {
		if e.Prepared {
			prepared++
		}
		if e.Loader != "native" || e.Root != data {
			t.Fatalf("entry %+v", e)
		}
	}
	if len(list) < 12 || prepared != 4 {
		t.Fatalf("%d competitions listed, %d prepared", len(list), prepared)
	}

	for _, id := range res.Prepared {
		c, err := lib.Load(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		sample := filepath.Join(c.PublicDir, "sample_submission.csv")
		r, err := scoring.Score(ctx, cat, scoring.Request{Metric: c.Metric.Name, Params: c.Metric.Params, AnswersPath: c.AnswersPath, SubmissionPath: sample})
		if err != nil || !r.Valid {
			t.Fatalf("%s: the sample submission does not score: %v %+v", id, err, r.Error)
		}
		// The naive sample submission ranks near the bottom of the reference boards.
		if rank := core.HumanRank(r.RawScore, c.Boards[1], c.Direction); rank.Value > 0.5 {
			t.Errorf("%s: the sample submission (%v) beats %.0f%% of the private board", id, r.RawScore, 100*rank.Value)
		}
		if c.Metric.Name == "accuracy" || c.Metric.Name == "rmse" {
			perfect, err := scoring.Score(ctx, cat, scoring.Request{Metric: c.Metric.Name, Params: c.Metric.Params, AnswersPath: c.AnswersPath, SubmissionPath: c.AnswersPath})
			if err != nil || !perfect.Valid || perfect.RawScore != map[string]float64{"accuracy": 1, "rmse": 0}[c.Metric.Name] {
				t.Fatalf("%s: the answers as a submission: %v %+v", id, err, perfect)
			}
		}
	}

	// Preparing again keeps what is prepared and still verifies; Force rebuilds.
	res, err = lib.Prepare(ctx, competitions.PrepareRequest{Pack: competitions.StarterPack, DataDir: data, IDs: ids[:2]})
	if err != nil || len(res.Kept) != 2 || len(res.Prepared) != 0 {
		t.Fatalf("second preparation: %+v %v", res, err)
	}
	os.WriteFile(filepath.Join(data, "iris-species@1", "public", "train.csv"), []byte("tampered\n"), 0o644)
	if _, err := lib.Load(ctx, "iris-species@1"); core.TypeOf(err) != core.TypeCompetitionData || !strings.Contains(err.Error(), "public/train.csv") {
		t.Fatalf("a tampered file must fail the load: %v", err)
	}
	res, err = lib.Prepare(ctx, competitions.PrepareRequest{Pack: competitions.StarterPack, DataDir: data, IDs: ids[:1]})
	if err != nil || len(res.Prepared) != 1 {
		t.Fatalf("a competition that no longer verifies is prepared again: %+v %v", res, err)
	}
	if _, err := lib.Load(ctx, "iris-species"); err != nil {
		t.Fatal(err)
	}
}

func TestLibrary_LoadSearchesRootsInOrderAndABrokenCompetitionDoesNotFallThrough(t *testing.T) {
	ctx := context.Background()
	cat := openCatalog(t)
	first, second := t.TempDir(), t.TempDir()
	copyTree(t, "../../plugins/tasks/native/testdata/valid", filepath.Join(second, "toy-species@2"))
	lib := competitions.New(cat, competitions.Root{Loader: "native", Dir: first}, competitions.Root{Loader: "native", Dir: second})

	c, err := lib.Load(ctx, "toy-species@2")
	if err != nil || !strings.HasPrefix(c.PublicDir, second) {
		t.Fatalf("%+v %v", c, err)
	}
	_, err = lib.Load(ctx, "absent@1")
	if ce := core.AsError(err); ce.Type != core.TypeCompetitionNotFound || !strings.Contains(ce.Message, first) || !strings.Contains(ce.Message, second) {
		t.Fatalf("%+v", ce)
	}
	// A broken copy in the first root is reported, not skipped for the good one behind it.
	copyTree(t, "../../plugins/tasks/native/testdata/valid", filepath.Join(first, "toy-species@2"))
	os.Remove(filepath.Join(first, "toy-species@2", "private", "answers.csv"))
	if _, err := lib.Load(ctx, "toy-species@2"); core.TypeOf(err) != core.TypeCompetitionData || !strings.Contains(err.Error(), "answers.csv") {
		t.Fatalf("%v", err)
	}
}

func TestLibrary_PrepareRejectsUnknownPacksAndIDs(t *testing.T) {
	ctx := context.Background()
	lib := competitions.New(openCatalog(t))
	if _, err := lib.Prepare(ctx, competitions.PrepareRequest{Pack: "deluxe", DataDir: t.TempDir()}); core.TypeOf(err) != core.TypeInvalidArgument {
		t.Fatalf("%v", err)
	}
	_, err := lib.Prepare(ctx, competitions.PrepareRequest{Pack: "starter", DataDir: t.TempDir(), IDs: []string{"iris"}})
	if ce := core.AsError(err); ce.Type != core.TypeCompetitionNotFound || !strings.Contains(ce.Details, "iris-species@1") {
		t.Fatalf("%+v", ce)
	}
}

func TestLibrary_PrepareDirSealsAHandMadeCompetition(t *testing.T) {
	ctx := context.Background()
	cat := openCatalog(t)
	src := filepath.Join(t.TempDir(), "mine")
	copyTree(t, "../../plugins/tasks/native/testdata/valid", src)
	// Drop the recorded checksums: a hand-made competition has none yet.
	p := filepath.Join(src, "competition.yaml")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, []byte(string(b[:bytes.Index(b, []byte("checksums:"))])), 0o644)
	data := t.TempDir()
	lib := competitions.New(cat, competitions.Root{Loader: "native", Dir: data})
	if _, err := lib.Load(ctx, "toy-species@2"); core.TypeOf(err) != core.TypeCompetitionNotFound {
		t.Fatalf("%v", err)
	}
	c, err := lib.PrepareDir(ctx, src, data)
	if err != nil || c.ID != "toy-species@2" {
		t.Fatalf("%+v %v", c, err)
	}
	if _, err := lib.Load(ctx, "toy-species@2"); err != nil {
		t.Fatal(err)
	}
}

func TestProgressWriter_OneLinePerEvent(t *testing.T) {
	var b bytes.Buffer
	w := competitions.ProgressWriter(&b)
	w(competitions.Progress{Index: 3, Total: 17, ID: "a@1", State: "kept"})
	w(competitions.Progress{Index: 4, Total: 17, ID: "b@1", State: "failed", Elapsed: 1500 * time.Millisecond, Err: core.Errorf(core.TypeCompetitionData, "boom")})
	want := "[ 3/17] a@1: already prepared (checksums verified)\n[ 4/17] b@1: FAILED after 1.5s: competition_data: boom\n"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
