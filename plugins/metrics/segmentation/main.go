// Command segmentation is the metric plugin for segmentation and detection families over Kaggle's
// run-length encoded masks and box strings: Dice (HuBMAP), Dice with a 3-D Hausdorff distance
// (UW-Madison GI Tract), mean precision over IoU thresholds per image or PASCAL VOC mAP per class
// (TGS Salt, Global Wheat, SIIM-COVID19, VinBigData) and F-beta over IoU thresholds (Airbus Ship
// Detection). Pixel F-beta (Vesuvius) is the classification plugin's fbeta with rle set.
package main

import (
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/sdk"
)

func main() {
	sdk.ServeConfig(sdk.Config{Version: "0.1.0", Components: []sdk.Component{
		sdk.Metric("dice", sdk.MetricFunc(dice), sdk.Direction(core.HigherIsBetter),
			sdk.Describe("mean per-row Dice of run-length encoded masks"),
			sdk.Schema(schema(maskProps, `"empty_empty": {"type": "number", "default": 1}`,
				`"skip_empty_empty": {"type": "boolean", "default": false}`))),
		sdk.Metric("dice_hausdorff", sdk.MetricFunc(diceHausdorff), sdk.Direction(core.HigherIsBetter),
			sdk.Describe("weighted 2-D Dice and 1 - normalised 3-D Hausdorff distance per volume (UW-Madison)"),
			sdk.Schema(schema(maskProps, `"dice_weight": {"type": "number", "default": 0.4}`,
				`"hausdorff_weight": {"type": "number", "default": 0.6}`,
				`"skip_empty_empty": {"type": "boolean", "default": true}`,
				`"empty_empty": {"type": "number", "default": 1}`,
				`"volume_from_id": {"type": "string", "default": "_slice_"}`,
				`"hausdorff_norm": {"enum": ["unit_cube_diagonal"]}`,
				`"hausdorff_oversize_ratio": {"type": "number", "default": 0}`))),
		sdk.Metric("iou_map", sdk.MetricFunc(iouMAP), sdk.Direction(core.HigherIsBetter),
			sdk.Describe("mean precision over IoU thresholds per image, or PASCAL VOC mAP per class, for masks or boxes"),
			sdk.Schema(schema(maskProps, thresholdsProp,
				`"objects": {"enum": ["whole_mask", "rows"], "default": "whole_mask"}`,
				`"box_format": {"type": "string", "description": "[class_][conf_]xywh or [class_][conf_]xyxy"}`,
				`"average": {"enum": ["per_image", "per_class"], "default": "per_image"}`,
				`"ap": {"enum": ["voc_all_points"]}`,
				`"matching": {"enum": ["by_confidence", "greedy_iou", "best_iou_any_gt", "best_iou_unmatched_gt"]}`,
				`"precision": {"enum": ["tp_over_tp_fp_fn"]}`,
				`"empty_empty": {"type": "number", "default": 1}`,
				`"empty_truth_score": {"type": "number"}`,
				`"classes": {"type": "array"}`,
				`"precision_epsilon": {"type": "number", "default": 0}`))),
		sdk.Metric("fbeta_iou", sdk.MetricFunc(fbetaIoU), sdk.Direction(core.HigherIsBetter),
			sdk.Describe("mean per-image F-beta over IoU thresholds, one object per row (Airbus)"),
			sdk.Schema(schema(maskProps, thresholdsProp, `"beta": {"type": "number", "default": 2}`,
				`"empty_image_score": {"type": "number", "default": 1}`))),
	}})
}

const (
	maskProps = `"rle": {"enum": ["column_major_1_indexed", "row_major_1_indexed", "start_length_pairs"], "default": "column_major_1_indexed"}, ` +
		`"shape": {"type": "array", "items": {"type": "integer"}, "description": "[height, width] of every image"}, ` +
		`"shape_columns": {"type": "array", "items": {"type": "string"}, "description": "the answers' height and width columns"}, ` +
		`"key_columns": {"type": "array", "items": {"type": "string"}, "description": "columns that identify a row; default: the id column"}`
	thresholdsProp = `"thresholds": {"type": "array", "items": {"type": "number"}, "default": [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]}`
)

// schema is the params JSON Schema: the common params plus the metric's own properties.
func schema(props ...string) string {
	common := []string{
		`"id_column": {"type": "string", "description": "id column; default: the answers' first column"}`,
		`"target_columns": {"type": "array", "items": {"type": "string"}, "description": "the one mask or box column"}`,
		`"allow_extra_columns": {"type": "boolean", "default": false}`,
		`"numeric_ids": {"type": "boolean", "default": false, "description": "compare ids as numbers (1 == 1.0)"}`,
	}
	return `{"type": "object", "properties": {` + strings.Join(append(common, props...), ", ") + `}}`
}
