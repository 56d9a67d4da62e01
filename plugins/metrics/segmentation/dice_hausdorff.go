package main

import (
	"context"
	"math"
	"slices"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/hausdorff"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
	"github.com/mledojo/dojo/plugins/metrics/internal/rle"
)

// diceHausdorff is UW-Madison GI Tract's metric as Kaggle defined it:
// dice_weight·Dice + hausdorff_weight·(1 − HD).
//
// Dice is the mean over rows (one slice and class each) of 2|A∩B| / (|A|+|B|), rows where both
// masks are empty left out (skip_empty_empty, the default) or scored empty_empty.
//
// HD is the mean over volumes of a normalised 3-D Hausdorff distance. A volume is the slices whose
// ids share the text before volume_from_id ("case1_day2" for "case1_day2_slice_0042"), stacked in
// id order, each slice the union of its rows' masks; a voxel's coordinates are divided by the
// volume's size along each axis, and the distance by √3, the unit cube's diagonal. A volume scores
// 0 when both sets are equal, 1 when exactly one is empty, and is left out when both are. With
// hausdorff_oversize_ratio r > 0, a prediction of more than r times the true voxels scores 1 without
// measuring, as mle-bench's grader does with r = 10; Kaggle's definition has no such rule, and the
// default 0 turns it off.
//
// Masks are decoded at each row's own size (shape_columns) or one shape. Rows pair up by
// key_columns (default: the id column).
func diceHausdorff(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, append(maskParams, paramKeyColumns, "dice_weight", "hausdorff_weight", "skip_empty_empty",
		"empty_empty", "volume_from_id", "hausdorff_norm", "hausdorff_oversize_ratio")...); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	p := req.Params
	wDice, err := unitInterval(p, "dice_weight", 0.4)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	wHD, err := unitInterval(p, "hausdorff_weight", 0.6)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	skip, err := p.Bool("skip_empty_empty", true)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	emptyEmpty, err := unitInterval(p, "empty_empty", 1)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	sep, err := p.String("volume_from_id", "_slice_")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if _, err := oneOf(p, "hausdorff_norm", "unit_cube_diagonal"); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	oversize, err := p.Float("hausdorff_oversize_ratio", 0)
	if err != nil || oversize < 0 {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument, "hausdorff_oversize_ratio must be a number at least 0")
	}
	spec, err := readMaskSpec(p, true)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	c, err := loadCells(req, spec, onePerKey)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	idCol, err := p.String(inputs.ParamIDColumn, c.keyCols[0])
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if !slices.Contains(c.keyCols, idCol) {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument, "id_column %q is not one of key_columns %s", idCol, strings.Join(c.keyCols, ", "))
	}
	idColumn, _ := c.answers.Column(idCol)

	// Decode every row once; Dice uses each row, volumes the union per slice.
	type slice struct {
		id          string
		shape       rle.Shape
		truth, pred []rle.Mask
	}
	bySlice := map[string]*slice{}
	volumes := map[string][]string{} // volume → slice ids
	var dice meanOf
	for _, g := range c.groups {
		r := g.truth[0]
		t, err := c.mask(truthSide, r, r)
		if err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		pr, err := c.mask(predSide, g.pred[0], r)
		if err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		switch {
		case t.Count()+pr.Count() > 0:
			dice.add(2 * float64(rle.Intersection(t, pr)) / float64(t.Count()+pr.Count()))
		case !skip:
			dice.add(emptyEmpty)
		}
		id := strings.TrimSpace(idColumn.String(r))
		shape, _ := c.shape(r)
		s, ok := bySlice[id]
		if !ok {
			s = &slice{id: id, shape: shape}
			bySlice[id] = s
			vol, _, _ := strings.Cut(id, sep)
			volumes[vol] = append(volumes[vol], id)
		} else if s.shape != shape {
			return pluginapi.ScoreResponse{}, core.Errorf(core.TypeGroundTruth, "answers give slice %q two sizes, %dx%d and %dx%d",
				id, s.shape.Height, s.shape.Width, shape.Height, shape.Width)
		}
		s.truth, s.pred = append(s.truth, t), append(s.pred, pr)
	}
	if dice.n == 0 {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeEvaluation, "every row's masks are both empty, so Dice is undefined")
	}

	var hd meanOf
	names := make([]string, 0, len(volumes))
	for v := range volumes {
		names = append(names, v)
	}
	slices.Sort(names)
	for _, v := range names {
		ids := volumes[v]
		slices.Sort(ids)
		first := bySlice[ids[0]].shape
		for _, id := range ids {
			if bySlice[id].shape != first {
				return pluginapi.ScoreResponse{}, core.Errorf(core.TypeGroundTruth, "volume %q stacks slices of different sizes (%q is %dx%d, %q is %dx%d)",
					v, ids[0], first.Height, first.Width, id, bySlice[id].shape.Height, bySlice[id].shape.Width)
			}
		}
		dims := [3]int{len(ids), first.Height, first.Width}
		truth := hausdorff.Grid{Dims: dims, Voxels: make([]bool, dims[0]*dims[1]*dims[2])}
		pred := hausdorff.Grid{Dims: dims, Voxels: make([]bool, len(truth.Voxels))}
		var nTruth, nPred int
		for z, id := range ids {
			s := bySlice[id]
			nTruth += draw(truth, z, rle.Union(s.truth...), spec.order, first)
			nPred += draw(pred, z, rle.Union(s.pred...), spec.order, first)
		}
		var d float64
		switch {
		case nTruth == 0 && nPred == 0:
			continue
		case slices.Equal(truth.Voxels, pred.Voxels):
			d = 0
		case nTruth == 0 || nPred == 0:
			d = 1
		case oversize > 0 && float64(nPred) > oversize*float64(nTruth):
			d = 1
		default:
			spacing := [3]float64{1 / float64(dims[0]), 1 / float64(dims[1]), 1 / float64(dims[2])}
			h, _ := hausdorff.Symmetric(truth, pred, spacing)
			d = h / math.Sqrt(3)
		}
		hd.add(d)
	}
	if hd.n == 0 {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeEvaluation, "every volume is empty in both files, so the Hausdorff distance is undefined")
	}
	diceMean, hdMean := dice.value(), hd.value()
	return pluginapi.ScoreResponse{
		Score:  wDice*diceMean + wHD*(1-hdMean),
		Rows:   int64(len(c.groups)),
		Extras: map[string]float64{"dice": diceMean, "hausdorff": hdMean, "volumes": float64(hd.n)},
	}, nil
}

// draw sets slice z of g to the mask's pixels and returns how many there are.
func draw(g hausdorff.Grid, z int, m rle.Mask, order rle.Order, shape rle.Shape) int {
	plane := z * shape.Height * shape.Width
	n := 0
	for _, run := range m.Runs() {
		for px := run.Start; px < run.End; px++ {
			row, col := order.Coord(px, shape)
			g.Voxels[plane+row*shape.Width+col] = true
			n++
		}
	}
	return n
}
