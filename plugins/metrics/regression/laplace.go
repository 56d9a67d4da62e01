package main

import (
	"bytes"
	"context"
	"math"
	"slices"
	"strconv"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
	"github.com/mledojo/dojo/plugins/metrics/internal/score"
)

// Params of laplace_log_likelihood.
const (
	paramConfidenceColumn = "confidence_column"
	paramSigmaMin         = "sigma_min"
	paramDeltaMax         = "delta_max"
	paramLastNPerGroup    = "last_n_per_group"
)

const laplaceSchema = `"confidence_column": {"type": "string", "default": "Confidence", "description": "submission column holding each prediction's standard deviation; empty counts as 0"}, ` +
	`"sigma_min": {"type": "number", "default": 70}, "delta_max": {"type": "number", "default": 1000, "description": "cap on each absolute error; inf for none"}, ` +
	groupSchema + `, "last_n_per_group": {"type": "integer", "description": "score only each group's n rows with the largest week, the integer after the id's last '_'"}`

// laplaceLogLikelihood is OSIC's modified Laplace log likelihood over the scored rows: answers rows
// whose truth is present and, with last_n_per_group, each group's latest weeks.
func laplaceLogLikelihood(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, paramConfidenceColumn, paramSigmaMin, paramDeltaMax, paramGroupColumn, paramLastNPerGroup); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	confCol, err := req.Params.String(paramConfidenceColumn, "Confidence")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	var opts score.LaplaceOptions
	if opts.SigmaMin, err = positive(req.Params, paramSigmaMin, score.OSICLaplace.SigmaMin, false); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if opts.DeltaMax, err = positive(req.Params, paramDeltaMax, score.OSICLaplace.DeltaMax, true); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	groupCol, err := req.Params.String(paramGroupColumn, "")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	lastN, err := req.Params.Int(paramLastNPerGroup, 0)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if lastN < 0 || (lastN > 0 && groupCol == "") {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument, "%q must be positive and needs %q", paramLastNPerGroup, paramGroupColumn)
	}
	if req, err = withAuxiliaryColumns(req, groupCol, confCol); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	in, err := inputs.Load(req, inputs.Options{SubmissionColumns: func(cols inputs.Columns, _ []string) ([]string, error) {
		if len(cols.Targets) != 1 {
			return nil, core.Errorf(core.TypeInvalidArgument, "laplace_log_likelihood scores one target column, got %d", len(cols.Targets))
		}
		return []string{cols.Targets[0], confCol}, nil
	}})
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	target := in.Targets[0]
	truth, err := inputs.FloatsOrMissing(in.Pair.Answers, target, core.TypeGroundTruth)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	pred, err := in.Pair.SubmissionFloats(target)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	conf, err := inputs.FloatsOrMissing(in.Pair.Submission, confCol, core.TypeSubmissionInvalid)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	rows, err := laplaceRows(in, truth, groupCol, lastN)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	c := column{name: target, truth: make([]float64, len(rows)), pred: make([]float64, len(rows)), rows: rows}
	sigma := make([]float64, len(rows))
	for k, i := range rows {
		c.truth[k], c.pred[k] = truth[i], pred[i]
		sigma[k] = conf[in.Pair.Alignment.SubmissionRow(i)]
		if math.IsNaN(sigma[k]) {
			sigma[k] = 0 // OSIC counts a missing confidence as 0, which sigma_min then raises
		}
	}
	if len(rows) == 0 {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeEvaluation, "no rows to score: every ground truth value is missing")
	}
	v, err := score.LaplaceLogLikelihood(c.truth, c.pred, sigma, opts)
	if err != nil {
		s := &scored{in: in}
		return pluginapi.ScoreResponse{}, s.nameRow(err, c)
	}
	return pluginapi.ScoreResponse{Score: v, Rows: int64(len(rows))}, nil
}

// laplaceRows returns the scored answers rows, ascending: truth present and, when lastN > 0, among
// the lastN largest weeks of their group.
func laplaceRows(in *inputs.Inputs, truth []float64, groupCol string, lastN int) ([]int, error) {
	rows := make([]int, 0, len(truth))
	for i, t := range truth {
		if !math.IsNaN(t) {
			rows = append(rows, i)
		}
	}
	if lastN == 0 {
		return rows, nil
	}
	groups, _, err := groupIndex(in.Pair.Answers, groupCol, rows, len(rows))
	if err != nil {
		return nil, err
	}
	ids, _ := in.Pair.Answers.Column(in.ID)
	type entry struct{ group, week, row int }
	entries := make([]entry, len(rows))
	for k, i := range rows {
		id := bytes.TrimSpace(ids.Bytes(i))
		week, err := strconv.Atoi(string(id[bytes.LastIndexByte(id, '_')+1:]))
		if err != nil {
			return nil, core.Errorf(core.TypeGroundTruth, "answers id %q (row %d, line %d) does not end in _WEEK, an integer week", string(id), i+1, in.Pair.Answers.Line(i)).
				WithCauses("ids must read PATIENT_WEEK so each group's latest weeks can be found")
		}
		entries[k] = entry{groups[k], week, i}
	}
	slices.SortFunc(entries, func(a, b entry) int {
		if a.group != b.group {
			return a.group - b.group
		}
		return a.week - b.week
	})
	kept := rows[:0]
	for k, e := range entries {
		if k+lastN >= len(entries) || entries[k+lastN].group != e.group {
			kept = append(kept, e.row)
		}
	}
	slices.Sort(kept)
	return kept, nil
}
