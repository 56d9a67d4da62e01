package main

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/mledojo/dojo/core"
)

// The registry (one YAML per competition) and the original's data: descriptions and the real
// public and private leaderboards (MIT licence, data/LICENSE).
//
//go:embed registry/*.yaml data recipes/*.yaml
var files embed.FS

// Entry is one registry file; see registry/README.md for the fields.
type Entry struct {
	ID           string `yaml:"id"`
	Title        string `yaml:"title"`
	Domain       string `yaml:"domain"`
	TaskType     string `yaml:"task_type"`
	Split        string `yaml:"split"`
	EvalGroup    string `yaml:"eval_group"`
	Source       string `yaml:"source"`
	KaggleMetric string `yaml:"kaggle_metric"`
	Metric       struct {
		Name   string         `yaml:"name"`
		Params map[string]any `yaml:"params"`
	} `yaml:"metric"`
	Direction  string `yaml:"direction"`
	Provenance struct {
		Original string `yaml:"original"`
		Summary  string `yaml:"summary"`
		Notes    string `yaml:"notes"`
	} `yaml:"provenance"`
}

var (
	registryOnce sync.Once
	registry     map[string]*Entry
	registryErr  error
)

// entries parses the registry once; a broken file is an error naming it (a test keeps all valid).
func entries() (map[string]*Entry, error) {
	registryOnce.Do(func() {
		registry = map[string]*Entry{}
		names, _ := fs.Glob(files, "registry/*.yaml")
		for _, name := range names {
			b, _ := files.ReadFile(name)
			var e Entry
			if err := yaml.Unmarshal(b, &e); err != nil {
				registryErr = core.Errorf(core.TypeInternal, "registry file %s: %w", name, err)
				return
			}
			if e.ID+".yaml" != path.Base(name) {
				registryErr = core.Errorf(core.TypeInternal, "registry file %s holds id %q", name, e.ID)
				return
			}
			registry[e.ID] = &e
		}
	})
	return registry, registryErr
}

func lookup(id string) (*Entry, error) {
	all, err := entries()
	if err != nil {
		return nil, err
	}
	if e, ok := all[id]; ok {
		return e, nil
	}
	return nil, core.Errorf(core.TypeCompetitionNotFound, "no competition %q in the MLE-Dojo registry", id).
		WithCauses(suggest(id, all), "`dojo competitions list --source mledojo` lists all 202")
}

func suggest(id string, all map[string]*Entry) string {
	var close []string
	for k := range all {
		if strings.Contains(k, id) || strings.Contains(id, k) || strings.HasPrefix(k, strings.SplitN(id, "-", 2)[0]) {
			close = append(close, k)
		}
	}
	sort.Strings(close)
	if len(close) > 5 {
		close = close[:5]
	}
	if len(close) == 0 {
		return "check the spelling of the id (a Kaggle slug)"
	}
	return "did you mean: " + strings.Join(close, ", ")
}

// competition builds the core.Competition of an entry, with its embedded description and boards.
func (e *Entry) competition() (core.Competition, error) {
	dir, err := core.ParseDirection(e.Direction)
	if err != nil {
		return core.Competition{}, err
	}
	c := core.Competition{
		ID: e.ID, Title: e.Title, Domain: core.Domain(e.Domain), TaskType: e.TaskType,
		Metric: core.MetricRef{Name: e.Metric.Name, Params: core.Params(e.Metric.Params)}, Direction: dir,
	}
	if b, err := files.ReadFile("data/" + e.ID + "/description.txt"); err == nil {
		c.Description = string(b)
	}
	for _, name := range []string{"public", "private"} {
		b, err := files.ReadFile("data/" + e.ID + "/" + name + "_leaderboard.csv")
		if err != nil {
			continue
		}
		board, err := parseBoard(name, b)
		if err != nil {
			return core.Competition{}, core.Errorf(core.TypeLeaderboard, "%s %s leaderboard: %w", e.ID, name, err)
		}
		if usable(board) {
			c.Boards = append(c.Boards, board)
		}
	}
	return c, nil
}

// parseBoard reads a `rank,score` CSV (other columns ignored; the score column is found by name).
func parseBoard(name string, b []byte) (core.Leaderboard, error) {
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return core.Leaderboard{}, err
	}
	if len(rows) < 2 {
		return core.Leaderboard{}, fmt.Errorf("no teams")
	}
	col := -1
	for i, h := range rows[0] {
		if strings.EqualFold(strings.TrimSpace(h), "score") {
			col = i
		}
	}
	if col < 0 {
		return core.Leaderboard{}, fmt.Errorf("no score column in %v", rows[0])
	}
	board := core.Leaderboard{Name: name}
	for _, r := range rows[1:] {
		v, err := strconv.ParseFloat(strings.TrimSpace(r[col]), 64)
		if err != nil {
			continue // a team without a score (Kaggle shows some as blank)
		}
		board.Scores = append(board.Scores, v)
	}
	return board, nil
}

// usable drops a board whose every score is zero: the original's data lost those scores (three
// competitions' public boards), and ranking against it would put any agent first.
func usable(b core.Leaderboard) bool {
	for _, s := range b.Scores {
		if s != 0 {
			return true
		}
	}
	return false
}
