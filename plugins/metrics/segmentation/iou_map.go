package main

import (
	"context"
	"slices"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/detection"
	"github.com/mledojo/dojo/plugins/metrics/internal/rle"
)

// iouMAP is the family of "mean average precision over IoU thresholds" metrics. What is compared
// is masks (rle set: TGS salt, Data Science Bowl) or boxes (box_format set: Global Wheat, SIIM,
// VinBigData); how it is averaged is per image (the Kaggle object-detection metric: at each
// threshold TP/(TP+FP+FN), averaged over thresholds, then over images) or per class (PASCAL VOC
// average precision of predictions pooled over images, averaged over classes).
//
// Params:
//   - thresholds: IoU thresholds (default 0.5, 0.55, …, 0.95); an IoU equal to one passes it;
//   - masks: the mask params, and objects: "whole_mask" (each row's mask is one object, TGS) or
//     "rows" (each row is one object of its image, rows sharing an id; an empty cell is none);
//   - boxes: box_format ("conf_xywh", "class_conf_xyxy", …);
//   - average: "per_image" (default) or "per_class" (needs ap: voc_all_points);
//   - per image: matching ("by_confidence" for boxes, the default; "greedy_iou", the only choice
//     for masks), empty_empty (an image without true or predicted objects; default 1) and
//     empty_truth_score (overrides the score of any image without true objects; Global Wheat: 0);
//   - per class: matching ("best_iou_any_gt", the default, or "best_iou_unmatched_gt"), classes
//     (the labels scored; others are an error), precision_epsilon (added to TP+FP, default 0).
func iouMAP(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, append(maskParams, paramKeyColumns, paramThresholds, "objects", "box_format", "average", "ap",
		"matching", "precision", "empty_empty", "empty_truth_score", "classes", "precision_epsilon")...); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	p := req.Params
	thresholds, err := readThresholds(p)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if _, err := oneOf(p, "precision", "tp_over_tp_fp_fn"); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	average, err := oneOf(p, "average", "per_image", "per_class")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if average == "per_class" || p.Has("ap") {
		if _, err := oneOf(p, "ap", "voc_all_points"); err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		if average != "per_class" {
			return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument, "ap voc_all_points averages per class; set average: per_class")
		}
		return vocMAP(req, thresholds)
	}
	if p.Has("box_format") == p.Has(paramRLE) {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument, "set one of rle (masks) and box_format (boxes)")
	}
	scoreImage, err := imageScorer(p)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	var images []imageObjects
	var c *cells
	if p.Has("box_format") {
		c, images, err = loadBoxImages(req)
	} else {
		c, images, err = loadMaskImages(req)
	}
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	var mean meanOf
	for _, im := range images {
		mean.add(scoreImage(im, thresholds))
	}
	return pluginapi.ScoreResponse{Score: mean.value(), Rows: int64(len(c.groups))}, nil
}

// imageObjects is one image's IoU matrix, predictions in the order matching walks them.
type imageObjects struct {
	detection.Matrix
	how detection.Matching
}

// imageScorer returns the per-image score: the mean over thresholds of TP/(TP+FP+FN), with the
// empty-image conventions of the params.
func imageScorer(p core.Params) (func(imageObjects, []float64) float64, error) {
	emptyEmpty, err := unitInterval(p, "empty_empty", 1)
	if err != nil {
		return nil, err
	}
	emptyTruth, hasEmptyTruth := 0.0, p.Has("empty_truth_score")
	if hasEmptyTruth {
		if emptyTruth, err = unitInterval(p, "empty_truth_score", 0); err != nil {
			return nil, err
		}
	}
	return func(im imageObjects, thresholds []float64) float64 {
		switch {
		case im.Truth == 0 && hasEmptyTruth:
			return emptyTruth
		case im.Truth == 0 && im.Pred == 0:
			return emptyEmpty
		}
		sum := 0.0
		for _, c := range im.Match(thresholds, im.how) {
			sum += c.Precision()
		}
		return sum / float64(len(thresholds))
	}, nil
}

// loadMaskImages reads each image's true and predicted masks and their IoU matrix.
func loadMaskImages(req pluginapi.ScoreRequest) (*cells, []imageObjects, error) {
	p := req.Params
	objects, err := oneOf(p, "objects", "whole_mask", "rows")
	if err != nil {
		return nil, nil, err
	}
	if _, err := oneOf(p, "matching", "greedy_iou"); err != nil {
		return nil, nil, core.Errorf(core.TypeInvalidArgument, "masks are matched greedily by IoU; drop matching or set it to greedy_iou")
	}
	spec, err := readMaskSpec(p, false)
	if err != nil {
		return nil, nil, err
	}
	how := onePerKey
	if objects == "rows" {
		how = manyPerKey
	}
	c, err := loadCells(req, spec, how)
	if err != nil {
		return nil, nil, err
	}
	images := make([]imageObjects, len(c.groups))
	for i, g := range c.groups {
		truth, err := objectMasks(c, truthSide, g)
		if err != nil {
			return nil, nil, err
		}
		pred, err := objectMasks(c, predSide, g)
		if err != nil {
			return nil, nil, err
		}
		images[i] = imageObjects{Matrix: maskIoU(truth, pred), how: detection.GreedyIoU}
	}
	return c, images, nil
}

// objectMasks decodes a group's non-empty masks of one side.
func objectMasks(c *cells, s side, g group) ([]rle.Mask, error) {
	rows := g.truth
	if s == predSide {
		rows = g.pred
	}
	var out []rle.Mask
	for _, r := range rows {
		m, err := c.mask(s, r, g.truth[0])
		if err != nil {
			return nil, err
		}
		if !m.Empty() {
			out = append(out, m)
		}
	}
	return out, nil
}

func maskIoU(truth, pred []rle.Mask) detection.Matrix {
	return detection.NewMatrix(len(truth), len(pred), func(i, j int) float64 {
		inter := rle.Intersection(truth[i], pred[j])
		if inter == 0 {
			return 0
		}
		return float64(inter) / float64(truth[i].Count()+pred[j].Count()-inter)
	})
}

// loadBoxImages reads each image's true and predicted boxes; true boxes' confidences, if the format
// has them, are ignored.
func loadBoxImages(req pluginapi.ScoreRequest) (*cells, []imageObjects, error) {
	p := req.Params
	format, err := boxFormat(p)
	if err != nil {
		return nil, nil, err
	}
	if format.Class {
		return nil, nil, core.Errorf(core.TypeInvalidArgument, "per-image averaging compares boxes without classes; use average: per_class for class labels")
	}
	matching, err := oneOf(p, "matching", "by_confidence", "greedy_iou")
	if err != nil {
		return nil, nil, err
	}
	how := detection.ByConfidence
	if matching == "greedy_iou" {
		how = detection.GreedyIoU
	}
	c, err := loadCells(req, maskSpec{}, onePerKey)
	if err != nil {
		return nil, nil, err
	}
	images := make([]imageObjects, len(c.groups))
	for i, g := range c.groups {
		truth, err := parseBoxes(c, format, truthSide, g.truth[0])
		if err != nil {
			return nil, nil, err
		}
		pred, err := parseBoxes(c, format, predSide, g.pred[0])
		if err != nil {
			return nil, nil, err
		}
		conf := make([]float64, len(pred))
		for j, d := range pred {
			conf[j] = d.Confidence
		}
		order := detection.SortByConfidence(conf)
		m := detection.NewMatrix(len(truth), len(pred), func(a, b int) float64 {
			return detection.IoU(truth[a].Box, pred[order[b]].Box)
		})
		images[i] = imageObjects{Matrix: m, how: how}
	}
	return c, images, nil
}

func boxFormat(p core.Params) (detection.Format, error) {
	name, err := p.String("box_format", "")
	if err != nil {
		return detection.Format{}, err
	}
	f, err := detection.ParseFormat(name)
	if err != nil {
		return detection.Format{}, core.Errorf(core.TypeInvalidArgument, "%v", err)
	}
	return f, nil
}

func parseBoxes(c *cells, f detection.Format, s side, row int) ([]detection.Detection, error) {
	ds, err := f.Parse(c.value(s, row))
	if err != nil {
		e := c.cellError(s, row, "%v", err)
		if s == predSide {
			e.WithCauses("write each detection's values separated by spaces, in the sample submission's order")
		}
		return nil, e
	}
	return ds, nil
}

// vocMAP is PASCAL VOC mean average precision: per class, the predictions of every image pooled
// and ranked by confidence; the mean over the classes that have true boxes.
func vocMAP(req pluginapi.ScoreRequest, thresholds []float64) (pluginapi.ScoreResponse, error) {
	p := req.Params
	if len(thresholds) != 1 {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument, "VOC average precision takes one IoU threshold, got %d", len(thresholds))
	}
	format, err := boxFormat(p)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if !format.Class || !format.Confidence {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument, "per-class average precision needs class labels and confidences: box_format class_conf_xyxy or class_conf_xywh")
	}
	matching, err := oneOf(p, "matching", "best_iou_any_gt", "best_iou_unmatched_gt")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	how := detection.BestAnyTruth
	if matching == "best_iou_unmatched_gt" {
		how = detection.BestUnmatchedTruth
	}
	eps, err := p.Float("precision_epsilon", 0)
	if err != nil || eps < 0 {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument, "precision_epsilon must be a number at least 0")
	}
	classes, err := labels(p, "classes")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	for i, cl := range classes {
		classes[i] = detection.CanonicalClass(cl)
	}
	c, err := loadCells(req, maskSpec{}, onePerKey)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	// The originals pool predictions in id order; ties in confidence keep that order.
	order := make([]int, len(c.groups))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(c.groups[a].key, c.groups[b].key) })
	type classData struct {
		truth [][]detection.Box
		n     int
		preds []detection.Scored
	}
	byClass := map[string]*classData{}
	get := func(cl string) *classData {
		d, ok := byClass[cl]
		if !ok {
			d = &classData{truth: make([][]detection.Box, len(c.groups))}
			byClass[cl] = d
		}
		return d
	}
	for img, gi := range order {
		g := c.groups[gi]
		truth, err := parseBoxes(c, format, truthSide, g.truth[0])
		if err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		pred, err := parseBoxes(c, format, predSide, g.pred[0])
		if err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		for _, d := range truth {
			if len(classes) > 0 && !slices.Contains(classes, d.Class) {
				return pluginapi.ScoreResponse{}, c.cellError(truthSide, g.truth[0], "class %q is not one of the classes param's %s", d.Class, strings.Join(classes, ", "))
			}
			cd := get(d.Class)
			cd.truth[img] = append(cd.truth[img], d.Box)
			cd.n++
		}
		for _, d := range pred {
			if len(classes) > 0 && !slices.Contains(classes, d.Class) {
				return pluginapi.ScoreResponse{}, c.cellError(predSide, g.pred[0], "class %q is not one of %s", d.Class, strings.Join(classes, ", ")).
					WithCauses("predict only the competition's classes")
			}
			cd := get(d.Class)
			cd.preds = append(cd.preds, detection.Scored{Image: img, Confidence: d.Confidence, Box: d.Box})
		}
	}
	names := make([]string, 0, len(byClass))
	for cl, d := range byClass {
		if d.n > 0 {
			names = append(names, cl)
		}
	}
	if len(names) == 0 {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeEvaluation, "the answers hold no true box, so no class has an average precision")
	}
	slices.Sort(names)
	resp := pluginapi.ScoreResponse{Rows: int64(len(c.groups)), Extras: map[string]float64{}}
	var mean meanOf
	for _, cl := range names {
		d := byClass[cl]
		ap := detection.AveragePrecision(d.truth, d.n, d.preds, thresholds[0], how, eps)
		resp.Extras["ap_"+cl] = ap
		mean.add(ap)
	}
	resp.Score = mean.value()
	return resp, nil
}
