package eval

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/competitions"
)

// Library is where an evaluation finds its competitions; *competitions.Library is one.
type Library interface {
	List(ctx context.Context) ([]competitions.Entry, error)
	Load(ctx context.Context, id string) (core.Competition, error)
}

// CompetitionInfo is what the report needs of a competition, kept in the run directory
// (competitions/<id>.json) so a report never needs the data directory.
type CompetitionInfo struct {
	ID        string             `json:"id"`
	Title     string             `json:"title,omitempty"`
	Domain    core.Domain        `json:"domain,omitempty"`
	Metric    string             `json:"metric"`
	Direction core.Direction     `json:"direction"`
	Boards    []core.Leaderboard `json:"boards,omitempty"`
	Source    string             `json:"source,omitempty"`
}

// CompetitionsDir is the run directory's folder of competition snapshots.
const CompetitionsDir = "competitions"

// EpisodesDir is the run directory's folder of episodes: episodes/<agent>/<competition>/seed-<n>.
const EpisodesDir = "episodes"

// Job is one episode of a run.
type Job struct {
	Agent       AgentSpec
	Competition string
	Seed        int64
	// Dir is the episode's directory.
	Dir string
}

// Name is the job's agent/competition/seed-n, as its directory is named under episodes/.
func (j Job) Name() string {
	return fmt.Sprintf("%s/%s/seed-%d", j.Agent.Name, j.Competition, j.Seed)
}

// EpisodeDir is where the episode of agent on competition with seed lives in runDir.
func EpisodeDir(runDir, agent, competition string, seed int64) string {
	return filepath.Join(runDir, EpisodesDir, agent, competition, fmt.Sprintf("seed-%d", seed))
}

// resolve turns the config's selectors into competitions, loaded and verified, in id order.
func resolve(ctx context.Context, lib Library, sels []CompetitionSelector) ([]core.Competition, error) {
	var (
		ids     []string
		seen    = map[string]bool{}
		entries []competitions.Entry
		listed  bool
	)
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for i, s := range sels {
		if s.exact() {
			add(s.ID)
			continue
		}
		if !listed {
			var err error
			if entries, err = lib.List(ctx); err != nil {
				return nil, err
			}
			listed = true
		}
		n := 0
		for _, e := range entries {
			ok, err := s.matches(e)
			if err != nil {
				return nil, core.Errorf(core.TypeConfig, "eval config: invalid %q: %v", fmt.Sprintf("competitions[%d].id", i), err)
			}
			if ok {
				add(e.ID)
				n++
			}
		}
		if n == 0 {
			return nil, core.Errorf(core.TypeConfig, "eval config: competitions[%d] %s matches no prepared competition", i, s).
				WithCauses("prepare competitions first (`dojo competitions prepare --pack starter`)",
					"`dojo competitions list` shows ids, domains and sources")
		}
	}
	out := make([]core.Competition, 0, len(ids))
	loaded := map[string]bool{}
	for _, id := range ids {
		c, err := lib.Load(ctx, id)
		if err != nil {
			return nil, err
		}
		// "pima-diabetes" and "pima-diabetes@1" are one competition.
		if !loaded[c.ID] {
			loaded[c.ID] = true
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// matches reports whether a listed competition passes the selector. Only prepared competitions match:
// a selector means "those I have", an exact id means "this one, or fail".
func (s CompetitionSelector) matches(e competitions.Entry) (bool, error) {
	if !e.Prepared {
		return false, nil
	}
	if s.ID != "" {
		ok, err := path.Match(s.ID, e.ID)
		if err != nil {
			return false, err
		}
		if !ok {
			return false, nil
		}
	}
	if s.Domain != "" && e.Domain != s.Domain {
		return false, nil
	}
	if s.Source != "" && e.Loader != s.Source && e.Labels["source"] != s.Source {
		return false, nil
	}
	for k, v := range s.Labels {
		if e.Labels[k] != v {
			return false, nil
		}
	}
	return true, nil
}

// writeCompetitions snapshots every competition's metric and boards into the run directory.
func writeCompetitions(runDir string, comps []core.Competition) error {
	dir := filepath.Join(runDir, CompetitionsDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return core.Errorf(core.TypeInternal, "run directory: %w", err)
	}
	for _, c := range comps {
		info := CompetitionInfo{
			ID: c.ID, Title: c.Title, Domain: c.Domain, Metric: c.Metric.Name, Direction: c.Direction,
			Boards: c.Boards, Source: c.Source,
		}
		if err := writeJSONAtomic(filepath.Join(dir, c.ID+".json"), info); err != nil {
			return err
		}
	}
	return nil
}

// ReadCompetitions reads the competition snapshots of a run directory, by id.
func ReadCompetitions(runDir string) (map[string]CompetitionInfo, error) {
	dir := filepath.Join(runDir, CompetitionsDir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, core.Errorf(core.TypeInvalidArgument, "%s has no competition snapshots: %w", runDir, err)
	}
	out := map[string]CompetitionInfo{}
	for _, e := range entries {
		if e.IsDir() || filepath.Ext(e.Name()) != ".json" || e.Name()[0] == '.' {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, core.Errorf(core.TypeInternal, "reading %s: %w", e.Name(), err)
		}
		var c CompetitionInfo
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, core.Errorf(core.TypeInternal, "%s is damaged: %w", filepath.Join(dir, e.Name()), err)
		}
		out[c.ID] = c
	}
	return out, nil
}
