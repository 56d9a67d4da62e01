package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
)

// lifeFixture writes a train.csv shaped like Kaggle's Conway's Reverse Game of Life 2020 file: id,
// delta 1 to 5, then 625 start and 625 stop cells, one game per row.
func lifeFixture(t *testing.T, r *Recipe, dir string) {
	writeRaw(t, dir, "train.csv", lifeTrainCSV(synthRows, 625))
}

func lifeTrainCSV(games, cells int) string {
	var b strings.Builder
	b.WriteString("id,delta")
	for _, prefix := range []string{"start_", "stop_"} {
		for k := range cells {
			b.WriteString("," + prefix + strconv.Itoa(k))
		}
	}
	b.WriteString("\n")
	for i := range games {
		fmt.Fprintf(&b, "%d,%d", i, 1+i%5)
		for k := range 2 * cells {
			b.WriteString([]string{",0", ",1"}[(i*7+k*k)%5/4])
		}
		b.WriteString("\n")
	}
	return b.String()
}

// The recipe's split, replayed with scikit-learn's train_test_split (test_size 0.1, random_state 0,
// the default Dojo documents for competitions without a prepare.py): the same games on each side,
// each side in file order, public test and answers holding id, delta and the stop board, the
// sample submission an all-dead start board per test game.
func TestTransforms_LifeBoardsSplitAsTheRecipeSays(t *testing.T) {
	const py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import pandas, sklearn").Run(); err != nil {
		t.Skipf("%s with pandas and scikit-learn is not available: %v", py, err)
	}
	all, err := allRecipes()
	if err != nil {
		t.Fatal(err)
	}
	const id = "conways-reverse-game-of-life-2020"
	raw, out := t.TempDir(), filepath.Join(t.TempDir(), "data")
	writeRaw(t, raw, "train.csv", lifeTrainCSV(230, 625))
	r := &runner{ctx: context.Background(), id: id, r: all[id], raw: raw, out: out, progress: func(string, int64, int64) {}}
	if err := r.run(); err != nil {
		t.Fatal(err)
	}
	const check = `
import sys
import pandas as pd
from sklearn.model_selection import train_test_split
raw, out = sys.argv[1], sys.argv[2]
train = pd.read_csv(raw + "/train.csv", dtype=str)
tr, te = train_test_split(train, test_size=0.1, random_state=0)
tr, te = tr.sort_index(), te.sort_index()
stops = ["id", "delta"] + ["stop_%d" % k for k in range(625)]
def same(path, want):
    got = pd.read_csv(out + "/" + path, dtype=str)
    if list(got.columns) != list(want.columns) or not (got.values == want.values).all():
        sys.exit(path + " differs")
same("public/train.csv", tr)
same("public/test.csv", te[stops])
same("private/test_answer.csv", te[stops])
sample = pd.DataFrame({"id": te["id"].values, **{"start_%d" % k: "0" for k in range(625)}})
same("public/sample_submission.csv", sample)
print("ok")
`
	b, err := exec.Command(py, "-c", check, raw, out).CombinedOutput()
	if err != nil || strings.TrimSpace(string(b)) != "ok" {
		t.Fatalf("the prepared files differ from the documented split (%v):\n%s", err, b)
	}
}

func TestTransforms_LifeBoardsRejectsAnIncompleteBoard(t *testing.T) {
	all, err := allRecipes()
	if err != nil {
		t.Fatal(err)
	}
	const id = "conways-reverse-game-of-life-2020"
	for name, edit := range map[string]func(string) string{
		"a start column missing": func(s string) string { return strings.Replace(s, ",start_7,", ",start_x,", 1) },
		"a stop column missing":  func(s string) string { return strings.Replace(s, ",stop_600,", ",stop_x,", 1) },
	} {
		t.Run(name, func(t *testing.T) {
			raw, out := t.TempDir(), filepath.Join(t.TempDir(), "data")
			writeRaw(t, raw, "train.csv", edit(lifeTrainCSV(40, 625)))
			r := &runner{ctx: context.Background(), id: id, r: all[id], raw: raw, out: out, progress: func(string, int64, int64) {}}
			err := r.run()
			var e *core.Error
			if !errors.Is(err, ErrColumnMissing) && !(errors.As(err, &e) && e.Type == core.TypeCompetitionData) {
				t.Fatalf("got %v, want a missing column", err)
			}
			if _, statErr := os.Stat(filepath.Join(out, answersFile)); statErr == nil && err == nil {
				t.Fatal("answers written from an incomplete board")
			}
		})
	}
}
