package eval

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
)

// ConfigChanges lists what differs between the config a run directory was made with and another,
// one line per changed key ("seeds: [1,2] -> [1,2,3]"). Workers is left out: it changes how fast a run
// goes, not what it computes.
func ConfigChanges(old, new Config) []string {
	a, b := canonical(old), canonical(new)
	var out []string
	diffValues("", a, b, &out)
	return out
}

func canonical(c Config) any {
	c.Workers = 0
	b, _ := json.Marshal(c)
	var v any
	_ = json.Unmarshal(b, &v)
	return v
}

func diffValues(path string, a, b any, out *[]string) {
	if reflect.DeepEqual(a, b) {
		return
	}
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		names := make([]string, 0, len(keys))
		for k := range keys {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			p := k
			if path != "" {
				p = path + "." + k
			}
			diffValues(p, am[k], bm[k], out)
		}
		return
	}
	al, aok := a.([]any)
	bl, bok := b.([]any)
	if aok && bok && len(al) == len(bl) {
		for i := range al {
			diffValues(fmt.Sprintf("%s[%d]", path, i), al[i], bl[i], out)
		}
		return
	}
	*out = append(*out, fmt.Sprintf("%s: %s -> %s", path, render(a), render(b)))
}

func render(v any) string {
	if v == nil {
		return "(unset)"
	}
	b, _ := json.Marshal(v)
	return string(b)
}
