package main

import (
	"context"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
	"github.com/mledojo/dojo/plugins/metrics/internal/score"
)

// meanAngularError is IceCube's metric; the two target columns are the azimuth and the zenith, in
// that order, in radians.
func meanAngularError(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, inputs.ParamFilter); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	s, err := loadScored(req, false)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if len(s.cols) != 2 {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument,
			"mean_angular_error needs two target columns, the azimuth then the zenith; got %d", len(s.cols)).
			WithCauses("set target_columns: [azimuth, zenith]")
	}
	az, zen := s.cols[0], s.cols[1]
	v, err := score.MeanAngularError(az.truth, zen.truth, az.pred, zen.pred)
	if err != nil {
		return pluginapi.ScoreResponse{}, s.nameRow(err, az)
	}
	return pluginapi.ScoreResponse{Score: v, Rows: int64(s.rows)}, nil
}

// Params of haversine_percentile.
const (
	paramPercentiles  = "percentiles"
	paramEarthRadiusM = "earth_radius_m"
)

const haversineSchema = `"key_columns": {"type": "array", "items": {"type": "string"}, "description": "columns that together identify a row; default: the id column"}, ` +
	groupSchema + `, "percentiles": {"type": "array", "items": {"type": "number"}, "default": [50, 95]}, ` +
	`"earth_radius_m": {"type": "number", "default": 6371000}`

// haversinePercentile is Smartphone Decimeter's metric; the two target columns are the latitude and
// the longitude, in that order, in degrees. Rows are paired by key_columns; without group_column all
// rows form one group.
func haversinePercentile(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, inputs.ParamKeyColumns, paramGroupColumn, paramPercentiles, paramEarthRadiusM); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	keys, err := req.Params.Strings(inputs.ParamKeyColumns, nil)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	groupCol, err := req.Params.String(paramGroupColumn, "")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	opts := score.HaversineOptions{}
	if opts.Percentiles, err = floatList(req.Params, paramPercentiles, []float64{50, 95}); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if opts.EarthRadius, err = positive(req.Params, paramEarthRadiusM, 6371000, false); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if groupCol != "" {
		if req, err = withAuxiliaryColumns(req, groupCol); err != nil {
			return pluginapi.ScoreResponse{}, err
		}
	}
	k, err := loadKeyed(req, keys)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if len(k.targets) != 2 {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument,
			"haversine_percentile needs two target columns, the latitude then the longitude; got %d", len(k.targets)).
			WithCauses("set target_columns: [LatitudeDegrees, LongitudeDegrees]")
	}
	var vals [4][]float64
	for j, name := range k.targets {
		if vals[j], err = k.AnswerFloats(name); err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		if vals[2+j], err = k.SubmissionFloats(name); err != nil {
			return pluginapi.ScoreResponse{}, err
		}
	}
	n := k.Len()
	groups, nGroups := make([]int, n), 1
	if groupCol != "" {
		if groups, nGroups, err = groupIndex(k.Answers, groupCol, nil, n); err != nil {
			return pluginapi.ScoreResponse{}, err
		}
	}
	v, err := score.HaversinePercentile(vals[0], vals[1], vals[2], vals[3], groups, nGroups, opts)
	if err != nil {
		return pluginapi.ScoreResponse{}, k.nameRow(err)
	}
	return pluginapi.ScoreResponse{Score: v, Rows: int64(n)}, nil
}
