package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type listedCompetition struct {
	ID       string `json:"id"`
	Metric   string `json:"metric"`
	Prepared bool   `json:"prepared"`
	Root     string `json:"root"`
}

func listCompetitions(t *testing.T, env []string, args ...string) []listedCompetition {
	t.Helper()
	r := dojo(t, env, append([]string{"competitions", "list", "--json"}, args...)...)
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	var out struct {
		Root         string              `json:"root"`
		Competitions []listedCompetition `json:"competitions"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	return out.Competitions
}

func TestCompetitions_ListBeforeAnyPreparationShowsTheStarterPackUnprepared(t *testing.T) {
	home := t.TempDir()
	env := []string{"HOME=" + home, "XDG_DATA_HOME="}
	comps := listCompetitions(t, env, "--source", "native")
	if len(comps) < 12 {
		t.Fatalf("%d competitions", len(comps))
	}
	for _, c := range comps {
		if c.Prepared || c.Root != filepath.Join(home, ".local", "share", "dojo", "competitions") {
			t.Fatalf("%+v", c)
		}
	}
	r := dojo(t, env, "competitions", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "iris-species@1") || !strings.Contains(r.stderr, "dojo competitions prepare --pack starter") {
		t.Fatalf("%+v", r)
	}
}

func TestCompetitions_ListShowsAllOfMLEDojoWithSplits(t *testing.T) {
	env := []string{"HOME=" + t.TempDir(), "XDG_DATA_HOME="}
	if all := listCompetitions(t, env, "--source", "mledojo"); len(all) != 202 {
		t.Fatalf("%d MLE-Dojo competitions, want 202", len(all))
	}
	if eval := listCompetitions(t, env, "--source", "mledojo", "--split", "eval"); len(eval) != 51 {
		t.Fatalf("%d evaluation competitions, want 51", len(eval))
	}
	r := dojo(t, env, "competitions", "list", "--split", "eval", "--domain", "nlp")
	if r.code != 0 || !strings.Contains(r.stdout, "spooky-author-identification") || strings.Contains(r.stdout, "aerial-cactus") {
		t.Fatalf("%+v", r)
	}
}

func TestCompetitions_PrepareThenListAndShow(t *testing.T) {
	data := filepath.Join(t.TempDir(), "comps")
	r := dojo(t, nil, "competitions", "prepare", "--pack", "starter", "--id", "iris-species", "--data-dir", data)
	if r.code != 0 || !strings.Contains(r.stdout, "[1/1] iris-species@1: prepared in") || !strings.Contains(r.stdout, "1 prepared, 0 already prepared") {
		t.Fatalf("%+v", r)
	}
	prepared := 0
	for _, c := range listCompetitions(t, nil, "--data-dir", data) {
		if c.Prepared {
			prepared++
			if c.ID != "iris-species@1" || c.Metric != "accuracy" {
				t.Fatalf("%+v", c)
			}
		}
	}
	if prepared != 1 {
		t.Fatalf("%d prepared", prepared)
	}

	r = dojo(t, nil, "competitions", "show", "iris-species@1", "--json", "--data-dir", data)
	var c struct {
		ID          string `json:"id"`
		PublicDir   string `json:"public_dir"`
		AnswersPath string `json:"answers_path"`
		Boards      []struct {
			Name      string    `json:"name"`
			Scores    []float64 `json:"scores"`
			Reference bool      `json:"reference"`
		} `json:"boards"`
	}
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	if err := json.Unmarshal([]byte(r.stdout), &c); err != nil {
		t.Fatal(err)
	}
	if c.ID != "iris-species@1" || c.PublicDir != filepath.Join(data, "iris-species@1", "public") || len(c.Boards) != 2 || !c.Boards[0].Reference {
		t.Fatalf("%+v", c)
	}
	r = dojo(t, nil, "competitions", "show", "--data-dir", data, "iris-species")
	if r.code != 0 || !strings.Contains(r.stdout, "metric:        accuracy, maximize") || !strings.Contains(r.stdout, "reference scores") ||
		!strings.Contains(r.stdout, "## Evaluation") {
		t.Fatalf("%+v", r)
	}

	// The sample submission scores with the metric the competition names.
	r = dojo(t, nil, "score", "--metric", "accuracy", "--param", "id_column=id", "--param", "target_columns=species",
		"--answers", c.AnswersPath, "--submission", filepath.Join(c.PublicDir, "sample_submission.csv"))
	if r.code != 0 || !strings.HasPrefix(r.stdout, "accuracy = ") {
		t.Fatalf("%+v", r)
	}

	// A tampered answers file is a clear error naming the file.
	if err := os.WriteFile(c.AnswersPath, []byte("id,species\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = dojo(t, nil, "competitions", "show", "iris-species@1", "--data-dir", data)
	if r.code != 1 || !strings.Contains(r.stderr, "competition_data") || !strings.Contains(r.stderr, "private/answers.csv does not match") ||
		!strings.Contains(r.stderr, "dojo competitions prepare") {
		t.Fatalf("%+v", r)
	}
}

func TestCompetitions_ShowUnknownAndUsageErrors(t *testing.T) {
	data := t.TempDir()
	r := dojo(t, nil, "competitions", "show", "no-such@1", "--data-dir", data)
	if r.code != 1 || !strings.Contains(r.stderr, "competition_not_found") {
		t.Fatalf("%+v", r)
	}
	r = dojo(t, nil, "competitions", "show", "iris-species", "--data-dir", data)
	if r.code != 1 || !strings.Contains(r.stderr, "prepare --pack starter --id iris-species@1") {
		t.Fatalf("an unprepared starter competition should say how to prepare it: %+v", r)
	}
	for _, args := range [][]string{
		{"competitions"}, {"competitions", "frobnicate"}, {"competitions", "show"}, {"competitions", "prepare"},
		{"competitions", "prepare", "--pack", "starter", "--from", data},
	} {
		if r := dojo(t, nil, args...); r.code != 2 {
			t.Fatalf("%v: %+v", args, r)
		}
	}
	r = dojo(t, nil, "competitions", "prepare", "--pack", "deluxe", "--data-dir", data)
	if r.code != 1 || !strings.Contains(r.stderr, `unknown pack "deluxe"`) {
		t.Fatalf("%+v", r)
	}
}
