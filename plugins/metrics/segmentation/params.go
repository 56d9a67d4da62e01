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
	"github.com/mledojo/dojo/plugins/metrics/internal/rle"
)

// Params every component reads to find and decode its masks.
const (
	paramRLE          = "rle"
	paramShape        = "shape"
	paramShapeColumns = "shape_columns"
	paramKeyColumns   = "key_columns"
	paramThresholds   = "thresholds"
)

var maskParams = []string{paramRLE, paramShape, paramShapeColumns}

// kaggleThresholds are IoU 0.5, 0.55, …, 0.95, written as the decimals the entries list, so an IoU
// that equals a threshold exactly passes it.
var kaggleThresholds = []float64{0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95}

func known(req pluginapi.ScoreRequest, own ...string) error {
	return req.Params.CheckKnown(append(slices.Clone(inputs.CommonParams), own...)...)
}

// maskSpec says how a cell's run-length encoding reads.
type maskSpec struct {
	order rle.Order
	// shape is the one image size of every mask, when the shape param gives it.
	shape rle.Shape
	// shapeColumns name the answers' columns holding each row's height and width.
	shapeColumns []string
}

// readMaskSpec reads rle ("column_major_1_indexed", the default; "row_major_1_indexed"; or
// "start_length_pairs", 1-based pixel numbers of no stated orientation), shape ([height, width])
// and shape_columns ([height column, width column] of the answers).
func readMaskSpec(p core.Params, needShape bool) (maskSpec, error) {
	var s maskSpec
	name, err := p.String(paramRLE, "column_major_1_indexed")
	if err != nil {
		return s, err
	}
	switch name {
	case "column_major_1_indexed", "start_length_pairs":
		s.order = rle.ColumnMajor
	case "row_major_1_indexed":
		s.order = rle.RowMajor
	default:
		return s, core.Errorf(core.TypeInvalidArgument, "rle is %q; want column_major_1_indexed, row_major_1_indexed or start_length_pairs", name)
	}
	if p.Has(paramShape) {
		dims, err := numbers(p, paramShape)
		if err != nil {
			return s, err
		}
		if len(dims) != 2 || dims[0] < 1 || dims[1] < 1 || dims[0] != math.Trunc(dims[0]) || dims[1] != math.Trunc(dims[1]) {
			return s, core.Errorf(core.TypeInvalidArgument, "shape is %v; want [height, width], two positive integers", p[paramShape])
		}
		s.shape = rle.Shape{Height: int(dims[0]), Width: int(dims[1])}
	}
	if s.shapeColumns, err = p.Strings(paramShapeColumns, nil); err != nil {
		return s, err
	}
	switch {
	case len(s.shapeColumns) != 0 && len(s.shapeColumns) != 2:
		return s, core.Errorf(core.TypeInvalidArgument, "shape_columns is %v; want [height column, width column]", s.shapeColumns)
	case len(s.shapeColumns) == 2 && s.shape.Height > 0:
		return s, core.Errorf(core.TypeInvalidArgument, "set shape or shape_columns, not both")
	case needShape && len(s.shapeColumns) == 0 && s.shape.Height == 0:
		return s, core.Errorf(core.TypeInvalidArgument, "this metric needs each mask's size").
			WithCauses("set shape: [height, width], or shape_columns naming the answers' height and width columns")
	}
	return s, nil
}

// numbers reads a list of numbers: a JSON list, or a comma-separated string.
func numbers(p core.Params, key string) ([]float64, error) {
	var raw []any
	switch v := p[key].(type) {
	case []any:
		raw = v
	case []float64:
		for _, x := range v {
			raw = append(raw, x)
		}
	case string:
		for _, part := range strings.Split(v, ",") {
			raw = append(raw, strings.TrimSpace(part))
		}
	default:
		raw = []any{v}
	}
	out := make([]float64, 0, len(raw))
	for _, x := range raw {
		f, err := core.Params{key: x}.Float(key, 0)
		if err != nil {
			return nil, core.Errorf(core.TypeInvalidArgument, "parameter %q is %v; want a list of numbers", key, p[key])
		}
		out = append(out, f)
	}
	return out, nil
}

// labels reads a list whose items may be numbers or strings, as class labels in canonical form.
func labels(p core.Params, key string) ([]string, error) {
	raw, ok := p[key].([]any)
	if !ok {
		return p.Strings(key, nil)
	}
	out := make([]string, 0, len(raw))
	for _, x := range raw {
		switch v := x.(type) {
		case string:
			out = append(out, v)
		case float64:
			out = append(out, strconv.FormatFloat(v, 'f', -1, 64))
		case int:
			out = append(out, strconv.Itoa(v))
		case int64:
			out = append(out, strconv.FormatInt(v, 10))
		default:
			return nil, core.Errorf(core.TypeInvalidArgument, "parameter %q holds %v; want labels", key, x)
		}
	}
	return out, nil
}

// readThresholds reads the IoU thresholds, each in (0, 1].
func readThresholds(p core.Params) ([]float64, error) {
	if !p.Has(paramThresholds) {
		return kaggleThresholds, nil
	}
	ts, err := numbers(p, paramThresholds)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, core.Errorf(core.TypeInvalidArgument, "thresholds is empty")
	}
	for _, t := range ts {
		if !(t > 0 && t <= 1) {
			return nil, core.Errorf(core.TypeInvalidArgument, "threshold %v is outside (0, 1]", t)
		}
	}
	return ts, nil
}

// oneOf reads a string param that must be one of the choices; the first is the default.
func oneOf(p core.Params, key string, choices ...string) (string, error) {
	v, err := p.String(key, choices[0])
	if err != nil {
		return "", err
	}
	if !slices.Contains(choices, v) {
		return "", core.Errorf(core.TypeInvalidArgument, "%s is %q; want one of %s", key, v, strings.Join(choices, ", "))
	}
	return v, nil
}

// unitInterval reads a number param in [0, 1].
func unitInterval(p core.Params, key string, def float64) (float64, error) {
	v, err := p.Float(key, def)
	if err != nil {
		return 0, err
	}
	if !(v >= 0 && v <= 1) {
		return 0, core.Errorf(core.TypeInvalidArgument, "%s is %v; want a number from 0 to 1", key, v)
	}
	return v, nil
}

// positive reads a positive number param.
func positive(p core.Params, key string, def float64) (float64, error) {
	v, err := p.Float(key, def)
	if err != nil {
		return 0, err
	}
	if !(v > 0) || math.IsInf(v, 0) {
		return 0, core.Errorf(core.TypeInvalidArgument, "%s is %v; want a positive number", key, v)
	}
	return v, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
