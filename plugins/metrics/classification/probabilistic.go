package main

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
	"github.com/mledojo/dojo/plugins/metrics/internal/score"
	"github.com/mledojo/dojo/sdk/table"
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
	idCol   table.Column // the answers' ids, looked up only for messages
	rows    []int        // rows[i] is the answers row of row i once keep dropped some; nil before
}

// id returns row i's id as the answers spell it.
func (p *probInputs) id(i int) string {
	if p.rows != nil {
		i = p.rows[i]
	}
	return string(p.idCol.Bytes(i))
}

// withID adds the id of the row an error is about.
func (p *probInputs) withID(err error) error { return withIDOf(err, p.n, p.id) }

// Params every probabilistic metric reads besides the common ones.
var probabilityParams = []string{"classes", inputs.ParamFilter, inputs.ParamAlign}

func loadProbabilities(req pluginapi.ScoreRequest) (*probInputs, error) {
	classesParam, err := req.Params.Strings("classes", nil)
	if err != nil {
		return nil, err
	}
	filters, err := inputs.ParseFilters(req.Params)
	if err != nil {
		return nil, err
	}
	if err := inputs.CheckRowOrder(req); err != nil {
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
	p.idCol, _ = in.Pair.Answers.Column(in.ID)
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
		// One pass over the rows parses every column, in the row-major layout the metrics take.
		if p.truth, err = in.Pair.AnswerFloatMatrix(in.Targets...); err != nil {
			return nil, err
		}
	}
	if p.probs, err = in.Pair.SubmissionFloatMatrix(p.classes...); err != nil {
		return nil, err
	}
	if len(filters) > 0 {
		keep, err := filters.Mask(in.Pair.Answers)
		if err != nil {
			return nil, err
		}
		p.keep(keep)
		if p.n == 0 {
			return nil, core.Errorf(core.TypeEvaluation, "no answers row passes the filter %s", filters).
				WithCauses("the metric's filter param or the answers file is wrong: nothing would be scored")
		}
	}
	return p, nil
}

// answersRow returns the answers row of row i.
func (p *probInputs) answersRow(i int) int {
	if p.rows != nil {
		return p.rows[i]
	}
	return i
}

// keep drops the rows whose keep[i] is false.
func (p *probInputs) keep(keep []bool) {
	n := 0
	rows := make([]int, 0, len(keep))
	for i, k := range keep {
		if !k {
			continue
		}
		copy(p.probs[n*p.k:(n+1)*p.k], p.probs[i*p.k:(i+1)*p.k])
		if p.truth != nil {
			copy(p.truth[n*p.k:(n+1)*p.k], p.truth[i*p.k:(i+1)*p.k])
		}
		if p.labels != nil {
			p.labels[n] = p.labels[i]
		}
		rows = append(rows, p.answersRow(i))
		n++
	}
	p.n, p.rows = n, rows
	p.probs = p.probs[:n*p.k]
	if p.truth != nil {
		p.truth = p.truth[:n*p.k]
	}
	if p.labels != nil {
		p.labels = p.labels[:n]
	}
}

// dropLabel drops the rows whose truth holds label in any column (Jigsaw's -1 marks unscored rows).
func (p *probInputs) dropLabel(label float64) {
	keep := make([]bool, p.n)
	for i := range keep {
		keep[i] = true
		if p.truth != nil {
			for _, v := range p.truth[i*p.k : (i+1)*p.k] {
				keep[i] = keep[i] && v != label
			}
		}
	}
	p.keep(keep)
}

func hasAll(header, want []string) bool {
	for _, w := range want {
		if !slices.Contains(header, w) {
			return false
		}
	}
	return true
}

// classIndexes maps each answers label to its class column. Labels repeat, so each distinct one
// is read once.
func classIndexes(in *inputs.Inputs, classes []string) ([]int, error) {
	col, ok := in.Pair.Answers.Column(in.Targets[0])
	if !ok {
		_, err := in.Pair.AnswerStrings(in.Targets[0]) // says why
		return nil, err
	}
	n := col.Len()
	numericLabels := inputs.IsNumeric(classes)
	if numericLabels {
		isNumber := inputs.NewMemo(func(v string) bool { return inputs.IsNumeric([]string{v}) })
		for i := range n {
			if !isNumber.Of(col.Bytes(i)) {
				numericLabels = false
				break
			}
		}
	}
	index := make(map[string]int, len(classes))
	for j, c := range classes {
		index[inputs.Label(c, numericLabels)] = j
	}
	classOf := inputs.NewMemo(func(v string) int {
		if j, ok := index[inputs.Label(v, numericLabels)]; ok {
			return j
		}
		return -1
	})
	out := make([]int, n)
	for i := range n {
		j := classOf.Of(col.Bytes(i))
		if j < 0 {
			if positional, ok := classPositions(col, len(classes)); ok {
				return positional, nil
			}
			return nil, core.Errorf(core.TypeSubmissionInvalid, "the answers hold class %q, but the submission has no column for it", strings.TrimSpace(col.String(i))).
				WithDetails("class columns: %s", strings.Join(classes, ", ")).
				WithCauses("write one probability column per class, named as in the sample submission")
		}
		out[i] = j
	}
	return out, nil
}

// classPositions reads labels that are class positions 0..k-1 rather than class names (ICR's Class
// 0/1 against the columns class_0, class_1); ok is false unless every label is one.
func classPositions(col table.Column, k int) ([]int, bool) {
	position := inputs.NewMemo(func(v string) int {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || f != math.Trunc(f) || f < 0 || f >= float64(k) {
			return -1
		}
		return int(f)
	})
	out := make([]int, col.Len())
	for i := range out {
		if out[i] = position.Of(col.Bytes(i)); out[i] < 0 {
			return nil, false
		}
	}
	return out, true
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
// one-vs-rest over class columns. Competition variants: tpr_thresholds and tpr_weights select the
// TPR-banded weighted AUC (per column, then the mean); single_class_auc scores a column whose truth
// holds one class as that value instead of failing; ignore_rows_with_label drops the rows whose truth
// holds that value in any column; filter keeps the rows passing a test on an answers column.
func rocAUC(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, append([]string{"average", "tpr_thresholds", "tpr_weights", "single_class_auc", "ignore_rows_with_label"}, probabilityParams...)...); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	average, err := req.Params.String("average", "macro")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	thresholds, err := floatList(req.Params, "tpr_thresholds")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	weights, err := floatList(req.Params, "tpr_weights")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if (thresholds == nil) != (weights == nil) {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument, "tpr_thresholds and tpr_weights go together")
	}
	singleClass, err := optionalFloat(req.Params, "single_class_auc")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	ignore, err := optionalFloat(req.Params, "ignore_rows_with_label")
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	p, err := loadProbabilities(req)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if ignore != nil {
		if p.mode == "classes" {
			return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument, "ignore_rows_with_label applies to 0/1 label columns, not to a class-label column")
		}
		p.dropLabel(*ignore)
		if p.n == 0 {
			return pluginapi.ScoreResponse{}, core.Errorf(core.TypeEvaluation, "every answers row holds the ignored label %v", *ignore)
		}
	}
	resp := pluginapi.ScoreResponse{Rows: int64(p.n)}
	if thresholds != nil || singleClass != nil {
		// Column by column: the bands and the one-class fallback are defined per binary AUC.
		if average != "macro" || p.mode == "classes" {
			return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument,
				"tpr_thresholds and single_class_auc score 0/1 label columns with the macro average, got average %q over %s", average, p.mode)
		}
		if thresholds == nil {
			thresholds, weights = []float64{0, 1}, []float64{1}
		}
		if p.k > 1 {
			resp.Extras = make(map[string]float64, p.k)
		}
		for j, name := range p.classes {
			v, err := score.WeightedROCAUC(p.column(j, p.truth), p.column(j, p.probs), thresholds, weights)
			if err != nil {
				if singleClass == nil || !oneClass(p.column(j, p.truth)) {
					return pluginapi.ScoreResponse{}, err
				}
				v = *singleClass
			}
			if resp.Extras != nil {
				resp.Extras[name] = v
			}
			resp.Score += v
		}
		resp.Score /= float64(p.k)
		return resp, nil
	}
	switch p.mode {
	case "binary":
		resp.Score, err = score.ROCAUC(p.truth, p.probs)
	case "columns":
		resp.Score, err = score.ROCAUCMultilabel(p.truth, p.probs, p.k, score.Average(average))
	default:
		resp.Score, err = score.ROCAUCOvR(p.labels, p.probs, p.k, score.Average(average))
	}
	return resp, err
}

// oneClass reports a 0/1 column holding one value only.
func oneClass(ys []float64) bool {
	for _, y := range ys {
		if y != ys[0] {
			return false
		}
	}
	return true
}

// logLoss is sklearn's log_loss: binary; multiclass from one-hot columns or a label column; or, with
// multilabel=true, the mean of each column's binary log loss. normalize_first rescales each row to
// sum 1 before clipping, with no renormalisation after (Kaggle's text and some graders' order).
func logLoss(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, append([]string{"eps", "multilabel", "normalize_first"}, probabilityParams...)...); err != nil {
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
	normalizeFirst, err := req.Params.Bool("normalize_first", false)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	p, err := loadProbabilities(req)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	resp := pluginapi.ScoreResponse{Rows: int64(p.n)}
	if normalizeFirst {
		if multilabel {
			return pluginapi.ScoreResponse{}, core.Errorf(core.TypeInvalidArgument, "normalize_first rescales rows of class probabilities; it does not apply to multilabel columns")
		}
		labels, probs, k, err := p.classMatrix()
		if err != nil {
			return pluginapi.ScoreResponse{}, err
		}
		resp.Score, err = score.RescaledLogLoss(labels, probs, k, eps)
		return resp, p.withID(err)
	}
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

// classMatrix returns the inputs as class indexes against a row-major matrix of class
// probabilities: a binary column p becomes the two columns 1-p, p.
func (p *probInputs) classMatrix() (labels []int, probs []float64, k int, err error) {
	switch p.mode {
	case "binary":
		labels = make([]int, p.n)
		probs = make([]float64, 2*p.n)
		for i, y := range p.truth {
			if y != 0 && y != 1 {
				return nil, nil, 0, core.Errorf(core.TypeGroundTruth, "answers row %d (id %q) holds %v; binary labels must be 0 or 1", i+1, strings.TrimSpace(p.id(i)), y)
			}
			labels[i] = int(y)
			probs[2*i], probs[2*i+1] = 1-p.probs[i], p.probs[i]
		}
		return labels, probs, 2, nil
	case "columns":
		labels, err = p.oneHot()
		return labels, p.probs, p.k, err
	}
	return p.labels, p.probs, p.k, nil
}

// balancedLogLoss is Kaggle's balanced log loss (ICR): each row rescaled to sum 1 and clipped to
// [eps, 1-eps], -ln p of the true class averaged within each class, then over the classes.
func balancedLogLoss(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, append([]string{"eps"}, probabilityParams...)...); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	eps, err := req.Params.Float("eps", 1e-15)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	p, err := loadProbabilities(req)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	labels, probs, k, err := p.classMatrix()
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	v, err := score.BalancedLogLoss(labels, probs, k, eps)
	return pluginapi.ScoreResponse{Score: v, Rows: int64(p.n)}, p.withID(err)
}

// lwlrap is Kaggle's label-weighted label-ranking average precision (Freesound Audio Tagging 2019):
// many-hot answers columns against a score per column, or a class-label column against a score per
// class.
func lwlrap(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	if err := known(req, probabilityParams...); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	p, err := loadProbabilities(req)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	truth := p.truth
	if p.mode == "classes" {
		truth = make([]float64, p.n*p.k)
		for i, y := range p.labels {
			truth[i*p.k+y] = 1
		}
	}
	v, err := score.LWLRAP(truth, p.probs, p.k)
	return pluginapi.ScoreResponse{Score: v, Rows: int64(p.n)}, err
}
