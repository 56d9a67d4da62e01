package main

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/catalog"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk/plugintest"
)

// metricCatalog builds the metric plugins once and opens a catalog over them, so each prepared
// competition's sample submission is scored by the real metric binary its registry entry names.
var metricCatalog = sync.OnceValues(func() (*catalog.Catalog, error) {
	dir, err := os.MkdirTemp("", "dojo-metrics-")
	if err != nil {
		return nil, err
	}
	args := []string{"build", "-o", dir + "/"}
	for _, p := range []string{"classification", "ranking", "regression", "segmentation", "text"} {
		args = append(args, "github.com/mledojo/dojo/plugins/metrics/"+p)
	}
	if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building metric plugins: %v\n%s", err, out)
	}
	return catalog.Open(context.Background(), catalog.Options{Dirs: []string{dir}})
})

// TestRecipes_EveryRecipePreparesLoadsAndScores builds small synthetic raw files shaped like each
// recipe's inputs, prepares the competition through the loader's gRPC Prepare, loads it back
// (checksums verified) and scores the sample submission against the answers with the registry's
// metric. Unsupported recipes are counted and named.
func TestRecipes_EveryRecipePreparesLoadsAndScores(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the metric plugins")
	}
	cat, err := metricCatalog()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cat.Close() })
	all, err := allRecipes()
	if err != nil {
		t.Fatal(err)
	}
	registry, _ := entries()
	tl := plugintest.TaskLoader(t, loader{layout: mledojoLayout})
	var declarative, transform, unsupported []string
	for _, id := range recipeIDs(all) {
		r := all[id]
		e := registry[id]
		if e == nil {
			t.Errorf("recipe %s has no registry entry", id)
			continue
		}
		switch {
		case r.Unsupported != "":
			unsupported = append(unsupported, id)
			continue
		case r.Transform != "":
			transform = append(transform, id)
		default:
			declarative = append(declarative, id)
		}
		t.Run(id, func(t *testing.T) {
			r := smallTestSize(t, all, r)
			raw, data := t.TempDir(), t.TempDir()
			synthesize(t, r, raw)
			resp, err := tl.Prepare(context.Background(), pluginapi.PrepareTaskRequest{Loader: "mledojo", ID: id, RawDir: raw, DataDir: data})
			if err != nil {
				t.Fatalf("prepare: %v (%v)", err, core.AsError(err).Causes)
			}
			c, err := tl.Load(context.Background(), pluginapi.LoadTaskRequest{Loader: "mledojo", Root: data, ID: id})
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			if c.AnswersPath != resp.Competition.AnswersPath || len(resp.Files) < 3 {
				t.Fatalf("prepare answered %+v", resp)
			}
			if rows := csvRows(t, c.AnswersPath); rows == 0 {
				t.Fatal("no answer rows")
			}
			if r.Split != nil && r.Split.From != "" {
				assertNoTestRowsInPublicTrain(t, r, data)
			}
			m, err := cat.Metric(e.Metric.Name)
			if err != nil {
				t.Fatalf("metric %s: %v", e.Metric.Name, err)
			}
			score, err := m.Score(context.Background(), pluginapi.ScoreRequest{Metric: e.Metric.Name,
				AnswersPath: c.AnswersPath, SubmissionPath: filepath.Join(c.PublicDir, "sample_submission.csv"), Params: core.Params(e.Metric.Params)})
			if err != nil {
				t.Fatalf("scoring the sample submission with %s %v: %v", e.Metric.Name, e.Metric.Params, err)
			}
			if score.Rows == 0 || score.Score != score.Score {
				t.Fatalf("score %+v", score)
			}
		})
	}
	evals := 0
	for id, e := range registry {
		if e.Split == "eval" {
			evals++
			if all[id] == nil {
				t.Errorf("evaluation competition %s has no recipe", id)
			}
		}
	}
	t.Logf("%d recipes for %d evaluation competitions: %d declarative, %d with a built-in transform %v, %d need code %v",
		len(all), evals, len(declarative), len(transform), transform, len(unsupported), unsupported)
}

// smallTestSize swaps in, for the subtest, a copy of a recipe whose fixed test size is thousands of
// rows (AI4Code's 20000 notebooks, ALASKA2's 5000 images) with test_rows 200, so the synthetic raw
// files stay a few hundred; everything else about the recipe is as embedded.
func smallTestSize(t *testing.T, all map[string]*Recipe, r *Recipe) *Recipe {
	small := shrunk(r)
	if small != r {
		all[r.ID] = small
		t.Cleanup(func() { all[r.ID] = r })
	}
	return small
}

// shrunk is r, or a copy of it with test_rows 200 where r's is over 1000.
func shrunk(r *Recipe) *Recipe {
	if r.Split == nil || r.Split.TestRows <= 1000 {
		return r
	}
	small, split := *r, *r.Split
	split.TestRows = 200
	small.Split = &split
	return &small
}

// assertNoTestRowsInPublicTrain checks that no answer id appears in a public output of the split
// table's train rows (where that output has the answers' id column).
func assertNoTestRowsInPublicTrain(t *testing.T, r *Recipe, data string) {
	t.Helper()
	answers := readAll(t, filepath.Join(data, r.ID, "data", answersFile))
	idCol := answers[0][0]
	test := map[string]bool{}
	for _, row := range answers[1:] {
		test[row[0]] = true
	}
	for _, o := range r.Outputs {
		if o.Rows != "train" || o.From != r.Split.From {
			continue
		}
		train := readAll(t, filepath.Join(data, r.ID, "data", o.To))
		j := slices.Index(train[0], idCol)
		if j < 0 {
			continue
		}
		if len(train) < 2 {
			t.Fatalf("%s has no rows", o.To)
		}
		for _, row := range train[1:] {
			if test[row[j]] {
				t.Fatalf("%s holds test row %s=%s", o.To, idCol, row[j])
			}
		}
	}
}

func readAll(t *testing.T, p string) [][]string {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return rows
}

func csvRows(t *testing.T, p string) int { return len(readAll(t, p)) - 1 }

const synthRows = 60

var labelKind = regexp.MustCompile(`^label\((.*)\)$`)

// synthesize writes raw files shaped like the recipe's inputs into dir.
func synthesize(t *testing.T, r *Recipe, dir string) {
	t.Helper()
	write := func(rel string, b []byte) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := r.Split
	// A files split lists generated files; the tables joined to it use their names as keys.
	var fileNames []string
	if s != nil && s.Files != "" {
		ext := filepath.Ext(s.Files)
		for i := range 24 {
			name := fmt.Sprintf("img_%03d%s", i, ext)
			if r.Transform == "dogs_vs_cats" {
				name = fmt.Sprintf("%s.%d%s", []string{"cat", "dog"}[i%2], i, ext)
			}
			fileNames = append(fileNames, name)
			rel := filepath.Join(filepath.Dir(s.Files), name)
			if r.Transform == "pixels" {
				write(rel, pngBytes(t, i))
				write(filepath.Join("train_cleaned", name), pngBytes(t, i+100))
			} else {
				write(rel, []byte("raw "+name))
			}
		}
	}
	sizeFiles := map[string]bool{}
	if s != nil && s.TestSizeFrom != nil {
		if s.TestSizeFrom.File != "" {
			sizeFiles[s.TestSizeFrom.File] = true
		}
		for i := range 8 {
			if g := s.TestSizeFrom.Glob; g != "" {
				write(strings.Replace(g, "*", fmt.Sprintf("t%d", i), 1), []byte("x"))
			}
		}
	}
	classes := map[string][]string{} // one-hot classes per label column, for classes_from files
	for _, in := range r.Inputs {
		for _, c := range in.Columns {
			name, kind, _ := strings.Cut(c, ":")
			if m := labelKind.FindStringSubmatch(kind); m != nil {
				classes[name] = strings.Split(m[1], "|")
			}
		}
	}
	var splitKeys []string
	for _, in := range r.Inputs {
		if in.Dir {
			if err := os.MkdirAll(filepath.Join(dir, in.Path), 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if !strings.HasSuffix(in.Path, ".csv") && !strings.HasSuffix(in.Path, ".tsv") {
			write(in.Path, []byte("raw file "+in.Path))
			continue
		}
		cols := in.Columns
		if classesFromFile(r, in.Path) {
			// Kaggle's sample submission: the id, then one column per class.
			var labels []string
			for _, o := range r.Outputs {
				if o.OneHot != nil {
					labels = classes[o.OneHot.Column]
				}
			}
			cols = append(slices.Clone(cols), labels...)
		}
		if len(cols) == 0 {
			cols = []string{"id", "value"}
		}
		n := synthRows
		if sizeFiles[in.Path] {
			n = 12
		}
		if s != nil && in.Path == s.From && s.TestRows > 0 {
			n = s.TestRows + 40
		}
		joined := s != nil && s.From != "" && in.Path != s.From
		if s != nil && s.Files != "" {
			joined = true
		}
		rows := [][]string{}
		header := []string{}
		for _, c := range cols {
			name, _, _ := strings.Cut(c, ":")
			header = append(header, name)
		}
		rows = append(rows, header)
		for i := range n {
			row := make([]string, len(cols))
			for j, c := range cols {
				name, kind, _ := strings.Cut(c, ":")
				row[j] = cell(kind, name, i)
				switch {
				case fileNames != nil && joined && (kind == "id"):
					row[j] = fileNames[i%len(fileNames)]
				case joined && s.From != "" && (name == s.Key || name == s.Group) && splitKeys != nil:
					row[j] = splitKeys[i%len(splitKeys)]
				}
			}
			rows = append(rows, row)
		}
		if s != nil && in.Path == s.From {
			key := s.Key
			if key == "" {
				key = s.Group
			}
			if k := slices.Index(header, key); k >= 0 {
				for _, row := range rows[1:] {
					splitKeys = append(splitKeys, row[k])
				}
			}
		}
		var b strings.Builder
		w := csv.NewWriter(&b)
		if in.Delimiter != "" {
			w.Comma = []rune(in.Delimiter)[0]
		}
		w.WriteAll(rows)
		write(in.Path, []byte(b.String()))
		// One raw file per row where a files rule names one.
		if s != nil && s.From == in.Path {
			for _, rule := range r.Files {
				for _, row := range rows[1:] {
					write(expand(rule.From, header, row), []byte("file"))
				}
			}
		}
	}
	for _, c := range r.Copy {
		from, _, _ := strings.Cut(c, "->")
		from = strings.TrimSpace(from)
		if strings.HasSuffix(from, "?") {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, from)); err != nil {
			write(from, []byte("copied "+from))
		}
	}
	// Raw files a built-in transform reads beyond the declared tables (JSON, text, named images).
	if fix := rawFixtures[r.ID]; fix != nil {
		fix(t, r, dir)
	}
	// Pack one input into its archive, as Kaggle ships it, so unzip is exercised.
	for _, z := range r.Unzip {
		inner := strings.TrimSuffix(z, ".zip")
		if st, err := os.Stat(filepath.Join(dir, inner)); err == nil && !st.IsDir() {
			zipFile(t, filepath.Join(dir, z), filepath.Join(dir, inner))
			os.Remove(filepath.Join(dir, inner))
		}
	}
}

func classesFromFile(r *Recipe, path string) bool {
	for _, o := range r.Outputs {
		if o.OneHot != nil && o.OneHot.ClassesFrom == path {
			return true
		}
	}
	return false
}

// cell makes the i-th value of a column of the given kind.
func cell(kind, name string, i int) string {
	if m := labelKind.FindStringSubmatch(kind); m != nil {
		opts := strings.Split(m[1], "|")
		return opts[i%len(opts)]
	}
	var k, of int
	if n, _ := fmt.Sscanf(kind, "onehot(%d|%d)", &k, &of); n == 2 {
		return fmt.Sprint(b2i(i%of == k))
	}
	switch strings.TrimSuffix(kind, "?") {
	case "id", "":
		return fmt.Sprintf("%s_%03d", strings.ToLower(strings.ReplaceAll(name, " ", "")), i)
	case "hexid":
		return fmt.Sprintf("%08x", 0xabc00000+i*7919)
	case "int":
		return fmt.Sprint(i)
	case "group":
		return fmt.Sprint(i / 3)
	case "binary":
		return fmt.Sprint(i % 2)
	case "float":
		if strings.HasSuffix(kind, "?") && i%5 == 4 {
			return ""
		}
		return fmt.Sprintf("%.4f", 1+float64(i)*0.25)
	case "text":
		return fmt.Sprintf("some words, number %d", i)
	case "date":
		return fmt.Sprintf("2013-01-%02d", 1+i%28)
	case "tags":
		return fmt.Sprintf("%d %d", i%5, 5+i%3)
	case "rle":
		return fmt.Sprintf("%d 3", 1+i*10)
	case "pixels":
		return "1 2 3 4"
	}
	return fmt.Sprintf("%s-%d", kind, i)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func pngBytes(t *testing.T, seed int) []byte {
	img := image.NewGray(image.Rect(0, 0, 4, 3))
	for i := range img.Pix {
		img.Pix[i] = uint8((seed*31 + i*17) % 256)
	}
	img.Set(0, 0, color.Gray{Y: 255})
	var b strings.Builder
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return []byte(b.String())
}

func zipFile(t *testing.T, archive, file string) {
	t.Helper()
	f, err := os.Create(archive)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	w, _ := zw.Create(filepath.Base(file))
	b, _ := os.ReadFile(file)
	w.Write(b)
	zw.Close()
	f.Close()
}

func TestRecipes_AllParseAndCoverTheEvaluationSplit(t *testing.T) {
	all, err := allRecipes()
	if err != nil {
		t.Fatal(err)
	}
	registry, _ := entries()
	for id, r := range all {
		if registry[id] == nil {
			t.Errorf("recipe %s names no registry competition", id)
		}
		if r.Original == "" {
			t.Errorf("recipe %s says nothing of where its facts come from", id)
		}
	}
	var ids []string
	for id, e := range registry {
		if e.Split == "eval" && all[id] == nil {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	if len(ids) > 0 {
		t.Errorf("evaluation competitions without a recipe: %v", ids)
	}
}
