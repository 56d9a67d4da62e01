package main

import (
	"context"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/rle"
)

// pixelCounts are one row's pixel counts: true, predicted and both.
type pixelCounts struct{ truth, pred, both int64 }

// eachRow decodes every row's two masks and passes their counts to fn.
func eachRow(c *cells, fn func(g group, n pixelCounts) error) error {
	for _, g := range c.groups {
		t, err := c.mask(truthSide, g.truth[0], g.truth[0])
		if err != nil {
			return err
		}
		p, err := c.mask(predSide, g.pred[0], g.truth[0])
		if err != nil {
			return err
		}
		if err := fn(g, pixelCounts{t.Count(), p.Count(), rle.Intersection(t, p)}); err != nil {
			return err
		}
	}
	return nil
}

// dice is the mean over rows of the Dice coefficient 2|A∩B| / (|A|+|B|) of the pixel sets the two
// encodings describe (HuBMAP). Params: the mask params, and empty_empty, a row's score when both
// masks are empty (default 1), or skip_empty_empty to leave such rows out of the mean.
func dice(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, append(maskParams, paramKeyColumns, "empty_empty", "skip_empty_empty")...); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	emptyEmpty, err := unitInterval(req.Params, "empty_empty", 1)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	skip, err := req.Params.Bool("skip_empty_empty", false)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	spec, err := readMaskSpec(req.Params, false)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	c, err := loadCells(req, spec, onePerKey)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	var mean meanOf
	err = eachRow(c, func(_ group, n pixelCounts) error {
		switch {
		case n.truth+n.pred > 0:
			mean.add(2 * float64(n.both) / float64(n.truth+n.pred))
		case !skip:
			mean.add(emptyEmpty)
		}
		return nil
	})
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if mean.n == 0 {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeEvaluation, "every row's masks are both empty, and such rows are skipped")
	}
	return pluginapi.ScoreResponse{Score: mean.value(), Rows: int64(len(c.groups))}, nil
}

// meanOf accumulates a mean with Kahan-Babuška summation, which stays within an ulp or two of
// numpy's pairwise sum.
type meanOf struct {
	sum, c float64
	n      int
}

func (m *meanOf) add(v float64) {
	s := m.sum + v
	if abs(m.sum) >= abs(v) {
		m.c += (m.sum - s) + v
	} else {
		m.c += (v - s) + m.sum
	}
	m.sum = s
	m.n++
}

func (m *meanOf) value() float64 { return (m.sum + m.c) / float64(m.n) }

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
