package main

import (
	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/score"
)

// Params of F1 over structured cells.
const (
	paramValueFormat      = "value_format"
	paramMatching         = "matching"
	paramTruthFormat      = "truth_format"
	paramSubmissionFormat = "submission_format"
	paramMaxPredictions   = "max_predictions_per_row"
	paramEmptyEmpty       = "empty_empty"
)

// Values of the params.
const (
	formatLabelSet    = "space_separated_set"
	formatCharSpans   = "char_spans"
	matchPointInBox   = "point_in_box_same_label"
	formatBoxes       = "label_x_y_w_h"
	formatPoints      = "label_x_y"
	defaultSetAverage = "samples"
)

// structuredF1 scores F1 over cells that hold several labels: label sets (value_format
// space_separated_set, averaged per sample, micro, macro or weighted), character spans (char_spans,
// micro over characters) or points matched to boxes (matching point_in_box_same_label, micro over
// points). It reports handled=false when the params ask for plain labels.
func structuredF1(req pluginapi.ScoreRequest) (resp pluginapi.ScoreResponse, handled bool, err error) {
	p := req.Params
	format, err := p.String(paramValueFormat, "")
	if err != nil {
		return resp, true, err
	}
	matching, err := p.String(paramMatching, "")
	if err != nil {
		return resp, true, err
	}
	if format == "" && matching == "" {
		for _, k := range []string{paramTruthFormat, paramSubmissionFormat, paramMaxPredictions, paramEmptyEmpty} {
			if p.Has(k) {
				return resp, true, core.Errorf(core.TypeInvalidArgument, "parameter %q applies only with %s or %s", k, paramValueFormat, paramMatching)
			}
		}
		return resp, false, nil
	}
	average, err := p.String("average", "")
	if err != nil {
		return resp, true, err
	}
	if p.Has("pos_label") {
		return resp, true, core.Errorf(core.TypeInvalidArgument, "pos_label applies only to single labels")
	}
	l, err := loadLabels(req, "f1")
	if err != nil {
		return resp, true, err
	}
	resp.Rows = int64(len(l.truth))
	ids := l.in.Pair.IDs()
	micro := func() error {
		if average != "" && average != string(score.AverageMicro) {
			return core.Errorf(core.TypeInvalidArgument, "F1 over %s is micro-averaged; average %q is not supported", orElse(format, matching), average)
		}
		return nil
	}
	switch {
	case matching != "":
		if format != "" {
			return resp, true, core.Errorf(core.TypeInvalidArgument, "%s and %s do not go together", paramValueFormat, paramMatching)
		}
		if matching != matchPointInBox {
			return resp, true, core.Errorf(core.TypeInvalidArgument, "matching %q is not supported; use %s", matching, matchPointInBox)
		}
		tf, err := p.String(paramTruthFormat, formatBoxes)
		if err != nil {
			return resp, true, err
		}
		sf, err := p.String(paramSubmissionFormat, formatPoints)
		if err != nil {
			return resp, true, err
		}
		if tf != formatBoxes || sf != formatPoints {
			return resp, true, core.Errorf(core.TypeInvalidArgument, "%s reads truth_format %s and submission_format %s, got %s and %s",
				matchPointInBox, formatBoxes, formatPoints, tf, sf)
		}
		max, err := p.Int(paramMaxPredictions, 0)
		if err != nil {
			return resp, true, err
		}
		if err := micro(); err != nil {
			return resp, true, err
		}
		resp.Score, err = score.PointInBoxF1(l.truth, l.pred, max)
		return resp, true, withID(err, ids)
	case format == formatCharSpans:
		if err := micro(); err != nil {
			return resp, true, err
		}
		resp.Score, err = score.CharSpanF1(l.truth, l.pred)
		return resp, true, withID(err, ids)
	case format == formatLabelSet:
		if average == "" {
			average = defaultSetAverage
		}
		bothEmpty, err := p.Float(paramEmptyEmpty, 0)
		if err != nil {
			return resp, true, err
		}
		if p.Has(paramEmptyEmpty) && average != string(score.AverageSamples) {
			return resp, true, core.Errorf(core.TypeInvalidArgument, "%s applies only with average samples", paramEmptyEmpty)
		}
		resp.Score, err = score.SetF1(l.truth, l.pred, score.Average(average), bothEmpty)
		return resp, true, err
	}
	return resp, true, core.Errorf(core.TypeInvalidArgument, "value_format %q is not one of %s, %s", format, formatLabelSet, formatCharSpans)
}

func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
