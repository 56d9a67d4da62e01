// Command testmetric is a test plugin whose metrics misbehave on request: "crash" exits the process
// mid-call, "hang" blocks until cancelled, "panic" panics, and "constant" returns its "value" param.
package main

import (
	"context"
	"os"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk"
)

func main() {
	sdk.Serve(
		sdk.Metric("constant", sdk.MetricFunc(func(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
			v, err := req.Params.Float("value", 0.5)
			return pluginapi.ScoreResponse{Score: v}, err
		}), sdk.Direction(core.HigherIsBetter)),
		sdk.Metric("crash", sdk.MetricFunc(func(context.Context, pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
			os.Exit(3)
			return pluginapi.ScoreResponse{}, nil
		})),
		sdk.Metric("hang", sdk.MetricFunc(func(ctx context.Context, _ pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
			<-ctx.Done()
			return pluginapi.ScoreResponse{}, ctx.Err()
		})),
		sdk.Metric("panic", sdk.MetricFunc(func(context.Context, pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
			panic("deliberate")
		})),
	)
}
