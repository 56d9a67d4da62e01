package main

import (
	"context"
	"runtime"
	"slices"
	"sync"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
	"github.com/mledojo/dojo/plugins/metrics/internal/score"
	"github.com/mledojo/dojo/sdk/table"
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

// haversineDistances returns each answers row's distance from the submission's position, parsing
// the two target columns of both files as it goes rather than holding the four columns of numbers
// (a quarter of the memory of a million-row score). On a value that is not a finite number it reads
// the columns one by one, as Floats does, for the error that names it.
func haversineDistances(k *keyed, radius float64) ([]float64, error) {
	n := k.Len()
	var cols [4]table.Column // answers latitude, submission latitude, answers longitude, submission longitude
	ok := true
	for j, name := range k.targets {
		var okA, okS bool
		cols[2*j], okA = k.Answers.Column(name)
		cols[2*j+1], okS = k.Submission.Column(name)
		ok = ok && okA && okS
	}
	dist := make([]float64, n)
	if ok {
		bad := make([]bool, runtime.GOMAXPROCS(0))
		parallelRows(n, len(bad), func(part, lo, hi int) {
			for i := lo; i < hi; i++ {
				j := k.SubmissionRow(i)
				latT, ok1 := cols[0].Float(i)
				latP, ok2 := cols[1].Float(j)
				lonT, ok3 := cols[2].Float(i)
				lonP, ok4 := cols[3].Float(j)
				if !(ok1 && ok2 && ok3 && ok4) {
					bad[part] = true
					return
				}
				dist[i] = score.HaversineDistance(latT, lonT, latP, lonP, radius)
			}
		})
		ok = !slices.Contains(bad, true)
	}
	if ok {
		return dist, nil
	}
	for _, name := range k.targets {
		if _, err := k.AnswerFloats(name); err != nil {
			return nil, err
		}
		if _, err := k.SubmissionFloats(name); err != nil {
			return nil, err
		}
	}
	return nil, core.Errorf(core.TypeInternal, "haversine_percentile: a target column failed to parse row by row but not whole")
}

// parallelMinRows is the fewest rows worth a goroutine of their own.
var parallelMinRows = 1 << 14

// parallelRows calls fn on up to parts ranges that cover [0, n), concurrently when there are
// several.
func parallelRows(n, parts int, fn func(part, lo, hi int)) {
	parts = max(1, min(parts, n/parallelMinRows))
	if parts == 1 {
		fn(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() { fn(p, p*n/parts, (p+1)*n/parts) })
	}
	wg.Wait()
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
	n := k.Len()
	dist, err := haversineDistances(k, opts.EarthRadius)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	groups, nGroups := make([]int, n), 1
	if groupCol != "" {
		if groups, nGroups, err = groupIndex(k.Answers, groupCol, nil, n); err != nil {
			return pluginapi.ScoreResponse{}, err
		}
	}
	v, err := score.HaversineDistances(dist, groups, nGroups, opts)
	if err != nil {
		return pluginapi.ScoreResponse{}, k.nameRow(err)
	}
	return pluginapi.ScoreResponse{Score: v, Rows: int64(n)}, nil
}
