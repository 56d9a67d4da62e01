package main

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
)

// schema is the params JSON Schema: the common params plus the metric's own properties.
func schema(props ...string) string {
	common := []string{
		`"id_column": {"type": "string", "description": "id column; default: the answers' first column"}`,
		`"target_columns": {"type": "array", "items": {"type": "string"}, "description": "default: every answers column but the id"}`,
		`"allow_extra_columns": {"type": "boolean", "default": false}`,
		`"numeric_ids": {"type": "boolean", "default": false, "description": "compare ids as numbers (1 == 1.0)"}`,
	}
	return `{"type": "object", "properties": {` + strings.Join(append(common, props...), ", ") + `}}`
}

// Schema fragments of params several metrics share.
const (
	filterSchema = `"filter": {"description": "score only the answers rows passing a condition on an answers column: {column, op, value} (op one of == != < <= > >=), a list of them, or the text \"u_out == 0\""}`
	groupSchema  = `"group_column": {"type": "string", "description": "answers column whose values group the rows"}`
)

// known rejects params outside the common ones and own.
func known(req pluginapi.ScoreRequest, own ...string) error {
	return req.Params.CheckKnown(append(slices.Clone(inputs.CommonParams), own...)...)
}

// floatList reads a list of numbers: a JSON list, or a comma-separated string.
func floatList(p core.Params, key string, def []float64) ([]float64, error) {
	v, ok := p[key]
	if !ok || v == nil {
		return def, nil
	}
	bad := core.Errorf(core.TypeInvalidArgument, "parameter %q is %v (%T), want a list of numbers", key, v, v)
	var out []float64
	switch x := v.(type) {
	case []float64:
		return x, nil
	case []any:
		for _, e := range x {
			f, err := core.Params{key: e}.Float(key, 0)
			if err != nil {
				return nil, bad
			}
			out = append(out, f)
		}
	case string:
		for _, s := range strings.Split(strings.Trim(strings.TrimSpace(x), "[]"), ",") {
			f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				return nil, bad
			}
			out = append(out, f)
		}
	default:
		f, err := p.Float(key, 0)
		if err != nil {
			return nil, bad
		}
		out = []float64{f}
	}
	return out, nil
}

// choice reads a string param that must be one of allowed; the first is the default.
func choice(p core.Params, key string, allowed ...string) (string, error) {
	v, err := p.String(key, allowed[0])
	if err != nil {
		return "", err
	}
	if !slices.Contains(allowed, v) {
		return "", core.Errorf(core.TypeInvalidArgument, "parameter %q is %q; want one of %q", key, v, allowed)
	}
	return v, nil
}

// positive reads a number param that must be positive; "inf" reads as +Inf where infOK.
func positive(p core.Params, key string, def float64, infOK bool) (float64, error) {
	f, err := p.Float(key, def)
	if err != nil {
		return 0, err
	}
	if !(f > 0) || (math.IsInf(f, 1) && !infOK) {
		return 0, core.Errorf(core.TypeInvalidArgument, "parameter %q is %v; want a positive number", key, f)
	}
	return f, nil
}

// withDetail appends a line to an error's details.
func withDetail(e *core.Error, format string, args ...any) *core.Error {
	line := fmt.Sprintf(format, args...)
	if e.Details == "" {
		e.Details = line
	} else {
		e.Details += "; " + line
	}
	return e
}

// withAuxiliaryColumns returns req with target_columns set, when the params leave it to default to
// every answers column but the id, to that default less the auxiliary answers columns the metric
// reads for other purposes (a filter's column, weights, groups), which are not targets.
func withAuxiliaryColumns(req pluginapi.ScoreRequest, aux ...string) (pluginapi.ScoreRequest, error) {
	if req.Params.Has(inputs.ParamTargetColumns) || req.Params.Has(inputs.ParamTargetColumn) {
		return req, nil
	}
	filters, err := inputs.ParseFilters(req.Params)
	if err != nil {
		return req, err
	}
	for _, f := range filters {
		aux = append(aux, f.Column)
	}
	if len(aux) == 0 {
		return req, nil
	}
	cols, err := inputs.ResolveColumns(req)
	if err != nil {
		return req, err
	}
	targets := make([]any, 0, len(cols.Targets))
	for _, t := range cols.Targets {
		if !slices.Contains(aux, t) {
			targets = append(targets, t)
		}
	}
	params := make(core.Params, len(req.Params)+1)
	for k, v := range req.Params {
		params[k] = v
	}
	params[inputs.ParamTargetColumns] = targets
	req.Params = params
	return req, nil
}
