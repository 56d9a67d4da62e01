package main

import (
	"context"

	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
	"github.com/mledojo/dojo/sdk"
)

// columnwise scores each target column with fn and averages the results.
func columnwise(fn func(truth, pred []float64) (float64, error)) sdk.MetricFunc {
	return func(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
		if err := req.Params.CheckKnown(inputs.CommonParams...); err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		in, err := inputs.Load(req, inputs.Options{})
		if err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		resp := pluginapi.ScoreResponse{Rows: int64(in.Pair.Len())}
		if len(in.Targets) > 1 {
			resp.Extras = make(map[string]float64, len(in.Targets))
		}
		for _, col := range in.Targets {
			truth, err := in.Pair.AnswerFloats(col)
			if err != nil {
				return pluginapi.ScoreResponse{}, err
			}
			pred, err := in.Pair.SubmissionFloats(col)
			if err != nil {
				return pluginapi.ScoreResponse{}, err
			}
			v, err := fn(truth, pred)
			if err != nil {
				return pluginapi.ScoreResponse{}, err
			}
			if resp.Extras != nil {
				resp.Extras[col] = v
			}
			resp.Score += v
		}
		resp.Score /= float64(len(in.Targets))
		return resp, nil
	}
}
