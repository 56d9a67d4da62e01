// Command regression is the metric plugin for regression families: RMSE, MSE, RMSLE, MAE and R².
// With several target columns each is averaged over the columns, as scikit-learn's
// multioutput="uniform_average" does, and the per-column values are reported as extras.
package main

import (
	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/plugins/metrics/internal/score"
	"github.com/mledojo/dojo/sdk"
)

func main() {
	sdk.ServeConfig(sdk.Config{Version: "0.1.0", Components: []sdk.Component{
		sdk.Metric("rmse", columnwise(score.RMSE), sdk.Direction(core.LowerIsBetter), sdk.Describe("root mean squared error")),
		sdk.Metric("mse", columnwise(score.MSE), sdk.Direction(core.LowerIsBetter), sdk.Describe("mean squared error")),
		sdk.Metric("rmsle", columnwise(score.RMSLE), sdk.Direction(core.LowerIsBetter), sdk.Describe("root mean squared logarithmic error")),
		sdk.Metric("mae", columnwise(score.MAE), sdk.Direction(core.LowerIsBetter), sdk.Describe("mean absolute error")),
		sdk.Metric("r2", columnwise(score.R2), sdk.Direction(core.HigherIsBetter), sdk.Describe("coefficient of determination R²")),
	}})
}
