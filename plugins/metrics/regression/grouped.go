package main

import (
	"bytes"
	"context"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
	"github.com/mledojo/dojo/plugins/metrics/internal/score"
	"github.com/mledojo/dojo/sdk/table"
)

// Params of log_mae.
const (
	paramGroupColumn = "group_column"
	paramFloor       = "floor"
)

const logMAESchema = groupSchema + `, "floor": {"type": "number", "default": 1e-9, "description": "each group's MAE is floored here before the logarithm"}`

// groupLogMAE is CHAMPS's metric: per group of the answers' group column, log(max(MAE, floor)),
// then the mean over groups; with several target columns, the mean over columns.
func groupLogMAE(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, inputs.ParamFilter, paramGroupColumn, paramFloor); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	groupCol, err := req.Params.String(paramGroupColumn, "")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if groupCol == "" {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument, "log_mae needs the %q param: the answers column that groups the rows", paramGroupColumn)
	}
	floor, err := positive(req.Params, paramFloor, 1e-9, false)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	s, err := loadScored(req, false, groupCol)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	resp := pluginapi.ScoreResponse{Rows: int64(s.rows)}
	if len(s.cols) > 1 {
		resp.Extras = map[string]float64{}
	}
	for _, c := range s.cols {
		groups, n, err := groupIndex(s.in.Pair.Answers, groupCol, c.rows, len(c.truth))
		if err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		v, err := score.GroupLogMAE(c.truth, c.pred, groups, n, floor)
		if err != nil {
			return pluginapi.ScoreResponse{}, s.nameRow(err, c)
		}
		if resp.Extras != nil {
			resp.Extras[c.name] = v
		}
		resp.Score += v
	}
	resp.Score /= float64(len(s.cols))
	return resp, nil
}

// groupIndex numbers the distinct values of an answers column, in order of first appearance, for
// the given answers rows (the first n rows when rows is nil): groups[k] is row k's number.
func groupIndex(answers *table.Table, column string, rows []int, n int) (groups []int, count int, err error) {
	col, ok := answers.Column(column)
	if !ok {
		return nil, 0, core.Errorf(core.TypeGroundTruth, "answers have no group column %q", column).
			WithDetails("answers columns: %s", strings.Join(answers.Header(), ", ")).
			WithCauses("the answers file must carry the group column; fix the metric's group_column param or prepare the competition again")
	}
	index := map[string]int{}
	groups = make([]int, n)
	for k := range groups {
		i := k
		if rows != nil {
			i = rows[k]
		}
		cell := bytes.TrimSpace(col.Bytes(i))
		g, seen := index[string(cell)] // a lookup by converted bytes does not allocate
		if !seen {
			g = len(index)
			index[string(cell)] = g
		}
		groups[k] = g
	}
	return groups, len(index), nil
}
