package inputs

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/sdk/table"
)

// ParamFilter names the param that scores only the answers rows passing a condition on an answers
// column, such as Kaggle scoring only the inspiratory phase (u_out == 0) or the scored sequence
// positions (keep == true). Rows that fail it must still be in the submission; they are not scored.
const ParamFilter = "filter"

// Filter is one condition on an answers column: Column Op Value.
type Filter struct {
	Column string
	// Op is one of ==, !=, <, <=, >, >=.
	Op string
	// Value is a bool (the column is read as booleans: true/false in any case, or 1/0), a float64
	// (read as numbers) or a string (compared as trimmed text; only == and !=).
	Value any
}

// Filters are conditions that must all hold.
type Filters []Filter

var filterOps = []string{"==", "!=", "<=", ">=", "<", ">"} // two-character operators first

// ParseFilters reads the filter param: one {column, op, value} object, a list of them (all must
// hold), or the text "column op value" (as a command line gives it, e.g. "u_out == 0"). It returns
// nil when the param is unset.
func ParseFilters(p core.Params) (Filters, error) {
	v, ok := p[ParamFilter]
	if !ok || v == nil {
		return nil, nil
	}
	v, err := DecodeJSONText(ParamFilter, v)
	if err != nil {
		return nil, err
	}
	var raw []any
	switch x := v.(type) {
	case []any:
		raw = x
	case []map[string]any:
		for _, m := range x {
			raw = append(raw, m)
		}
	default:
		raw = []any{x}
	}
	fs := make(Filters, 0, len(raw))
	for _, r := range raw {
		f, err := parseFilter(r)
		if err != nil {
			return nil, err
		}
		fs = append(fs, f)
	}
	return fs, nil
}

func parseFilter(v any) (Filter, error) {
	bad := func(why string) error {
		return core.Errorf(core.TypeInvalidArgument, "parameter %q is %v: %s", ParamFilter, v, why).
			WithCauses(`write {column: u_out, op: "==", value: 0} or the text "u_out == 0"`)
	}
	var f Filter
	switch x := v.(type) {
	case string:
		for _, op := range filterOps {
			if col, val, found := strings.Cut(x, op); found {
				f = Filter{Column: strings.TrimSpace(col), Op: op, Value: filterValue(strings.TrimSpace(val))}
				break
			}
		}
		if f.Op == "" {
			return Filter{}, bad("no comparison operator (==, !=, <, <=, >, >=)")
		}
	case map[string]any:
		for k := range x {
			if k != "column" && k != "op" && k != "value" {
				return Filter{}, bad(fmt.Sprintf("unknown key %q", k))
			}
		}
		col, _ := x["column"].(string)
		op, _ := x["op"].(string)
		f = Filter{Column: col, Op: strings.TrimSpace(op)}
		switch val := x["value"].(type) {
		case bool, string:
			f.Value = val
		case float64:
			f.Value = val
		case int:
			f.Value = float64(val)
		case int64:
			f.Value = float64(val)
		default:
			return Filter{}, bad("value must be a boolean, a number or a string")
		}
	default:
		return Filter{}, bad("want an object with column, op and value")
	}
	if f.Column == "" {
		return Filter{}, bad("no column")
	}
	known := false
	for _, op := range filterOps {
		known = known || f.Op == op
	}
	if !known {
		return Filter{}, bad(fmt.Sprintf("unknown operator %q", f.Op))
	}
	if _, isString := f.Value.(string); isString && f.Op != "==" && f.Op != "!=" {
		return Filter{}, bad("text values compare only with == or !=")
	}
	if b, isBool := f.Value.(bool); isBool && f.Op != "==" && f.Op != "!=" {
		return Filter{}, bad(fmt.Sprintf("%v compares only with == or !=", b))
	}
	return f, nil
}

// filterValue reads the value of a textual filter: a boolean, a number, or else text (quotes removed).
func filterValue(s string) any {
	switch strings.ToLower(s) {
	case "true":
		return true
	case "false":
		return false
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f
	}
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// String renders the filters as "u_out == 0 and ...".
func (fs Filters) String() string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = fmt.Sprintf("%s %s %v", f.Column, f.Op, f.Value)
	}
	return strings.Join(parts, " and ")
}

// Mask reports, per answers row, whether every filter holds. A missing column, or a value that is
// not of the filter value's kind, is a TypeGroundTruth error naming the row, its line and the column.
func (fs Filters) Mask(answers *table.Table) ([]bool, error) {
	keep := make([]bool, answers.Len())
	for i := range keep {
		keep[i] = true
	}
	for _, f := range fs {
		col, ok := answers.Column(f.Column)
		if !ok {
			return nil, core.Errorf(core.TypeGroundTruth, "answers have no column %q to filter rows on", f.Column).
				WithDetails("filter %s; answers columns: %s", Filters{f}, strings.Join(answers.Header(), ", ")).
				WithCauses("the answers file must carry the filter's column; prepare the competition again")
		}
		for i := range keep {
			if !keep[i] {
				continue
			}
			pass, err := f.holds(strings.TrimSpace(string(col.Bytes(i))))
			if err != nil {
				return nil, core.Errorf(core.TypeGroundTruth, "answers column %q, row %d (line %d): %v", f.Column, i+1, answers.Line(i), err).
					WithDetails("filter %s", Filters{f})
			}
			keep[i] = pass
		}
	}
	return keep, nil
}

// Rows returns the answers rows (0-based, ascending) for which every filter holds; with no filters,
// nil, meaning every row.
func (fs Filters) Rows(answers *table.Table) ([]int, error) {
	if len(fs) == 0 {
		return nil, nil
	}
	keep, err := fs.Mask(answers)
	if err != nil {
		return nil, err
	}
	rows := make([]int, 0, len(keep))
	for i, k := range keep {
		if k {
			rows = append(rows, i)
		}
	}
	if len(rows) == 0 {
		return nil, core.Errorf(core.TypeEvaluation, "no answers row passes the filter %s", fs).
			WithCauses("the metric's filter param or the answers file is wrong: nothing would be scored")
	}
	return rows, nil
}

func (f Filter) holds(cell string) (bool, error) {
	switch v := f.Value.(type) {
	case bool:
		b, err := ParseBool(cell)
		if err != nil {
			return false, err
		}
		return (b == v) == (f.Op == "=="), nil
	case float64:
		x, err := strconv.ParseFloat(cell, 64)
		if err != nil || math.IsNaN(x) {
			return false, fmt.Errorf("the value %q is not a number", cell)
		}
		switch f.Op {
		case "==":
			return x == v, nil
		case "!=":
			return x != v, nil
		case "<":
			return x < v, nil
		case "<=":
			return x <= v, nil
		case ">":
			return x > v, nil
		default:
			return x >= v, nil
		}
	default:
		return (cell == v) == (f.Op == "=="), nil
	}
}

// ParseBool reads a boolean cell as pandas writes one (True/False), in any case, or as 1/0 (also
// 1.0/0.0).
func ParseBool(cell string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(cell)) {
	case "true", "t", "yes":
		return true, nil
	case "false", "f", "no":
		return false, nil
	}
	if x, err := strconv.ParseFloat(strings.TrimSpace(cell), 64); err == nil && (x == 0 || x == 1) {
		return x == 1, nil
	}
	return false, fmt.Errorf("the value %q is not a boolean (true/false or 1/0)", cell)
}

// DecodeJSONText decodes a param value given as the text of a JSON object or list, as a command
// line passes structured params (--param 'filter={"column": "keep", "op": "==", "value": true}');
// other values are returned as they are.
func DecodeJSONText(key string, v any) (any, error) {
	text, ok := v.(string)
	if t := strings.TrimSpace(text); !ok || t == "" || (t[0] != '{' && t[0] != '[') {
		return v, nil
	}
	var out any
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		return nil, core.Errorf(core.TypeInvalidArgument, "parameter %q is not valid JSON: %v", key, err)
	}
	return out, nil
}
