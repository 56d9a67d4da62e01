package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk"
)

// Options configure a Catalog.
type Options struct {
	// Dirs is the search order (see SearchDirs).
	Dirs []string
	// Pins maps a binary's base name to its expected sha256 (hex). A pinned binary that does not match
	// is refused before it is ever run.
	Pins map[string]string
	// Logger receives the catalog's logs and the plugins' re-emitted logs. Default: discard.
	Logger hclog.Logger
	// StartTimeout bounds a plugin's handshake and its describe run. Default 10s.
	StartTimeout time.Duration
	// MaxMessageBytes is the gRPC message limit on both sides. Default sdk.DefaultMaxMessageBytes.
	MaxMessageBytes int
	// Env is appended to the small environment plugins get (PATH, HOME, TMPDIR, locale).
	Env []string
	// CacheDir, when set, keeps what each binary said to `describe` between runs (see cache.go).
	CacheDir string
}

// Entry is one component the catalog can reach.
type Entry struct {
	pluginapi.ComponentInfo
	// Plugin is the binary's base name and Binary its path.
	Plugin string `json:"plugin"`
	Binary string `json:"binary"`
	// APIVersion is the negotiated API version.
	APIVersion int `json:"api_version"`
}

// Problem is a binary or component the catalog could not use, kept so `dojo plugins list` can say why.
type Problem struct {
	Binary string `json:"binary"`
	Error  string `json:"error"`
}

// Catalog is the host's view of every plugin component it can reach.
type Catalog struct {
	opts     Options
	log      hclog.Logger
	binaries []*Binary
	index    map[pluginapi.Kind]map[string]*entryRef
	problems []Problem

	mu     sync.Mutex
	closed bool
}

type entryRef struct {
	entry Entry
	bin   *Binary
}

// Open discovers plugin binaries in opts.Dirs and describes them in parallel. It starts no plugin
// server: each binary starts on first use. Binaries that fail to describe are recorded as Problems.
func Open(ctx context.Context, opts Options) (*Catalog, error) {
	if opts.Logger == nil {
		opts.Logger = hclog.NewNullLogger()
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = 10 * time.Second
	}
	if opts.MaxMessageBytes <= 0 {
		opts.MaxMessageBytes = sdk.DefaultMaxMessageBytes
	}
	c := &Catalog{opts: opts, log: opts.Logger, index: map[pluginapi.Kind]map[string]*entryRef{}}
	paths, shadowed := candidates(opts.Dirs)
	for _, s := range shadowed {
		c.log.Warn("plugin binary shadowed by one earlier in the search path", "binary", s)
	}
	reattach, err := reattachConfigs()
	if err != nil {
		return nil, err
	}
	var cache *describeCache
	if opts.CacheDir != "" {
		cache = openDescribeCache(opts.CacheDir)
		defer cache.save()
	}

	type result struct {
		bin *Binary
		err error
	}
	results := make([]result, len(paths))
	var wg sync.WaitGroup
	for i, path := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := filepath.Base(path)
			if pin, ok := opts.Pins[name]; ok {
				if err := checkPin(path, pin); err != nil {
					results[i] = result{err: err}
					return
				}
			}
			d, ok := cache.get(path)
			if !ok {
				var err error
				if d, err = describe(ctx, path, opts.StartTimeout); err != nil {
					results[i] = result{err: err}
					return
				}
				cache.put(path, d)
			}
			results[i] = result{bin: newBinary(path, d, c, reattach[name])}
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.err != nil {
			c.problems = append(c.problems, Problem{Binary: paths[i], Error: r.err.Error()})
			c.log.Warn("plugin binary unusable", "binary", paths[i], "error", r.err)
			continue
		}
		c.binaries = append(c.binaries, r.bin)
		c.indexBinary(r.bin)
	}
	return c, nil
}

func (c *Catalog) indexBinary(b *Binary) {
	for _, ci := range b.desc.Components {
		v, err := pluginapi.Negotiate(ci.Kind, pluginapi.APIVersions[ci.Kind], ci.APIVersions)
		if err != nil {
			c.problems = append(c.problems, Problem{Binary: b.path, Error: ci.Name + ": " + err.Error()})
			continue
		}
		byName := c.index[ci.Kind]
		if byName == nil {
			byName = map[string]*entryRef{}
			c.index[ci.Kind] = byName
		}
		if prev, ok := byName[ci.Name]; ok {
			c.log.Warn("component shadowed by one earlier in the search path",
				"kind", ci.Kind, "name", ci.Name, "used", prev.entry.Binary, "ignored", b.path)
			continue
		}
		byName[ci.Name] = &entryRef{
			entry: Entry{ComponentInfo: ci, Plugin: b.name, Binary: b.path, APIVersion: v},
			bin:   b,
		}
	}
}

// Components lists every reachable component, sorted by kind then name.
func (c *Catalog) Components() []Entry {
	var out []Entry
	for _, byName := range c.index {
		for _, ref := range byName {
			out = append(out, ref.entry)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Problems lists the binaries and components that could not be used, and why.
func (c *Catalog) Problems() []Problem { return append([]Problem(nil), c.problems...) }

// Binaries lists the discovered, usable plugin binaries.
func (c *Catalog) Binaries() []*Binary { return append([]*Binary(nil), c.binaries...) }

// Lookup finds a component by kind and name.
func (c *Catalog) Lookup(kind pluginapi.Kind, name string) (Entry, error) {
	ref, err := c.ref(kind, name)
	if err != nil {
		return Entry{}, err
	}
	return ref.entry, nil
}

// Find looks a component up by name in every kind; an ambiguous name is an error naming the kinds.
func (c *Catalog) Find(name string) (Entry, error) {
	var found []Entry
	for _, k := range pluginapi.Kinds {
		if ref, ok := c.index[k][name]; ok {
			found = append(found, ref.entry)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return Entry{}, c.notFound("component", name, c.allNames())
	}
	kinds := make([]string, len(found))
	for i, e := range found {
		kinds[i] = string(e.Kind)
	}
	return Entry{}, core.Errorf(core.TypeInvalidArgument, "%q names components of several kinds: %s", name, strings.Join(kinds, ", ")).
		WithCauses("give the kind as KIND/NAME, e.g. " + kinds[0] + "/" + name)
}

func (c *Catalog) ref(kind pluginapi.Kind, name string) (*entryRef, error) {
	ref, ok := c.index[kind][name]
	if !ok {
		var have []string
		for n := range c.index[kind] {
			have = append(have, n)
		}
		return nil, c.notFound(string(kind), name, have)
	}
	return ref, nil
}

func (c *Catalog) notFound(what, name string, have []string) error {
	sort.Strings(have)
	e := core.Errorf(core.TypePluginNotFound, "no %s plugin named %q", what, name)
	if len(have) > 0 {
		e.WithCauses("available: " + strings.Join(have, ", "))
	}
	return e.WithCauses("searched: "+strings.Join(c.opts.Dirs, ", "),
		"build the plugins with `make build`, or add a directory with "+EnvPluginPath+" or plugins.dirs")
}

func (c *Catalog) allNames() []string {
	var out []string
	for k, byName := range c.index {
		for n := range byName {
			out = append(out, string(k)+"/"+n)
		}
	}
	return out
}

// Start starts the binaries behind the named components now, in parallel, rather than on first use.
func (c *Catalog) Start(ctx context.Context, entries ...Entry) error {
	bins := map[*Binary]bool{}
	for _, e := range entries {
		ref, err := c.ref(e.Kind, e.Name)
		if err != nil {
			return err
		}
		bins[ref.bin] = true
	}
	errs := make(chan error, len(bins))
	for b := range bins {
		go func() { _, err := b.dispensed(ctx); errs <- err }()
	}
	var all []error
	for range bins {
		if err := <-errs; err != nil {
			all = append(all, err)
		}
	}
	return errors.Join(all...)
}

// Close stops every running plugin process. The catalog is unusable afterwards.
func (c *Catalog) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	for _, b := range c.binaries {
		b.stop()
	}
	return nil
}

func (c *Catalog) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// reattachConfigs reads DOJO_REATTACH_PLUGINS, set when a plugin runs under a debugger (`PLUGIN debug`).
func reattachConfigs() (map[string]*sdk.ReattachInfo, error) {
	raw := os.Getenv(sdk.EnvReattach)
	if raw == "" {
		return nil, nil
	}
	var m map[string]*sdk.ReattachInfo
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, core.Errorf(core.TypeConfig, "%s is not valid JSON: %w", sdk.EnvReattach, err).
			WithCauses("copy the line a plugin prints when started with `debug`")
	}
	for name, r := range m {
		if _, err := resolveAddr(r.Network, r.Address); err != nil {
			return nil, core.Errorf(core.TypeConfig, "%s: plugin %q: %w", sdk.EnvReattach, name, err)
		}
	}
	return m, nil
}

func resolveAddr(network, addr string) (net.Addr, error) {
	switch network {
	case "unix":
		return net.ResolveUnixAddr("unix", addr)
	case "tcp":
		return net.ResolveTCPAddr("tcp", addr)
	}
	return nil, errors.New("unknown network " + network)
}
