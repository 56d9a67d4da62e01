package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"

	"github.com/mledojo/dojo/core"
)

// Sources are the layers Load reads over the defaults, lowest precedence first.
type Sources struct {
	// File is a YAML config file; "" means none. A named file that does not exist is an error.
	File string
	// Environ is the environment in os.Environ() form; nil means an empty environment. Only
	// DOJO_ variables are read, except the few that are not configuration (see notConfig).
	Environ []string
	// Flags maps key paths ("log.level") to the values of the flags the user set explicitly. Values may
	// be typed (a time.Duration, a []string) or strings parsed as environment variables are.
	Flags map[string]any
}

// notConfig are DOJO_ variables that belong to other machinery and are not configuration keys.
var notConfig = map[string]bool{
	"DOJO_CONFIG":              true, // the config file's path, for the CLI
	"DOJO_PLUGIN_PATH":         true, // extra plugin directories, read by the plugin catalog
	"DOJO_PLUGIN_MAGIC_COOKIE": true, // the go-plugin handshake (pluginapi.Handshake)
	"DOJO_SERVER_TOKENS":       true, // more bearer tokens for `dojo serve`, read by host/server
}

// Load builds the configuration from the defaults, then src.File, then src.Environ, then src.Flags, a
// later layer overriding an earlier one key by key (lists are replaced whole; maps merge entry by
// entry). Each layer is checked on its own before the merge, so an unknown key, a wrong type or a
// disallowed value is reported as a *core.Error of TypeConfig naming the key and the layer. An empty
// DataDir is resolved to the XDG default, and the result is validated.
func Load(src Sources) (Config, error) {
	layers := make([]map[string]any, 0, 4)
	defaults, err := defaultsLayer()
	if err != nil {
		return Config{}, err
	}
	layers = append(layers, defaults)
	if src.File != "" {
		layer, err := readFile(src.File)
		if err != nil {
			return Config{}, err
		}
		layers = append(layers, layer)
	}
	envLayers, err := readEnv(src.Environ)
	if err != nil {
		return Config{}, err
	}
	layers = append(layers, envLayers...)
	if len(src.Flags) > 0 {
		layer, err := theSchema().read(source{kind: fromFlags}, src.Flags)
		if err != nil {
			return Config{}, err
		}
		layers = append(layers, layer)
	}

	c, err := merge(layers)
	if err != nil {
		return Config{}, err
	}
	if c.DataDir == "" {
		if c.DataDir, err = defaultDataDir(src.Environ); err != nil {
			return Config{}, err
		}
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// readFile loads the YAML file into its own koanf instance and checks it.
func readFile(path string) (map[string]any, error) {
	k := koanf.New(".")
	if err := k.Load(file.Provider(path), yaml.Parser()); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, core.Errorf(core.TypeConfig, "config file %s does not exist", path).
				WithCauses("a mistyped path to the config file", "leave the file out to use the defaults")
		}
		// The YAML parser's message carries the line: "yaml: line 3: mapping values are not allowed ...".
		return nil, core.Errorf(core.TypeConfig, "cannot read config file %s: %w", path, err)
	}
	return theSchema().read(source{kind: fromFile, name: path}, k.Raw())
}

// readEnv reads the DOJO_ variables, each checked alone so an error names the variable, and returns one
// layer per variable in name order. Variables whose names differ only in the case of the key part
// (DOJO_LOG__LEVEL, DOJO_LOG__level) set the same key; the later in environ wins.
func readEnv(environ []string) ([]map[string]any, error) {
	varOf := map[string]string{}
	p := env.Provider("", env.Opt{
		Prefix: EnvPrefix,
		TransformFunc: func(name, value string) (string, any) {
			if notConfig[name] {
				return "", nil
			}
			key := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(name, EnvPrefix), "__", "."))
			varOf[key] = name
			return key, value
		},
		EnvironFunc: func() []string { return environ },
	})
	vals, err := p.Read()
	if err != nil {
		return nil, core.Errorf(core.TypeConfig, "cannot read the environment: %w", err)
	}
	keys := sortedKeys(vals)
	sort.SliceStable(keys, func(i, j int) bool { return varOf[keys[i]] < varOf[keys[j]] })
	layers := make([]map[string]any, 0, len(keys))
	for _, key := range keys {
		layer, err := theSchema().read(source{kind: fromEnv, name: varOf[key]}, map[string]any{key: vals[key]})
		if err != nil {
			return nil, err
		}
		layers = append(layers, layer)
	}
	return layers, nil
}

// read checks one source's values against the schema and returns them decoded, as a nested map that
// koanf can merge. Keys may be nested maps, dotted paths, or both; they are visited in sorted order so
// the first error is always the same one.
func (s *schema) read(src source, raw map[string]any) (map[string]any, error) {
	out := map[string]any{}
	return out, s.walk(src, "", raw, out)
}

func (s *schema) walk(src source, prefix string, raw map[string]any, out map[string]any) error {
	for _, k := range sortedKeys(raw) {
		path, v := join(prefix, k), raw[k]
		if f := s.byPath[path]; f != nil {
			if err := put(src, f, v, out); err != nil {
				return err
			}
			continue
		}
		if s.sections[path] {
			if v == nil {
				continue // an empty section, as YAML writes "log:" with nothing under it
			}
			sub, ok := v.(map[string]any)
			if !ok {
				return notASection(src, s, path, v)
			}
			if err := s.walk(src, path, sub, out); err != nil {
				return err
			}
			continue
		}
		if f, entry := s.mapLeafOf(path); f != nil {
			if err := put(src, f, map[string]any{entry: v}, out); err != nil {
				return err
			}
			continue
		}
		return unknownKey(src, s, path)
	}
	return nil
}

// put decodes v for f, checks it, and stores it in out at f's path. A map is stored as map[string]any
// so that koanf merges it entry by entry with the layers below.
func put(src source, f *field, v any, out map[string]any) error {
	rv, m := decode(f.typ, v)
	if m != nil {
		return wrongType(src, f, m)
	}
	rv, err := f.checkValue(src, rv)
	if err != nil {
		return err
	}
	node, last := parentOf(out, f.path)
	if rv.Kind() != reflect.Map {
		node[last] = rv.Interface()
		return nil
	}
	entries, ok := node[last].(map[string]any)
	if !ok {
		entries = map[string]any{}
		node[last] = entries
	}
	for it := rv.MapRange(); it.Next(); {
		entries[it.Key().String()] = it.Value().Interface()
	}
	return nil
}

// merge loads the checked layers into one koanf instance, in order, and unmarshals the result.
func merge(layers []map[string]any) (Config, error) {
	k := koanf.New(".")
	for _, layer := range layers {
		if err := k.Load(confmap.Provider(layer, ""), nil); err != nil {
			return Config{}, core.Errorf(core.TypeInternal, "config: cannot merge a checked layer: %w", err)
		}
	}
	var c Config
	if err := k.UnmarshalWithConf("", &c, koanf.UnmarshalConf{Tag: "koanf"}); err != nil {
		return Config{}, core.Errorf(core.TypeInternal, "config: cannot unmarshal checked values: %w", err)
	}
	return c, nil
}

// parentOf returns the map in the nested out that holds path's last part, creating sections on the way.
func parentOf(out map[string]any, path string) (map[string]any, string) {
	parts := strings.Split(path, ".")
	node := out
	for _, p := range parts[:len(parts)-1] {
		next, ok := node[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			node[p] = next
		}
		node = next
	}
	return node, parts[len(parts)-1]
}

// defaultDataDir is $XDG_DATA_HOME/dojo, or $HOME/.local/share/dojo, reading environ first. The XDG
// spec says a relative XDG_DATA_HOME is invalid and is to be ignored.
func defaultDataDir(environ []string) (string, error) {
	if xdg := lookup(environ, "XDG_DATA_HOME"); filepath.IsAbs(xdg) {
		return filepath.Join(xdg, "dojo"), nil
	}
	home := lookup(environ, "HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil || home == "" {
			return "", core.Errorf(core.TypeConfig, "cannot choose a data directory: neither XDG_DATA_HOME nor HOME is set").
				WithCauses("set data_dir (" + EnvName("data_dir") + ") to where Dojo may keep its data")
		}
	}
	return filepath.Join(home, ".local", "share", "dojo"), nil
}

// lookup returns the value of the first name=value entry in environ, as os.Getenv would.
func lookup(environ []string, name string) string {
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v
		}
	}
	return ""
}
