// Command classification is the metric plugin for classification families: accuracy and exact
// match; ROC-AUC (binary, one-vs-rest, column-averaged, TPR-banded weighted); log loss (binary,
// multiclass, rescaled first) and Kaggle's balanced log loss; F1 and F-beta over labels, label sets,
// character spans, points in boxes and run-length masks; quadratic weighted kappa, Matthews
// correlation, macro recall, top-1 error and LWLRAP; and Jigsaw's bias AUC (biasauc.go).
//
// Start with metrics.go (labels) or probabilistic.go (probabilities); labels.go and sets.go hold the
// competition variants.
package main

import (
	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/sdk"
)

func main() {
	sdk.ServeConfig(sdk.Config{Version: "0.2.0", Components: components()})
}

// components are the metrics this plugin serves.
func components() []sdk.Component {
	higher, lower := sdk.Direction(core.HigherIsBetter), sdk.Direction(core.LowerIsBetter)
	return []sdk.Component{
		sdk.Metric("accuracy", sdk.MetricFunc(accuracy), higher,
			sdk.Describe("share of rows whose label matches (all target columns must match)"), sdk.Schema(schema())),
		sdk.Metric("exact_match", sdk.MetricFunc(exactMatch), higher,
			sdk.Describe("share of rows whose every target column is spelt exactly as in the answers (no number parsing, no trimming)"),
			sdk.Schema(schema())),
		sdk.Metric("roc_auc", sdk.MetricFunc(rocAUC), higher,
			sdk.Describe("ROC-AUC: binary, column-averaged over several targets, one-vs-rest over class columns, or TPR-banded weighted"),
			sdk.Schema(schema(append(probabilitySchemas,
				`"average": {"enum": ["macro", "weighted", "micro"], "default": "macro"}`,
				`"tpr_thresholds": {"type": "array", "items": {"type": "number"}, "description": "TPR band edges from 0 to 1 of the weighted AUC (e.g. [0, 0.4, 1]); with tpr_weights"}`,
				`"tpr_weights": {"type": "array", "items": {"type": "number"}, "description": "one weight per TPR band"}`,
				`"single_class_auc": {"type": "number", "description": "score a column whose truth holds one class as this value (e.g. 0.5) instead of failing"}`,
				`"ignore_rows_with_label": {"type": "number", "description": "drop answers rows holding this label in any target column (e.g. -1)"}`)...))),
		sdk.Metric("log_loss", sdk.MetricFunc(logLoss), lower,
			sdk.Describe("log loss: binary, or multiclass from one-hot answers or a label column"),
			sdk.Schema(schema(append(probabilitySchemas,
				`"eps": {"type": "number", "default": 2.220446049250313e-16}`,
				`"multilabel": {"type": "boolean", "default": false, "description": "mean of each column's binary log loss"}`,
				`"normalize_first": {"type": "boolean", "default": false, "description": "divide each row by its sum, then clip, with no renormalisation after"}`)...))),
		sdk.Metric("balanced_log_loss", sdk.MetricFunc(balancedLogLoss), lower,
			sdk.Describe("Kaggle's balanced log loss: rows rescaled then clipped, -ln p averaged per class, then over classes"),
			sdk.Schema(schema(append(probabilitySchemas, `"eps": {"type": "number", "default": 1e-15}`)...))),
		sdk.Metric("lwlrap", sdk.MetricFunc(lwlrap), higher,
			sdk.Describe("label-weighted label-ranking average precision (Freesound Audio Tagging 2019)"),
			sdk.Schema(schema(probabilitySchemas...))),
		sdk.Metric("f1", sdk.MetricFunc(f1), higher,
			sdk.Describe("F1 score: labels (binary, macro, micro, weighted), label sets (samples, micro, macro, weighted), character spans or points in boxes"),
			sdk.Schema(schema(f1Schemas...))),
		sdk.Metric("fbeta", sdk.MetricFunc(fbeta), higher,
			sdk.Describe("F-beta score over labels, or the mean per-row F-beta of run-length encoded masks"),
			sdk.Schema(schema(
				`"beta": {"type": "number", "default": 1}`,
				`"average": {"enum": ["binary", "macro", "micro", "weighted"], "default": "binary"}`,
				`"pos_label": {"type": "string", "default": "1"}`,
				predictionColumnSchema,
				`"rle": {"enum": ["start_length_pairs"], "description": "cells are run-length encoded masks: 'start length' pairs, 1-based"}`,
				`"aggregation": {"enum": ["mean_per_row"], "description": "with rle: the mean of each row's F-beta"}`,
				`"empty_precision": {"type": "number", "default": 0, "description": "with rle: a row's precision when it predicts no pixel"}`,
				`"empty_recall": {"type": "number", "default": 0, "description": "with rle: a row's recall when its truth has no pixel"}`))),
		sdk.Metric("qwk", sdk.MetricFunc(qwk), higher,
			sdk.Describe("quadratic weighted kappa: Kaggle's over a fixed rating range, or sklearn's over the labels used"),
			sdk.Schema(schema(predictionColumnSchema,
				`"min_rating": {"type": "integer", "description": "with max_rating: the fixed rating range; predictions outside it are invalid"}`,
				`"max_rating": {"type": "integer"}`))),
		sdk.Metric("mcc", sdk.MetricFunc(mcc), higher,
			sdk.Describe("Matthews correlation coefficient (sklearn, any number of classes)"), sdk.Schema(schema(predictionColumnSchema))),
		sdk.Metric("macro_recall", sdk.MetricFunc(macroRecall), higher,
			sdk.Describe("macro-averaged recall; optionally per id component, weighted (Bengali.AI)"),
			sdk.Schema(schema(predictionColumnSchema,
				`"component_from_id": {"enum": ["suffix_after_second_underscore"], "description": "score each component the ids name separately (Test_0_grapheme_root → grapheme_root)"}`,
				`"component_weights": {"type": "object", "additionalProperties": {"type": "number"}, "description": "weight of each component in the mean; default equal"}`))),
		sdk.Metric("top1_error", sdk.MetricFunc(top1Error), lower,
			sdk.Describe("share of rows whose predicted label is wrong"),
			sdk.Schema(schema(predictionColumnSchema,
				`"first_token": {"type": "boolean", "default": false, "description": "only the first space-separated label of each prediction counts"}`))),
		sdk.Metric("bias_auc", sdk.MetricFunc(biasAUC), higher,
			sdk.Describe("Jigsaw's bias-weighted ROC-AUC: the overall AUC and power means of per-identity Subgroup, BPSN and BNSP AUCs"),
			sdk.Schema(schema(biasAUCSchemas...))),
	}
}

// Schema fragments several metrics share.
const predictionColumnSchema = `"prediction_column": {"type": "string", "description": "the submission's value column, when it is not named as the answers' target"}`

var probabilitySchemas = []string{
	`"classes": {"type": "array", "items": {"type": "string"}, "description": "the submission's probability column per class, against a label column in the answers (labels name the classes, or are their positions 0..k-1)"}`,
	`"filter": {"description": "score only the answers rows passing a condition on an answers column: {column, op, value}, a list of them, or the text \"min_ANNmuon > 0.4\""}`,
	`"align": {"enum": ["id", "row_order"], "default": "id", "description": "row_order: match rows by position, the id column equal row by row (answers without unique ids)"}`,
}

var f1Schemas = []string{
	`"average": {"enum": ["binary", "macro", "micro", "weighted", "samples"], "description": "default binary for labels, samples for label sets; micro only for spans and points"}`,
	`"pos_label": {"type": "string", "default": "1"}`,
	predictionColumnSchema,
	`"value_format": {"enum": ["space_separated_set", "char_spans"], "description": "cells hold label sets, or character spans 'start end;...' (a Python list of such strings in the answers)"}`,
	`"empty_empty": {"type": "number", "default": 0, "description": "average samples: a row whose truth and prediction are both empty scores this"}`,
	`"matching": {"enum": ["point_in_box_same_label"], "description": "truth boxes 'label X Y W H', predicted points 'label x y'; a point matches an unmatched box of its label containing it"}`,
	`"truth_format": {"enum": ["label_x_y_w_h"]}`,
	`"submission_format": {"enum": ["label_x_y"]}`,
	`"max_predictions_per_row": {"type": "integer", "description": "with matching: most points a row may hold"}`,
}
