package competitions

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
)

// Loaders finds task loader components by name; *catalog.Catalog is one.
type Loaders interface {
	TaskLoader(name string) (pluginapi.TaskLoader, error)
}

// NativeLoader is the task loader of Dojo's own format, which also prepares the starter pack.
const NativeLoader = "native"

// StarterPack is the name of the offline starter pack.
const StarterPack = "starter"

// Root is one directory of competitions and the task loader that reads it.
type Root struct {
	Loader string `json:"loader"`
	Dir    string `json:"dir"`
	// Pack, when set, makes listings include the pack's competitions not yet prepared in Dir.
	Pack string `json:"pack,omitempty"`
}

// Dir returns where the host keeps prepared competitions: DATA_DIR/competitions.
func Dir(dataDir string) string { return filepath.Join(dataDir, "competitions") }

// DefaultRoots is the host's default: native competitions (the starter pack among them) in
// DATA_DIR/competitions.
func DefaultRoots(dataDir string) []Root {
	return []Root{{Loader: NativeLoader, Dir: Dir(dataDir), Pack: StarterPack}}
}

// Library is the competitions reachable through some roots, in order: an id found in an earlier
// root hides the same id in a later one.
type Library struct {
	loaders Loaders
	roots   []Root
}

// New returns the library of roots, reached through loaders.
func New(loaders Loaders, roots ...Root) *Library {
	return &Library{loaders: loaders, roots: roots}
}

// Roots returns the library's roots.
func (l *Library) Roots() []Root { return append([]Root(nil), l.roots...) }

// Entry is one competition in a listing.
type Entry struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Domain   string `json:"domain,omitempty"`
	Metric   string `json:"metric,omitempty"`
	Prepared bool   `json:"prepared"`
	Loader   string `json:"loader"`
	Root     string `json:"root"`
	// Labels are the loader's labels (split, eval_group, task_type, direction, source, ...).
	Labels map[string]string `json:"labels,omitempty"`
}

// List lists every root's competitions, sorted by id.
func (l *Library) List(ctx context.Context) ([]Entry, error) {
	var out []Entry
	seen := map[string]bool{}
	for _, r := range l.roots {
		tl, err := l.loaders.TaskLoader(r.Loader)
		if err != nil {
			return nil, err
		}
		params := core.Params{}
		if r.Pack != "" {
			params["pack"] = r.Pack
		}
		sums, err := tl.List(ctx, pluginapi.ListTasksRequest{Loader: r.Loader, Root: r.Dir, Params: params})
		if err != nil {
			return nil, err
		}
		for _, s := range sums {
			if seen[s.ID] {
				continue
			}
			seen[s.ID] = true
			out = append(out, Entry{ID: s.ID, Title: s.Title, Domain: s.Domain, Metric: s.Metric, Prepared: s.Prepared, Loader: r.Loader, Root: r.Dir, Labels: s.Labels})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Load loads competition id (NAME@VERSION, or NAME for its highest version) from the first root
// that has it, verified by its loader. An id no root has is a TypeCompetitionNotFound error; a
// competition that is there but broken is the loader's error (TypeCompetitionData for the native
// format), since a broken competition must not silently fall through to another root's.
func (l *Library) Load(ctx context.Context, id string) (core.Competition, error) {
	if len(l.roots) == 0 {
		return core.Competition{}, core.Errorf(core.TypeConfig, "no competition roots are configured")
	}
	var notFound []string
	var causes []string
	for _, r := range l.roots {
		tl, err := l.loaders.TaskLoader(r.Loader)
		if err != nil {
			return core.Competition{}, err
		}
		c, err := tl.Load(ctx, pluginapi.LoadTaskRequest{Loader: r.Loader, Root: r.Dir, ID: id})
		if err == nil {
			return c, nil
		}
		if core.TypeOf(err) != core.TypeCompetitionNotFound {
			return core.Competition{}, err
		}
		notFound = append(notFound, fmt.Sprintf("%s (%s)", r.Dir, r.Loader))
		causes = append(causes, core.AsError(err).Causes...)
	}
	return core.Competition{}, core.Errorf(core.TypeCompetitionNotFound, "no competition %q in %s", id, strings.Join(notFound, ", ")).
		WithCauses(dedupe(causes)...)
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
