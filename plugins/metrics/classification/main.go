// Command classification is the metric plugin for classification families: accuracy, ROC-AUC
// (binary, one-vs-rest, column-averaged), log loss (binary and multiclass) and F1.
package main

import (
	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/sdk"
)

func main() {
	sdk.ServeConfig(sdk.Config{Version: "0.1.0", Components: []sdk.Component{
		sdk.Metric("accuracy", sdk.MetricFunc(accuracy), sdk.Direction(core.HigherIsBetter),
			sdk.Describe("share of rows whose label matches (all target columns must match)"), sdk.Schema(schema())),
		sdk.Metric("roc_auc", sdk.MetricFunc(rocAUC), sdk.Direction(core.HigherIsBetter),
			sdk.Describe("ROC-AUC: binary, column-averaged over several targets, or one-vs-rest over class columns"),
			sdk.Schema(schema(`"average": {"enum": ["macro", "weighted", "micro"], "default": "macro"}`))),
		sdk.Metric("log_loss", sdk.MetricFunc(logLoss), sdk.Direction(core.LowerIsBetter),
			sdk.Describe("log loss: binary, or multiclass from one-hot answers or a label column"),
			sdk.Schema(schema(`"eps": {"type": "number", "default": 2.220446049250313e-16}`))),
		sdk.Metric("f1", sdk.MetricFunc(f1), sdk.Direction(core.HigherIsBetter),
			sdk.Describe("F1 score, binary or averaged (macro, micro, weighted)"),
			sdk.Schema(schema(`"average": {"enum": ["binary", "macro", "micro", "weighted"], "default": "binary"}`,
				`"pos_label": {"type": "string", "default": "1"}`))),
	}})
}
