// Command regression is the metric plugin for regression families: the sklearn errors (RMSE, MSE,
// RMSLE, MAE, R², median absolute error), the competition variants of MLE-Dojo's registry (SMAPE,
// RMSPE, mean column-wise RMSE and RMSLE, weighted and group log MAE, normalized Gini) and the
// structured targets (Laplace log likelihood, KL divergence, angular and haversine errors, and the
// Game of Life boards of life.go).
//
// Column-by-column metrics average over several target columns, as scikit-learn's
// multioutput="uniform_average" does, reporting per-column values as extras, or pool every cell
// (aggregation: pooled). Start with columnwise.go; each other file holds one family.
package main

import (
	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/plugins/metrics/internal/score"
	"github.com/mledojo/dojo/sdk"
)

func main() {
	sdk.ServeConfig(sdk.Config{Version: "0.2.0", Components: components()})
}

// components are the metrics this plugin serves.
func components() []sdk.Component {
	lower, higher := sdk.Direction(core.LowerIsBetter), sdk.Direction(core.HigherIsBetter)
	pool := schemaWith(filterSchema, aggregationSchema)
	return []sdk.Component{
		sdk.Metric("rmse", columnwise(columnMetric{poolable: true, build: fixed(score.RMSE)}), lower,
			sdk.Describe("root mean squared error"), sdk.Schema(pool())),
		sdk.Metric("mse", columnwise(columnMetric{poolable: true, build: fixed(score.MSE)}), lower,
			sdk.Describe("mean squared error"), sdk.Schema(pool())),
		sdk.Metric("rmsle", columnwise(poolableMetric(rmsleMetric)), lower,
			sdk.Describe("root mean squared logarithmic error"), sdk.Schema(pool(rmsleSchema))),
		sdk.Metric("mae", columnwise(columnMetric{poolable: true, build: fixed(score.MAE)}), lower,
			sdk.Describe("mean absolute error"), sdk.Schema(pool())),
		sdk.Metric("r2", columnwise(columnMetric{poolable: true, build: fixed(score.R2)}), higher,
			sdk.Describe("coefficient of determination R²"), sdk.Schema(pool())),
		sdk.Metric("medae", columnwise(columnMetric{poolable: true, build: fixed(score.MedianAbsoluteError)}), lower,
			sdk.Describe("median absolute error"), sdk.Schema(pool())),
		sdk.Metric("smape", columnwise(smapeMetric), lower,
			sdk.Describe("symmetric mean absolute percentage error (Kaggle's, percent)"), sdk.Schema(pool(smapeSchema))),
		sdk.Metric("rmspe", columnwise(columnMetric{poolable: true, build: fixed(score.RMSPE)}), lower,
			sdk.Describe("root mean squared percentage error over rows whose truth is not 0"), sdk.Schema(pool())),
		sdk.Metric("mcrmse", columnwise(columnMetric{build: fixed(score.RMSE)}), lower,
			sdk.Describe("mean column-wise root mean squared error"), sdk.Schema(schema(filterSchema))),
		sdk.Metric("mc_rmsle", columnwise(rmsleMetric), lower,
			sdk.Describe("mean column-wise root mean squared logarithmic error"), sdk.Schema(schema(filterSchema, rmsleSchema))),
		sdk.Metric("normalized_gini", columnwise(giniMetric), higher,
			sdk.Describe("Kaggle's normalized Gini coefficient (2·AUC-1 for a 0/1 target)"), sdk.Schema(schema(filterSchema, giniSchema))),
		sdk.Metric("weighted_mae", sdk.MetricFunc(weightedMAE), lower,
			sdk.Describe("weighted mean absolute error, weights from answers columns, a rule or per target column"),
			sdk.Schema(schema(filterSchema, weightedSchema))),
		sdk.Metric("log_mae", sdk.MetricFunc(groupLogMAE), lower,
			sdk.Describe("mean over groups of log(max(MAE, floor)) (CHAMPS scalar coupling)"), sdk.Schema(schema(filterSchema, logMAESchema))),
		sdk.Metric("laplace_log_likelihood", sdk.MetricFunc(laplaceLogLikelihood), higher,
			sdk.Describe("OSIC modified Laplace log likelihood"), sdk.Schema(schema(laplaceSchema))),
		sdk.Metric("kl_divergence", sdk.MetricFunc(klDivergence), lower,
			sdk.Describe("mean per-row Kullback-Leibler divergence of predicted from true distributions"), sdk.Schema(schema(klSchema))),
		sdk.Metric("mean_angular_error", sdk.MetricFunc(meanAngularError), lower,
			sdk.Describe("mean great-circle angle between true and predicted (azimuth, zenith) directions"), sdk.Schema(schema(filterSchema))),
		sdk.Metric("haversine_percentile", sdk.MetricFunc(haversinePercentile), lower,
			sdk.Describe("per group, the mean of percentiles of haversine distance errors; then the mean over groups"),
			sdk.Schema(schema(haversineSchema))),
		sdk.Metric("life_reverse_mae", sdk.MetricFunc(lifeReverseMAE), lower,
			sdk.Describe("Conway's Reverse Game of Life: start boards run forward each game's steps, then mean absolute error against the stop boards"),
			sdk.Schema(lifeSchema)),
	}
}

// poolableMetric lets a per-column metric also pool its columns.
func poolableMetric(m columnMetric) columnMetric {
	m.poolable = true
	return m
}

// schemaWith returns a schema builder with some fragments always included.
func schemaWith(always ...string) func(...string) string {
	return func(more ...string) string { return schema(append(append([]string(nil), always...), more...)...) }
}
