package main

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
	"github.com/mledojo/dojo/plugins/metrics/internal/score"
)

// qwk is Cohen's kappa with quadratic weights. With min_rating and max_rating it is Kaggle's
// quadratic_weighted_kappa over that fixed range (weights by rating value, ratings outside the range
// rejected); without, sklearn's cohen_kappa_score(weights="quadratic") over the labels either column
// uses (weights by their index in sorted order).
func qwk(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, "min_rating", "max_rating", paramPredictionColumn); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	lo, err := optionalFloat(req.Params, "min_rating")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	hi, err := optionalFloat(req.Params, "max_rating")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if (lo == nil) != (hi == nil) || (lo != nil && !(*lo == math.Trunc(*lo) && *hi == math.Trunc(*hi) && *lo <= *hi && *hi-*lo <= 1e6)) {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument, "min_rating and max_rating go together, integers with min_rating <= max_rating").
			WithCauses("set both (a fixed rating range, as Kaggle's quadratic_weighted_kappa) or neither (sklearn's cohen_kappa_score)")
	}
	l, err := loadLabels(req, "qwk")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	ids := l.in.Pair.IDs()
	var a, b []int
	if lo != nil {
		if a, err = ratings(l.truth, int(*lo), int(*hi), ids, core.TypeGroundTruth); err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		if b, err = ratings(l.pred, int(*lo), int(*hi), ids, core.TypeSubmissionInvalid); err != nil {
			return pluginapi.ScoreResponse{}, err
		}
	} else {
		a, b = labelIndexes(inputs.Labels(l.truth, l.pred))
	}
	v, err := score.QuadraticWeightedKappa(a, b)
	return pluginapi.ScoreResponse{Score: v, Rows: int64(len(a))}, err
}

// ratings parses integer ratings within [lo, hi].
func ratings(vals []string, lo, hi int, ids []string, t core.ErrorType) ([]int, error) {
	out := make([]int, len(vals))
	for i, v := range vals {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
			side := "prediction"
			if t == core.TypeGroundTruth {
				side = "ground truth"
			}
			e := core.Errorf(t, "%s %q for id %q is not an integer rating from %d to %d", side, strings.TrimSpace(v), strings.TrimSpace(ids[i]), lo, hi)
			if t == core.TypeSubmissionInvalid {
				e = e.WithCauses("round predictions to whole ratings and clip them to the rating range before writing the submission")
			}
			return nil, e
		}
		out[i] = int(f)
	}
	return out, nil
}

// labelIndexes maps each label to its index in the sorted union of both columns' labels, sorted as
// numbers when every label is one (inputs.Labels spells them canonically), else as text.
func labelIndexes(truth, pred []string) ([]int, []int) {
	index := map[string]int{}
	for _, col := range [][]string{truth, pred} {
		for _, v := range col {
			index[v] = 0
		}
	}
	names := make([]string, 0, len(index))
	numeric := true
	for name := range index {
		names = append(names, name)
		if _, err := strconv.ParseFloat(name, 64); err != nil {
			numeric = false
		}
	}
	if numeric {
		slices.SortFunc(names, func(x, y string) int {
			a, _ := strconv.ParseFloat(x, 64)
			b, _ := strconv.ParseFloat(y, 64)
			return cmp.Compare(a, b)
		})
	} else {
		slices.Sort(names)
	}
	for i, name := range names {
		index[name] = i
	}
	conv := func(col []string) []int {
		out := make([]int, len(col))
		for i, v := range col {
			out[i] = index[v]
		}
		return out
	}
	return conv(truth), conv(pred)
}

// mcc is sklearn's matthews_corrcoef over one label column.
func mcc(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, paramPredictionColumn); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	l, err := loadLabels(req, "mcc")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	truth, pred := inputs.Labels(l.truth, l.pred)
	v, err := score.MCC(truth, pred)
	return pluginapi.ScoreResponse{Score: v, Rows: int64(len(truth))}, err
}

// macroRecall is sklearn's recall_score(average="macro"); with component_from_id, the weighted mean
// of the macro recall of each component the ids name (Bengali.AI's grapheme root, vowel and
// consonant diacritics, weighted 2:1:1 by component_weights).
func macroRecall(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, "component_from_id", "component_weights", paramPredictionColumn); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	from, err := req.Params.String("component_from_id", "")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	weights, err := componentWeights(req.Params)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if from != "" && from != "suffix_after_second_underscore" {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument, "component_from_id %q is not supported; use suffix_after_second_underscore", from)
	}
	if from == "" && weights != nil {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument, "component_weights needs component_from_id")
	}
	l, err := loadLabels(req, "macro_recall")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	truth, pred := inputs.Labels(l.truth, l.pred)
	resp := pluginapi.ScoreResponse{Rows: int64(len(truth))}
	if from == "" {
		resp.Score, err = score.MacroRecall(truth, pred)
		return resp, err
	}
	// Group the rows by component, in the order components first appear.
	ids := l.in.Pair.IDs()
	rows := map[string][]int{}
	var order []string
	for i, id := range ids {
		c := componentOf(strings.TrimSpace(id))
		if _, seen := rows[c]; !seen {
			order = append(order, c)
		}
		rows[c] = append(rows[c], i)
	}
	if weights == nil {
		weights = map[string]float64{}
		for _, c := range order {
			weights[c] = 1
		}
	}
	names := make([]string, 0, len(weights))
	for c := range weights {
		names = append(names, c)
	}
	slices.Sort(names)
	resp.Extras = map[string]float64{}
	var sum, total float64
	for _, c := range names {
		rs := rows[c]
		if len(rs) == 0 {
			return pluginapi.ScoreResponse{}, core.Errorf(core.TypeGroundTruth, "no answers row has component %q", c).
				WithDetails("components found in the ids: %s", strings.Join(order, ", ")).
				WithCauses("the component_weights param names a component the answers' ids do not carry")
		}
		t, p := make([]string, len(rs)), make([]string, len(rs))
		for j, i := range rs {
			t[j], p[j] = truth[i], pred[i]
		}
		v, err := score.MacroRecall(t, p)
		if err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		resp.Extras[c] = v
		sum += weights[c] * v
		total += weights[c]
	}
	resp.Score = sum / total
	return resp, nil
}

// componentOf is the id's text after its second underscore ("Test_0_grapheme_root" →
// "grapheme_root"), or after its last underscore when it has fewer than two.
func componentOf(id string) string {
	parts := strings.SplitN(id, "_", 3)
	if len(parts) == 3 {
		return parts[2]
	}
	return parts[len(parts)-1]
}

// componentWeights reads the component_weights param: an object of non-negative numbers, not all 0.
func componentWeights(p core.Params) (map[string]float64, error) {
	v, ok := p["component_weights"]
	if !ok || v == nil {
		return nil, nil
	}
	v, err := inputs.DecodeJSONText("component_weights", v)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	bad := core.Errorf(core.TypeInvalidArgument, "parameter \"component_weights\" is %v; want an object of non-negative weights, e.g. {grapheme_root: 2, vowel_diacritic: 1}", v)
	if !ok || len(m) == 0 {
		return nil, bad
	}
	out := make(map[string]float64, len(m))
	var total float64
	for k := range m {
		w, err := core.Params(m).Float(k, 0)
		if err != nil || !(w >= 0) || math.IsInf(w, 0) {
			return nil, bad
		}
		out[k] = w
		total += w
	}
	if total == 0 {
		return nil, bad
	}
	return out, nil
}

// top1Error is the share of rows whose predicted label differs from the truth; with first_token,
// only the first white-space separated label of each prediction counts.
func top1Error(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, "first_token", paramPredictionColumn); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	first, err := req.Params.Bool("first_token", false)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	l, err := loadLabels(req, "top1_error")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	pred := l.pred
	if first {
		pred = make([]string, len(l.pred))
		for i, p := range l.pred {
			p = strings.TrimLeftFunc(p, unicode.IsSpace)
			if end := strings.IndexFunc(p, unicode.IsSpace); end >= 0 {
				p = p[:end]
			}
			pred[i] = p
		}
	}
	truth, pred := inputs.Labels(l.truth, pred)
	wrong := 0
	for i, t := range truth {
		if pred[i] != t {
			wrong++
		}
	}
	if len(truth) == 0 {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeEvaluation, "no rows to score")
	}
	return pluginapi.ScoreResponse{Score: float64(wrong) / float64(len(truth)), Rows: int64(len(truth))}, nil
}

// exactMatch is the share of rows whose every target column the submission spells exactly as the
// answers do: no trimming and no reading of numbers, so "007" is not "7" and 12345678901234567890
// is not 12345678901234567891 (which accuracy, comparing numbers as float64, would confuse).
func exactMatch(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	return rowsMatching(req, rawColumns)
}

// rawColumns reads a target column from both files exactly as written.
func rawColumns(in *inputs.Inputs, col string) (truth, pred []string, err error) {
	if truth, err = in.Pair.AnswerStrings(col); err != nil {
		return nil, nil, err
	}
	pred, err = in.Pair.SubmissionStrings(col)
	return truth, pred, err
}

// fbeta is sklearn's fbeta_score over one label column; with rle=start_length_pairs, the mean over
// rows of the F-beta of run-length encoded pixel masks (Vesuvius Ink Detection).
func fbeta(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, "beta", "average", "pos_label", "rle", "aggregation", "empty_precision", "empty_recall", paramPredictionColumn); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	beta, err := req.Params.Float("beta", 1)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	rle, err := req.Params.String("rle", "")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	l, err := loadLabels(req, "fbeta")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	resp := pluginapi.ScoreResponse{Rows: int64(len(l.truth))}
	if rle == "" {
		for _, k := range []string{"aggregation", "empty_precision", "empty_recall"} {
			if req.Params.Has(k) {
				return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument, "parameter %q applies only with rle", k)
			}
		}
		average, err := req.Params.String("average", "binary")
		if err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		posLabel, err := req.Params.String("pos_label", "1")
		if err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		truth, pred := inputs.Labels(l.truth, l.pred)
		posLabel = inputs.Label(posLabel, inputs.IsNumeric(truth) && inputs.IsNumeric(pred))
		resp.Score, err = score.FBeta(truth, pred, beta, score.Average(average), posLabel)
		return resp, err
	}
	if rle != "start_length_pairs" {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument, "rle %q is not supported; use start_length_pairs", rle)
	}
	if agg, err := req.Params.String("aggregation", "mean_per_row"); err != nil {
		return pluginapi.ScoreResponse{}, err
	} else if agg != "mean_per_row" {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument, "aggregation %q is not supported with rle; use mean_per_row", agg)
	}
	opts := score.RLEFBetaOptions{Beta: beta}
	if opts.EmptyPrecision, err = req.Params.Float("empty_precision", 0); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if opts.EmptyRecall, err = req.Params.Float("empty_recall", 0); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	resp.Score, err = score.RLEFBeta(l.truth, l.pred, opts)
	return resp, withID(err, l.in.Pair.IDs())
}
