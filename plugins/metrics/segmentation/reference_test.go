package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/pyref"
	"github.com/mledojo/dojo/plugins/metrics/internal/rle"
	"github.com/mledojo/dojo/sdk"
	"github.com/mledojo/dojo/sdk/plugintest"
)

// refCase is one scoring of random files, by the plugin and by testdata/reference.py.
type refCase struct {
	Name       string         `json:"-"`
	Metric     string         `json:"metric"`
	Params     map[string]any `json:"params"`
	Answers    string         `json:"answers"`
	Submission string         `json:"submission"`
}

func components() []sdk.Component {
	return []sdk.Component{
		sdk.Metric("dice", sdk.MetricFunc(dice)),
		sdk.Metric("dice_hausdorff", sdk.MetricFunc(diceHausdorff)),
		sdk.Metric("iou_map", sdk.MetricFunc(iouMAP)),
		sdk.Metric("fbeta_iou", sdk.MetricFunc(fbetaIoU)),
	}
}

// writeRows writes a CSV file, the rows shuffled when r is not nil (so alignment is exercised).
func writeRows(t *testing.T, path string, header []string, rows [][]string, r *rand.Rand) {
	t.Helper()
	if r != nil {
		rows = append([][]string(nil), rows...)
		r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	}
	var b strings.Builder
	b.WriteString(strings.Join(header, ",") + "\n")
	for _, row := range rows {
		b.WriteString(strings.Join(row, ",") + "\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// rect is an axis-aligned block of pixels, rows r0..r1-1 and columns c0..c1-1.
type rect struct{ r0, c0, r1, c1 int }

func randomRect(r *rand.Rand, h, w int) rect {
	r0, c0 := r.IntN(h), r.IntN(w)
	return rect{r0, c0, min(h, r0+1+r.IntN(h/2+1)), min(w, c0+1+r.IntN(w/2+1))}
}

// near returns the rectangle moved and resized by up to two pixels, clipped to the image, so its
// IoU with the original spans the thresholds.
func (q rect) near(r *rand.Rand, h, w int) rect {
	d := func() int { return r.IntN(5) - 2 }
	n := rect{max(0, q.r0+d()), max(0, q.c0+d()), min(h, q.r1+d()), min(w, q.c1+d())}
	if n.r1 <= n.r0 || n.c1 <= n.c0 {
		return q
	}
	return n
}

func (q rect) bits(h, w int, order rle.Order) []bool {
	out := make([]bool, h*w)
	for y := q.r0; y < q.r1; y++ {
		for x := q.c0; x < q.c1; x++ {
			if order == rle.ColumnMajor {
				out[x*h+y] = true
			} else {
				out[y*w+x] = true
			}
		}
	}
	return out
}

func encode(bits []bool) string { return rle.Encode(rle.FromBits(bits)) }

func or(a, b []bool) []bool {
	out := make([]bool, len(a))
	for i := range a {
		out[i] = a[i] || b[i]
	}
	return out
}

// maskPair is a random true mask and a prediction near it; a few are empty on either side or both.
func maskPair(r *rand.Rand, h, w int, order rle.Order) (truth, pred string) {
	switch r.IntN(8) {
	case 0:
		return "", ""
	case 1:
		return encode(randomRect(r, h, w).bits(h, w, order)), ""
	case 2:
		return "", encode(randomRect(r, h, w).bits(h, w, order))
	}
	t := randomRect(r, h, w)
	tb, pb := t.bits(h, w, order), t.near(r, h, w).bits(h, w, order)
	if r.IntN(3) == 0 { // a second blob, so runs wrap and intersections split
		tb = or(tb, randomRect(r, h, w).bits(h, w, order))
	}
	return encode(tb), encode(pb)
}

// disjointObjects places up to n non-overlapping rectangles, each near one of like (when given).
func disjointObjects(r *rand.Rand, h, w, n int, like []rect) []rect {
	taken := make([]bool, h*w)
	var out []rect
	for k := range n {
		q := randomRect(r, h, w)
		if k < len(like) {
			q = like[k].near(r, h, w)
		}
		free := true
		for y := q.r0; y < q.r1 && free; y++ {
			for x := q.c0; x < q.c1; x++ {
				if taken[y*w+x] {
					free = false
					break
				}
			}
		}
		if !free {
			continue
		}
		for y := q.r0; y < q.r1; y++ {
			for x := q.c0; x < q.c1; x++ {
				taken[y*w+x] = true
			}
		}
		out = append(out, q)
	}
	return out
}

// boxString writes n random detections, the first ones near the boxes of like (and mostly of
// their classes), and returns the boxes and classes it wrote.
func boxString(r *rand.Rand, n int, class, conf bool, layout string, like [][4]float64, likeClasses []int) (string, [][4]float64, []int) {
	var parts []string
	var boxes [][4]float64
	var classes []int
	for k := range n {
		cl := r.IntN(3)
		if k < len(likeClasses) && r.IntN(4) > 0 {
			cl = likeClasses[k]
		}
		classes = append(classes, cl)
		x, y := float64(r.IntN(30)), float64(r.IntN(30))
		bw, bh := float64(1+r.IntN(12)), float64(1+r.IntN(12))
		if k < len(like) && r.IntN(5) > 0 {
			x, y = like[k][0]+float64(r.IntN(3)-1), like[k][1]+float64(r.IntN(3)-1)
			bw, bh = like[k][2]+float64(r.IntN(3)-1), like[k][3]+float64(r.IntN(3)-1)
			bw, bh = max(bw, 1), max(bh, 1)
		}
		boxes = append(boxes, [4]float64{x, y, bw, bh})
		var g []string
		if class {
			g = append(g, fmt.Sprint(cl))
		}
		if conf {
			g = append(g, fmt.Sprint(math.Round(r.Float64()*10)/10))
		}
		if layout == "xywh" {
			g = append(g, fmt.Sprint(x), fmt.Sprint(y), fmt.Sprint(bw), fmt.Sprint(bh))
		} else {
			g = append(g, fmt.Sprint(x), fmt.Sprint(y), fmt.Sprint(x+bw), fmt.Sprint(y+bh))
		}
		parts = append(parts, strings.Join(g, " "))
	}
	return strings.Join(parts, " "), boxes, classes
}

// referenceCases builds random files for every registry binding of these metrics.
func referenceCases(t *testing.T, dir string, r *rand.Rand) []refCase {
	var cases []refCase
	add := func(name, metric string, params map[string]any, header []string, truth, pred [][]string) {
		a, s := filepath.Join(dir, name+"_answers.csv"), filepath.Join(dir, name+"_submission.csv")
		writeRows(t, a, header, truth, nil)
		sh := header
		if hc, ok := params["shape_columns"].([]any); ok { // the submission has no shape columns
			sh = header[:len(header)-len(hc)]
		}
		writeRows(t, s, sh, pred, r)
		cases = append(cases, refCase{Name: name, Metric: metric, Params: params, Answers: a, Submission: s})
	}
	const n = 120

	// One mask per id: HuBMAP (dice), TGS (iou_map whole masks).
	oneMask := func(order rle.Order, h, w int) (truth, pred [][]string) {
		for i := range n {
			tm, pm := maskPair(r, h, w, order)
			id := fmt.Sprintf("img%03d", i)
			truth, pred = append(truth, []string{id, tm}), append(pred, []string{id, pm})
		}
		return truth, pred
	}
	tr, pr := oneMask(rle.ColumnMajor, 37, 23)
	add("hubmap_dice", "dice", map[string]any{"id_column": "id", "target_columns": []any{"predicted"},
		"rle": "start_length_pairs", "empty_empty": 1.0}, []string{"id", "predicted"}, tr, pr)
	add("dice_skip_empty", "dice", map[string]any{"target_columns": []any{"predicted"}, "skip_empty_empty": true},
		[]string{"id", "predicted"}, tr, pr)
	tr, pr = oneMask(rle.ColumnMajor, 21, 21)
	add("tgs_iou_map", "iou_map", map[string]any{"id_column": "id", "target_columns": []any{"rle_mask"},
		"thresholds": []any{0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95}, "rle": "column_major_1_indexed",
		"shape": []any{21, 21}, "objects": "whole_mask", "empty_empty": 1.0}, []string{"id", "rle_mask"}, tr, pr)

	// One object per row: Airbus (fbeta_iou) and Data Science Bowl style iou_map.
	var atr, apr [][]string
	for i := range n / 2 {
		id := fmt.Sprintf("%08x.jpg", r.Uint32())
		_ = i
		truthObjs := disjointObjects(r, 24, 24, r.IntN(4), nil)
		predObjs := disjointObjects(r, 24, 24, r.IntN(5), truthObjs)
		if len(truthObjs) == 0 {
			atr = append(atr, []string{id, ""})
		}
		for _, q := range truthObjs {
			atr = append(atr, []string{id, encode(q.bits(24, 24, rle.ColumnMajor))})
		}
		if len(predObjs) == 0 || r.IntN(4) == 0 {
			apr = append(apr, []string{id, ""}) // an empty row beside objects means nothing
		}
		for _, q := range predObjs {
			apr = append(apr, []string{id, encode(q.bits(24, 24, rle.ColumnMajor))})
		}
	}
	add("airbus_fbeta_iou", "fbeta_iou", map[string]any{"id_column": "ImageId", "target_columns": []any{"EncodedPixels"},
		"beta": 2.0, "thresholds": []any{0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95},
		"rle": "column_major_1_indexed", "shape": []any{24, 24}, "empty_image_score": 1.0},
		[]string{"ImageId", "EncodedPixels"}, atr, apr)
	add("dsb_iou_map_rows", "iou_map", map[string]any{"target_columns": []any{"EncodedPixels"}, "rle": "column_major_1_indexed",
		"shape": []any{24, 24}, "objects": "rows"}, []string{"ImageId", "EncodedPixels"}, atr, apr)

	// Boxes: Global Wheat per image; SIIM and VinBigData per class.
	var wtr, wpr, vtr, vpr [][]string
	for range n {
		id := fmt.Sprintf("%08x", r.Uint32()) // answers not in id order: VOC pools predictions in id order
		ts, tb, _ := boxString(r, r.IntN(6), false, true, "xywh", nil, nil)
		ps, _, _ := boxString(r, r.IntN(8), false, true, "xywh", tb, nil)
		wtr, wpr = append(wtr, []string{id, ts}), append(wpr, []string{id, ps})
		ts, tb, tc := boxString(r, r.IntN(4), true, true, "xyxy", nil, nil)
		ps, _, _ = boxString(r, r.IntN(6), true, true, "xyxy", append(tb, tb...), append(tc, tc...))
		vtr, vpr = append(vtr, []string{id, ts}), append(vpr, []string{id, ps})
	}
	add("wheat_iou_map", "iou_map", map[string]any{"id_column": "image_id", "target_columns": []any{"PredictionString"},
		"thresholds": []any{0.5, 0.55, 0.6, 0.65, 0.7, 0.75}, "box_format": "conf_xywh", "matching": "by_confidence",
		"precision": "tp_over_tp_fp_fn", "empty_truth_score": 0.0}, []string{"image_id", "PredictionString"}, wtr, wpr)
	add("siim_voc", "iou_map", map[string]any{"id_column": "id", "target_columns": []any{"PredictionString"},
		"thresholds": []any{0.5}, "box_format": "class_conf_xyxy", "ap": "voc_all_points", "matching": "best_iou_any_gt",
		"average": "per_class"}, []string{"id", "PredictionString"}, vtr, vpr)
	add("vinbig_voc", "iou_map", map[string]any{"id_column": "image_id", "target_columns": []any{"PredictionString"},
		"thresholds": []any{0.4}, "box_format": "class_conf_xyxy", "ap": "voc_all_points", "matching": "best_iou_unmatched_gt",
		"average": "per_class", "classes": []any{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}},
		[]string{"image_id", "PredictionString"}, vtr, vpr)
	add("voc_epsilon", "iou_map", map[string]any{"target_columns": []any{"PredictionString"}, "thresholds": []any{0.5},
		"box_format": "class_conf_xyxy", "ap": "voc_all_points", "average": "per_class", "precision_epsilon": 1e-6},
		[]string{"id", "PredictionString"}, vtr, vpr)

	// UW-Madison: three classes per slice, slices of case-days of their own sizes.
	var utr, upr [][]string
	for cd := range 6 {
		h, w := 14+r.IntN(10), 12+r.IntN(10)
		if cd == 0 {
			h, w = 16, 16 // one volume left empty in both files
		}
		for s := range 2 + r.IntN(6) {
			id := fmt.Sprintf("case%d_day%d_slice_%04d", 100+cd, cd%3, s+1)
			for _, class := range []string{"large_bowel", "small_bowel", "stomach"} {
				tm, pm := maskPair(r, h, w, rle.ColumnMajor)
				if cd == 0 {
					tm, pm = "", ""
				}
				utr = append(utr, []string{id, class, tm, fmt.Sprint(h), fmt.Sprint(w)})
				upr = append(upr, []string{id, class, pm})
			}
		}
	}
	add("uw_dice_hausdorff", "dice_hausdorff", map[string]any{"id_column": "id", "target_columns": []any{"predicted"},
		"key_columns": []any{"id", "class"}, "rle": "column_major_1_indexed", "shape_columns": []any{"image_height", "image_width"},
		"dice_weight": 0.4, "hausdorff_weight": 0.6, "skip_empty_empty": true, "volume_from_id": "_slice_",
		"hausdorff_norm": "unit_cube_diagonal"}, []string{"id", "class", "predicted", "image_height", "image_width"}, utr, upr)
	return cases
}

func TestScore_AgreesWithTheReference(t *testing.T) {
	pyref.Require(t, "numpy", "pandas", "scipy.spatial")
	dir := t.TempDir()
	cases := referenceCases(t, dir, rand.New(rand.NewPCG(11, 12)))
	var want []float64
	pyref.Run(t, "testdata/reference.py", cases, &want)
	d := plugintest.Serve(t, components()...)
	for i, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			resp, err := d.Metrics.Component(c.Metric).Score(context.Background(), pluginapi.ScoreRequest{
				Metric: c.Metric, AnswersPath: c.Answers, SubmissionPath: c.Submission, Params: core.Params(c.Params)})
			if err != nil {
				t.Fatal(err)
			}
			if !pyref.Close(resp.Score, want[i]) {
				t.Errorf("score %.17g, reference %.17g", resp.Score, want[i])
			}
		})
	}
}
