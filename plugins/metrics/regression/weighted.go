package main

import (
	"context"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
	"github.com/mledojo/dojo/plugins/metrics/internal/score"
	"github.com/mledojo/dojo/sdk/table"
)

// Params of weighted_mae. At most one of the three row-weight sources may be set; without one every
// row weighs 1.
const (
	paramWeightsColumn  = "weights_column"  // an answers column holding each row's weight
	paramWeightsColumns = "weights_columns" // answers columns summed into each row's weight
	paramWeightRule     = "weight_rule"     // {column, weight_if_true, weight_otherwise} on a boolean answers column
	paramWeights        = "weights"         // one weight per target column, multiplying the row weights
	paramNormalize      = "normalize"       // weight_sum (a weighted mean) or count (divide by the cell count)
)

const weightedSchema = `"weights_column": {"type": "string", "description": "answers column holding each row's weight"}, ` +
	`"weights_columns": {"type": "array", "items": {"type": "string"}, "description": "answers columns summed into each row's weight"}, ` +
	`"weight_rule": {"type": "object", "properties": {"column": {"type": "string"}, "weight_if_true": {"type": "number"}, "weight_otherwise": {"type": "number"}}, "description": "weight from a boolean answers column, e.g. Walmart's holiday weeks ×5"}, ` +
	`"weights": {"type": "array", "items": {"type": "number"}, "description": "one weight per target column"}, ` +
	`"normalize": {"enum": ["weight_sum", "count"], "default": "weight_sum", "description": "divide by the sum of the weights or by the number of cells"}`

// weightRule weighs a row by a boolean answers column.
type weightRule struct {
	column          string
	ifTrue, ifFalse float64
}

func parseWeightRule(p core.Params) (*weightRule, error) {
	v, ok := p[paramWeightRule]
	if !ok || v == nil {
		return nil, nil
	}
	v, err := inputs.DecodeJSONText(paramWeightRule, v)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	bad := core.Errorf(core.TypeInvalidArgument, "parameter %q is %v; want {column, weight_if_true, weight_otherwise}", paramWeightRule, v)
	if !ok {
		return nil, bad
	}
	rule := core.Params(m)
	if err := rule.CheckKnown("column", "weight_if_true", "weight_otherwise"); err != nil {
		return nil, bad
	}
	col, err := rule.String("column", "")
	if err != nil || col == "" {
		return nil, bad
	}
	ifTrue, err1 := rule.Float("weight_if_true", 1)
	ifFalse, err2 := rule.Float("weight_otherwise", 1)
	if err1 != nil || err2 != nil {
		return nil, bad
	}
	return &weightRule{column: col, ifTrue: ifTrue, ifFalse: ifFalse}, nil
}

// rowWeights returns each answers row's weight from the params, or nil when every row weighs 1.
func rowWeights(p core.Params, answers *table.Table) ([]float64, error) {
	one, err := p.String(paramWeightsColumn, "")
	if err != nil {
		return nil, err
	}
	many, err := p.Strings(paramWeightsColumns, nil)
	if err != nil {
		return nil, err
	}
	rule, err := parseWeightRule(p)
	if err != nil {
		return nil, err
	}
	sources := 0
	for _, set := range []bool{one != "", len(many) > 0, rule != nil} {
		if set {
			sources++
		}
	}
	if sources > 1 {
		return nil, core.Errorf(core.TypeInvalidArgument, "set only one of %q, %q and %q", paramWeightsColumn, paramWeightsColumns, paramWeightRule)
	}
	switch {
	case one != "":
		return answers.Floats(one)
	case len(many) > 0:
		var w []float64
		for _, c := range many {
			col, err := answers.Floats(c)
			if err != nil {
				return nil, err
			}
			if w == nil {
				w = col
				continue
			}
			for i, x := range col {
				w[i] += x
			}
		}
		return w, nil
	case rule != nil:
		holds, err := inputs.Filters{{Column: rule.column, Op: "==", Value: true}}.Mask(answers)
		if err != nil {
			return nil, err
		}
		w := make([]float64, len(holds))
		for i, h := range holds {
			w[i] = rule.ifFalse
			if h {
				w[i] = rule.ifTrue
			}
		}
		return w, nil
	}
	return nil, nil
}

// weightedMAE is Σ w|y-ŷ| over the scored cells, divided by Σ w or by the cell count.
func weightedMAE(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, inputs.ParamFilter, paramWeightsColumn, paramWeightsColumns, paramWeightRule, paramWeights, paramNormalize); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	normalize, err := choice(req.Params, paramNormalize, string(score.NormalizeWeightSum), string(score.NormalizeCount))
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	perColumn, err := floatList(req.Params, paramWeights, nil)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	aux, err := weightColumns(req.Params)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	s, err := loadScored(req, false, aux...)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if perColumn != nil && len(perColumn) != len(s.cols) {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument, "parameter %q has %d weights for %d target columns",
			paramWeights, len(perColumn), len(s.cols))
	}
	w, err := rowWeights(req.Params, s.in.Pair.Answers)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	all := s.pool()
	if len(s.cols) == 1 {
		all = s.cols[0]
	}
	weights := make([]float64, len(all.truth))
	for k := range weights {
		weights[k] = 1
		if w != nil {
			weights[k] = w[all.answersRow(k)]
		}
	}
	if perColumn != nil {
		k := 0
		for c, col := range s.cols {
			for range col.truth {
				weights[k] *= perColumn[c]
				k++
			}
		}
	}
	v, err := score.WeightedMAE(all.truth, all.pred, weights, score.WeightNormalization(normalize))
	if err != nil {
		return pluginapi.ScoreResponse{}, s.nameRow(err, all)
	}
	return pluginapi.ScoreResponse{Score: v, Rows: int64(s.rows)}, nil
}

// weightColumns lists the answers columns the weight params read.
func weightColumns(p core.Params) ([]string, error) {
	one, err := p.String(paramWeightsColumn, "")
	if err != nil {
		return nil, err
	}
	cols, err := p.Strings(paramWeightsColumns, nil)
	if err != nil {
		return nil, err
	}
	if one != "" {
		cols = append(cols, one)
	}
	rule, err := parseWeightRule(p)
	if err != nil {
		return nil, err
	}
	if rule != nil {
		cols = append(cols, rule.column)
	}
	return cols, nil
}
