package main

import (
	"context"
	"slices"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
	"github.com/mledojo/dojo/plugins/metrics/internal/score"
)

// Params of kl_divergence.
const (
	paramEps            = "eps"
	paramNormalizeTruth = "normalize_truth"
	paramSumTolerance   = "sum_tolerance"
)

const klSchema = `"eps": {"type": "number", "default": 1e-15, "description": "predictions are clipped to [eps, 1]"}, ` +
	`"normalize_truth": {"type": "boolean", "default": false, "description": "divide each truth row (e.g. vote counts) by its sum"}, ` +
	`"sum_tolerance": {"type": "number", "default": 0.001, "description": "each prediction row must sum to 1 within this; 0 skips the check"}, ` +
	`"duplicate_ids": {"enum": ["error", "align_in_file_order"], "default": "error", "description": "what an id the answers hold more than once means"}`

// klDivergence is the mean per-row KL divergence between the target columns of the answers (a
// distribution per row, or votes with normalize_truth) and the submission's probabilities.
func klDivergence(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, paramEps, paramNormalizeTruth, paramSumTolerance, inputs.ParamDuplicateIDs); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	var opts score.KLOptions
	var err error
	if opts.Eps, err = positive(req.Params, paramEps, 1e-15, false); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if opts.NormalizeTruth, err = req.Params.Bool(paramNormalizeTruth, false); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if opts.SumTolerance, err = req.Params.Float(paramSumTolerance, 1e-3); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	k, err := loadKeyed(req, nil)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	n, c := k.Len(), len(k.targets)
	truth, pred, err := k.FloatMatrices(k.targets...)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	v, err := score.KLDivergence(truth, pred, c, opts)
	if err != nil {
		return pluginapi.ScoreResponse{}, k.nameRow(err)
	}
	return pluginapi.ScoreResponse{Score: v, Rows: int64(n)}, nil
}

// keyed are files paired by key columns, with the resolved target columns.
type keyed struct {
	*inputs.Keyed
	targets []string
}

// loadKeyed pairs the files by keys (the id column when empty), repeated keys as the duplicate_ids
// param says.
func loadKeyed(req pluginapi.ScoreRequest, keys []string) (*keyed, error) {
	var targets []string
	k, err := inputs.LoadKeyedWith(req, func(cols inputs.Columns) (inputs.KeyedOptions, error) {
		keys := keys
		if len(keys) == 0 {
			keys = []string{cols.ID}
		}
		targets = make([]string, 0, len(cols.Targets))
		for _, t := range cols.Targets { // an id column that is also a key is not a target
			if !slices.Contains(keys, t) {
				targets = append(targets, t)
			}
		}
		dup, err := choice(req.Params, inputs.ParamDuplicateIDs, string(inputs.KeysUnique), string(inputs.KeysInFileOrder))
		if err != nil {
			return inputs.KeyedOptions{}, err
		}
		allowExtra, err := req.Params.Bool(inputs.ParamAllowExtraColumns, false)
		if err != nil {
			return inputs.KeyedOptions{}, err
		}
		numeric, err := req.Params.Bool(inputs.ParamNumericIDs, false)
		if err != nil {
			return inputs.KeyedOptions{}, err
		}
		return inputs.KeyedOptions{Keys: keys, Columns: targets, AllowExtraColumns: allowExtra,
			Duplicates: inputs.DuplicateKeys(dup), NumericKeys: numeric}, nil
	})
	if err != nil {
		return nil, err
	}
	return &keyed{Keyed: k, targets: targets}, nil
}

// nameRow adds the key and submission line to an error about one answers row.
func (k *keyed) nameRow(err error) error {
	if i, ok := score.ErrorRow(err); ok && i < k.Len() {
		return withDetail(core.AsError(err), "%s", k.Describe(i))
	}
	return err
}
