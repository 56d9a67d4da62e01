package starter

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/plugins/tasks/native/layout"
)

// Default interpreters: Debian's, which see the Debian packages the recipes read (a python3 earlier on
// PATH may be another interpreter without scikit-learn).
const (
	DefaultPython  = "/usr/bin/python3"
	DefaultRscript = "/usr/bin/Rscript"
)

// exitMissingSource is build.py's exit status when a source data set is not installed.
const exitMissingSource = 3

// Options tune Build.
type Options struct {
	// Python and Rscript are the interpreters to run; empty means the defaults.
	Python, Rscript string
	// Progress, when set, receives the builder's progress lines as they come.
	Progress func(line string)
}

// Result is a built competition.
type Result struct {
	// Dir is the competition directory, DATA_DIR/ID.
	Dir      string
	Manifest layout.Manifest
	// Files are the files written, relative to Dir, competition.yaml included.
	Files []string
}

// buildInfo is the builder's build.json.
type buildInfo struct {
	TrainRows         int               `json:"train_rows"`
	TestRows          int               `json:"test_rows"`
	PublicRows        int               `json:"public_rows"`
	SubmissionColumns []string          `json:"submission_columns"`
	Classes           []string          `json:"classes"`
	Solutions         int               `json:"solutions"`
	PackageVersions   map[string]string `json:"package_versions"`
	Sklearn           string            `json:"sklearn"`
}

// Build prepares the competition of recipe r in dataDir/ID: it runs the shared builder, writes the
// description, records every file's checksum in competition.yaml, and only then moves the result into
// place, replacing an earlier preparation, so a failed or interrupted build leaves what was there.
func Build(ctx context.Context, r Recipe, dataDir string, opts Options) (Result, error) {
	if opts.Python == "" {
		opts.Python = DefaultPython
	}
	if opts.Rscript == "" {
		opts.Rscript = DefaultRscript
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return Result{}, core.Errorf(core.TypeCompetitionData, "creating the data directory: %w", err)
	}
	name, _, err := layout.ParseID(r.ID)
	if err != nil {
		return Result{}, err
	}
	work, err := os.MkdirTemp(dataDir, ".prepare-"+name+"-")
	if err != nil {
		return Result{}, core.Errorf(core.TypeCompetitionData, "creating a work directory in %s: %w", dataDir, err)
	}
	defer os.RemoveAll(work)
	out := filepath.Join(work, "competition")
	tools := filepath.Join(work, "builder")
	if err := unpackBuilder(tools, r); err != nil {
		return Result{}, err
	}
	if err := runBuilder(ctx, r, tools, out, opts); err != nil {
		return Result{}, err
	}
	info, err := readBuildInfo(filepath.Join(out, "build.json"))
	if err != nil {
		return Result{}, err
	}
	desc, err := r.Description()
	if err != nil {
		return Result{}, err
	}
	if err := os.WriteFile(filepath.Join(out, layout.DefaultDescFile), desc, 0o644); err != nil {
		return Result{}, core.Errorf(core.TypeCompetitionData, "writing the description: %w", err)
	}
	m := manifest(r, info, opts.Python)
	if err := layout.Seal(out, &m); err != nil {
		return Result{}, err
	}
	final := filepath.Join(dataDir, r.ID)
	if err := replaceDir(out, final, work); err != nil {
		return Result{}, err
	}
	files := append([]string{layout.ManifestFile}, sortedKeys(m.Checksums)...)
	return Result{Dir: final, Manifest: m, Files: files}, nil
}

func unpackBuilder(dir string, r Recipe) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return core.Errorf(core.TypeInternal, "unpacking the builder: %w", err)
	}
	for _, f := range []string{"build.py", "populations.py", "export.R"} {
		b, err := files.ReadFile(path.Join("builder", f))
		if err != nil {
			return core.Errorf(core.TypeInternal, "unpacking the builder: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			return core.Errorf(core.TypeInternal, "unpacking the builder: %w", err)
		}
	}
	raw, err := json.Marshal(r)
	if err != nil {
		return core.Errorf(core.TypeInternal, "encoding recipe %s: %w", r.ID, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "recipe.json"), raw, 0o644); err != nil {
		return core.Errorf(core.TypeInternal, "writing recipe %s: %w", r.ID, err)
	}
	return nil
}

func runBuilder(ctx context.Context, r Recipe, tools, out string, opts Options) error {
	if _, err := os.Stat(opts.Python); err != nil {
		return core.Errorf(core.TypeCompetitionData, "preparing %s needs %s: %w", r.ID, opts.Python, err).
			WithCauses("install the Debian packages of the Makefile's APT_PACKAGES (make deps): python3 with numpy, pandas, scikit-learn, statsmodels")
	}
	cmd := exec.CommandContext(ctx, opts.Python, "-B", filepath.Join(tools, "build.py"),
		filepath.Join(tools, "recipe.json"), out, opts.Rscript, filepath.Join(tools, "export.R"))
	cmd.Dir = tools
	// Single-threaded and seeded: results that depend on thread count or hash order would change the
	// checksums from one preparation to the next.
	cmd.Env = append(baseEnv(),
		"OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1", "MKL_NUM_THREADS=1", "BLIS_NUM_THREADS=1",
		"PYTHONHASHSEED=0", "PYTHONDONTWRITEBYTECODE=1", "PYTHONNOUSERSITE=1", "LC_ALL=C.UTF-8", "TZ=UTC",
		"MPLBACKEND=Agg", "R_LIBS_USER="+filepath.Join(tools, "no-user-library"))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return core.Errorf(core.TypeInternal, "starting the builder: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return core.Errorf(core.TypeCompetitionData, "starting %s: %w", opts.Python, err)
	}
	var tail []string
	sc := bufio.NewScanner(stderr)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if opts.Progress != nil {
			opts.Progress(line)
		}
		tail = append(tail, line)
		if len(tail) > 30 {
			tail = tail[1:]
		}
	}
	err = cmd.Wait()
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == exitMissingSource {
		return core.Errorf(core.TypeCompetitionData, "preparing %s: %s", r.ID, lastLine(tail)).
			WithCauses(fmt.Sprintf("install Debian package %s (make deps installs every package the starter pack reads)", r.Source.Package))
	}
	return core.Errorf(core.TypeCompetitionData, "preparing %s: the builder failed: %v", r.ID, err).
		WithDetails("%s", strings.Join(tail, "\n")).
		WithCauses("check that the Makefile's APT_PACKAGES are installed (make deps)")
}

// baseEnv is the little of the environment the builder needs.
func baseEnv() []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

func lastLine(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		if s := strings.TrimSpace(lines[i]); s != "" {
			return s
		}
	}
	return "the builder failed"
}

func readBuildInfo(p string) (buildInfo, error) {
	var info buildInfo
	raw, err := os.ReadFile(p)
	if err == nil {
		err = json.Unmarshal(raw, &info)
	}
	if err != nil {
		return info, core.Errorf(core.TypeInternal, "reading the builder's build.json: %w", err)
	}
	if err := os.Remove(p); err != nil {
		return info, core.Errorf(core.TypeInternal, "removing build.json: %w", err)
	}
	return info, nil
}

// populations describes each reference population in the manifest.
var populations = map[string]string{
	"tabular": "dummy baselines (most frequent / prior / stratified / uniform, or mean / median), regularised linear " +
		"models, k-nearest neighbours, decision trees of several depths, random forests and extra trees, gradient " +
		"boosting, naive Bayes, discriminant analysis and RBF support-vector models, with different capacities and seeds",
	"image": "dummy baselines, Gaussian naive Bayes, PCA + logistic regression, PCA + k-nearest neighbours, PCA + LDA, " +
		"decision trees, random forests and extra trees on the raw pixels, with different capacities",
	"text": "dummy baselines, a length-only model, TF-IDF (words, bigrams, characters; vocabularies of several sizes) with " +
		"logistic regression and SGD, and count-vector naive Bayes",
	"forecast": "naive baselines (train mean and median, last value, recent means, drift), seasonal naive, trend and " +
		"trend + season regressions, exponential smoothing (simple, Holt, Holt-Winters), SARIMA and autoregressions of several orders",
}

func manifest(r Recipe, info buildInfo, python string) layout.Manifest {
	params := core.Params{"id_column": r.IDColumn, "target_columns": []any{r.Target}}
	for k, v := range r.Metric.Params {
		params[k] = v
	}
	if r.Submission == "class_probabilities" {
		classes := make([]any, len(info.Classes))
		for i, c := range info.Classes {
			classes[i] = c
		}
		params["classes"] = classes
	}
	split := r.Split
	split.TrainRows, split.TestRows, split.PublicRows = info.TrainRows, info.TestRows, info.PublicRows
	lib := "scikit-learn " + info.Sklearn
	if r.Population == "forecast" {
		lib = "NumPy and statsmodels " + info.PackageVersions["python3-statsmodels"]
	}
	population := fmt.Sprintf("%d reference solutions (%s, run by %s): %s. Each was trained on public/train.csv and "+
		"scored with the competition's metric on a seeded half of the test rows (public: %d rows, private: %d rows). "+
		"These are reference boards, not human teams; leaderboards/solutions.csv lists every solution with both scores.",
		info.Solutions, lib, python, populations[r.Population], info.PublicRows, info.TestRows-info.PublicRows)
	return layout.Manifest{
		Format: layout.Format, ID: r.ID, Title: r.Title, Domain: r.Domain, TaskType: r.TaskType,
		Description: layout.DefaultDescFile,
		Metric:      core.MetricRef{Name: r.Metric.Name, Params: params},
		Direction:   r.Direction, IDColumn: r.IDColumn, SubmissionColumns: info.SubmissionColumns,
		Leaderboards: layout.Leaderboards{
			Public:     layout.BoardFile{File: "leaderboards/public.csv", Reference: true},
			Private:    layout.BoardFile{File: "leaderboards/private.csv", Reference: true},
			Population: population, Solutions: "leaderboards/solutions.csv",
		},
		Data: layout.Provenance{
			Source: r.Source.Describe(), Package: r.Source.Package, PackageVersion: info.PackageVersions[r.Source.Package],
			CopyrightFile: "/usr/share/doc/" + r.Source.Package + "/copyright", Licence: r.Source.Licence,
			Origin: r.Source.Origin, URL: r.Source.URL, Tools: info.PackageVersions,
		},
		Split: split,
	}
}

// replaceDir moves the built directory to final, replacing an earlier one. The earlier one is moved
// aside into work (removed with it) first, so final is always either the old or the new competition.
func replaceDir(built, final, work string) error {
	if _, err := os.Stat(final); err == nil {
		if err := os.Rename(final, filepath.Join(work, "previous")); err != nil {
			return core.Errorf(core.TypeCompetitionData, "moving the earlier %s aside: %w", final, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return core.Errorf(core.TypeCompetitionData, "%s: %w", final, err)
	}
	if err := os.Rename(built, final); err != nil {
		return core.Errorf(core.TypeCompetitionData, "moving the prepared competition to %s: %w", final, err)
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
