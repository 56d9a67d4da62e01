package main

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
)

// bias_auc is the Jigsaw Unintended Bias in Toxicity Classification metric (Borkan et al., "Nuanced
// Metrics for Measuring Unintended Bias with Real Data in Text Classification", 2019): the overall
// ROC-AUC, and for each identity its Subgroup AUC (rows mentioning the identity), BPSN AUC
// (background positives with subgroup negatives: toxic rows not mentioning it and non-toxic rows
// mentioning it) and BNSP AUC (background negatives with subgroup positives), each of the three
// combined over identities by the power mean M_p(m) = (mean of m^p)^(1/p); the score is
// w0·overall + w1·M_p(subgroup) + w2·M_p(BPSN) + w3·M_p(BNSP).
//
// A row is toxic when its label is at least threshold and mentions an identity when that column is
// at least threshold; an empty or NaN identity value mentions nothing. A per-identity AUC whose rows
// hold one class (or none) is undefined: by default it is left out of its power mean, as MLE-Dojo's
// metric does, and a power mean left with none adds nothing; undefined_auc "error" fails instead.
//
// Every AUC is exact: the predictions are sorted once, and each of the 1 + 3k subsets counts its
// positive/negative pairs (ties half) in one pass over that order.

// Params of bias_auc besides the common ones.
const (
	paramIdentityColumns = "identity_columns"
	paramThreshold       = "threshold"
	paramPower           = "power"
	paramWeights         = "weights"
	paramUndefinedAUC    = "undefined_auc"
)

var biasAUCSchemas = []string{
	`"prediction_column": {"type": "string", "default": "prediction", "description": "the submission's score column"}`,
	`"identity_columns": {"type": "array", "items": {"type": "string"}, "description": "answers columns of identity mentions (fractions of raters), one bias AUC of each kind per identity"}`,
	`"threshold": {"type": "number", "default": 0.5, "description": "a label or identity value at least this is toxic, or mentions the identity"}`,
	`"power": {"type": "number", "default": -5, "description": "p of the power mean over identities; not 0"}`,
	`"weights": {"type": "array", "items": {"type": "number"}, "default": [0.25, 0.25, 0.25, 0.25], "description": "weights of the overall AUC and the power means of Subgroup, BPSN and BNSP AUCs"}`,
	`"undefined_auc": {"enum": ["skip", "error"], "default": "skip", "description": "an identity's AUC over rows of one class: skip leaves it out of its power mean (MLE-Dojo's metric), error fails"}`,
}

// biasKinds name the three per-identity AUCs, in the order of weights[1:].
var biasKinds = [3]string{"subgroup_auc", "bpsn_auc", "bnsp_auc"}

type biasParams struct {
	predCol    string
	identities []string
	threshold  float64
	power      float64
	weights    []float64
	strict     bool
}

func readBiasParams(req pluginapi.ScoreRequest) (biasParams, error) {
	var bp biasParams
	if err := known(req, paramPredictionColumn, paramIdentityColumns, paramThreshold, paramPower, paramWeights, paramUndefinedAUC); err != nil {
		return bp, err
	}
	var err error
	if bp.predCol, err = req.Params.String(paramPredictionColumn, "prediction"); err != nil {
		return bp, err
	}
	if bp.identities, err = req.Params.Strings(paramIdentityColumns, nil); err != nil {
		return bp, err
	}
	if len(bp.identities) == 0 {
		return bp, core.Errorf(core.TypeInvalidArgument, "bias_auc needs the identity_columns param: the answers columns of identity mentions").
			WithCauses("list them, e.g. male, female, christian, jewish, muslim, black, white (Kaggle's Jigsaw scores nine)")
	}
	seen := map[string]bool{}
	for _, c := range bp.identities {
		if seen[c] || strings.TrimSpace(c) == "" {
			return bp, core.Errorf(core.TypeInvalidArgument, "identity_columns %q: each must be named, and once", bp.identities)
		}
		seen[c] = true
	}
	if bp.threshold, err = req.Params.Float(paramThreshold, 0.5); err != nil {
		return bp, err
	}
	if math.IsNaN(bp.threshold) || math.IsInf(bp.threshold, 0) {
		return bp, core.Errorf(core.TypeInvalidArgument, "parameter %q is %v; want a finite number", paramThreshold, bp.threshold)
	}
	if bp.power, err = req.Params.Float(paramPower, -5); err != nil {
		return bp, err
	}
	if bp.power == 0 || math.IsNaN(bp.power) || math.IsInf(bp.power, 0) {
		return bp, core.Errorf(core.TypeInvalidArgument, "parameter %q is %v; want a finite number other than 0 (Kaggle's is -5)", paramPower, bp.power)
	}
	if bp.weights, err = floatList(req.Params, paramWeights); err != nil {
		return bp, err
	}
	if bp.weights == nil {
		bp.weights = []float64{0.25, 0.25, 0.25, 0.25}
	}
	if len(bp.weights) != 4 || slices.ContainsFunc(bp.weights, func(w float64) bool { return math.IsNaN(w) || math.IsInf(w, 0) }) {
		return bp, core.Errorf(core.TypeInvalidArgument, "parameter %q is %v; want four finite numbers: overall, subgroup, BPSN, BNSP", paramWeights, bp.weights)
	}
	undefined, err := req.Params.String(paramUndefinedAUC, "skip")
	if err != nil {
		return bp, err
	}
	if undefined != "skip" && undefined != "error" {
		return bp, core.Errorf(core.TypeInvalidArgument, "parameter %q is %q; want skip or error", paramUndefinedAUC, undefined)
	}
	bp.strict = undefined == "error"
	return bp, nil
}

func biasAUC(ctx context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	bp, err := readBiasParams(req)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	in, err := inputs.Load(req, inputs.Options{SubmissionColumns: func(inputs.Columns, []string) ([]string, error) {
		return []string{bp.predCol}, nil
	}})
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if err := oneTarget(in, "bias_auc"); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	n := in.Pair.Len()
	if n == 0 {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeEvaluation, "no rows to score")
	}
	labels, err := in.Pair.AnswerFloats(in.Targets[0])
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	pred, err := in.Pair.SubmissionFloats(bp.predCol)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	toxic := make([]bool, n)
	for i, v := range labels {
		toxic[i] = v >= bp.threshold
	}
	mentions := make([][]bool, len(bp.identities))
	for m, col := range bp.identities {
		if mentions[m], err = identityMentions(in, col, bp.threshold); err != nil {
			return pluginapi.ScoreResponse{}, err
		}
	}
	if err := ctx.Err(); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	aucs := subsetAUCs(pred, toxic, mentions)
	if math.IsNaN(aucs[0]) {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeEvaluation, "the overall ROC AUC is undefined: every answers row is %s",
			map[bool]string{true: "toxic", false: "non-toxic"}[toxic[0]]).
			WithDetails("label column %q, toxic at %v or more", in.Targets[0], bp.threshold).
			WithCauses("the answers need toxic and non-toxic rows")
	}
	resp := pluginapi.ScoreResponse{Rows: int64(n), Extras: map[string]float64{"overall_auc": aucs[0]}}
	resp.Score = bp.weights[0] * aucs[0]
	undefined := 0
	for kind, name := range biasKinds {
		var sum float64
		defined := 0
		for m, identity := range bp.identities {
			a := aucs[1+3*m+kind]
			if math.IsNaN(a) {
				if bp.strict {
					return pluginapi.ScoreResponse{}, core.Errorf(core.TypeEvaluation, "the %s of identity %q is undefined: its rows are all of one class, or none", name, identity).
						WithCauses("undefined_auc skip leaves such an AUC out of its power mean, as MLE-Dojo's metric does")
				}
				undefined++
				continue
			}
			sum += math.Pow(a, bp.power)
			defined++
		}
		if defined == 0 {
			continue // MLE-Dojo's metric: an empty power mean adds nothing
		}
		mean := math.Pow(sum/float64(defined), 1/bp.power)
		resp.Extras[name] = mean
		resp.Score += bp.weights[1+kind] * mean
	}
	resp.Extras["undefined_aucs"] = float64(undefined)
	return resp, nil
}

// identityMentions reads an identity column: a value at least threshold mentions the identity; an
// empty value, or NaN, does not (pandas reads both as NaN, and NaN >= t is false).
func identityMentions(in *inputs.Inputs, col string, threshold float64) ([]bool, error) {
	if !in.Pair.Answers.Has(col) {
		return nil, core.Errorf(core.TypeGroundTruth, "answers have no identity column %q", col).
			WithDetails("answers columns: %s", strings.Join(in.Pair.Answers.Header(), ", ")).
			WithCauses("fix the metric's identity_columns param, or prepare the answers with Kaggle's identity columns")
	}
	vals, err := in.Pair.AnswerStrings(col)
	if err != nil {
		return nil, err
	}
	out := make([]bool, len(vals))
	for i, v := range vals {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || strings.ContainsAny(v, "_xX") {
			return nil, core.Errorf(core.TypeGroundTruth, "answers identity column %q of id %q is %q, not a number", col, strings.TrimSpace(in.Pair.IDs()[i]), v).
				WithDetails("answers line %d", in.Pair.Answers.Line(i)).
				WithCauses("identity columns hold the fraction of raters who saw a mention, or nothing")
		}
		out[i] = f >= threshold
	}
	return out, nil
}

// subsetAUCs returns the ROC AUC of pred against toxic over all rows, then for each identity m the
// AUCs of its subgroup, BPSN and BNSP rows (at 1+3m, 2+3m, 3+3m); NaN where a subset lacks a class.
func subsetAUCs(pred []float64, toxic []bool, mentions [][]bool) []float64 {
	n, k := len(pred), len(mentions)
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(pred[a], pred[b]) })
	s := 1 + 3*k
	// Per subset: negatives seen below the current tie group, the group's positives and negatives,
	// and twice the Mann-Whitney U (a pair tied in score counts 1, a pair ordered right 2).
	negBelow := make([]int64, s)
	groupPos := make([]int64, s)
	groupNeg := make([]int64, s)
	pos := make([]int64, s)
	u2 := make([]int64, s)
	touched := make([]bool, s)
	var list []int
	add := func(j int, positive bool) {
		if !touched[j] {
			touched[j] = true
			list = append(list, j)
		}
		if positive {
			groupPos[j]++
		} else {
			groupNeg[j]++
		}
	}
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && pred[order[hi]] == pred[order[lo]] {
			hi++
		}
		for _, i := range order[lo:hi] {
			y := toxic[i]
			add(0, y)
			for m, men := range mentions {
				if men[i] {
					add(1+3*m, y)
				}
				// BPSN: toxic without the mention, or non-toxic with it; BNSP the other rows.
				if y != men[i] {
					add(2+3*m, y)
				} else {
					add(3+3*m, y)
				}
			}
		}
		for _, j := range list {
			u2[j] += groupPos[j] * (2*negBelow[j] + groupNeg[j])
			negBelow[j] += groupNeg[j]
			pos[j] += groupPos[j]
			groupPos[j], groupNeg[j], touched[j] = 0, 0, false
		}
		list = list[:0]
		lo = hi
	}
	out := make([]float64, s)
	for j := range out {
		p, q := pos[j], negBelow[j]
		if p == 0 || q == 0 {
			out[j] = math.NaN()
			continue
		}
		out[j] = float64(u2[j]) / (2 * float64(p) * float64(q))
	}
	return out
}
