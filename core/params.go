package core

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Params are the settings that specialise a component (a metric's id column, an action's arguments).
// Values are JSON-shaped: string, float64, bool, []any, map[string]any. Accessors convert leniently, so
// a value given on a command line as a string ("5", "true", "a,b") reads as the type asked for.
type Params map[string]any

// Has reports whether key is set.
func (p Params) Has(key string) bool { _, ok := p[key]; return ok }

// String returns p[key] as a string, or def when unset.
func (p Params) String(key, def string) (string, error) {
	v, ok := p[key]
	if !ok || v == nil {
		return def, nil
	}
	switch x := v.(type) {
	case string:
		return x, nil
	case float64, int, int64, bool:
		return fmt.Sprint(x), nil
	}
	return "", p.typeErr(key, v, "a string")
}

// Float returns p[key] as a float64, or def when unset.
func (p Params) Float(key string, def float64) (float64, error) {
	v, ok := p[key]
	if !ok || v == nil {
		return def, nil
	}
	switch x := v.(type) {
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case int:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err == nil {
			return f, nil
		}
	}
	return 0, p.typeErr(key, v, "a number")
}

// Int returns p[key] as an int, or def when unset. A non-integral number is an error.
func (p Params) Int(key string, def int) (int, error) {
	if !p.Has(key) || p[key] == nil {
		return def, nil
	}
	f, err := p.Float(key, 0)
	if err != nil || f != math.Trunc(f) {
		return 0, p.typeErr(key, p[key], "an integer")
	}
	return int(f), nil
}

// Bool returns p[key] as a bool, or def when unset.
func (p Params) Bool(key string, def bool) (bool, error) {
	v, ok := p[key]
	if !ok || v == nil {
		return def, nil
	}
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		b, err := strconv.ParseBool(strings.TrimSpace(x))
		if err == nil {
			return b, nil
		}
	}
	return false, p.typeErr(key, v, "true or false")
}

// Strings returns p[key] as a list of strings; a string value is split on commas. def when unset.
func (p Params) Strings(key string, def []string) ([]string, error) {
	v, ok := p[key]
	if !ok || v == nil {
		return def, nil
	}
	switch x := v.(type) {
	case []string:
		return x, nil
	case string:
		if strings.TrimSpace(x) == "" {
			return nil, nil
		}
		parts := strings.Split(x, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		return parts, nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, p.typeErr(key, v, "a list of strings")
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, p.typeErr(key, v, "a list of strings")
}

// Keys returns the set keys, sorted.
func (p Params) Keys() []string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// CheckKnown returns a TypeInvalidArgument error naming the first key not in known.
func (p Params) CheckKnown(known ...string) error {
	for _, k := range p.Keys() {
		found := false
		for _, kk := range known {
			if k == kk {
				found = true
				break
			}
		}
		if !found {
			return Errorf(TypeInvalidArgument, "unknown parameter %q", k).
				WithCauses("known parameters: " + strings.Join(known, ", "))
		}
	}
	return nil
}

func (p Params) typeErr(key string, v any, want string) error {
	return Errorf(TypeInvalidArgument, "parameter %q is %v (%T), want %s", key, v, v, want)
}
