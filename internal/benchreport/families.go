package main

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
)

// family is one metric family of the metric plugins, benchmarked end to end: `dojo score` with the
// metric and params against baseline.py's grader of the same name, on files gen writes.
type family struct {
	name   string      // the row's name, and baseline.py's grader
	metric string      // the dojo metric
	params [][2]string // --param key=value, in order; baseline.py gets them as a JSON object
	rows   int         // natural size: answers rows (images for the mask and box families)
	unit   string      // what rows counts, when it is not "rows"
	why    string      // why the size is below a million, if it is
	step   int         // rows come in whole multiples of step (volumes of slices), if set
	tol    float64     // relative agreement required with the reference (scoreTolerance if 0)
	gen    func(rng *rand.Rand, n int) (answers, submission *csvBuf)
}

// Reasons for sizes below a million rows, shared by several families.
const (
	pureGrader = "the reference grader loops in pure Python per row, as the competition's does"
	maskSize   = "one mask per row; the reference decodes each with numpy"
	boxSize    = "one image per row; the reference matches boxes per image in Python"
)

// families is every metric family the metric plugins serve (the python plugin, which runs a
// competition's own Python file, is not a family of its own).
var families = []family{
	// Classification (plugins/metrics/classification).
	{name: "roc_auc", metric: "roc_auc", rows: 1_000_000, gen: genBinary},
	{name: "roc_auc_columns", metric: "roc_auc", rows: 1_000_000, gen: genBinaryColumns},
	{name: "roc_auc_ovr", metric: "roc_auc", rows: 1_000_000, gen: genClassProbs},
	{name: "log_loss", metric: "log_loss", rows: 1_000_000, gen: genBinary},
	{name: "log_loss_multiclass", metric: "log_loss", rows: 1_000_000, gen: genClassProbs},
	{name: "balanced_log_loss", metric: "balanced_log_loss", rows: 1_000_000, gen: genBalanced,
		params: [][2]string{{"target_columns", "Class"}, {"classes", "class_0,class_1"}, {"eps", "1e-15"}}},
	{name: "accuracy", metric: "accuracy", rows: 1_000_000, gen: genLabels},
	{name: "exact_match", metric: "exact_match", rows: 1_000_000, gen: genCodes},
	{name: "f1", metric: "f1", rows: 1_000_000, gen: genBinaryLabels},
	{name: "f1_macro", metric: "f1", rows: 1_000_000, gen: genLabels, params: [][2]string{{"average", "macro"}}},
	{name: "fbeta_0.5", metric: "fbeta", rows: 1_000_000, gen: genBinaryLabels, params: [][2]string{{"beta", "0.5"}}},
	{name: "f1_samples_sets", metric: "f1", rows: 1_000_000, gen: genTagSets,
		params: [][2]string{{"average", "samples"}, {"value_format", "space_separated_set"}}},
	{name: "f1_char_spans", metric: "f1", rows: 200_000, why: pureGrader, gen: genCharSpans,
		params: [][2]string{{"average", "micro"}, {"value_format", "char_spans"}}},
	{name: "f1_points_in_boxes", metric: "f1", rows: 100_000, unit: "images", why: pureGrader, gen: genPointsInBoxes,
		params: [][2]string{{"average", "micro"}, {"matching", "point_in_box_same_label"}, {"truth_format", "label_x_y_w_h"},
			{"submission_format", "label_x_y"}, {"max_predictions_per_row", "1200"}}},
	{name: "fbeta_rle", metric: "fbeta", rows: 20_000, unit: "masks", why: maskSize, gen: genStartLengthMasks,
		params: [][2]string{{"beta", "0.5"}, {"rle", "start_length_pairs"}, {"aggregation", "mean_per_row"},
			{"empty_precision", "1"}, {"empty_recall", "1"}}},
	{name: "qwk", metric: "qwk", rows: 1_000_000, gen: genGrades},
	{name: "mcc", metric: "mcc", rows: 1_000_000, gen: genBinaryLabels},
	{name: "macro_recall", metric: "macro_recall", rows: 1_000_000, gen: genGrades},
	{name: "top1_error", metric: "top1_error", rows: 1_000_000, gen: genLabels},
	{name: "bias_auc", metric: "bias_auc", rows: 1_000_000, gen: genBias,
		params: [][2]string{{"id_column", "id"}, {"target_columns", "toxicity"}, {"prediction_column", "prediction"},
			{"identity_columns", strings.Join(biasIdentities, ",")}}},
	{name: "lwlrap", metric: "lwlrap", rows: 100_000, why: "scikit-learn's label_ranking_average_precision_score loops over rows in Python",
		gen: genMultiLabel},

	// Regression (plugins/metrics/regression).
	{name: "rmse", metric: "rmse", rows: 1_000_000, gen: genRegression},
	{name: "mse", metric: "mse", rows: 1_000_000, gen: genRegression},
	{name: "mae", metric: "mae", rows: 1_000_000, gen: genRegression},
	{name: "r2", metric: "r2", rows: 1_000_000, gen: genRegression},
	{name: "medae", metric: "medae", rows: 1_000_000, gen: genRegression},
	{name: "rmsle", metric: "rmsle", rows: 1_000_000, gen: genRegression},
	{name: "rmspe", metric: "rmspe", rows: 1_000_000, gen: genRegression},
	{name: "smape", metric: "smape", rows: 1_000_000, gen: genSales},
	{name: "mcrmse", metric: "mcrmse", rows: 1_000_000, gen: genRegressionColumns},
	{name: "mc_rmsle", metric: "mc_rmsle", rows: 1_000_000, gen: genRegressionColumns},
	{name: "normalized_gini", metric: "normalized_gini", rows: 1_000_000, gen: genBinary},
	{name: "weighted_mae", metric: "weighted_mae", rows: 1_000_000, gen: genWeighted,
		params: [][2]string{{"target_columns", "target"}, {"weights_column", "weight"}}},
	{name: "log_mae", metric: "log_mae", rows: 1_000_000, gen: genCoupling,
		params: [][2]string{{"target_columns", "scalar_coupling_constant"}, {"group_column", "type"}}},
	{name: "laplace_log_likelihood", metric: "laplace_log_likelihood", rows: 1_000_000, gen: genLaplace,
		params: [][2]string{{"target_columns", "FVC"}, {"confidence_column", "Confidence"}}},
	{name: "kl_divergence", metric: "kl_divergence", rows: 1_000_000, gen: genVotes,
		params: [][2]string{{"normalize_truth", "true"}}},
	{name: "mean_angular_error", metric: "mean_angular_error", rows: 1_000_000, gen: genDirections},
	{name: "life_reverse_mae", metric: "life_reverse_mae", rows: 10_000, unit: "games",
		why: "each game is 625 cells a side (two files of about 13 MB per 10,000 games); Kaggle's test set has 50,000",
		gen: genLife},
	{name: "haversine_percentile", metric: "haversine_percentile", rows: 1_000_000, tol: 1e-8, gen: genTrips,
		params: [][2]string{{"id_column", "tripId"}, {"target_columns", "LatitudeDegrees,LongitudeDegrees"},
			{"key_columns", "tripId,UnixTimeMillis"}, {"group_column", "tripId"}, {"percentiles", "50,95"}}},

	// Ranking and correlation (plugins/metrics/ranking).
	{name: "map_at_12", metric: "map_at_k", rows: 200_000, why: pureGrader, gen: genBaskets, params: [][2]string{{"k", "12"}}},
	{name: "ndcg_at_5", metric: "ndcg_at_k", rows: 300_000, why: pureGrader, gen: genCountries, params: [][2]string{{"k", "5"}}},
	{name: "spearman", metric: "spearman", rows: 1_000_000, gen: genCorrelated},
	{name: "pearson", metric: "pearson", rows: 1_000_000, gen: genCorrelated},
	{name: "kendall_tau", metric: "kendall_tau", rows: 1_000_000, gen: genCorrelated},

	// Text (plugins/metrics/text).
	{name: "levenshtein", metric: "levenshtein", rows: 20_000, why: "the reference's edit distance is a pure Python dynamic program, O(length²) per row",
		gen: genInChI},
	{name: "jaccard", metric: "jaccard", rows: 500_000, why: pureGrader, gen: genTweets},

	// Segmentation and detection (plugins/metrics/segmentation).
	{name: "dice", metric: "dice", rows: 20_000, unit: "masks", why: maskSize, gen: genStartLengthMasks,
		params: [][2]string{{"rle", "start_length_pairs"}, {"empty_empty", "1"}}},
	{name: "iou_map_masks", metric: "iou_map", rows: 20_000, unit: "images", why: maskSize, gen: genTGS,
		params: [][2]string{{"rle", "column_major_1_indexed"}, {"shape", "101,101"}}},
	{name: "iou_map_boxes", metric: "iou_map", rows: 10_000, unit: "images", why: boxSize, gen: genWheat,
		params: [][2]string{{"thresholds", "0.5,0.55,0.6,0.65,0.7,0.75"}, {"box_format", "conf_xywh"},
			{"matching", "by_confidence"}, {"precision", "tp_over_tp_fp_fn"}, {"empty_truth_score", "0"}}},
	{name: "iou_map_voc", metric: "iou_map", rows: 10_000, unit: "images", why: boxSize, gen: genVinBig,
		params: [][2]string{{"thresholds", "0.4"}, {"box_format", "class_conf_xyxy"}, {"ap", "voc_all_points"},
			{"matching", "best_iou_unmatched_gt"}, {"average", "per_class"}, {"classes", "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14"}}},
	{name: "fbeta_iou", metric: "fbeta_iou", rows: 20_000, unit: "images", why: maskSize, gen: genAirbus,
		params: [][2]string{{"id_column", "ImageId"}, {"target_columns", "EncodedPixels"}, {"shape", "96,96"}}},
	{name: "dice_hausdorff", metric: "dice_hausdorff", rows: 2_400, step: 120, unit: "slice masks", tol: 1e-8,
		why: "20 volumes of 40 slices × 3 classes; the reference decodes every slice and runs scipy's Hausdorff per volume",
		gen: genUWMadison,
		params: [][2]string{{"key_columns", "id,class"}, {"target_columns", "predicted"}, {"rle", "column_major_1_indexed"},
			{"shape_columns", "image_height,image_width"}, {"hausdorff_norm", "unit_cube_diagonal"}}},
}

// familySeed derives a family's seed from its name, so a family's files do not change when the
// list does.
func familySeed(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()
}

// writeFamily writes a family's answers and submission for n rows under dir.
func writeFamily(dir string, f family, n int) (dataset, error) {
	rng := rand.New(rand.NewPCG(familySeed(f.name), 0x5eed))
	a, s := f.gen(rng, n)
	d := dataset{
		metric:  f.metric,
		grader:  f.name,
		params:  f.params,
		rows:    n,
		answers: filepath.Join(dir, f.name+"_answers.csv"),
		inOrder: filepath.Join(dir, f.name+"_submission.csv"),
	}
	if err := a.write(d.answers); err != nil {
		return d, err
	}
	return d, s.write(d.inOrder)
}

// scaledRows is a family's size at scale: at least 10 rows, and a whole number of steps.
func (f family) scaledRows(scale float64) int {
	n := max(10, int(math.Round(float64(f.rows)*scale)))
	if f.step > 0 {
		n = max(1, n/f.step) * f.step
	}
	return n
}

// The generators. Each writes answers and a submission listing the same ids in the same order (as
// one built from the sample submission does), with predictions near the truth.

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func pair(n, bytesPerRow int, aHeader, sHeader []string) (a, s *csvBuf) {
	return newCSV(n*bytesPerRow, aHeader...), newCSV(n*bytesPerRow, sHeader...)
}

func genBinary(rng *rand.Rand, n int) (a, s *csvBuf) {
	a, s = pair(n, 16, []string{"id", "target"}, []string{"id", "target"})
	for i := range n {
		y := 0.0
		if rng.Float64() < 0.3 {
			y = 1
		}
		a.Int(i).Float(y, 0).End()
		s.Int(i).Float(sigmoid(3*(y-0.5)+1.5*rng.NormFloat64()), 6).End()
	}
	return a, s
}

func genBinaryColumns(rng *rand.Rand, n int) (a, s *csvBuf) {
	h := []string{"id", "toxic", "obscene", "insult"}
	a, s = pair(n, 32, h, h)
	for i := range n {
		a.Int(i)
		s.Int(i)
		for c := range 3 {
			y := 0.0
			if rng.Float64() < 0.1*float64(c+1) {
				y = 1
			}
			a.Float(y, 0)
			s.Float(sigmoid(2*(y-0.5)+rng.NormFloat64()), 6)
		}
		a.End()
		s.End()
	}
	return a, s
}

var classNames = []string{"cat", "dog", "emu"}

// genClassProbs writes a label column against one probability column per class; each row's
// probabilities are written in millionths that add up to exactly one.
func genClassProbs(rng *rand.Rand, n int) (a, s *csvBuf) {
	a, s = pair(n, 32, []string{"id", "label"}, append([]string{"id"}, classNames...))
	for i := range n {
		y := rng.IntN(3)
		w := [3]float64{rng.Float64() + 0.01, rng.Float64() + 0.01, rng.Float64() + 0.01}
		w[y] += 0.7
		sum := w[0] + w[1] + w[2]
		p0 := math.Round(w[0] / sum * 1e6)
		p1 := math.Round(w[1] / sum * 1e6)
		a.Int(i).Str(classNames[y]).End()
		s.Int(i).Float(p0/1e6, 6).Float(p1/1e6, 6).Float((1e6-p0-p1)/1e6, 6).End()
	}
	return a, s
}

func genBalanced(rng *rand.Rand, n int) (a, s *csvBuf) {
	a, s = pair(n, 24, []string{"Id", "Class"}, []string{"Id", "class_0", "class_1"})
	for i := range n {
		y := 0
		if rng.Float64() < 0.17 {
			y = 1
		}
		p := sigmoid(3*(float64(y)-0.5) + rng.NormFloat64())
		a.Int(i).Int(y).End()
		s.Int(i).Float(1-p, 6).Float(p, 6).End()
	}
	return a, s
}

var labelNames = []string{"cat", "dog", "emu", "fox", "gnu"}

func genLabels(rng *rand.Rand, n int) (a, s *csvBuf) {
	a, s = pair(n, 12, []string{"id", "target"}, []string{"id", "target"})
	for i := range n {
		y := rng.IntN(len(labelNames))
		p := y
		if rng.Float64() < 0.3 {
			p = rng.IntN(len(labelNames))
		}
		a.Int(i).Str(labelNames[y]).End()
		s.Int(i).Str(labelNames[p]).End()
	}
	return a, s
}

func genBinaryLabels(rng *rand.Rand, n int) (a, s *csvBuf) {
	a, s = pair(n, 10, []string{"id", "target"}, []string{"id", "target"})
	for i := range n {
		y := 0
		if rng.Float64() < 0.3 {
			y = 1
		}
		p := y
		if rng.Float64() < 0.2 {
			p = 1 - y
		}
		a.Int(i).Int(y).End()
		s.Int(i).Int(p).End()
	}
	return a, s
}

// genCodes writes 17-digit codes, some one digit off: exact_match compares text, not numbers.
func genCodes(rng *rand.Rand, n int) (a, s *csvBuf) {
	a, s = pair(n, 26, []string{"Id", "Last"}, []string{"Id", "Last"})
	for i := range n {
		v := strconv.Itoa(1e16 + rng.IntN(9e16))
		p := v
		if rng.IntN(3) == 0 {
			p = v[:len(v)-1] + strconv.Itoa((int(v[len(v)-1]-'0')+1)%10)
		}
		a.Int(i).Str(v).End()
		s.Int(i).Str(p).End()
	}
	return a, s
}

func genGrades(rng *rand.Rand, n int) (a, s *csvBuf) {
	a, s = pair(n, 10, []string{"essay_id", "score"}, []string{"essay_id", "score"})
	for i := range n {
		g := 1 + rng.IntN(6)
		a.Int(i).Int(g).End()
		s.Int(i).Int(min(6, max(1, g+rng.IntN(3)-1))).End()
	}
	return a, s
}

var tagNames = []string{"c#", "java", "php", "javascript", "android", "jquery", "python", "c++", "iphone", "asp.net", "html", "sql"}

// pickTags is k distinct tags, space-separated.
func pickTags(rng *rand.Rand, k int) string {
	perm := rng.Perm(len(tagNames))
	out := make([]string, k)
	for j := range out {
		out[j] = tagNames[perm[j]]
	}
	return strings.Join(out, " ")
}

func genTagSets(rng *rand.Rand, n int) (a, s *csvBuf) {
	a, s = pair(n, 40, []string{"Id", "Tags"}, []string{"Id", "Tags"})
	for i := range n {
		a.Int(i).Str(pickTags(rng, 1+rng.IntN(3))).End()
		s.Int(i).Str(pickTags(rng, 1+rng.IntN(4))).End()
	}
	return a, s
}

func genCharSpans(rng *rand.Rand, n int) (a, s *csvBuf) {
	a, s = pair(n, 48, []string{"id", "location"}, []string{"id", "location"})
	for i := range n {
		var truth, pred []string
		for range rng.IntN(3) {
			st := rng.IntN(900)
			en := st + 1 + rng.IntN(40)
			truth = append(truth, fmt.Sprintf("'%d %d'", st, en))
			if rng.IntN(4) > 0 {
				pred = append(pred, fmt.Sprintf("%d %d", st+rng.IntN(min(5, en-st)), en+rng.IntN(5)))
			}
		}
		a.Int(i).Str("[" + strings.Join(truth, ", ") + "]").End()
		s.Int(i).Str(strings.Join(pred, ";")).End()
	}
	return a, s
}

func genPointsInBoxes(rng *rand.Rand, n int) (a, s *csvBuf) {
	glyphs := []string{"U+306F", "U+304C", "U+3044", "U+3068", "U+3057", "U+306B"}
	a, s = pair(n, 200, []string{"image_id", "labels"}, []string{"image_id", "labels"})
	var boxes, points []string
	for i := range n {
		boxes, points = boxes[:0], points[:0]
		for range rng.IntN(10) {
			g := glyphs[rng.IntN(len(glyphs))]
			bx, by, w, h := rng.IntN(3000), rng.IntN(3000), 5+rng.IntN(60), 5+rng.IntN(60)
			boxes = append(boxes, fmt.Sprintf("%s %d %d %d %d", g, bx, by, w, h))
			if rng.IntN(4) > 0 {
				label := g
				if rng.IntN(5) == 0 {
					label = glyphs[rng.IntN(len(glyphs))]
				}
				points = append(points, fmt.Sprintf("%s %d %d", label, bx+rng.IntN(w+4), by+rng.IntN(h+4)))
			}
		}
		a.Str(fmt.Sprintf("img_%07d", i)).Str(strings.Join(boxes, " ")).End()
		s.Str(fmt.Sprintf("img_%07d", i)).Str(strings.Join(points, " ")).End()
	}
	return a, s
}

func genMultiLabel(rng *rand.Rand, n int) (a, s *csvBuf) {
	h := []string{"fname", "Accordion", "Applause", "Bark", "Bass_drum", "Buzz", "Chirp", "Drip", "Gasp", "Hiss", "Zipper"}
	a, s = pair(n, 100, h, h)
	for i := range n {
		name := fmt.Sprintf("%08x.wav", i)
		a.Str(name)
		s.Str(name)
		hot := rng.IntN(10)
		for c := range 10 {
			y := 0
			if c == hot || rng.IntN(12) == 0 {
				y = 1
			}
			a.Int(y)
			s.Float(math.Round((rng.Float64()+float64(y)*0.5)*50)/50, 2) // ties
		}
		a.End()
		s.End()
	}
	return a, s
}

// genRegression writes positive, skewed targets (prices) and predictions near them, never below 0.
func genRegression(rng *rand.Rand, n int) (a, s *csvBuf) {
	a, s = pair(n, 20, []string{"id", "target"}, []string{"id", "target"})
	for i := range n {
		y := 1 + 100*math.Exp(rng.NormFloat64())
		a.Int(i).Float(y, 4).End()
		s.Int(i).Float(math.Max(0, y+0.3*y*rng.NormFloat64()), 4).End()
	}
	return a, s
}

// genSales writes daily sales counts with zeros, and rounded forecasts.
func genSales(rng *rand.Rand, n int) (a, s *csvBuf) {
	a, s = pair(n, 14, []string{"id", "sales"}, []string{"id", "sales"})
	for i := range n {
		y := math.Floor(rng.ExpFloat64() * 8)
		a.Int(i).Float(y, 0).End()
		s.Int(i).Float(math.Max(0, math.Round(y+rng.NormFloat64()*3)), 0).End()
	}
	return a, s
}

func genRegressionColumns(rng *rand.Rand, n int) (a, s *csvBuf) {
	h := []string{"text_id", "cohesion", "syntax", "vocabulary"}
	a, s = pair(n, 40, h, h)
	for i := range n {
		a.Int(i)
		s.Int(i)
		for range 3 {
			y := 1 + 4*rng.Float64()
			a.Float(y, 3)
			s.Float(math.Max(0, y+0.5*rng.NormFloat64()), 3)
		}
		a.End()
		s.End()
	}
	return a, s
}

func genWeighted(rng *rand.Rand, n int) (a, s *csvBuf) {
	a, s = pair(n, 30, []string{"id", "target", "weight"}, []string{"id", "target"})
	for i := range n {
		y := 100 * math.Exp(rng.NormFloat64())
		a.Int(i).Float(y, 4).Float(rng.ExpFloat64(), 4).End()
		s.Int(i).Float(y+5*rng.NormFloat64(), 4).End()
	}
	return a, s
}

func genCoupling(rng *rand.Rand, n int) (a, s *csvBuf) {
	types := []string{"1JHC", "1JHN", "2JHC", "2JHH", "2JHN", "3JHC", "3JHH", "3JHN"}
	a, s = pair(n, 36, []string{"id", "type", "scalar_coupling_constant"}, []string{"id", "scalar_coupling_constant"})
	for i := range n {
		t := rng.IntN(len(types))
		y := 90*rng.Float64() - 10
		a.Int(i).Str(types[t]).Float(y, 5).End()
		s.Int(i).Float(y+float64(t+1)*0.3*rng.NormFloat64(), 5).End()
	}
	return a, s
}

func genLaplace(rng *rand.Rand, n int) (a, s *csvBuf) {
	a, s = pair(n, 36, []string{"Patient_Week", "FVC"}, []string{"Patient_Week", "FVC", "Confidence"})
	for i := range n {
		pw := fmt.Sprintf("ID%05d_%d", i/150, i%150-12)
		y := math.Round(2500 + 600*rng.NormFloat64())
		a.Str(pw).Float(y, 0).End()
		s.Str(pw).Float(y+250*rng.NormFloat64(), 2).Float(40+300*rng.Float64(), 2).End()
	}
	return a, s
}

func genVotes(rng *rand.Rand, n int) (a, s *csvBuf) {
	h := []string{"eeg_id", "seizure_vote", "lpd_vote", "gpd_vote", "lrda_vote", "grda_vote", "other_vote"}
	a, s = pair(n, 80, h, h)
	var votes, probs [6]float64
	for i := range n {
		a.Int(i)
		s.Int(i)
		votes = [6]float64{}
		for range 1 + rng.IntN(12) {
			votes[rng.IntN(6)]++
		}
		var sum float64
		for c := range probs {
			probs[c] = rng.ExpFloat64() + votes[c]
			sum += probs[c]
		}
		for c := range votes {
			a.Float(votes[c], 0)
			s.Float(probs[c]/sum, 6)
		}
		a.End()
		s.End()
	}
	return a, s
}

func genDirections(rng *rand.Rand, n int) (a, s *csvBuf) {
	h := []string{"event_id", "azimuth", "zenith"}
	a, s = pair(n, 40, h, h)
	for i := range n {
		az, zen := rng.Float64()*2*math.Pi, math.Acos(2*rng.Float64()-1)
		a.Int(i).Float(az, 6).Float(zen, 6).End()
		s.Int(i).Float(az+rng.NormFloat64(), 6).Float(zen+0.5*rng.NormFloat64(), 6).End()
	}
	return a, s
}

// genTrips writes phone traces: 1,000 timestamps per trip, positions within a few metres.
func genTrips(rng *rand.Rand, n int) (a, s *csvBuf) {
	h := []string{"tripId", "UnixTimeMillis", "LatitudeDegrees", "LongitudeDegrees"}
	a, s = pair(n, 80, h, h)
	for i := range n {
		trip := fmt.Sprintf("2021-%02d-%02d-US-SJC/Pixel%d", 1+i/1000%12, 1+i/1000%28, i/1000)
		ms := 1_638_000_000_000 + 1000*(i%1000)
		lat, lon := 37.3+rng.Float64()*0.1, -121.9+rng.Float64()*0.1
		a.Str(trip).Int(ms).Float(lat, 9).Float(lon, 9).End()
		s.Str(trip).Int(ms).Float(lat+rng.NormFloat64()*2e-5, 9).Float(lon+rng.NormFloat64()*2e-5, 9).End()
	}
	return a, s
}

func genBaskets(rng *rand.Rand, n int) (a, s *csvBuf) {
	articles := make([]string, 200)
	for j := range articles {
		articles[j] = fmt.Sprintf("0%09d", 108775015+j*7919)
	}
	pick := func(k int) string {
		out := make([]string, k)
		for j := range out {
			out[j] = articles[rng.IntN(40)+rng.IntN(160)*rng.IntN(2)]
		}
		return strings.Join(out, " ")
	}
	a, s = pair(n, 150, []string{"customer_id", "prediction"}, []string{"customer_id", "prediction"})
	for i := range n {
		id := fmt.Sprintf("%016x", uint64(i)*0x9e3779b97f4a7c15)
		a.Str(id).Str(pick(1 + rng.IntN(6))).End()
		s.Str(id).Str(pick(12)).End()
	}
	return a, s
}

func genCountries(rng *rand.Rand, n int) (a, s *csvBuf) {
	countries := []string{"NDF", "US", "other", "FR", "IT", "GB", "ES", "CA", "DE", "NL", "AU", "PT"}
	a, s = pair(n, 40, []string{"id", "country"}, []string{"id", "country"})
	for i := range n {
		perm := rng.Perm(7)
		pred := make([]string, 5)
		for j := range pred {
			pred[j] = countries[perm[j]]
		}
		a.Int(i).Str(countries[rng.IntN(4)+rng.IntN(2)*rng.IntN(8)]).End()
		s.Int(i).Str(strings.Join(pred, " ")).End()
	}
	return a, s
}

// genCorrelated writes continuous values with some ties on the submission's side.
func genCorrelated(rng *rand.Rand, n int) (a, s *csvBuf) {
	a, s = pair(n, 24, []string{"id", "score"}, []string{"id", "score"})
	for i := range n {
		x := rng.NormFloat64()
		a.Int(i).Float(x, 6).End()
		s.Int(i).Float(x+rng.NormFloat64(), 3).End()
	}
	return a, s
}

// genInChI writes InChI-like strings and predictions a few edits away.
func genInChI(rng *rand.Rand, n int) (a, s *csvBuf) {
	const alphabet = "CHNOSclBrF0123456789()/=+-cbtmsih"
	a, s = pair(n, 120, []string{"image_id", "InChI"}, []string{"image_id", "InChI"})
	for i := range n {
		k := 20 + rng.IntN(60)
		t := make([]byte, 0, k+10)
		t = append(t, "InChI=1S/"...)
		for range k {
			t = append(t, alphabet[rng.IntN(len(alphabet))])
		}
		p := []byte(string(t))
		for range rng.IntN(8) {
			j := 9 + rng.IntN(len(p)-9)
			switch rng.IntN(3) {
			case 0:
				p[j] = alphabet[rng.IntN(len(alphabet))]
			case 1:
				p = append(p[:j], p[j+1:]...)
			default:
				p = append(p[:j], append([]byte{alphabet[rng.IntN(len(alphabet))]}, p[j:]...)...)
			}
		}
		id := fmt.Sprintf("%012x", uint64(i)*2654435761)
		a.Str(id).Str(string(t)).End()
		s.Str(id).Str(string(p)).End()
	}
	return a, s
}

func genTweets(rng *rand.Rand, n int) (a, s *csvBuf) {
	words := []string{"Good", "good", "DAY", "day", "sad", "happy", "so", "very", "not", "fun", "love", "hate", "the", "a",
		"ΟΔΟΣ", "οδος", "!!", "lol", "work", "tired"}
	sentence := func() string {
		ws := make([]string, 1+rng.IntN(8))
		for j := range ws {
			ws[j] = words[rng.IntN(len(words))]
		}
		return strings.Join(ws, " ")
	}
	a, s = pair(n, 60, []string{"textID", "selected_text"}, []string{"textID", "selected_text"})
	for i := range n {
		id := fmt.Sprintf("%010x", uint64(i)*2654435761)
		a.Str(id).Str(sentence()).End()
		s.Str(id).Str(sentence()).End()
	}
	return a, s
}

// rect is a rectangle of pixels [r0, r1) × [c0, c1).
type rect struct{ r0, c0, r1, c1 int }

func randomRect(rng *rand.Rand, h, w int) rect {
	r0, c0 := rng.IntN(h-1), rng.IntN(w-1)
	return rect{r0, c0, r0 + 1 + rng.IntN(h-r0-1), c0 + 1 + rng.IntN(w-c0-1)}
}

// near moves each edge of q by up to d pixels, staying inside h × w.
func near(rng *rand.Rand, q rect, h, w, d int) rect {
	m := func() int { return rng.IntN(2*d+1) - d }
	out := rect{max(0, q.r0+m()), max(0, q.c0+m()), min(h, q.r1+m()), min(w, q.c1+m())}
	if out.r1 <= out.r0 || out.c1 <= out.c0 {
		return q
	}
	return out
}

// encode writes q column-major, 1-based, as "start length" pairs.
func (q rect) encode(h int) string {
	b := make([]byte, 0, (q.c1-q.c0)*12)
	for c := q.c0; c < q.c1; c++ {
		if len(b) > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendInt(b, int64(c*h+q.r0+1), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(q.r1-q.r0), 10)
	}
	return string(b)
}

// maskPair is a truth and a prediction mask of an h × w image: mostly overlapping rectangles,
// sometimes one side or both empty.
func maskPair(rng *rand.Rand, h, w int) (string, string) {
	switch rng.IntN(10) {
	case 0:
		return "", ""
	case 1:
		return randomRect(rng, h, w).encode(h), ""
	case 2:
		return "", randomRect(rng, h, w).encode(h)
	}
	q := randomRect(rng, h, w)
	return q.encode(h), near(rng, q, h, w, 3).encode(h)
}

func genStartLengthMasks(rng *rand.Rand, n int) (a, s *csvBuf) {
	a, s = pair(n, 800, []string{"id", "predicted"}, []string{"id", "predicted"})
	for i := range n {
		t, p := maskPair(rng, 128, 128)
		a.Int(i).Str(t).End()
		s.Int(i).Str(p).End()
	}
	return a, s
}

func genTGS(rng *rand.Rand, n int) (a, s *csvBuf) {
	a, s = pair(n, 600, []string{"id", "rle_mask"}, []string{"id", "rle_mask"})
	for i := range n {
		t, p := maskPair(rng, 101, 101)
		id := fmt.Sprintf("%010x", uint64(i)*2654435761)
		a.Str(id).Str(t).End()
		s.Str(id).Str(p).End()
	}
	return a, s
}

// boxGroups writes k boxes, "conf x y w h" (Global Wheat) or "class conf x1 y1 x2 y2" (VinBigData),
// near the like boxes where there are some.
func boxGroups(rng *rand.Rand, k int, class bool, like [][5]int) (string, [][5]int) {
	var b strings.Builder
	var out [][5]int
	for j := range k {
		x, y, w, h, cl := rng.IntN(900), rng.IntN(900), 20+rng.IntN(100), 20+rng.IntN(100), rng.IntN(15)
		if j < len(like) && rng.IntN(4) > 0 {
			l := like[j]
			x, y, w, h, cl = l[0]+rng.IntN(11)-5, l[1]+rng.IntN(11)-5, l[2]+rng.IntN(7)-3, l[3]+rng.IntN(7)-3, l[4]
		}
		out = append(out, [5]int{x, y, w, h, cl})
		conf := math.Round(rng.Float64()*1000) / 1000
		if j > 0 {
			b.WriteByte(' ')
		}
		if class {
			fmt.Fprintf(&b, "%d %.3f %d %d %d %d", cl, conf, x, y, x+w, y+h)
		} else {
			fmt.Fprintf(&b, "%.3f %d %d %d %d", conf, x, y, w, h)
		}
	}
	return b.String(), out
}

func genWheat(rng *rand.Rand, n int) (a, s *csvBuf) {
	a, s = pair(n, 300, []string{"image_id", "PredictionString"}, []string{"image_id", "PredictionString"})
	for i := range n {
		truth, shapes := boxGroups(rng, rng.IntN(12), false, nil)
		pred, _ := boxGroups(rng, rng.IntN(14), false, shapes)
		id := fmt.Sprintf("%09x", uint64(i)*2654435761)
		a.Str(id).Str(truth).End()
		s.Str(id).Str(pred).End()
	}
	return a, s
}

func genVinBig(rng *rand.Rand, n int) (a, s *csvBuf) {
	a, s = pair(n, 300, []string{"image_id", "PredictionString"}, []string{"image_id", "PredictionString"})
	for i := range n {
		truth, shapes := boxGroups(rng, 1+rng.IntN(5), true, nil)
		pred, _ := boxGroups(rng, rng.IntN(8), true, append(shapes, shapes...))
		id := fmt.Sprintf("%032x", uint64(i)*2654435761)
		a.Str(id).Str(truth).End()
		s.Str(id).Str(pred).End()
	}
	return a, s
}

// genAirbus writes up to three ships per 96 × 96 image in separate column bands, one row per ship;
// an image without ships is one row with an empty mask.
func genAirbus(rng *rand.Rand, n int) (a, s *csvBuf) {
	const side = 96
	h := []string{"ImageId", "EncodedPixels"}
	a, s = pair(n, 500, h, h)
	for i := range n {
		id := fmt.Sprintf("%09x.jpg", uint64(i)*2654435761)
		ships, preds := 0, 0
		for band := range 3 {
			if rng.IntN(2) == 0 {
				continue
			}
			q := randomRect(rng, side, 30)
			q.c0, q.c1 = q.c0+band*32+1, q.c1+band*32+1
			a.Str(id).Str(q.encode(side)).End()
			ships++
			if rng.IntN(4) > 0 {
				p := near(rng, q, side, side, 2)
				p.c0, p.c1 = max(p.c0, band*32+1), min(p.c1, band*32+31)
				if p.c1 <= p.c0 {
					p = q
				}
				s.Str(id).Str(p.encode(side)).End()
				preds++
			}
		}
		if ships == 0 {
			a.Str(id).Str("").End()
		}
		if preds == 0 {
			s.Str(id).Str("").End()
		}
	}
	return a, s
}

// genUWMadison writes volumes of 40 slices, 3 classes each, at 64 × 64: n/120 volumes.
func genUWMadison(rng *rand.Rand, n int) (a, s *csvBuf) {
	const slices, side = 40, 64
	classes := []string{"large_bowel", "small_bowel", "stomach"}
	a, s = pair(n, 500, []string{"id", "class", "predicted", "image_height", "image_width"}, []string{"id", "class", "predicted"})
	for v := range max(1, n/(slices*len(classes))) {
		for sl := range slices {
			id := fmt.Sprintf("case%d_day%d_slice_%04d", 100+v, v%30, sl+1)
			for _, c := range classes {
				t, p := maskPair(rng, side, side)
				a.Str(id).Str(c).Str(t).Int(side).Int(side).End()
				s.Str(id).Str(c).Str(p).End()
			}
		}
	}
	return a, s
}

// biasIdentities are the nine identities Kaggle's Jigsaw bias metric scores.
var biasIdentities = []string{"male", "female", "homosexual_gay_or_lesbian", "christian", "jewish", "muslim", "black", "white",
	"psychiatric_or_mental_illness"}

// genBias writes Jigsaw-shaped answers: a toxicity fraction, and each identity mentioned in about 5%
// of the comments (an empty cell, as in Kaggle's file, in 2%); predictions lean on toxicity and, to
// give the bias AUCs something to measure, on some identities.
func genBias(rng *rand.Rand, n int) (a, s *csvBuf) {
	a, s = pair(n, 80, append([]string{"id", "toxicity"}, biasIdentities...), []string{"id", "prediction"})
	for i := range n {
		tox := 0.0
		if rng.Float64() < 0.08 {
			tox = 0.5 + 0.5*rng.Float64()
		} else if rng.Float64() < 0.2 {
			tox = 0.5 * rng.Float64()
		}
		a.Int(i).Float(tox, 6)
		bias := 0.0
		for j := range biasIdentities {
			switch r := rng.Float64(); {
			case r < 0.02:
				a.Str("")
			case r < 0.07:
				a.Float(0.5+0.5*rng.Float64(), 6)
				bias += 0.1 * float64(j%3)
			default:
				a.Float(0, 0)
			}
		}
		a.End()
		s.Int(i).Float(sigmoid(4*(tox-0.4)+bias+rng.NormFloat64()), 6).End()
	}
	return a, s
}

// genLife writes Conway's reverse game of life: answers with each game's steps and stop board,
// submissions with a start board (random cells, so the score is about the live share).
func genLife(rng *rand.Rand, n int) (a, s *csvBuf) {
	const cells = 25 * 25
	ah, sh := []string{"id", "delta"}, []string{"id"}
	for c := range cells {
		ah = append(ah, fmt.Sprintf("stop_%d", c))
		sh = append(sh, fmt.Sprintf("start_%d", c))
	}
	a, s = pair(n, 2*cells+8, ah, sh)
	for i := range n {
		a.Int(i + 1).Int(1 + rng.IntN(5))
		s.Int(i + 1)
		for range cells {
			a.Int(b2i(rng.Float64() < 0.15))
			s.Int(b2i(rng.Float64() < 0.15))
		}
		a.End()
		s.End()
	}
	return a, s
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
