package starter

import (
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/plugins/tasks/native/layout"
)

// metricDirections are the metric components of plugins/metrics the recipes may use.
var metricDirections = map[string]core.Direction{
	"accuracy": core.HigherIsBetter, "roc_auc": core.HigherIsBetter, "f1": core.HigherIsBetter, "r2": core.HigherIsBetter,
	"log_loss": core.LowerIsBetter, "rmse": core.LowerIsBetter, "mse": core.LowerIsBetter, "rmsle": core.LowerIsBetter, "mae": core.LowerIsBetter,
}

func TestRecipes_AreCompleteAndConsistent(t *testing.T) {
	recipes, err := Recipes()
	if err != nil {
		t.Fatal(err)
	}
	if len(recipes) < 12 {
		t.Fatalf("the starter pack has %d competitions, want at least 12", len(recipes))
	}
	domains := map[core.Domain]int{}
	for _, r := range recipes {
		domains[r.Domain]++
		if d, ok := metricDirections[r.Metric.Name]; !ok || d != r.Direction {
			t.Errorf("%s: metric %s with direction %s", r.ID, r.Metric.Name, r.Direction)
		}
		if !slices.Contains([]string{"classification", "regression", "forecast"}, r.Task) ||
			!slices.Contains([]string{"tabular", "image", "text", "forecast"}, r.Population) ||
			!slices.Contains([]string{"label", "probability", "class_probabilities", "value"}, r.Submission) {
			t.Errorf("%s: task %q, population %q, submission %q", r.ID, r.Task, r.Population, r.Submission)
		}
		if r.Source.Package == "" || r.Source.Licence == "" || r.Source.Origin == "" || r.Target == "" || r.IDColumn == "" || r.Title == "" {
			t.Errorf("%s: incomplete recipe: %+v", r.ID, r)
		}
		if (r.Split.Method == "time") != (r.Task == "forecast") || (r.Split.Method != "time" && r.Split.TestFraction <= 0) {
			t.Errorf("%s: split %+v", r.ID, r.Split)
		}
		desc, err := r.Description()
		if err != nil {
			t.Fatal(err)
		}
		for _, section := range []string{"## Task", "## Data", "## Evaluation", "## Submission", "`" + r.Target + "`"} {
			if !strings.Contains(string(desc), section) {
				t.Errorf("%s: description.md lacks %q", r.ID, section)
			}
		}
		// The licence is the one the package's Debian copyright file states.
		if b, err := os.ReadFile("/usr/share/doc/" + r.Source.Package + "/copyright"); err == nil {
			if !strings.Contains(string(b), "License: "+r.Source.Licence) {
				t.Errorf("%s: licence %q is not in %s's copyright file", r.ID, r.Source.Licence, r.Source.Package)
			}
		}
	}
	for _, d := range []core.Domain{core.DomainTabular, core.DomainVision, core.DomainNLP, core.DomainTimeSeries} {
		if domains[d] == 0 {
			t.Errorf("no %s competition in the starter pack", d)
		}
	}
}

func TestFind_ByIDOrName(t *testing.T) {
	for _, id := range []string{"iris-species@1", "iris-species"} {
		if r, err := Find(id); err != nil || r.ID != "iris-species@1" {
			t.Fatalf("%s: %v %v", id, r.ID, err)
		}
	}
	if _, err := Find("iris"); core.TypeOf(err) != core.TypeCompetitionNotFound {
		t.Fatalf("a prefix of a name is not a name: %v", err)
	}
}

func requirePython(t *testing.T) {
	t.Helper()
	if err := exec.Command(DefaultPython, "-c", "import sklearn, pandas, statsmodels").Run(); err != nil {
		t.Fatalf("preparing the starter pack needs scikit-learn, pandas and statsmodels under %s (make deps): %v", DefaultPython, err)
	}
}

func build(t *testing.T, id, dataDir string) Result {
	t.Helper()
	r, err := Find(id)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Build(context.Background(), r, dataDir, Options{})
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	return res
}

// TestBuild_IsReproducible prepares two small competitions of different kinds twice: every file must
// come out byte-identical, so the recorded checksums are equal.
func TestBuild_IsReproducible(t *testing.T) {
	requirePython(t)
	for _, id := range []string{"iris-species@1", "air-passengers-forecast@1"} {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			a := build(t, id, t.TempDir())
			b := build(t, id, t.TempDir())
			if !reflect.DeepEqual(a.Manifest.Checksums, b.Manifest.Checksums) {
				t.Fatalf("checksums differ between two preparations:\n%v\n%v", a.Manifest.Checksums, b.Manifest.Checksums)
			}
			ma, _ := os.ReadFile(filepath.Join(a.Dir, layout.ManifestFile))
			mb, _ := os.ReadFile(filepath.Join(b.Dir, layout.ManifestFile))
			if string(ma) != string(mb) {
				t.Fatal("competition.yaml differs between two preparations")
			}
			checkCompetition(t, a)
		})
	}
}

// TestBuild_WholePack prepares every starter competition (about two and a half minutes on two cores,
// so it runs only with DOJO_TEST_STARTER_PACK=1).
func TestBuild_WholePack(t *testing.T) {
	if os.Getenv("DOJO_TEST_STARTER_PACK") == "" {
		t.Skip("set DOJO_TEST_STARTER_PACK=1 to prepare the whole starter pack")
	}
	requirePython(t)
	recipes, err := Recipes()
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	for _, r := range recipes {
		start := time.Now()
		res := build(t, r.ID, data)
		t.Logf("%s: %.1fs, %d train + %d test rows", r.ID, time.Since(start).Seconds(), res.Manifest.Split.TrainRows, res.Manifest.Split.TestRows)
		checkCompetition(t, res)
	}
}

// checkCompetition checks a built competition: it loads and verifies, its public files hide the
// target, and its reference boards have a sensible spread.
func checkCompetition(t *testing.T, res Result) {
	t.Helper()
	c, err := layout.Load(res.Dir, "native")
	if err != nil {
		t.Fatal(err)
	}
	m := res.Manifest
	r, err := Find(m.ID)
	if err != nil {
		t.Fatal(err)
	}
	target := r.Target
	if h := header(t, filepath.Join(res.Dir, "public", "test.csv")); slices.Contains(h, target) || h[0] != m.IDColumn {
		t.Fatalf("%s: test.csv header %v (target %s)", m.ID, h, target)
	}
	if h := header(t, filepath.Join(res.Dir, "public", "train.csv")); !slices.Contains(h, target) {
		t.Fatalf("%s: train.csv lacks the target %s", m.ID, target)
	}
	if m.Data.PackageVersion == "" || m.Data.Licence == "" || m.Split.TestRows == 0 || m.Split.PublicRows == 0 {
		t.Fatalf("%s: provenance or split not recorded: %+v %+v", m.ID, m.Data, m.Split)
	}
	for _, b := range c.Boards {
		checkBoard(t, m.ID+" "+b.Name, b, c.Direction)
	}
	// A dummy baseline sits in the bottom half of the solutions on both boards. (Forecasts are not
	// held to this: over a long horizon of a cyclic series the training mean is a fair forecast.)
	sols := readSolutions(t, filepath.Join(res.Dir, m.Leaderboards.Solutions))
	for _, baseline := range []string{"dummy_prior", "dummy_mean"} {
		s, ok := sols[baseline]
		if !ok {
			continue
		}
		for i, b := range c.Boards {
			if med := median(b.Scores); c.Direction.Better(s[i], med) {
				t.Errorf("%s %s: baseline %s scores %v, better than the median %v", m.ID, b.Name, baseline, s[i], med)
			}
		}
	}
}

func checkBoard(t *testing.T, name string, b core.Leaderboard, dir core.Direction) {
	t.Helper()
	if !b.Reference {
		t.Errorf("%s: a board of reference solutions must say so", name)
	}
	if len(b.Scores) < 20 {
		t.Errorf("%s: %d scores, want at least 20", name, len(b.Scores))
	}
	distinct := map[float64]bool{}
	for _, s := range b.Scores {
		distinct[s] = true
	}
	if len(distinct) < 8 {
		t.Errorf("%s: only %d distinct scores", name, len(distinct))
	}
	best, worst, med := b.Scores[0], b.Scores[len(b.Scores)-1], median(b.Scores)
	if !dir.Better(best, med) || !dir.Better(med, worst) {
		t.Errorf("%s: best %v, median %v, worst %v: no spread", name, best, med, worst)
	}
}

func median(s []float64) float64 {
	c := append([]float64(nil), s...)
	sort.Float64s(c)
	return c[len(c)/2]
}

func header(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := csv.NewReader(f).Read()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func readSolutions(t *testing.T, path string) map[string][2]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][2]float64{}
	for _, r := range rows[1:] {
		pub, _ := strconv.ParseFloat(r[2], 64)
		priv, _ := strconv.ParseFloat(r[3], 64)
		out[r[0]] = [2]float64{pub, priv}
	}
	return out
}

func TestBuild_MissingSourceNamesTheDebianPackageAndKeepsThePreviousPreparation(t *testing.T) {
	requirePython(t)
	data := t.TempDir()
	good := build(t, "iris-species@1", data)
	r, _ := Find("iris-species@1")
	r.Source = Source{Kind: "idx_images", Dir: filepath.Join(t.TempDir(), "absent"), Package: "dataset-absent", Licence: "x", Origin: "x"}
	_, err := Build(context.Background(), r, data, Options{})
	ce := core.AsError(err)
	if ce == nil || ce.Type != core.TypeCompetitionData || !strings.Contains(ce.Message, "absent") ||
		!strings.Contains(strings.Join(ce.Causes, " "), "install Debian package dataset-absent") {
		t.Fatalf("%+v", ce)
	}
	if _, err := layout.Load(good.Dir, "native"); err != nil {
		t.Fatalf("a failed preparation damaged the previous one: %v", err)
	}
	entries, _ := os.ReadDir(data)
	if len(entries) != 1 {
		t.Fatalf("a failed preparation left files behind: %v", entries)
	}
}

func TestBuild_WithoutPythonSaysHowToInstallIt(t *testing.T) {
	r, _ := Find("iris-species@1")
	_, err := Build(context.Background(), r, t.TempDir(), Options{Python: "/nonexistent/python3"})
	ce := core.AsError(err)
	if ce == nil || ce.Type != core.TypeCompetitionData || !strings.Contains(strings.Join(ce.Causes, " "), "make deps") {
		t.Fatalf("%+v", ce)
	}
}
