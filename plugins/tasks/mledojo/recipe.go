package main

import (
	"fmt"
	"io/fs"
	"math"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/mledojo/dojo/core"
)

// Recipe says how to turn a competition's raw Kaggle download into the MLE-Dojo layout
// (<data>/<id>/data/public and private). It is data, not code: see recipes/README.md.
type Recipe struct {
	ID string `yaml:"id"`
	// Original names what the facts were learnt from (the original's prepare.py, or Kaggle's pages).
	Original string `yaml:"original"`
	Notes    string `yaml:"notes"`
	// Unzip lists archives in the raw directory to extract there first (skipped when absent).
	Unzip []string `yaml:"unzip"`
	// Inputs are the raw files the recipe reads, checked before anything is written.
	Inputs []Input `yaml:"inputs"`
	// Split, when set, divides the rows of one raw table (or one directory's files) into train and test.
	Split *Split `yaml:"split"`
	// Outputs are the CSV files written, each from one raw table.
	Outputs []Output `yaml:"outputs"`
	// Files copies one file per split row, named by the row's columns.
	Files []FileRule `yaml:"files"`
	// Copy copies raw files or directories into the layout unchanged: "from" or "from -> to".
	Copy []string `yaml:"copy"`
	// Transform names a built-in step in Go (transforms.go) for what the rest cannot say.
	Transform string `yaml:"transform"`
	// Unsupported, when set, says why this competition cannot be prepared yet.
	Unsupported string `yaml:"unsupported"`
}

// Input is one raw file or directory.
type Input struct {
	Path string `yaml:"path"`
	// Dir marks a directory (its files are copied by Files rules).
	Dir bool `yaml:"dir"`
	// Columns the CSV must have, each "name" or "name:kind" (the kind documents the values: id, int,
	// float, binary, text, label(a|b|c), ...; tests make synthetic raw files from it).
	Columns []string `yaml:"columns"`
	// Delimiter, when not a comma.
	Delimiter string `yaml:"delimiter"`
}

// Split divides rows into train and test.
type Split struct {
	// From is the raw table split (a CSV, or a JSON array whose elements are the rows, which only a
	// transform writes out); Files instead splits a directory's files (a glob, sorted), as a table
	// with columns name, stem and path.
	From  string `yaml:"from"`
	Files string `yaml:"files"`
	// Key is the column other tables' outputs join on (Output.Key); Group's column when unset.
	Key string `yaml:"key"`
	// Group keeps rows sharing this column's value on one side: groups are taken in the order their
	// first row appears after the shuffle, each to test while it still fits the test size.
	Group string `yaml:"group"`
	// Shuffle: numpy (numpy.random.RandomState(seed).permutation, as scikit-learn's train_test_split
	// and pandas' sample draw it) or python (random.seed(seed); random.shuffle).
	Shuffle string `yaml:"shuffle"`
	Seed    uint64 `yaml:"seed"`
	// First says which side takes the head of the shuffled order: test (train_test_split) or train.
	First string `yaml:"first"`
	// The size: one of a test fraction (rounded up, as scikit-learn does), a train fraction (train
	// rows rounded half to even), a test or train row count, or TestSizeFrom.
	TestFraction  float64   `yaml:"test_fraction"`
	TrainFraction float64   `yaml:"train_fraction"`
	TestRows      int       `yaml:"test_rows"`
	TrainRows     int       `yaml:"train_rows"`
	TestSizeFrom  *SizeFrom `yaml:"test_size_from"`
}

// SizeFrom takes the test size from another raw file: the row count of a CSV or the number of files
// a glob matches, used as a count, as a share of (count + rows split), or as a ratio to the rows split.
type SizeFrom struct {
	File string `yaml:"file"`
	Glob string `yaml:"glob"`
	As   string `yaml:"as"` // count | share | ratio
}

// Output is one CSV written from a raw table.
type Output struct {
	To   string `yaml:"to"`   // public/... or private/...
	From string `yaml:"from"` // a raw table; the split's own table for train and test rows
	// Rows: train, test or all. A table other than the split's is joined by Key.
	Rows string `yaml:"rows"`
	// Key is the column of From holding the split table's key column (Split.Group, else KeyOf).
	Key string `yaml:"key"`
	// Columns keeps (and orders) these columns; Drop removes some; Rename renames (old: new).
	Columns []string          `yaml:"columns"`
	Drop    []string          `yaml:"drop"`
	Rename  map[string]string `yaml:"rename"`
	// OneHot turns a label column into one 0/1 column per class.
	OneHot *OneHot `yaml:"one_hot"`
	// Fill sets columns to a constant (a sample submission's default answers); "*" fills every
	// column but the first.
	Fill map[string]string `yaml:"fill"`
	// DropEmpty drops rows whose value in this column is empty.
	DropEmpty string `yaml:"drop_empty"`
	// Derive adds columns made from a template of the row's columns ("{sentence_id}_{token_id}";
	// "{#}" is the row's number in the raw file, from 0); name them in Columns to place them.
	Derive map[string]string `yaml:"derive"`
	// Unique keeps only the first row of each value of this column.
	Unique string `yaml:"unique"`
}

// OneHot names the label column and its classes (listed, or the header after the first column of a
// raw CSV such as Kaggle's sample submission).
type OneHot struct {
	Column      string   `yaml:"column"`
	Classes     []string `yaml:"classes"`
	ClassesFrom string   `yaml:"classes_from"`
}

// FileRule copies one file per row of the split's table: From is a raw path with {column}
// placeholders ({column[i]} for one character), Train and Test where train and test rows' files go.
type FileRule struct {
	From     string `yaml:"from"`
	Train    string `yaml:"train"`
	Test     string `yaml:"test"`
	Optional bool   `yaml:"optional"`
}

var (
	recipesOnce sync.Once
	recipes     map[string]*Recipe
	recipesErr  error
)

// allRecipes parses the embedded recipes once.
func allRecipes() (map[string]*Recipe, error) {
	recipesOnce.Do(func() {
		recipes = map[string]*Recipe{}
		names, _ := fs.Glob(files, "recipes/*.yaml")
		for _, name := range names {
			b, _ := files.ReadFile(name)
			r, err := parseRecipe(b)
			if err != nil {
				recipesErr = core.Errorf(core.TypeInternal, "recipe %s: %w", name, err)
				return
			}
			if r.ID+".yaml" != path.Base(name) {
				recipesErr = core.Errorf(core.TypeInternal, "recipe %s holds id %q", name, r.ID)
				return
			}
			recipes[r.ID] = r
		}
	})
	return recipes, recipesErr
}

func parseRecipe(b []byte) (*Recipe, error) {
	var r Recipe
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil {
		return nil, err
	}
	return &r, r.validate()
}

var placeholder = regexp.MustCompile(`\{([^{}\[\]]+)(?:\[(\d+)\])?\}`)

// validate checks what can be checked without the raw files.
func (r *Recipe) validate() error {
	if r.Unsupported != "" {
		return nil
	}
	if len(r.Outputs) == 0 && r.Transform == "" {
		return fmt.Errorf("no outputs and no transform")
	}
	if r.Transform != "" {
		if _, ok := transforms[r.Transform]; !ok {
			return fmt.Errorf("unknown transform %q", r.Transform)
		}
	}
	inputs := map[string]bool{}
	for _, in := range r.Inputs {
		inputs[in.Path] = true
	}
	if s := r.Split; s != nil {
		if (s.From == "") == (s.Files == "") {
			return fmt.Errorf("split needs one of from and files")
		}
		if s.From != "" && !inputs[s.From] {
			return fmt.Errorf("split.from %s is not an input", s.From)
		}
		if s.Shuffle != "numpy" && s.Shuffle != "python" {
			return fmt.Errorf("split.shuffle must be numpy or python, not %q", s.Shuffle)
		}
		if s.First != "test" && s.First != "train" {
			return fmt.Errorf("split.first must be test or train, not %q", s.First)
		}
		sizes := 0
		for _, set := range []bool{s.TestFraction > 0, s.TrainFraction > 0, s.TestRows > 0, s.TrainRows > 0, s.TestSizeFrom != nil} {
			if set {
				sizes++
			}
		}
		if sizes != 1 {
			return fmt.Errorf("split needs exactly one size (test_fraction, train_fraction, test_rows, train_rows, test_size_from)")
		}
	}
	for _, o := range r.Outputs {
		if !strings.HasPrefix(o.To, "public/") && !strings.HasPrefix(o.To, "private/") {
			return fmt.Errorf("output %s must be under public/ or private/", o.To)
		}
		if o.Rows != "all" && o.Rows != "train" && o.Rows != "test" {
			return fmt.Errorf("output %s: rows must be train, test or all", o.To)
		}
		if o.Rows != "all" && r.Split == nil {
			return fmt.Errorf("output %s takes %s rows but the recipe has no split", o.To, o.Rows)
		}
		if !inputs[o.From] && (r.Split == nil || o.From != r.Split.table()) {
			return fmt.Errorf("output %s: from %s is not an input", o.To, o.From)
		}
		if isJSON(o.From) {
			return fmt.Errorf("output %s: from %s: outputs are written from CSV tables (a transform writes JSON)", o.To, o.From)
		}
	}
	for _, f := range r.Files {
		if r.Split != nil && isJSON(r.Split.From) {
			return fmt.Errorf("files rules need a CSV or files split, not the JSON %s", r.Split.From)
		}
		if f.From == "" || (f.Train == "" && f.Test == "") {
			return fmt.Errorf("files rule needs from and train or test")
		}
		if r.Split == nil {
			return fmt.Errorf("files rules need a split")
		}
	}
	return nil
}

func (s *Split) table() string {
	if s.Files != "" {
		return "files"
	}
	return s.From
}

// answersFile is where the mledojo layout keeps the answers.
const answersFile = "private/test_answer.csv"

// assign divides n units into train and test, in the order the original's code leaves them.
func (s *Split) assign(n int) (train, test []int, err error) {
	perm := s.order(n)
	nTest, err := s.testCount(n, 0)
	if err != nil {
		return nil, nil, err
	}
	if s.First == "test" {
		return perm[nTest:], perm[:nTest], nil
	}
	return perm[:n-nTest], perm[n-nTest:], nil
}

func (s *Split) order(n int) []int {
	if s.Shuffle == "python" {
		return pythonShuffle(s.Seed, n)
	}
	return numpyPermutation(uint32(s.Seed), n)
}

// testCount is the number of test units out of n; sized is the count SizeFrom measured.
func (s *Split) testCount(n, sized int) (int, error) {
	var t int
	switch {
	case s.TestFraction > 0:
		t = int(math.Ceil(s.TestFraction * float64(n)))
	case s.TrainFraction > 0:
		t = n - int(math.RoundToEven(s.TrainFraction*float64(n)))
	case s.TestRows > 0:
		t = s.TestRows
	case s.TrainRows > 0:
		t = n - s.TrainRows
	case s.TestSizeFrom != nil:
		t = sized
	}
	if t <= 0 || t >= n {
		return 0, core.Errorf(core.TypeCompetitionData, "the split leaves %d of %d rows for test", t, n).
			WithCauses("the raw files are smaller than the recipe expects: check they are the whole Kaggle download")
	}
	return t, nil
}

// sizeFrom turns a SizeFrom measure into a test count for n units.
func sizeFrom(sf *SizeFrom, measured, n int) (int, error) {
	switch sf.As {
	case "count", "":
		return measured, nil
	case "share": // test / (train + test) of the original competition, applied as sklearn does
		return int(math.Ceil(float64(measured) / float64(measured+n) * float64(n))), nil
	case "ratio": // test / train of the original competition
		return int(math.Ceil(float64(measured) / float64(n) * float64(n))), nil
	}
	return 0, fmt.Errorf("test_size_from.as must be count, share or ratio")
}

// recipeIDs lists the ids with recipes, sorted.
func recipeIDs(all map[string]*Recipe) []string {
	ids := make([]string, 0, len(all))
	for id := range all {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
