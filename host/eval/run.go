package eval

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/mledojo/dojo/agents"
	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/env"
	"github.com/mledojo/dojo/host/sandbox"
)

// Options are what Run needs: the config, where to write, and the host services episodes run on.
type Options struct {
	Config Config
	// Dir is the run directory. It is created if missing; an existing one is resumed.
	Dir string
	// Workers overrides Config.Workers when positive.
	Workers int
	// Force accepts a config that differs from the one the run directory was made with.
	Force bool

	Library Library
	Plugins env.Plugins
	Sandbox sandbox.Backend
	Agents  Registry
	// Episode is the episode configuration every episode starts from (the host configuration's); the
	// config's episode overrides, the seed and the directory are applied on top.
	Episode  env.Config
	Versions Versions
	Logger   hclog.Logger

	// Progress receives the progress display; nil shows none. TTY redraws it in place.
	Progress io.Writer
	TTY      bool
	// ProgressInterval is how often the display is drawn: default 1s on a TTY, 30s otherwise.
	ProgressInterval time.Duration
	// RetryBackoff is the wait before the first retry after an infrastructure failure; it doubles on
	// each retry, up to 30s. Default 2s.
	RetryBackoff time.Duration
}

// Summary is what one invocation of Run did.
type Summary struct {
	Dir      string        `json:"dir"`
	Episodes EpisodeCounts `json:"episodes"`
	Skipped  int           `json:"skipped"`
	Run      int           `json:"run"`
	Usage    agents.Usage  `json:"usage"`
	Wall     time.Duration `json:"wall_ns"`
}

// InfraErrorTypes are the error types of infrastructure failures: the sandbox would not start or
// clean up, a plugin crashed or broke the protocol, a service outside the host stayed unavailable
// (an agent's model provider), or something failed that carries no Dojo type (a network error) or is
// the host's own (internal). An episode that
// fails with one of these is retried; any other error is the agent's and ends the episode.
var InfraErrorTypes = []core.ErrorType{
	core.TypeSandboxInit, core.TypeSandboxCleanup, core.TypePluginCrashed, core.TypePluginProtocol, core.TypeInternal,
	core.TypeUnavailable,
}

// IsInfrastructure reports whether err is an infrastructure failure (see InfraErrorTypes).
func IsInfrastructure(err error) bool {
	t := core.TypeOf(err)
	for _, k := range InfraErrorTypes {
		if t == k {
			return true
		}
	}
	return false
}

// Run plays every episode of opts.Config that opts.Dir does not hold finished, with opts.Workers at
// a time, and keeps manifest.json up to date. Episodes already finished are skipped; unfinished ones
// are resumed where their history ends. A run directory made with another config is refused unless
// opts.Force. When ctx ends, the episodes in flight are left unfinished for the next invocation and
// Run returns an error saying so.
func Run(ctx context.Context, opts Options) (Summary, error) {
	started := time.Now()
	if err := opts.check(); err != nil {
		return Summary{}, err
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return Summary{}, core.Errorf(core.TypeInvalidArgument, "cannot create run directory %s: %w", opts.Dir, err)
	}
	unlock, err := lockRunDir(opts.Dir)
	if err != nil {
		return Summary{}, err
	}
	defer unlock()

	m, inv, err := opts.startManifest(started)
	if err != nil {
		return Summary{}, err
	}
	comps, err := resolve(ctx, opts.Library, opts.Config.Competitions)
	if err != nil {
		return Summary{}, err
	}
	if err := writeCompetitions(opts.Dir, comps); err != nil {
		return Summary{}, err
	}
	r := &runner{opts: opts, manifest: m, inv: inv, results: map[string]Result{}, comps: map[string]core.Competition{}}
	r.base = applyOverrides(opts.Episode, opts.Config.Episode)
	m.Episode = r.base
	m.Competitions = nil
	for _, c := range comps {
		m.Competitions = append(m.Competitions, c.ID)
		r.comps[c.ID] = c
	}

	var pending []Job
	for _, a := range opts.Config.Agents {
		for _, c := range comps {
			for _, seed := range opts.Config.Seeds {
				j := Job{Agent: a, Competition: c.ID, Seed: seed, Dir: EpisodeDir(opts.Dir, a.Name, c.ID, seed)}
				r.jobs = append(r.jobs, j)
				res, err := ReadResult(j.Dir)
				switch {
				case err == nil && res.IsFinished():
					r.results[j.Name()] = res
					inv.Skipped++
				case err == nil || errors.Is(err, fs.ErrNotExist):
					pending = append(pending, j)
				default:
					return Summary{}, err
				}
			}
		}
	}
	if err := r.saveManifest(); err != nil {
		return Summary{}, err
	}

	workers := opts.Workers
	if workers <= 0 {
		workers = max(1, opts.Config.Workers)
	}
	inv.Workers = workers
	r.progress = newProgress(opts.Progress, opts.TTY, opts.ProgressInterval, len(r.jobs), inv.Skipped)
	r.progress.start()
	queue := make(chan Job)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range queue {
				r.play(ctx, j)
			}
		}()
	}
feed:
	for _, j := range pending {
		select {
		case queue <- j:
		case <-ctx.Done():
			break feed
		}
	}
	close(queue)
	wg.Wait()
	r.progress.stop()

	r.mu.Lock()
	defer r.mu.Unlock()
	end := time.Now().UTC()
	inv.Ended = &end
	inv.Wall = time.Since(started)
	inv.Interrupted = ctx.Err() != nil
	r.manifest.Ended = &end
	r.manifest.Wall += inv.Wall
	if err := r.saveManifestLocked(); err != nil {
		return Summary{}, err
	}
	sum := Summary{Dir: opts.Dir, Episodes: r.manifest.Episodes, Skipped: inv.Skipped, Run: inv.Run, Usage: r.manifest.Usage, Wall: inv.Wall}
	if ctx.Err() != nil {
		return sum, core.Errorf(core.TypeInternal, "the evaluation was interrupted with %d of %d episodes unfinished", sum.Episodes.Unfinished+sum.Episodes.InfraError, sum.Episodes.Total).
			WithCauses("run the same command again: finished episodes are kept and the others resume")
	}
	return sum, nil
}

func (o *Options) check() error {
	if o.Dir == "" {
		return core.Errorf(core.TypeInvalidArgument, "no run directory given")
	}
	if o.Library == nil || o.Plugins == nil || o.Sandbox == nil || o.Agents == nil {
		return core.Errorf(core.TypeInternal, "eval.Run needs a library, plugins, a sandbox backend and an agent registry")
	}
	if o.Logger == nil {
		o.Logger = hclog.NewNullLogger()
	}
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = 2 * time.Second
	}
	if err := o.Config.Validate(); err != nil {
		return err
	}
	return o.Agents.checkAgents(o.Config)
}

// startManifest reads the run directory's manifest (or starts one), refuses a changed config unless
// Force, and records this invocation.
func (o *Options) startManifest(started time.Time) (*Manifest, *Invocation, error) {
	inv := Invocation{Started: started.UTC()}
	old, err := ReadManifest(o.Dir)
	var m Manifest
	switch {
	case err == nil:
		m = old
		if changes := ConfigChanges(old.Config, o.Config); len(changes) > 0 {
			if !o.Force {
				return nil, nil, core.Errorf(core.TypeConfig, "%s holds a run of another config", o.Dir).
					WithDetails("changed: %s", strings.Join(changes, "; ")).
					WithCauses("give the new config its own --out directory",
						"or pass --force to go on with the new config: finished episodes are kept, the new ones are played")
			}
			inv.Forced, inv.Changes = true, changes
		}
	case core.TypeOf(err) == core.TypeInvalidArgument:
		// No manifest yet: a new run. A directory holding something else is refused, so a typo in
		// --out does not mix a run into unrelated files.
		entries, _ := os.ReadDir(o.Dir)
		for _, e := range entries {
			if e.Name() != lockFile {
				return nil, nil, core.Errorf(core.TypeInvalidArgument, "%s is not empty and holds no run", o.Dir).
					WithCauses("pass a new or empty --out directory, or one `dojo eval` wrote")
			}
		}
		m = Manifest{Format: ManifestFormat, Started: started.UTC()}
	default:
		return nil, nil, err
	}
	m.Config = o.Config
	m.Name = o.Config.Name
	if m.Name == "" {
		m.Name = filepath.Base(o.Dir)
	}
	m.Seeds = o.Config.Seeds
	m.Machine = ThisMachine()
	m.Versions = o.Versions
	m.Ended = nil
	m.Invocations = append(m.Invocations, inv)
	return &m, &m.Invocations[len(m.Invocations)-1], nil
}

// applyOverrides applies an eval config's episode overrides to the host's episode configuration.
func applyOverrides(base env.Config, o EpisodeOverrides) env.Config {
	c := base
	if o.MaxSteps > 0 {
		c.MaxSteps = o.MaxSteps
	}
	if o.MaxTime > 0 {
		c.MaxTime = time.Duration(o.MaxTime)
	}
	if o.ExecTimeout > 0 {
		c.ExecTimeout = time.Duration(o.ExecTimeout)
		c.Limits.Timeout = time.Duration(o.ExecTimeout)
	}
	if o.ExecMode != "" {
		c.ExecMode = sandbox.ExecMode(o.ExecMode)
	}
	if o.ScoreMode != "" {
		c.ScoreMode = env.ScoreMode(o.ScoreMode)
	}
	if o.MemoryBytes > 0 {
		c.Limits.MemoryBytes = o.MemoryBytes
	}
	if o.Feedback != nil {
		c.Feedback = o.Feedback
	}
	if o.Actions != nil {
		c.Actions = o.Actions
	}
	if o.ScoreSplit != "" {
		c.ScoreSplit = env.ScoreSplit(o.ScoreSplit)
	}
	if o.PublicFraction > 0 {
		c.PublicFraction = o.PublicFraction
	}
	c.Dir, c.Seed = "", 0
	return c
}

// runner is one invocation's state, shared by the workers.
type runner struct {
	opts  Options
	base  env.Config
	comps map[string]core.Competition
	jobs  []Job

	progress *progress

	mu       sync.Mutex
	manifest *Manifest
	inv      *Invocation
	results  map[string]Result
}

// finish records a finished (or given up) episode and updates the manifest.
func (r *runner) finish(j Job, res Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.results[j.Name()] = res
	r.inv.Run++
	if err := r.saveManifestLocked(); err != nil {
		r.opts.Logger.Error("cannot update the run manifest", "error", err)
	}
}

func (r *runner) saveManifest() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.saveManifestLocked()
}

func (r *runner) saveManifestLocked() error {
	counts := EpisodeCounts{Total: len(r.jobs)}
	var usage agents.Usage
	for _, j := range r.jobs {
		res, ok := r.results[j.Name()]
		switch {
		case !ok:
			counts.Unfinished++
			continue
		case res.Status == StatusDone:
			counts.Done++
		case res.Status == StatusError:
			counts.Error++
		default:
			counts.InfraError++
		}
		if res.Usage != nil {
			usage.Add(*res.Usage)
		}
	}
	r.manifest.Episodes, r.manifest.Usage = counts, usage
	return writeJSONAtomic(filepath.Join(r.opts.Dir, ManifestFile), r.manifest)
}

// describeJob is a job's name for logs and the display.
func describeJob(j Job) string {
	return fmt.Sprintf("%s on %s seed %d", j.Agent.Name, j.Competition, j.Seed)
}
