package main

import (
	"context"
	"slices"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
	"github.com/mledojo/dojo/plugins/metrics/internal/score"
)

// probInputs are a probabilistic metric's inputs in one of three shapes:
//   - binary: one 0/1 target column, one probability column of the same name;
//   - columns: several target columns (one-hot classes or independent labels), the same columns
//     of probabilities;
//   - classes: one label column in the answers against one probability column per class in the
//     submission (the columns named by the classes param, or every submission column but the id).
type probInputs struct {
	mode    string // "binary", "columns" or "classes"
	n, k    int
	truth   []float64 // binary and columns: n*k 0/1 values, row-major
	labels  []int     // classes: class index of each row
	probs   []float64 // n*k, row-major
	classes []string
}

func loadProbabilities(req pluginapi.ScoreRequest) (*probInputs, error) {
	classesParam, err := req.Params.Strings("classes", nil)
	if err != nil {
		return nil, err
	}
	mode := ""
	in, err := inputs.Load(req, inputs.Options{SubmissionColumns: func(cols inputs.Columns, header []string) ([]string, error) {
		switch {
		case len(classesParam) > 0:
			mode = "classes"
			return classesParam, nil
		case hasAll(header, cols.Targets):
			mode = "columns"
			return cols.Targets, nil
		case len(cols.Targets) == 1:
			mode = "classes"
			var classes []string
			for _, h := range header {
				if h != cols.ID {
					classes = append(classes, h)
				}
			}
			if len(classes) < 2 {
				return nil, core.Errorf(core.TypeSubmissionInvalid, "submission has no column %q and no per-class columns", cols.Targets[0]).
					WithDetails("submission columns: %s", strings.Join(header, ", ")).
					WithCauses("write the sample submission's columns: a probability per class, or the target column")
			}
			return classes, nil
		}
		return cols.Targets, nil // the alignment reports which are missing
	}})
	if err != nil {
		return nil, err
	}
	p := &probInputs{n: in.Pair.Len()}
	if mode == "classes" {
		if err := oneTarget(in, req.Metric); err != nil {
			return nil, err
		}
		p.mode = "classes"
		p.classes = classesParam
		if len(p.classes) == 0 {
			for _, h := range in.Pair.Submission.Header() {
				if h != in.ID {
					p.classes = append(p.classes, h)
				}
			}
		}
		p.k = len(p.classes)
		if p.labels, err = classIndexes(in, p.classes); err != nil {
			return nil, err
		}
	} else {
		p.k = len(in.Targets)
		p.classes = in.Targets
		p.mode = "columns"
		if p.k == 1 {
			p.mode = "binary"
		}
		p.truth = make([]float64, p.n*p.k)
		for j, col := range in.Targets {
			vals, err := in.Pair.AnswerFloats(col)
			if err != nil {
				return nil, err
			}
			for i, v := range vals {
				p.truth[i*p.k+j] = v
			}
		}
	}
	p.probs = make([]float64, p.n*p.k)
	for j, col := range p.classes {
		vals, err := in.Pair.SubmissionFloats(col)
		if err != nil {
			return nil, err
		}
		for i, v := range vals {
			p.probs[i*p.k+j] = v
		}
	}
	return p, nil
}

func hasAll(header, want []string) bool {
	for _, w := range want {
		if !slices.Contains(header, w) {
			return false
		}
	}
	return true
}

// classIndexes maps each answers label to its class column.
func classIndexes(in *inputs.Inputs, classes []string) ([]int, error) {
	raw, err := in.Pair.AnswerStrings(in.Targets[0])
	if err != nil {
		return nil, err
	}
	numericLabels := inputs.IsNumeric(raw) && inputs.IsNumeric(classes)
	index := make(map[string]int, len(classes))
	for j, c := range classes {
		index[inputs.Label(c, numericLabels)] = j
	}
	out := make([]int, len(raw))
	for i, v := range raw {
		j, ok := index[inputs.Label(v, numericLabels)]
		if !ok {
			return nil, core.Errorf(core.TypeSubmissionInvalid, "the answers hold class %q, but the submission has no column for it", strings.TrimSpace(v)).
				WithDetails("class columns: %s", strings.Join(classes, ", ")).
				WithCauses("write one probability column per class, named as in the sample submission")
		}
		out[i] = j
	}
	return out, nil
}

// oneHot turns one-hot truth rows into class indexes, or says which row is not one-hot.
func (p *probInputs) oneHot() ([]int, error) {
	out := make([]int, p.n)
	for i := range p.n {
		hot := -1
		for j := range p.k {
			switch p.truth[i*p.k+j] {
			case 0:
			case 1:
				if hot >= 0 {
					hot = -2
				} else if hot == -1 {
					hot = j
				}
			default:
				hot = -2
			}
		}
		if hot < 0 {
			return nil, core.Errorf(core.TypeGroundTruth, "answers row %d is not one-hot over %s", i+1, strings.Join(p.classes, ", ")).
				WithCauses("for independent binary labels per column, set the param multilabel=true")
		}
		out[i] = hot
	}
	return out, nil
}

func (p *probInputs) column(j int, src []float64) []float64 {
	out := make([]float64, p.n)
	for i := range out {
		out[i] = src[i*p.k+j]
	}
	return out
}

// rocAUC is sklearn's roc_auc_score: binary; macro/weighted/micro over several label columns; or
// one-vs-rest over class columns.
func rocAUC(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, "average", "classes"); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	average, err := req.Params.String("average", "macro")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	p, err := loadProbabilities(req)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	var v float64
	switch p.mode {
	case "binary":
		v, err = score.ROCAUC(p.truth, p.probs)
	case "columns":
		v, err = score.ROCAUCMultilabel(p.truth, p.probs, p.k, score.Average(average))
	default:
		v, err = score.ROCAUCOvR(p.labels, p.probs, p.k, score.Average(average))
	}
	return pluginapi.ScoreResponse{Score: v, Rows: int64(p.n)}, err
}

// logLoss is sklearn's log_loss: binary; multiclass from one-hot columns or a label column; or, with
// multilabel=true, the mean of each column's binary log loss.
func logLoss(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, "eps", "classes", "multilabel"); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	eps, err := req.Params.Float("eps", score.DefaultLogLossEps)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	multilabel, err := req.Params.Bool("multilabel", false)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	p, err := loadProbabilities(req)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	resp := pluginapi.ScoreResponse{Rows: int64(p.n)}
	switch {
	case p.mode == "binary":
		resp.Score, err = score.BinaryLogLoss(p.truth, p.probs, eps)
	case p.mode == "columns" && multilabel:
		resp.Extras = map[string]float64{}
		for j, name := range p.classes {
			v, err := score.BinaryLogLoss(p.column(j, p.truth), p.column(j, p.probs), eps)
			if err != nil {
				return pluginapi.ScoreResponse{}, err
			}
			resp.Extras[name] = v
			resp.Score += v
		}
		resp.Score /= float64(p.k)
	case p.mode == "columns":
		labels, err := p.oneHot()
		if err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		resp.Score, err = score.LogLoss(labels, p.probs, p.k, eps)
		if err != nil {
			return pluginapi.ScoreResponse{}, err
		}
	default:
		resp.Score, err = score.LogLoss(p.labels, p.probs, p.k, eps)
	}
	return resp, err
}
