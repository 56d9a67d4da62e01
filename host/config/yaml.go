package config

import (
	"reflect"
	"time"

	"github.com/knadh/koanf/parsers/yaml"

	"github.com/mledojo/dojo/core"
)

// YAML renders c as a config file would hold it, every key present, durations as "10s"; Load reads it
// back to the same Config. `dojo config show` prints it.
func (c Config) YAML() ([]byte, error) {
	rv := reflect.ValueOf(c)
	out := map[string]any{}
	for _, f := range theSchema().leaves {
		node, last := parentOf(out, f.path)
		node[last] = plain(rv.FieldByIndex(f.index))
	}
	b, err := yaml.Parser().Marshal(out)
	if err != nil {
		return nil, core.Errorf(core.TypeInternal, "config: cannot render as YAML: %w", err)
	}
	return b, nil
}

// plain converts a field's value into what YAML should show: durations as strings, and empty (never
// null) lists and maps.
func plain(v reflect.Value) any {
	switch {
	case v.Type() == durationType:
		return time.Duration(v.Int()).String()
	case v.Kind() == reflect.Slice:
		out := make([]any, 0, v.Len())
		for i := range v.Len() {
			out = append(out, plain(v.Index(i)))
		}
		return out
	case v.Kind() == reflect.Map:
		out := make(map[string]any, v.Len())
		for it := v.MapRange(); it.Next(); {
			out[it.Key().String()] = plain(it.Value())
		}
		return out
	}
	return v.Interface()
}
