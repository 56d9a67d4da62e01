package main

import (
	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/plugins/metrics/internal/score"
)

// fixed builds a metric without params of its own.
func fixed(fn scoreFunc) func(core.Params) (scoreFunc, error) {
	return func(core.Params) (scoreFunc, error) { return fn, nil }
}

// Params of RMSLE on negative values; the default rejects them, as sklearn does.
const (
	paramClipNegative  = "clip_negative"
	paramAllowNegative = "allow_negative"
)

const rmsleSchema = `"clip_negative": {"type": "boolean", "default": false, "description": "clip truths and predictions at 0 before the logarithm"}, ` +
	`"allow_negative": {"type": "boolean", "default": false, "description": "accept values above -1, where ln(1+x) is defined, as a plain log1p does"}`

var rmsleMetric = columnMetric{
	own: []string{paramClipNegative, paramAllowNegative},
	build: func(p core.Params) (scoreFunc, error) {
		clip, err := p.Bool(paramClipNegative, false)
		if err != nil {
			return nil, err
		}
		allow, err := p.Bool(paramAllowNegative, false)
		if err != nil {
			return nil, err
		}
		negative := score.NegativeReject
		switch {
		case clip && allow:
			return nil, core.Errorf(core.TypeInvalidArgument, "parameters %q and %q exclude each other", paramClipNegative, paramAllowNegative)
		case clip:
			negative = score.NegativeClip
		case allow:
			negative = score.NegativeAboveMinusOne
		}
		return func(t, p []float64) (float64, error) { return score.RMSLEWith(t, p, negative) }, nil
	},
}

// Params of SMAPE.
const (
	paramScale    = "scale"
	paramZeroZero = "zero_zero"
)

const smapeSchema = `"scale": {"type": "number", "default": 100, "description": "multiplies the mean of 2|p-y|/(|y|+|p|): 100 is Kaggle's percent scale, 0 to 200"}, ` +
	`"zero_zero": {"type": "number", "default": 0, "description": "the term (before scale, from 0 to 2) of a row where truth and prediction are both 0"}`

var smapeMetric = columnMetric{
	own: []string{paramScale, paramZeroZero}, poolable: true,
	build: func(p core.Params) (scoreFunc, error) {
		scale, err := positive(p, paramScale, score.KaggleSMAPE.Scale, false)
		if err != nil {
			return nil, err
		}
		zz, err := p.Float(paramZeroZero, score.KaggleSMAPE.ZeroZero)
		if err != nil {
			return nil, err
		}
		opts := score.SMAPEOptions{Scale: scale, ZeroZero: zz}
		return func(t, p []float64) (float64, error) { return score.SMAPE(t, p, opts) }, nil
	},
}

const paramTies = "ties"

const giniSchema = `"ties": {"enum": ["average", "row_order"], "default": "average", "description": "tied predictions share their mean position (as ROC AUC) or keep the answers' row order (Kaggle's reference code)"}`

var giniMetric = columnMetric{
	own: []string{paramTies},
	build: func(p core.Params) (scoreFunc, error) {
		ties, err := choice(p, paramTies, string(score.GiniTiesAverage), string(score.GiniTiesRowOrder))
		if err != nil {
			return nil, err
		}
		return func(t, p []float64) (float64, error) { return score.NormalizedGini(t, p, score.GiniTies(ties)) }, nil
	},
}
