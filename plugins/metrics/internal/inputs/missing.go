package inputs

import (
	"math"
	"strconv"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/sdk/table"
)

// ParamSkipMissingTruth names the param that leaves out of the score the rows whose ground truth is
// missing (an empty cell or NaN), as a metric that drops NaN labels does.
const ParamSkipMissingTruth = "skip_missing_truth"

// FloatsOrMissing returns a column's values as numbers, with empty and NaN cells as NaN, for columns
// where a missing value has a meaning (a truth to skip, a confidence that counts as 0). Any other
// value that is not a finite number is an error of type errType naming the row, its line and the
// column.
func FloatsOrMissing(t *table.Table, column string, errType core.ErrorType) ([]float64, error) {
	col, ok := t.Column(column)
	if !ok {
		return nil, core.Errorf(errType, "%s has no column %q", t.Name(), column).
			WithDetails("columns found: %s", strings.Join(t.Header(), ", "))
	}
	if vals, err := col.ParseFloats(table.FloatOptions{AllowNonFinite: true}); err == nil {
		for i, v := range vals {
			if math.IsInf(v, 0) {
				return nil, notFinite(t, column, i, errType)
			}
		}
		return vals, nil
	}
	// Some cell is empty or not a number: read cell by cell to tell which.
	vals := make([]float64, col.Len())
	for i := range vals {
		cell := strings.TrimSpace(string(col.Bytes(i)))
		if cell == "" {
			vals[i] = math.NaN()
			continue
		}
		v, err := strconv.ParseFloat(cell, 64)
		if err != nil || math.IsInf(v, 0) {
			return nil, notFinite(t, column, i, errType)
		}
		vals[i] = v
	}
	return vals, nil
}

func notFinite(t *table.Table, column string, row int, errType core.ErrorType) *core.Error {
	col, _ := t.Column(column)
	return core.Errorf(errType, "%s column %q, row %d (line %d): the value %q is not a number", t.Name(), column, row+1, t.Line(row), string(col.Bytes(row))).
		WithDetails("the column holds numbers; an empty cell or NaN means a missing value").
		WithCauses("write plain numbers such as 0.25 or 1e-3, or leave the cell empty")
}
