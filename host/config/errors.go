package config

import (
	"strings"

	"github.com/mledojo/dojo/core"
)

// sourceKind says which layer a value came from, so an error can name it.
type sourceKind int

const (
	fromCode     sourceKind = iota // a Config built in code and checked by Validate: nothing to name
	fromDefaults                   // the default tags on Config
	fromFile                       // the YAML file; source.name is its path
	fromEnv                        // one DOJO_ variable; source.name is the variable
	fromFlags                      // Sources.Flags
)

type source struct {
	kind sourceKind
	name string
}

// in renders the source for an error message: " in /etc/dojo.yaml", or "" for fromCode.
func (s source) in() string {
	switch s.kind {
	case fromDefaults:
		return " in defaults"
	case fromFile:
		return " in " + s.name
	case fromEnv:
		return " in environment variable " + s.name
	case fromFlags:
		return " in flags"
	}
	return ""
}

// spell renders a key path as the source would spell it, for suggestions.
func (s source) spell(path string) string {
	if s.kind == fromEnv {
		return EnvName(path)
	}
	return `"` + path + `"`
}

func unknownKey(src source, s *schema, path string) *core.Error {
	e := core.Errorf(core.TypeConfig, "unknown key %q%s", path, src.in())
	if sug := s.suggest(path); sug != "" {
		e.WithDetails("did you mean %s?", src.spell(sug))
	} else {
		e.WithDetails("known keys: %s", strings.Join(s.keysUnder(s.enclosingSection(path)), ", "))
	}
	if src.kind == fromEnv {
		return e.WithCauses("every " + EnvPrefix + " variable is read as configuration: " + EnvPrefix +
			" then the key path in capitals with __ between sections, e.g. " + EnvName("log.level"))
	}
	return e.WithCauses("a misspelt key, or a key that another version of Dojo knows; `dojo config keys` lists them")
}

func wrongType(src source, f *field, m *mismatch) *core.Error {
	oneof := f.oneof
	if m.mapKey {
		oneof = nil
	}
	e := core.Errorf(core.TypeConfig, "wrong type for %q%s: got %s", f.path+m.sub, src.in(), describeValue(m.got)).
		WithDetails("want %s", describeType(m.want, oneof))
	e.Err = m.err
	return e
}

func notASection(src source, s *schema, path string, got any) *core.Error {
	return core.Errorf(core.TypeConfig, "wrong type for %q%s: got %s", path, src.in(), describeValue(got)).
		WithDetails("want a section holding %s", strings.Join(s.keysUnder(path), ", "))
}

func invalidValue(src source, key string, got any, want string) *core.Error {
	return core.Errorf(core.TypeConfig, "invalid value %s for %q%s", describeValue(got), key, src.in()).
		WithDetails("want %s", want)
}

// suggest returns the known key or section nearest to an unknown path, or "" when none is near.
func (s *schema) suggest(path string) string {
	candidates := make([]string, 0, len(s.leaves)+len(s.sections))
	for _, f := range s.leaves {
		candidates = append(candidates, f.path)
	}
	for p := range s.sections {
		if p != "" {
			candidates = append(candidates, p)
		}
	}
	best, bestDist := "", -1
	for _, c := range candidates {
		d := editDistance(path, c)
		if d < bestDist || bestDist < 0 || (d == bestDist && c < best) {
			best, bestDist = c, d
		}
	}
	if bestDist >= 0 && bestDist <= max(1, len(path)/3) {
		return best
	}
	// A key put in the wrong section ("level" for "log.level") shares its last part.
	last := path[strings.LastIndexByte(path, '.')+1:]
	for _, f := range s.leaves {
		if f.path[strings.LastIndexByte(f.path, '.')+1:] == last {
			return f.path
		}
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
