package config

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

// mismatch says that a value, or one element of it, does not have the key's type.
type mismatch struct {
	sub    string       // "" for the whole value, "[2]" for a list element, ".name" for a map entry
	got    any          // the offending value as the source gave it
	want   reflect.Type // the type it should have had
	mapKey bool         // the offender is a map's key, to which the key's allowed values do not apply
	err    error        // the parse error, when a string did not parse
}

// decode converts v, as a source gave it, into a value of type t. Typed values must match t (a YAML
// integer is not a log level); a string is parsed as t, which is how environment variables and
// string-valued flags arrive: "10s" for a duration, "a,b" for a list, "name=value,..." for a map.
// A null list or map is empty.
func decode(t reflect.Type, v any) (reflect.Value, *mismatch) {
	switch t.Kind() {
	case reflect.Slice:
		return decodeList(t, v)
	case reflect.Map:
		return decodeMap(t, v)
	default:
		return decodeScalar(t, v)
	}
}

func decodeList(t reflect.Type, v any) (reflect.Value, *mismatch) {
	var items []any
	switch x := v.(type) {
	case nil:
	case string:
		for _, s := range strings.Split(x, ",") {
			if s = strings.TrimSpace(s); s != "" {
				items = append(items, s)
			}
		}
	default:
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
			return reflect.Value{}, &mismatch{got: v, want: t}
		}
		for i := range rv.Len() {
			items = append(items, rv.Index(i).Interface())
		}
	}
	out := reflect.MakeSlice(t, 0, len(items))
	for i, item := range items {
		ev, m := decodeScalar(t.Elem(), item)
		if m != nil {
			m.sub = fmt.Sprintf("[%d]%s", i, m.sub)
			return reflect.Value{}, m
		}
		out = reflect.Append(out, ev)
	}
	return out, nil
}

func decodeMap(t reflect.Type, v any) (reflect.Value, *mismatch) {
	entries := map[string]any{}
	switch x := v.(type) {
	case nil:
	case string:
		for _, pair := range strings.Split(x, ",") {
			if pair = strings.TrimSpace(pair); pair == "" {
				continue
			}
			k, val, ok := strings.Cut(pair, "=")
			if !ok {
				return reflect.Value{}, &mismatch{got: v, want: t,
					err: fmt.Errorf("%q is not name=value", pair)}
			}
			entries[strings.TrimSpace(k)] = strings.TrimSpace(val)
		}
	default:
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Map {
			return reflect.Value{}, &mismatch{got: v, want: t}
		}
		for it := rv.MapRange(); it.Next(); {
			if it.Key().Kind() != reflect.String {
				return reflect.Value{}, &mismatch{sub: fmt.Sprintf(".%v", it.Key()), got: it.Key().Interface(),
					want: t.Key(), mapKey: true}
			}
			entries[it.Key().String()] = it.Value().Interface()
		}
	}
	out := reflect.MakeMapWithSize(t, len(entries))
	for _, k := range sortedKeys(entries) {
		ev, m := decodeScalar(t.Elem(), entries[k])
		if m != nil {
			m.sub = "." + k + m.sub
			return reflect.Value{}, m
		}
		out.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), ev)
	}
	return out, nil
}

// decodeScalar converts v into t, one of the kinds typeWord names as a scalar.
func decodeScalar(t reflect.Type, v any) (reflect.Value, *mismatch) {
	bad := &mismatch{got: v, want: t}
	rv := reflect.ValueOf(v)
	s, isString := v.(string)
	s = strings.TrimSpace(s)
	switch {
	case v == nil:
		return reflect.Value{}, bad
	case t == durationType:
		// A bare number is refused rather than read as nanoseconds.
		if d, ok := v.(time.Duration); ok {
			return reflect.ValueOf(d), nil
		}
		if !isString {
			return reflect.Value{}, bad
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			bad.err = err
			return reflect.Value{}, bad
		}
		return reflect.ValueOf(d), nil
	case t.Kind() == reflect.String:
		if rv.Kind() != reflect.String {
			return reflect.Value{}, bad
		}
		// Strings are kept as given: only parsed values are trimmed.
		return rv.Convert(t), nil
	case t.Kind() == reflect.Bool:
		if rv.Kind() == reflect.Bool {
			return rv.Convert(t), nil
		}
		if !isString {
			return reflect.Value{}, bad
		}
		b, err := strconv.ParseBool(s)
		if err != nil {
			bad.err = err
			return reflect.Value{}, bad
		}
		return reflect.ValueOf(b).Convert(t), nil
	case isInt(t) || isUint(t):
		return decodeInteger(t, rv, s, isString, bad)
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		out := reflect.New(t).Elem()
		switch {
		case isInt(rv.Type()):
			out.SetFloat(float64(rv.Int()))
		case isUint(rv.Type()):
			out.SetFloat(float64(rv.Uint()))
		case rv.Kind() == reflect.Float32 || rv.Kind() == reflect.Float64:
			out.SetFloat(rv.Float())
		case isString:
			f, err := strconv.ParseFloat(s, t.Bits())
			if err != nil {
				bad.err = err
				return reflect.Value{}, bad
			}
			out.SetFloat(f)
		default:
			return reflect.Value{}, bad
		}
		return out, nil
	}
	return reflect.Value{}, bad
}

func decodeInteger(t reflect.Type, rv reflect.Value, s string, isString bool, bad *mismatch) (reflect.Value, *mismatch) {
	out := reflect.New(t).Elem()
	fits := false
	switch {
	case isString && isUint(t):
		u, err := strconv.ParseUint(s, 10, t.Bits())
		bad.err = err
		out.SetUint(u)
		fits = err == nil
	case isString:
		i, err := strconv.ParseInt(s, 10, t.Bits())
		bad.err = err
		out.SetInt(i)
		fits = err == nil
	case rv.Kind() == reflect.Float32 || rv.Kind() == reflect.Float64:
		// JSON-shaped flag values carry integers as float64.
		f := rv.Float()
		if f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
			return reflect.Value{}, bad
		}
		return decodeInteger(t, reflect.ValueOf(int64(f)), "", false, bad)
	case isInt(rv.Type()) && isUint(t):
		i := rv.Int()
		fits = i >= 0 && !out.OverflowUint(uint64(i))
		out.SetUint(uint64(i))
	case isInt(rv.Type()):
		fits = !out.OverflowInt(rv.Int())
		out.SetInt(rv.Int())
	case isUint(rv.Type()) && isUint(t):
		fits = !out.OverflowUint(rv.Uint())
		out.SetUint(rv.Uint())
	case isUint(rv.Type()):
		u := rv.Uint()
		fits = u <= math.MaxInt64 && !out.OverflowInt(int64(u))
		out.SetInt(int64(u))
	default:
		return reflect.Value{}, bad
	}
	if !fits {
		if bad.err == nil {
			bad.err = fmt.Errorf("out of range for %s", t)
		}
		return reflect.Value{}, bad
	}
	return out, nil
}

func isInt(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return true
	}
	return false
}

func isUint(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// describeType says what a value of t looks like, for "want ..." in error details.
func describeType(t reflect.Type, oneof []string) string {
	switch w := typeWord(t); {
	case t == durationType:
		return `a duration with a unit, such as "10s" or "1m30s"`
	case len(oneof) > 0:
		return "a " + w + ", one of: " + strings.Join(oneof, ", ")
	case t.Kind() == reflect.Slice:
		return "a " + w + " (in environment variables and flags: comma-separated)"
	case t.Kind() == reflect.Map:
		return "a " + w + " (in environment variables and flags: name=value,name=value)"
	case w == "integer":
		return "an integer"
	case w == "boolean":
		return "true or false"
	default:
		return "a " + w
	}
}

// describeValue shows a value as a source gave it, for "got ..." in error messages.
func describeValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(x)
	case time.Duration:
		return "duration " + x.String()
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array:
		return "a list"
	case rv.Kind() == reflect.Map:
		return "a mapping"
	case rv.Kind() == reflect.Struct || rv.Kind() == reflect.Pointer:
		return fmt.Sprintf("a %T", v)
	}
	if w := typeWord(rv.Type()); w != "" {
		return fmt.Sprintf("%s %v", w, v)
	}
	return fmt.Sprintf("%v (%T)", v, v)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
