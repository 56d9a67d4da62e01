package report

import (
	"errors"
	"io/fs"
	"path/filepath"
	"sort"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/eval"
)

// Run is a run directory as the report reads it.
type Run struct {
	Dir          string
	Manifest     eval.Manifest
	Competitions map[string]eval.CompetitionInfo
	// Results holds every result.json of the run's episodes, by agent, competition and seed.
	Results []eval.Result
	// Unfinished names the episodes of the run's config without a result yet (agent/competition/seed-n).
	Unfinished []string
}

// Load reads a run directory.
func Load(dir string) (Run, error) {
	m, err := eval.ReadManifest(dir)
	if err != nil {
		return Run{}, err
	}
	comps, err := eval.ReadCompetitions(dir)
	if err != nil {
		return Run{}, err
	}
	run := Run{Dir: dir, Manifest: m, Competitions: comps}
	for _, a := range m.Config.Agents {
		for _, c := range m.Competitions {
			for _, seed := range m.Config.Seeds {
				res, err := eval.ReadResult(eval.EpisodeDir(dir, a.Name, c, seed))
				switch {
				case errors.Is(err, fs.ErrNotExist):
					run.Unfinished = append(run.Unfinished, filepath.Join(a.Name, c, "seed-"+itoa(seed)))
					continue
				case err != nil:
					return Run{}, err
				}
				if _, ok := comps[res.Competition]; !ok {
					return Run{}, core.Errorf(core.TypeInvalidArgument, "%s has a result for %s but no snapshot of that competition", dir, res.Competition).
						WithCauses("the run directory is incomplete; rerun `dojo eval` on it")
				}
				run.Results = append(run.Results, res)
			}
		}
	}
	sort.SliceStable(run.Results, func(i, j int) bool {
		x, y := run.Results[i], run.Results[j]
		if x.Agent != y.Agent {
			return x.Agent < y.Agent
		}
		if x.Competition != y.Competition {
			return x.Competition < y.Competition
		}
		return x.Seed < y.Seed
	})
	return run, nil
}
