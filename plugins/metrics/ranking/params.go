package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
	"github.com/mledojo/dojo/plugins/metrics/internal/score"
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

// Schema fragments of the params.
const (
	kSchema           = `"k": {"type": "integer", "minimum": 1, "description": "how many predictions of each row count"}`
	valueFormatSchema = `"value_format": {"enum": ["space_separated_list"], "default": "space_separated_list", "description": "each cell a white-space separated list"}`
	layoutSchema      = `"layout": {"enum": ["wide", "long"], "default": "wide", "description": "wide: one row per id, its ranked list in one cell; long: one row per predicted item, ranked by file order"}`
	aggregationSchema = `"aggregation": {"enum": ["mean_per_column", "mean_per_row", "pooled"], "description": "mean_per_column (default for numeric columns): the mean of each target column's correlation; mean_per_row (default for sequences): the mean of each row's correlation between its lists; pooled: Kendall's tau pooled over rows (sequence space_separated_ids)"}`
	sequenceSchema    = `"sequence": {"enum": ["space_separated_ints", "space_separated_numbers", "space_separated_ids"], "description": "each cell is a list: of numbers to correlate row by row, or (kendall_tau) an order of item ids"}`
	nanAsSchema       = `"nan_as": {"type": "number", "description": "score a column or row whose correlation is undefined (a constant side) as this value; by default such a submission is invalid"}`
	skipMissingSchema = `"skip_missing_truth": {"type": "boolean", "default": false, "description": "leave out the rows whose ground truth is empty"}`
)

// known rejects params outside the common ones and own.
func known(req pluginapi.ScoreRequest, own ...string) error {
	return req.Params.CheckKnown(append(slices.Clone(inputs.CommonParams), own...)...)
}

// oneTarget requires a single target column.
func oneTarget(targets []string, metric string) error {
	if len(targets) != 1 {
		return core.Errorf(core.TypeInvalidArgument, "%s scores one target column, the answers have %d (%s)",
			metric, len(targets), strings.Join(targets, ", ")).
			WithCauses("set the target_columns param to the one column to score")
	}
	return nil
}

// withID adds to an error about one row the id of that row (ids in the order of the rows scored).
func withID(err error, ids []string) error {
	row, ok := score.ErrorRow(err)
	if !ok || row < 0 || row >= len(ids) {
		return err
	}
	e := core.AsError(err)
	detail := fmt.Sprintf("id %q", strings.TrimSpace(ids[row]))
	if e.Details != "" {
		detail = e.Details + "; " + detail
	}
	return e.WithDetails("%s", detail)
}

// valueFormat checks the one list format these metrics read.
func valueFormat(p core.Params) error {
	f, err := p.String("value_format", "space_separated_list")
	if err != nil {
		return err
	}
	if f != "space_separated_list" {
		return core.Errorf(core.TypeInvalidArgument, "value_format %q is not supported; use space_separated_list", f)
	}
	return nil
}

// kParam reads the required k.
func kParam(p core.Params) (int, error) {
	if !p.Has("k") {
		return 0, core.Errorf(core.TypeInvalidArgument, "parameter \"k\" is required: how many predictions of each row count").
			WithCauses("set k in the metric's params, e.g. k: 12 for MAP@12")
	}
	k, err := p.Int("k", 0)
	if err != nil {
		return 0, err
	}
	if k < 1 {
		return 0, core.Errorf(core.TypeInvalidArgument, "parameter \"k\" must be at least 1, got %d", k)
	}
	return k, nil
}

// fields splits s on white space, as Python's str.split() does for ASCII text.
func fields(s string) []string { return strings.Fields(s) }
