// Command mape is the metric plugin of docs/plugins.md: mean absolute percentage error.
package main

import (
	"context"
	"math"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk"
	"github.com/mledojo/dojo/sdk/table"
)

func mape(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	pair, err := table.LoadPair(req.AnswersPath, req.SubmissionPath,
		table.PairOptions{IDColumn: "id", Columns: []string{"target"}})
	if err != nil {
		return pluginapi.ScoreResponse{}, err // typed: says which row, column or id is wrong
	}
	truth, err := pair.AnswerFloats("target")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	pred, err := pair.SubmissionFloats("target") // in answers order, whatever the row order
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	sum := 0.0
	for i := range truth {
		sum += math.Abs((truth[i] - pred[i]) / truth[i])
	}
	return pluginapi.ScoreResponse{Score: sum / float64(len(truth)), Rows: int64(len(truth))}, nil
}

func main() {
	sdk.Serve(sdk.Metric("mape", sdk.MetricFunc(mape), sdk.Direction(core.LowerIsBetter),
		sdk.Describe("mean absolute percentage error")))
}
