package config

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// valueRule is a constraint a check or keycheck tag names. apply returns the value to keep (a rule
// may normalise it, as sha256 lower-cases hex) and whether the value is allowed.
type valueRule struct {
	want  string // what the rule allows, for "want ..." in error details
	apply func(v reflect.Value) (reflect.Value, bool)
}

var valueRules = map[string]valueRule{
	"nonempty": {
		want: "a non-empty string",
		apply: func(v reflect.Value) (reflect.Value, bool) {
			return v, strings.TrimSpace(v.String()) != ""
		},
	},
	"positive": {
		want: "a value greater than zero",
		apply: func(v reflect.Value) (reflect.Value, bool) {
			switch {
			case isInt(v.Type()):
				return v, v.Int() > 0
			case isUint(v.Type()):
				return v, v.Uint() > 0
			default:
				return v, v.Float() > 0
			}
		},
	},
	"fraction": {
		want: "a fraction between 0 and 1, both excluded",
		apply: func(v reflect.Value) (reflect.Value, bool) {
			return v, v.Float() > 0 && v.Float() < 1
		},
	},
	"sha256": {
		want: "a sha256 digest: 64 hex digits, as sha256sum prints it",
		apply: func(v reflect.Value) (reflect.Value, bool) {
			s := strings.ToLower(v.String())
			if len(s) != 64 || strings.Trim(s, "0123456789abcdef") != "" {
				return v, false
			}
			return reflect.ValueOf(s).Convert(v.Type()), true
		},
	},
	"basename": {
		want: "a file's base name, without directories",
		apply: func(v reflect.Value) (reflect.Value, bool) {
			s := v.String()
			return v, s != "" && s != "." && s != ".." && !strings.ContainsAny(s, `/\`)
		},
	},
}

// checkValue applies f's oneof, check and keycheck rules to v (to each element of a list, each entry
// of a map) and returns v normalised, or a *core.Error naming the key and src.
func (f *field) checkValue(src source, v reflect.Value) (reflect.Value, error) {
	switch v.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			return v, nil
		}
		out := reflect.MakeSlice(v.Type(), 0, v.Len())
		for i := range v.Len() {
			ev, err := checkScalar(src, f.path+"["+strconv.Itoa(i)+"]", v.Index(i), f.check, f.oneof)
			if err != nil {
				return v, err
			}
			out = reflect.Append(out, ev)
		}
		return out, nil
	case reflect.Map:
		if v.IsNil() {
			return v, nil
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		for _, k := range keys {
			entry := f.path + "." + k.String()
			if _, err := checkScalar(src, entry, k, f.keyCheck, nil); err != nil {
				return v, err
			}
			ev, err := checkScalar(src, entry, v.MapIndex(k), f.check, f.oneof)
			if err != nil {
				return v, err
			}
			out.SetMapIndex(k, ev)
		}
		return out, nil
	default:
		return checkScalar(src, f.path, v, f.check, f.oneof)
	}
}

// checkScalar checks one value, named key in errors, against the allowed set and the named rule.
func checkScalar(src source, key string, v reflect.Value, rule string, oneof []string) (reflect.Value, error) {
	if len(oneof) > 0 && !slices.Contains(oneof, v.String()) {
		return v, invalidValue(src, key, v.Interface(), "one of: "+strings.Join(oneof, ", "))
	}
	if rule == "" {
		return v, nil
	}
	r := valueRules[rule]
	out, ok := r.apply(v)
	if !ok {
		return v, invalidValue(src, key, v.Interface(), r.want)
	}
	return out, nil
}
