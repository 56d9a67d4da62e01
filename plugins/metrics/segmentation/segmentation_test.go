package main

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk/plugintest"
)

type scoreCase struct {
	name, metric        string
	params              core.Params
	answers, submission string
	want                float64
	errType             core.ErrorType
	mention             string
}

func write(t *testing.T, content string) string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "*.csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(content); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return f.Name()
}

func run(t *testing.T, cases []scoreCase) {
	d := plugintest.Serve(t, components()...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, err := d.Metrics.Component(c.metric).Score(context.Background(), pluginapi.ScoreRequest{
				Metric: c.metric, AnswersPath: write(t, c.answers), SubmissionPath: write(t, c.submission), Params: c.params})
			if c.errType != "" {
				if core.TypeOf(err) != c.errType || !strings.Contains(err.Error(), c.mention) {
					t.Fatalf("got %v, %v; want a %s error mentioning %q", resp.Score, err, c.errType, c.mention)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(resp.Score-c.want) > 1e-12 {
				t.Fatalf("score %.17g, want %.17g", resp.Score, c.want)
			}
		})
	}
}

var (
	hubmap = core.Params{"id_column": "id", "target_columns": []any{"predicted"}, "rle": "start_length_pairs", "empty_empty": 1.0}
	tgs    = core.Params{"id_column": "id", "target_columns": []any{"rle_mask"}, "rle": "column_major_1_indexed",
		"shape": []any{4.0, 4.0}, "objects": "whole_mask", "empty_empty": 1.0}
	airbus = core.Params{"id_column": "ImageId", "target_columns": []any{"EncodedPixels"}, "beta": 2.0,
		"rle": "column_major_1_indexed", "shape": []any{768.0, 768.0}, "empty_image_score": 1.0}
	wheat = core.Params{"id_column": "image_id", "target_columns": []any{"PredictionString"},
		"thresholds": []any{0.5, 0.55, 0.6, 0.65, 0.7, 0.75}, "box_format": "conf_xywh", "matching": "by_confidence",
		"precision": "tp_over_tp_fp_fn", "empty_truth_score": 0.0}
	vinbig = core.Params{"id_column": "image_id", "target_columns": []any{"PredictionString"}, "thresholds": []any{0.4},
		"box_format": "class_conf_xyxy", "ap": "voc_all_points", "matching": "best_iou_unmatched_gt", "average": "per_class",
		"classes": []any{0.0, 1.0, 14.0}}
	uw = core.Params{"id_column": "id", "target_columns": []any{"predicted"}, "key_columns": []any{"id", "class"},
		"rle": "column_major_1_indexed", "shape_columns": []any{"image_height", "image_width"}, "dice_weight": 0.4,
		"hausdorff_weight": 0.6, "skip_empty_empty": true, "volume_from_id": "_slice_", "hausdorff_norm": "unit_cube_diagonal"}
)

func TestSegmentation_HandWorkedScores(t *testing.T) {
	run(t, []scoreCase{
		{name: "dice: per-row Dice, empty pair scores 1", metric: "dice", params: hubmap,
			answers:    "id,predicted\na,1 4\nb,\nc,10 2\n",
			submission: "id,predicted\nc,20 2\nb,\na,3 4\n",
			want:       (2.0*2/8 + 1 + 0) / 3},
		{name: "iou_map on whole masks: IoU 0.5 passes one threshold of ten", metric: "iou_map", params: tgs,
			answers: "id,rle_mask\nx,1 4\n", submission: "id,rle_mask\nx,1 2\n", want: 0.1},
		{name: "fbeta_iou: a perfect image, an empty one and a missed ship", metric: "fbeta_iou", params: airbus,
			answers:    "ImageId,EncodedPixels\nA,1 4\nB,\nC,100 9\n",
			submission: "ImageId,EncodedPixels\nA,1 4\nB,\nC,\n",
			want:       2.0 / 3},
		{name: "iou_map boxes: a stray box halves precision; an image without truth scores 0", metric: "iou_map", params: wheat,
			answers:    "image_id,PredictionString\np,1.0 0 0 10 10\nq,\n",
			submission: "image_id,PredictionString\nq,0.3 1 1 2 2\np,0.9 0 0 10 10 0.8 50 50 5 5\n",
			want:       0.25},
		{name: "iou_map VOC: one class found at rank two", metric: "iou_map", params: vinbig,
			answers:    "image_id,PredictionString\nm,0 1 0 0 10 10\nn,14 1 0 0 1 1\n",
			submission: "image_id,PredictionString\nm,0 0.9 50 50 60 60 0 0.5 0 0 10 10\nn,14 1 0 0 1 1\n",
			// class 0: FP then TP: precision envelope 0.5 over recall 0→1; class 14: 1.
			want: (0.5 + 1) / 2},
		{name: "dice_hausdorff: one volume of one slice", metric: "dice_hausdorff", params: uw,
			answers:    "id,class,predicted,image_height,image_width\ncase1_day1_slice_0001,a,1 1,2,2\ncase1_day1_slice_0001,b,,2,2\n",
			submission: "id,class,predicted\ncase1_day1_slice_0001,b,4 1\ncase1_day1_slice_0001,a,1 1\n",
			// Dice (1 + 0)/2; the stray voxel (0, 1, 1) is (0, ½, ½) from the true one: √½ / √3.
			want: 0.4*0.5 + 0.6*(1-math.Sqrt(0.5)/math.Sqrt(3))},
	})
}

func TestSegmentation_BadInputNamesRowAndID(t *testing.T) {
	run(t, []scoreCase{
		{name: "an odd count of numbers", metric: "dice", params: hubmap,
			answers: "id,predicted\na,1 4\nb,2 2\n", submission: "id,predicted\na,1 4\nb,2 2 7\n",
			errType: core.TypeSubmissionInvalid, mention: `submission row 2 (line 3, id "b"), column "predicted": 3 numbers`},
		{name: "a pixel decoded twice", metric: "dice", params: hubmap,
			answers: "id,predicted\na,1 4\n", submission: "id,predicted\na,1 4 3 2\n",
			errType: core.TypeSubmissionInvalid, mention: "decoded twice"},
		{name: "a run past the image", metric: "iou_map", params: tgs,
			answers: "id,rle_mask\nx,1 4\n", submission: "id,rle_mask\nx,15 3\n",
			errType: core.TypeSubmissionInvalid, mention: "last pixel 16"},
		{name: "a bad answer is the ground truth's fault", metric: "dice", params: hubmap,
			answers: "id,predicted\na,0 4\n", submission: "id,predicted\na,1 4\n",
			errType: core.TypeGroundTruth, mention: `answers row 1 (line 2, id "a")`},
		{name: "overlapping ships", metric: "fbeta_iou", params: airbus,
			answers: "ImageId,EncodedPixels\nA,1 4\n", submission: "ImageId,EncodedPixels\nA,1 4\nA,3 4\n",
			errType: core.TypeSubmissionInvalid, mention: "overlaps the one of submission row 1"},
		{name: "an image left out", metric: "fbeta_iou", params: airbus,
			answers: "ImageId,EncodedPixels\nA,1 4\nB,\n", submission: "ImageId,EncodedPixels\nA,1 4\n",
			errType: core.TypeSubmissionInvalid, mention: `missing 1 key of the answers: "B"`},
		{name: "an image the answers lack", metric: "fbeta_iou", params: airbus,
			answers: "ImageId,EncodedPixels\nA,1 4\n", submission: "ImageId,EncodedPixels\nA,1 4\nZ,\n",
			errType: core.TypeSubmissionInvalid, mention: `row 2 (line 3) has ImageId "Z"`},
		{name: "a malformed detection", metric: "iou_map", params: wheat,
			answers: "image_id,PredictionString\np,1.0 0 0 10 10\n", submission: "image_id,PredictionString\np,0.9 0 0 10 10 0.5 1 1 x 2\n",
			errType: core.TypeSubmissionInvalid, mention: `detection 2: "x" is not a number`},
		{name: "a class the competition lacks", metric: "iou_map", params: vinbig,
			answers: "image_id,PredictionString\nm,0 1 0 0 10 10\n", submission: "image_id,PredictionString\nm,7 0.9 0 0 10 10\n",
			errType: core.TypeSubmissionInvalid, mention: `class "7"`},
		{name: "a repeated slice and class", metric: "dice_hausdorff", params: uw,
			answers:    "id,class,predicted,image_height,image_width\ns_slice_1,a,,2,2\ns_slice_1,b,,2,2\n",
			submission: "id,class,predicted\ns_slice_1,a,\ns_slice_1,a,\n",
			errType:    core.TypeSubmissionInvalid, mention: "both have (id, class) (s_slice_1, a)"},
		{name: "answers without their shape columns", metric: "dice_hausdorff", params: uw,
			answers: "id,class,predicted\ns,a,\n", submission: "id,class,predicted\ns,a,\n",
			errType: core.TypeGroundTruth, mention: `no column "image_height"`},
		{name: "masks and boxes at once", metric: "iou_map", params: core.Params{"rle": "start_length_pairs", "box_format": "conf_xywh"},
			answers: "id,p\na,\n", submission: "id,p\na,\n", errType: core.TypeInvalidArgument, mention: "one of rle"},
		{name: "a threshold above 1", metric: "iou_map", params: core.Params{"rle": "start_length_pairs", "thresholds": []any{0.5, 1.5}},
			answers: "id,p\na,\n", submission: "id,p\na,\n", errType: core.TypeInvalidArgument, mention: "1.5"},
		{name: "an unknown param", metric: "dice", params: core.Params{"emptyempty": 1},
			answers: "id,p\na,\n", submission: "id,p\na,\n", errType: core.TypeInvalidArgument, mention: "emptyempty"},
		{name: "every row empty and skipped", metric: "dice", params: core.Params{"skip_empty_empty": true},
			answers: "id,p\na,\n", submission: "id,p\na,\n", errType: core.TypeEvaluation, mention: "both empty"},
	})
}

func TestSegmentation_ShapeParamReadsFromTheCommandLine(t *testing.T) {
	// `dojo score --param shape=768,768` arrives as a string.
	dir := t.TempDir()
	a := filepath.Join(dir, "a.csv")
	os.WriteFile(a, []byte("id,m\nx,1 4\n"), 0o644)
	d := plugintest.Serve(t, components()...)
	resp, err := d.Metrics.Component("iou_map").Score(context.Background(), pluginapi.ScoreRequest{
		AnswersPath: a, SubmissionPath: a, Params: core.Params{"rle": "column_major_1_indexed", "shape": "4,4", "thresholds": "0.5,0.75"}})
	if err != nil || resp.Score != 1 {
		t.Fatalf("%v, %v", resp.Score, err)
	}
}
