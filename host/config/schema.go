package config

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"
)

// Key describes one configuration key, for docs, suggestions and `dojo config` commands.
type Key struct {
	Path    string   // "plugins.start_timeout"
	Env     string   // "DOJO_PLUGINS__START_TIMEOUT"
	Type    string   // "duration"
	Default string   // as an environment variable would spell it; "" for an empty value
	Allowed []string // the values a key takes when it takes one of a fixed set, else nil
	Help    string
}

// Schema describes every key, in the order Config declares them.
func Schema() []Key {
	s := theSchema()
	out := make([]Key, 0, len(s.leaves))
	for _, f := range s.leaves {
		out = append(out, Key{
			Path:    f.path,
			Env:     EnvName(f.path),
			Type:    typeWord(f.typ),
			Default: f.def,
			Allowed: append([]string(nil), f.oneof...),
			Help:    f.help,
		})
	}
	return out
}

// Keys returns every key path, in the order Config declares them.
func Keys() []string {
	s := theSchema()
	out := make([]string, 0, len(s.leaves))
	for _, f := range s.leaves {
		out = append(out, f.path)
	}
	return out
}

// EnvPrefix starts every environment variable that sets a key.
const EnvPrefix = "DOJO_"

// EnvName returns the environment variable that sets the key path: DOJO_, then the path in capitals
// with "__" between sections ("plugins.start_timeout" -> "DOJO_PLUGINS__START_TIMEOUT").
func EnvName(path string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(path, ".", "__"))
}

// field is one key of the schema: a leaf of Config, found by reflection.
type field struct {
	path     string
	index    []int // for reflect.Value.FieldByIndex on a Config
	typ      reflect.Type
	def      string
	oneof    []string
	check    string // a name in valueRules, or ""
	keyCheck string // a name in valueRules applied to map keys, or ""
	help     string
}

// schema is Config's shape: its leaves and the sections (nested structs) that hold them.
type schema struct {
	leaves   []*field
	byPath   map[string]*field
	sections map[string]bool // section paths; "" is the root
}

var theSchema = sync.OnceValue(func() *schema {
	s := &schema{byPath: map[string]*field{}, sections: map[string]bool{"": true}}
	s.add("", nil, reflect.TypeFor[Config]())
	return s
})

var durationType = reflect.TypeFor[time.Duration]()

// add walks a struct type. A malformed tag is a programming error, so it panics; the package's tests
// build the schema and so catch it.
func (s *schema) add(prefix string, index []int, t reflect.Type) {
	for i := range t.NumField() {
		sf := t.Field(i)
		name := sf.Tag.Get("koanf")
		if name == "" || !sf.IsExported() {
			panic(fmt.Sprintf("config: field %s.%s needs a koanf tag", t.Name(), sf.Name))
		}
		if strings.Contains(name, ".") {
			panic(fmt.Sprintf("config: koanf tag %q of %s.%s has a dot", name, t.Name(), sf.Name))
		}
		path := join(prefix, name)
		idx := append(append([]int(nil), index...), i)
		if sf.Type.Kind() == reflect.Struct && sf.Type != durationType {
			s.sections[path] = true
			s.add(path, idx, sf.Type)
			continue
		}
		if typeWord(sf.Type) == "" {
			panic(fmt.Sprintf("config: key %s has unsupported type %s", path, sf.Type))
		}
		f := &field{
			path:     path,
			index:    idx,
			typ:      sf.Type,
			def:      sf.Tag.Get("default"),
			check:    sf.Tag.Get("check"),
			keyCheck: sf.Tag.Get("keycheck"),
			help:     sf.Tag.Get("help"),
		}
		if o := sf.Tag.Get("oneof"); o != "" {
			f.oneof = strings.Split(o, "|")
		}
		for _, rule := range []string{f.check, f.keyCheck} {
			if _, ok := valueRules[rule]; rule != "" && !ok {
				panic(fmt.Sprintf("config: key %s names unknown rule %q", path, rule))
			}
		}
		if _, dup := s.byPath[path]; dup {
			panic("config: duplicate key " + path)
		}
		s.leaves = append(s.leaves, f)
		s.byPath[path] = f
	}
}

// mapLeafOf returns the map-typed key that path lies under ("plugins.pins.x" -> plugins.pins, "x"),
// so a single entry of a map can be set from the environment or a flag.
func (s *schema) mapLeafOf(path string) (*field, string) {
	for i := len(path) - 1; i > 0; i-- {
		if path[i] != '.' {
			continue
		}
		if f := s.byPath[path[:i]]; f != nil && f.typ.Kind() == reflect.Map && i+1 < len(path) {
			return f, path[i+1:]
		}
	}
	return nil, ""
}

// enclosingSection returns the deepest section that path lies in.
func (s *schema) enclosingSection(path string) string {
	for p := path; p != ""; {
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			return ""
		}
		p = p[:i]
		if s.sections[p] {
			return p
		}
	}
	return ""
}

// keysUnder lists the key paths inside section ("" for all), in declaration order.
func (s *schema) keysUnder(section string) []string {
	var out []string
	for _, f := range s.leaves {
		if section == "" || strings.HasPrefix(f.path, section+".") {
			out = append(out, f.path)
		}
	}
	return out
}

// typeWord names t for people, or returns "" for a type the decoder does not handle.
func typeWord(t reflect.Type) string {
	if t == durationType {
		return "duration"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice:
		if w := typeWord(t.Elem()); w != "" && t.Elem().Kind() != reflect.Slice && t.Elem().Kind() != reflect.Map {
			return "list of " + w + "s"
		}
	case reflect.Map:
		if w := typeWord(t.Elem()); t.Key().Kind() == reflect.String && w != "" &&
			t.Elem().Kind() != reflect.Slice && t.Elem().Kind() != reflect.Map {
			return "map of string to " + w
		}
	}
	return ""
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}
