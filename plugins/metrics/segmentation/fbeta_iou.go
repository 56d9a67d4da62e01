package main

import (
	"context"

	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/detection"
	"github.com/mledojo/dojo/plugins/metrics/internal/rle"
)

// fbetaIoU is Airbus Ship Detection's metric: each row is one object (a ship) of the image its id
// names, an empty cell standing for none; per image and IoU threshold, predictions are paired with
// true objects greedily by highest IoU (a pair needs IoU at or above the threshold) and scored
// F-beta = (1+β²)TP / ((1+β²)TP + β²FN + FP); an image's score is the mean over thresholds, and
// an image with neither true nor predicted objects scores empty_image_score. The score is the mean
// over the answers' images. Predicted objects of one image must not overlap, as Kaggle requires.
//
// Params: the mask params, beta (default 2), thresholds (default 0.5, 0.55, …, 0.95),
// empty_image_score (default 1).
func fbetaIoU(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, append(maskParams, paramKeyColumns, paramThresholds, "beta", "empty_image_score")...); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	beta, err := positive(req.Params, "beta", 2)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	thresholds, err := readThresholds(req.Params)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	emptyScore, err := unitInterval(req.Params, "empty_image_score", 1)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	spec, err := readMaskSpec(req.Params, false)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	c, err := loadCells(req, spec, manyPerKey)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	var mean meanOf
	for _, g := range c.groups {
		truth, err := objectMasks(c, truthSide, g)
		if err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		pred, err := predictedObjects(c, g)
		if err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		if len(truth) == 0 && len(pred) == 0 {
			mean.add(emptyScore)
			continue
		}
		sum := 0.0
		for _, counts := range maskIoU(truth, pred).Match(thresholds, detection.GreedyIoU) {
			sum += counts.FBeta(beta)
		}
		mean.add(sum / float64(len(thresholds)))
	}
	return pluginapi.ScoreResponse{Score: mean.value(), Rows: int64(len(c.groups))}, nil
}

// predictedObjects decodes a group's predicted masks and rejects two that share a pixel.
func predictedObjects(c *cells, g group) ([]rle.Mask, error) {
	var masks []rle.Mask
	var rows []int
	for _, r := range g.pred {
		m, err := c.mask(predSide, r, g.truth[0])
		if err != nil {
			return nil, err
		}
		if m.Empty() {
			continue
		}
		masks, rows = append(masks, m), append(rows, r)
	}
	if len(masks) > 1 {
		// Every pixel of the union counted once means no overlap; find the pair only when not.
		var total int64
		for _, m := range masks {
			total += m.Count()
		}
		if rle.Union(masks...).Count() != total {
			for i := range masks {
				for j := i + 1; j < len(masks); j++ {
					if rle.Overlaps(masks[i], masks[j]) {
						return nil, c.cellError(predSide, rows[j], "this object overlaps the one of submission row %d (line %d)",
							rows[i]+1, c.submission.Line(rows[i])).
							WithCauses("objects of one image must not share pixels; assign each pixel to one object")
					}
				}
			}
		}
	}
	return masks, nil
}
