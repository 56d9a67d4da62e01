// Command ranking is the metric plugin for ranking and correlation families: MAP@K and NDCG@K over
// ranked lists, and the Spearman, Pearson and Kendall correlations (scipy's definitions) over columns,
// per-row lists or item orders. Start with lists.go (MAP@K, NDCG@K) or correlation.go.
package main

import (
	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/sdk"
)

func main() {
	sdk.ServeConfig(sdk.Config{Version: "0.1.0", Components: components()})
}

// components are the metrics this plugin serves.
func components() []sdk.Component {
	higher := sdk.Direction(core.HigherIsBetter)
	return []sdk.Component{
		sdk.Metric("map_at_k", sdk.MetricFunc(mapAtK), higher,
			sdk.Describe("mean average precision at k over space-separated ranked lists (Kaggle's apk/mapk)"),
			sdk.Schema(schema(kSchema, valueFormatSchema))),
		sdk.Metric("ndcg_at_k", sdk.MetricFunc(ndcgAtK), higher,
			sdk.Describe("normalised discounted cumulative gain at k, binary relevance; ranked lists in one cell or one row per item"),
			sdk.Schema(schema(kSchema, valueFormatSchema, layoutSchema))),
		sdk.Metric("spearman", sdk.MetricFunc(spearman), higher,
			sdk.Describe("Spearman rank correlation (scipy), per column, or per row of space-separated lists"),
			sdk.Schema(schema(aggregationSchema, sequenceSchema, nanAsSchema, skipMissingSchema))),
		sdk.Metric("pearson", sdk.MetricFunc(pearson), higher,
			sdk.Describe("Pearson correlation coefficient (scipy), averaged over target columns"),
			sdk.Schema(schema(aggregationSchema, nanAsSchema, skipMissingSchema))),
		sdk.Metric("kendall_tau", sdk.MetricFunc(kendallTau), higher,
			sdk.Describe("Kendall tau-b (scipy) per column, or Kaggle's pooled tau over predicted item orders"),
			sdk.Schema(schema(aggregationSchema, sequenceSchema, nanAsSchema, skipMissingSchema))),
	}
}
