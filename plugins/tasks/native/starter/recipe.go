package starter

import (
	"bytes"
	"embed"
	"errors"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/plugins/tasks/native/layout"
)

//go:embed recipes builder
var files embed.FS

// Recipe is one starter competition: where its data comes from, how it is shaped and split, what
// the agent submits and how it is scored. It is recipes/NAME/recipe.yaml; recipes/NAME/description.md
// is the overview the agent reads. Only Source, the target and the split are needed by most
// recipes; the shared builder (builder/build.py) does the rest.
type Recipe struct {
	ID       string      `yaml:"id" json:"id"`
	Title    string      `yaml:"title" json:"title"`
	Domain   core.Domain `yaml:"domain" json:"domain"`
	TaskType string      `yaml:"task_type" json:"task_type"`
	// Task is what the builder fits: classification, regression or forecast.
	Task string `yaml:"task" json:"task"`
	// Population picks the reference solutions: tabular, image, text or forecast.
	Population string `yaml:"population" json:"population"`
	Source     Source `yaml:"source" json:"source"`
	// Select keeps these source columns (all when empty); SnakeCase then lower-cases the names and
	// turns runs of other characters into '_'; Rename renames columns and Drop drops them.
	Select    []string          `yaml:"select,omitempty" json:"select,omitempty"`
	SnakeCase bool              `yaml:"snake_case,omitempty" json:"snake_case,omitempty"`
	Rename    map[string]string `yaml:"rename,omitempty" json:"rename,omitempty"`
	Drop      []string          `yaml:"drop,omitempty" json:"drop,omitempty"`
	// Target is the column to predict; Labels maps its source values to the labels the agent sees.
	Target string         `yaml:"target" json:"target"`
	Labels map[string]any `yaml:"labels,omitempty" json:"labels,omitempty"`
	// IDColumn is made by the builder (1..n, training rows first) unless the split is by time, in
	// which case it is a source column (the date).
	IDColumn string `yaml:"id_column" json:"id_column"`
	// TextColumn is the free-text column of a text population; Season the seasonal period of a
	// forecast population.
	TextColumn string `yaml:"text_column,omitempty" json:"text_column,omitempty"`
	Season     int    `yaml:"season,omitempty" json:"season,omitempty"`
	// Submission is the shape of a submission: label, probability (of the positive class 1),
	// class_probabilities (one column per class) or value.
	Submission string         `yaml:"submission" json:"submission"`
	Metric     core.MetricRef `yaml:"metric" json:"metric"`
	Direction  core.Direction `yaml:"direction" json:"direction"`
	Split      layout.Split   `yaml:"split" json:"split"`
}

// Source is where a recipe's data set comes from: a Debian package, read offline.
type Source struct {
	// Kind is sklearn (a data set bundled with scikit-learn), statsmodels, r (an R package's data
	// set, read with Rscript) or idx_images (MNIST-style idx files in Dir).
	Kind string `yaml:"kind" json:"kind"`
	// Name is the sklearn or statsmodels data set name.
	Name string `yaml:"name,omitempty" json:"name,omitempty"`
	// RPackage and Dataset name an R data set; Objects, when the data set holds several tables,
	// lists those to concatenate.
	RPackage string   `yaml:"r_package,omitempty" json:"r_package,omitempty"`
	Dataset  string   `yaml:"dataset,omitempty" json:"dataset,omitempty"`
	Objects  []string `yaml:"objects,omitempty" json:"objects,omitempty"`
	Dir      string   `yaml:"dir,omitempty" json:"dir,omitempty"`
	IndexAs  string   `yaml:"index_as,omitempty" json:"index_as,omitempty"`
	// Options are keyword arguments of the sklearn loader (e.g. scaled: false for diabetes).
	Options map[string]any `yaml:"options,omitempty" json:"options,omitempty"`
	// Package is the Debian package shipping the data; Licence is as its copyright file states it
	// (/usr/share/doc/PACKAGE/copyright); Origin credits where the data was first published.
	Package string `yaml:"package" json:"package"`
	Licence string `yaml:"licence" json:"licence"`
	Origin  string `yaml:"origin" json:"origin"`
	URL     string `yaml:"url,omitempty" json:"url,omitempty"`
}

// Describe is the one-line provenance recorded in the manifest.
func (s Source) Describe() string {
	switch s.Kind {
	case "sklearn":
		return "scikit-learn's bundled data set load_" + s.Name + "() (Debian package " + s.Package + ")"
	case "statsmodels":
		return "statsmodels data set " + s.Name + " (Debian package " + s.Package + ")"
	case "r":
		what := s.RPackage + "::" + s.Dataset
		if len(s.Objects) > 0 {
			what += " (" + strings.Join(s.Objects, " + ") + ")"
		}
		return "R data set " + what + " (Debian package " + s.Package + ")"
	case "idx_images":
		return "idx image files in " + s.Dir + " (Debian package " + s.Package + ")"
	}
	return s.Kind
}

// Recipes returns every starter recipe, sorted by id.
func Recipes() ([]Recipe, error) {
	dirs, err := fs.ReadDir(files, "recipes")
	if err != nil {
		return nil, core.Errorf(core.TypeInternal, "starter pack: %w", err)
	}
	var out []Recipe
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		r, err := readRecipe(d.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Find returns the recipe whose id is id, or whose name is id when id has no version.
func Find(id string) (Recipe, error) {
	all, err := Recipes()
	if err != nil {
		return Recipe{}, err
	}
	for _, r := range all {
		if r.ID == id || strings.HasPrefix(r.ID, id+"@") {
			return r, nil
		}
	}
	var ids []string
	for _, r := range all {
		ids = append(ids, r.ID)
	}
	return Recipe{}, core.Errorf(core.TypeCompetitionNotFound, "the starter pack has no competition %q", id).
		WithDetails("starter competitions: %s", strings.Join(ids, ", "))
}

// Description returns the recipe's description.md.
func (r Recipe) Description() ([]byte, error) {
	name, _, _ := layout.ParseID(r.ID)
	b, err := files.ReadFile(path.Join("recipes", name, layout.DefaultDescFile))
	if err != nil {
		return nil, core.Errorf(core.TypeInternal, "starter recipe %s has no description: %w", r.ID, err)
	}
	return b, nil
}

func readRecipe(dir string) (Recipe, error) {
	raw, err := files.ReadFile(path.Join("recipes", dir, "recipe.yaml"))
	if err != nil {
		return Recipe{}, core.Errorf(core.TypeInternal, "starter recipe %s: %w", dir, err)
	}
	var r Recipe
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil && !errors.Is(err, io.EOF) {
		return Recipe{}, core.Errorf(core.TypeInternal, "starter recipe %s: %w", dir, err)
	}
	if name, _, err := layout.ParseID(r.ID); err != nil || name != dir {
		return Recipe{}, core.Errorf(core.TypeInternal, "starter recipe %s has id %q; want %s@VERSION", dir, r.ID, dir)
	}
	return r, nil
}
