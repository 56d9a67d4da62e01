package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// scoreCase is one `dojo score` run and how the reference computes it.
type scoreCase struct {
	Name       string         `json:"-"`
	Metric     string         `json:"metric"`
	Params     map[string]any `json:"params,omitempty"`
	Shape      string         `json:"shape,omitempty"`
	Answers    string         `json:"answers"`
	Submission string         `json:"submission"`
}

// writeCSV writes header and rows; the submission's rows are shuffled so alignment by id is tested.
func writeCSV(t *testing.T, path string, header []string, rows [][]string, rng *rand.Rand) {
	t.Helper()
	if rng != nil {
		rows = append([][]string(nil), rows...)
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	}
	var b strings.Builder
	b.WriteString(strings.Join(header, ",") + "\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func f(v float64) string { return fmt.Sprintf("%.17g", v) }

// referenceCases builds random inputs for every metric and shape the plugins support.
func referenceCases(t *testing.T, dir string, rng *rand.Rand) []scoreCase {
	const n = 3000
	var cases []scoreCase
	add := func(name, metric string, params map[string]any, shape string, header []string, truth, pred func(i int) []string) {
		a := filepath.Join(dir, name+"_answers.csv")
		s := filepath.Join(dir, name+"_submission.csv")
		var ar, sr [][]string
		for i := range n {
			id := fmt.Sprintf("id%05d", i)
			ar = append(ar, append([]string{id}, truth(i)...))
			sr = append(sr, append([]string{id}, pred(i)...))
		}
		aHeader := header
		if shape == "classes" {
			aHeader = []string{"id", "label"}
		}
		writeCSV(t, a, aHeader, ar, nil)
		writeCSV(t, s, header, sr, rng)
		cases = append(cases, scoreCase{Name: name, Metric: metric, Params: params, Shape: shape, Answers: a, Submission: s})
	}
	bin := make([]float64, n)
	prob := make([]float64, n)
	for i := range n {
		bin[i] = float64(rng.IntN(2))
		prob[i] = math.Round(rng.Float64()*1000) / 1000 // coarse, so ties occur
	}
	prob[0], prob[1] = 0, 1 // exact 0 and 1 exercise clipping
	one := []string{"id", "target"}
	binTruth := func(i int) []string { return []string{f(bin[i])} }
	probPred := func(i int) []string { return []string{f(prob[i])} }
	add("roc_auc_binary", "roc_auc", nil, "", one, binTruth, probPred)
	add("log_loss_binary", "log_loss", nil, "", one, binTruth, probPred)
	add("log_loss_binary_eps", "log_loss", map[string]any{"eps": 1e-15}, "", one, binTruth, probPred)

	labels := []string{"cat", "dog", "ému"}
	lab := make([]int, n)
	for i := range lab {
		lab[i] = rng.IntN(3)
	}
	labPred := func(i int) []string {
		if rng.Float64() < 0.7 {
			return []string{labels[lab[i]]}
		}
		return []string{labels[rng.IntN(3)]}
	}
	add("accuracy_strings", "accuracy", nil, "", one, func(i int) []string { return []string{labels[lab[i]]} }, labPred)
	binPred := func(i int) []string {
		if rng.Float64() < 0.8 {
			return []string{f(bin[i])}
		}
		return []string{f(1 - bin[i])}
	}
	add("f1_binary", "f1", nil, "", one, binTruth, binPred)
	for _, avg := range []string{"macro", "micro", "weighted"} {
		add("f1_"+avg, "f1", map[string]any{"average": avg}, "", one, func(i int) []string { return []string{labels[lab[i]]} }, labPred)
	}

	// One probability column per class against a label column.
	classHeader := []string{"id", "cat", "dog", "ému"}
	classProbs := func(i int) []string {
		w := []float64{rng.Float64() + 0.01, rng.Float64() + 0.01, rng.Float64() + 0.01}
		w[lab[i]] += 0.5
		s := w[0] + w[1] + w[2]
		return []string{f(w[0] / s), f(w[1] / s), f(w[2] / s)}
	}
	labTruth := func(i int) []string { return []string{labels[lab[i]]} }
	add("log_loss_classes", "log_loss", nil, "classes", classHeader, labTruth, classProbs)
	add("roc_auc_ovr", "roc_auc", nil, "classes", classHeader, labTruth, classProbs)

	// One-hot answers with the same columns as the submission.
	oneHot := func(i int) []string {
		r := []string{"0", "0", "0"}
		r[lab[i]] = "1"
		return r
	}
	add("log_loss_onehot", "log_loss", nil, "", classHeader, oneHot, classProbs)
	multi := []string{"id", "a", "b", "c"}
	multiTruth := func(int) []string {
		return []string{f(float64(rng.IntN(2))), f(float64(rng.IntN(2))), f(float64(rng.IntN(2)))}
	}
	multiPred := func(int) []string { return []string{f(rng.Float64()), f(rng.Float64()), f(rng.Float64())} }
	add("roc_auc_columns", "roc_auc", nil, "", multi, multiTruth, multiPred)
	add("log_loss_multilabel", "log_loss", map[string]any{"multilabel": true}, "", multi, multiTruth, multiPred)

	reg := make([]float64, n)
	for i := range reg {
		reg[i] = math.Exp(rng.NormFloat64()) * 100
	}
	regTruth := func(i int) []string { return []string{f(reg[i])} }
	regPred := func(i int) []string { return []string{f(math.Max(0, reg[i]+rng.NormFloat64()*30))} }
	for _, m := range []string{"rmse", "mse", "mae", "r2", "rmsle"} {
		add(m, m, nil, "", one, regTruth, regPred)
	}
	two := []string{"id", "x", "y"}
	add("rmse_two_targets", "rmse", nil, "", two,
		func(i int) []string { return []string{f(reg[i]), f(-reg[i])} },
		func(i int) []string { return []string{f(reg[i] + 1), f(-reg[i] * 1.1)} })

	// The regression families of the MLE-Dojo registry. Their answers often carry columns the
	// submission lacks (groups, weights, filters) and their rows other keys, so addRows takes both
	// files' headers and rows; the submission's rows are shuffled as add's are.
	addRows := func(name, metric string, params map[string]any, aHeader, sHeader []string, row func(i int) (a, s []string)) {
		a := filepath.Join(dir, name+"_answers.csv")
		s := filepath.Join(dir, name+"_submission.csv")
		var ar, sr [][]string
		for i := range n {
			x, y := row(i)
			ar, sr = append(ar, x), append(sr, y)
		}
		writeCSV(t, a, aHeader, ar, nil)
		writeCSV(t, s, sHeader, sr, rng)
		cases = append(cases, scoreCase{Name: name, Metric: metric, Params: params, Answers: a, Submission: s})
	}
	id := func(i int) string { return fmt.Sprintf("id%05d", i) }
	sales := make([]float64, n) // counts with zeros, as daily sales have
	salesPred := make([]float64, n)
	for i := range n {
		sales[i] = math.Floor(rng.ExpFloat64() * 3)
		salesPred[i] = math.Max(0, math.Round(sales[i]+rng.NormFloat64()*2))
	}
	salesTruth := func(i int) []string { return []string{f(sales[i])} }
	salesPredicted := func(i int) []string { return []string{f(salesPred[i])} }
	add("smape_zeros", "smape", nil, "", one, salesTruth, salesPredicted)
	add("smape_zero_zero_scale", "smape", map[string]any{"zero_zero": 2, "scale": 1}, "", one, salesTruth, salesPredicted)
	add("rmspe_zero_truths", "rmspe", nil, "", one, salesTruth, salesPredicted)
	add("medae", "medae", nil, "", one, regTruth, regPred)
	three := []string{"id", "a", "b", "c"}
	threeTruth := func(i int) []string { return []string{f(reg[i]), f(reg[(i+1)%n]), f(reg[(i+2)%n] / 10)} }
	threePred := func(i int) []string {
		return []string{f(math.Abs(reg[i] + rng.NormFloat64()*20)), f(reg[(i+1)%n] * 1.2), f(math.Abs(reg[(i+2)%n]/10 + rng.NormFloat64()))}
	}
	add("mc_rmsle", "mc_rmsle", nil, "", three, threeTruth, threePred)
	add("rmse_pooled", "rmse", map[string]any{"pooled": true}, "", three, threeTruth, threePred)
	add("rmsle_pooled", "rmsle", map[string]any{"aggregation": "pooled"}, "", three, threeTruth, threePred)
	add("rmsle_clip_negative", "rmsle", map[string]any{"clip_negative": true}, "", one,
		func(i int) []string { return []string{f(reg[i] - 50)} },
		func(i int) []string { return []string{f(reg[i] + rng.NormFloat64()*40 - 50)} })
	addRows("mcrmse_filter_keep", "mcrmse", map[string]any{"target_columns": "a,b,c", "filter": "keep == True"},
		[]string{"id", "a", "b", "c", "keep"}, three, func(i int) ([]string, []string) {
			keep := "True"
			if i%3 == 0 {
				keep = "False"
			}
			return append([]string{id(i)}, append(threeTruth(i), keep)...), append([]string{id(i)}, threePred(i)...)
		})
	addRows("mae_filter_u_out", "mae", map[string]any{"target_columns": "pressure", "filter": "u_out == 0"},
		[]string{"id", "pressure", "u_out"}, []string{"id", "pressure"}, func(i int) ([]string, []string) {
			return []string{id(i), f(reg[i]), fmt.Sprint(i % 2)}, []string{id(i), f(reg[i] + rng.NormFloat64()*10)}
		})
	addRows("mae_skip_missing_truth", "mae", map[string]any{"skip_missing_truth": true}, one, one, func(i int) ([]string, []string) {
		truth := f(reg[i])
		if i%5 == 0 {
			truth = ""
		}
		return []string{id(i), truth}, []string{id(i), f(reg[i] + 3)}
	})
	addRows("weighted_mae_column", "weighted_mae", map[string]any{"target_columns": "trade_price", "weights_column": "weight"},
		[]string{"id", "trade_price", "weight"}, []string{"id", "trade_price"}, func(i int) ([]string, []string) {
			return []string{id(i), f(reg[i]), f(rng.ExpFloat64())}, []string{id(i), f(reg[i] + rng.NormFloat64()*5)}
		})
	addRows("weighted_mae_columns_count", "weighted_mae",
		map[string]any{"target_columns": "Predicted", "weights_columns": "Weight_Intraday,Weight_Daily", "normalize": "count"},
		[]string{"Id", "Predicted", "Weight_Intraday", "Weight_Daily"}, []string{"Id", "Predicted"}, func(i int) ([]string, []string) {
			intraday, daily := f(rng.ExpFloat64()*1e6), "0"
			if i%62 >= 60 {
				intraday, daily = "0", f(rng.ExpFloat64()*1e6)
			}
			return []string{id(i), f(rng.NormFloat64() * 0.01), intraday, daily}, []string{id(i), f(rng.NormFloat64() * 0.01)}
		})
	addRows("weighted_mae_holidays", "weighted_mae",
		map[string]any{"target_columns": "Weekly_Sales", "weight_rule": `{"column": "IsHoliday", "weight_if_true": 5, "weight_otherwise": 1}`},
		[]string{"Id", "Weekly_Sales", "IsHoliday"}, []string{"Id", "Weekly_Sales"}, func(i int) ([]string, []string) {
			return []string{id(i), f(reg[i] * 100), fmt.Sprint(i%13 == 0)}, []string{id(i), f(reg[i]*100 + rng.NormFloat64()*500)}
		})
	add("normalized_gini_binary_ties", "normalized_gini", nil, "", one, binTruth, probPred)
	hazard := make([]float64, n)
	for i := range hazard {
		hazard[i] = float64(1 + rng.IntN(3)*rng.IntN(8))
	}
	hazardTruth := func(i int) []string { return []string{f(hazard[i])} }
	hazardPred := func(i int) []string { return []string{f(math.Round(hazard[i] + rng.NormFloat64()*4))} }
	add("normalized_gini_continuous_ties", "normalized_gini", nil, "", one, hazardTruth, hazardPred)
	add("normalized_gini_row_order", "normalized_gini", map[string]any{"ties": "row_order"}, "", one, hazardTruth, hazardPred)
	types := []string{"1JHC", "2JHH", "3JHN", "1JHN"}
	addRows("log_mae_types", "log_mae", map[string]any{"target_columns": "scalar_coupling_constant", "group_column": "type"},
		[]string{"id", "molecule_name", "type", "scalar_coupling_constant"}, []string{"id", "scalar_coupling_constant"},
		func(i int) ([]string, []string) {
			typ := types[i%len(types)]
			pred := reg[i] + rng.NormFloat64()*float64(i%len(types)+1)
			if typ == "1JHN" {
				pred = reg[i] // a perfectly predicted type: its MAE is floored at 1e-9
			}
			return []string{id(i), fmt.Sprintf("m%d", i/7), typ, f(reg[i])}, []string{id(i), f(pred)}
		})
	// OSIC: 30 patients of 100 weeks; answers hold FVC for some weeks only, the rest empty.
	addRows("laplace_osic", "laplace_log_likelihood",
		map[string]any{"target_columns": "FVC", "confidence_column": "Confidence", "sigma_min": 70, "delta_max": 1000,
			"group_column": "Patient", "last_n_per_group": 3},
		[]string{"Patient_Week", "FVC", "Patient", "Confidence"}, []string{"Patient_Week", "FVC", "Confidence"},
		func(i int) ([]string, []string) {
			patient, week := fmt.Sprintf("ID%03d", i/100), i%100-12
			fvc, truth := 2500+reg[i], ""
			if rng.IntN(10) == 0 {
				truth = f(math.Round(fvc))
			}
			conf := f(rng.Float64() * 400)
			if i%17 == 0 {
				conf = "" // a missing confidence counts as 0, then sigma_min
			}
			pw := fmt.Sprintf("%s_%d", patient, week)
			return []string{pw, truth, patient, "100"}, []string{pw, f(fvc + rng.NormFloat64()*300), conf}
		})
	votes := []string{"eeg_id", "seizure_vote", "lpd_vote", "gpd_vote", "lrda_vote", "grda_vote", "other_vote"}
	addRows("kl_divergence_repeated_ids", "kl_divergence",
		map[string]any{"target_columns": strings.Join(votes[1:], ","), "eps": 1e-15, "normalize_truth": true, "duplicate_ids": "align_in_file_order"},
		votes, votes, func(i int) ([]string, []string) {
			a, s := []string{fmt.Sprint(1000 + i/3)}, []string{fmt.Sprint(1000 + i/3)}
			v := make([]float64, 6)
			for range 1 + rng.IntN(12) {
				v[rng.IntN(6)]++
			}
			p := make([]float64, 6)
			var sum float64
			for c := range p {
				p[c] = rng.ExpFloat64() + v[c]
				if c == i%6 {
					p[c] = 0 // clipped to eps
				}
				sum += p[c]
			}
			for c := range v {
				a, s = append(a, f(v[c])), append(s, f(p[c]/sum))
			}
			return a, s
		})
	addRows("mean_angular_error", "mean_angular_error", map[string]any{"target_columns": "azimuth,zenith"},
		[]string{"event_id", "azimuth", "zenith"}, []string{"event_id", "azimuth", "zenith"}, func(i int) ([]string, []string) {
			az, zen := rng.Float64()*2*math.Pi, math.Acos(2*rng.Float64()-1)
			return []string{id(i), f(az), f(zen)}, []string{id(i), f(az + rng.NormFloat64()), f(zen + rng.NormFloat64()*0.5)}
		})
	addRows("haversine_percentile", "haversine_percentile",
		map[string]any{"id_column": "tripId", "target_columns": "LatitudeDegrees,LongitudeDegrees", "key_columns": "tripId,UnixTimeMillis",
			"group_column": "tripId", "percentiles": "50,95", "earth_radius_m": 6371000},
		[]string{"tripId", "UnixTimeMillis", "LatitudeDegrees", "LongitudeDegrees"},
		[]string{"tripId", "UnixTimeMillis", "LatitudeDegrees", "LongitudeDegrees"}, func(i int) ([]string, []string) {
			trip, ms := fmt.Sprintf("2021-12-%02d-US-SJC/Pixel%d", 1+i%7, i%3), fmt.Sprint(1_638_000_000_000+1000*(i/21))
			lat, lon := 37.3+rng.Float64()*0.1, -121.9+rng.Float64()*0.1
			return []string{trip, ms, f(lat), f(lon)}, []string{trip, ms, f(lat + rng.NormFloat64()*2e-5), f(lon + rng.NormFloat64()*2e-5)}
		})
	cases = append(cases, textAndSegmentationCases(t, dir, rng)...)
	cases = append(cases, rankingAndClassificationCases(t, dir, rng)...)
	return cases
}

func TestScore_AgreesWithScikitLearn(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-c", "import sklearn, pandas").Run(); err != nil {
		t.Fatalf("the reference needs scikit-learn and pandas under /usr/bin/python3 (make deps): %v", err)
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 11))
	cases := referenceCases(t, dir, rng)
	input, _ := json.Marshal(cases)
	ref := exec.Command("/usr/bin/python3", "testdata/sklearn_score.py")
	ref.Stdin = strings.NewReader(string(input))
	ref.Stderr = os.Stderr
	out, err := ref.Output()
	if err != nil {
		t.Fatal(err)
	}
	var want []float64
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err, string(out))
	}
	for i, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			args := []string{"score", "--metric", c.Metric, "--answers", c.Answers, "--submission", c.Submission, "--json"}
			for k, v := range c.Params {
				args = append(args, "--param", fmt.Sprintf("%s=%v", k, v))
			}
			r := dojo(t, nil, args...)
			var got struct {
				Valid    bool    `json:"valid"`
				RawScore float64 `json:"raw_score"`
				Error    any     `json:"error"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || !got.Valid {
				t.Fatalf("dojo score: %v %+v %s", err, got, r.stderr)
			}
			if diff := math.Abs(got.RawScore - want[i]); diff > 1e-9*math.Max(1, math.Abs(want[i])) {
				t.Fatalf("dojo %.17g, scikit-learn %.17g (diff %g)", got.RawScore, want[i], diff)
			}
		})
	}
}

func TestScore_ValidationNamesTheProblem(t *testing.T) {
	dir := t.TempDir()
	answers := filepath.Join(dir, "answers.csv")
	if err := os.WriteFile(answers, []byte("id,target\n1,0.5\n2,1.5\n3,2.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, submission string
		valid            bool
		errType, mention string
	}{
		{"accepts shuffled rows", "id,target\n3,2.5\n1,0.5\n2,1.5\n", true, "", ""},
		{"accepts a UTF-8 BOM", "\xEF\xBB\xBFid,target\n1,0.5\n2,1.5\n3,2.5\n", true, "", ""},
		{"accepts CRLF line ends", "id,target\r\n1,0.5\r\n2,1.5\r\n3,2.5\r\n", true, "", ""},
		{"accepts quoted fields", "\"id\",\"target\"\n\"1\",\"0.5\"\n\"2\",1.5\n3,\"2.5\"\n", true, "", ""},
		{"rejects a missing id", "id,target\n1,0.5\n2,1.5\n", false, "submission_invalid", "missing"},
		{"rejects an extra id", "id,target\n1,0.5\n2,1.5\n3,2.5\n4,1\n", false, "submission_invalid", "4"},
		{"rejects a duplicate id", "id,target\n1,0.5\n2,1.5\n2,1.5\n3,2.5\n", false, "submission_invalid", "more than once"},
		{"rejects a missing column", "id,prediction\n1,0.5\n2,1.5\n3,2.5\n", false, "submission_invalid", "target"},
		{"rejects an unexpected column", "id,target,extra\n1,0.5,1\n2,1.5,1\n3,2.5,1\n", false, "submission_invalid", "extra"},
		{"rejects NaN", "id,target\n1,nan\n2,1.5\n3,2.5\n", false, "submission_invalid", "row 1"},
		{"rejects infinity", "id,target\n1,0.5\n2,inf\n3,2.5\n", false, "submission_invalid", "row 2"},
		{"rejects a non-number", "id,target\n1,0.5\n2,1.5\n3,abc\n", false, "submission_invalid", "abc"},
		{"rejects an empty file", "", false, "submission_invalid", "empty"},
		{"rejects a header alone", "id,target\n", false, "submission_invalid", "no data rows"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sub := filepath.Join(dir, fmt.Sprintf("s%d.csv", i))
			if err := os.WriteFile(sub, []byte(c.submission), 0o644); err != nil {
				t.Fatal(err)
			}
			r := dojo(t, nil, "score", "--metric", "rmse", "--answers", answers, "--submission", sub, "--json")
			var got struct {
				Valid bool `json:"valid"`
				Error *struct {
					Type, Message, Details string
				} `json:"error"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
				t.Fatalf("%v: %s %s", err, r.stdout, r.stderr)
			}
			if got.Valid != c.valid || (c.valid && r.code != 0) || (!c.valid && r.code != 1) {
				t.Fatalf("valid %v exit %d, want valid %v: %s", got.Valid, r.code, c.valid, r.stdout)
			}
			if c.valid {
				return
			}
			text := strings.ToLower(got.Error.Message + " " + got.Error.Details)
			if got.Error.Type != c.errType || !strings.Contains(text, strings.ToLower(c.mention)) {
				t.Fatalf("error %+v, want type %s mentioning %q", got.Error, c.errType, c.mention)
			}
		})
	}
}

func TestScore_MissingSubmissionFileIsTyped(t *testing.T) {
	dir := t.TempDir()
	answers := filepath.Join(dir, "answers.csv")
	os.WriteFile(answers, []byte("id,target\n1,1\n"), 0o644)
	r := dojo(t, nil, "score", "--metric", "rmse", "--answers", answers, "--submission", filepath.Join(dir, "nope.csv"), "--json")
	if r.code != 1 || !strings.Contains(r.stdout, `"submission_not_found"`) {
		t.Fatalf("%+v", r)
	}
}

func TestScore_UnknownParamIsAnInvalidArgument(t *testing.T) {
	dir := t.TempDir()
	answers := filepath.Join(dir, "answers.csv")
	os.WriteFile(answers, []byte("id,target\n1,1\n2,2\n"), 0o644)
	r := dojo(t, nil, "score", "--metric", "rmse", "--param", "idcolumn=id", "--answers", answers, "--submission", answers, "--json")
	if r.code != 1 || !strings.Contains(r.stdout, `"invalid_argument"`) || !strings.Contains(r.stdout, "id_column") {
		t.Fatalf("%+v", r)
	}
}

// textAndSegmentationCases are the text and segmentation plugins' registry bindings. Their reference
// is pure Python (edit distances, pixel sets), so they use fewer rows; some need several rows per
// image or composite keys, so they write their files themselves.
func textAndSegmentationCases(t *testing.T, dir string, rng *rand.Rand) []scoreCase {
	const n = 300
	var cases []scoreCase
	write := func(name, metric string, params map[string]any, aHeader, sHeader []string, ar, sr [][]string) {
		a := filepath.Join(dir, name+"_answers.csv")
		s := filepath.Join(dir, name+"_submission.csv")
		writeCSV(t, a, aHeader, ar, nil)
		writeCSV(t, s, sHeader, sr, rng)
		cases = append(cases, scoreCase{Name: name, Metric: metric, Params: params, Answers: a, Submission: s})
	}
	rows := func(name, metric string, params map[string]any, header []string, row func(i int) (a, s string)) {
		var ar, sr [][]string
		for i := range n {
			x, y := row(i)
			id := fmt.Sprintf("id%05d", i)
			ar, sr = append(ar, []string{id, x}), append(sr, []string{id, y})
		}
		write(name, metric, params, header, header, ar, sr)
	}
	// Text: InChI-like strings with a few edits, unicode and empty predictions included.
	alphabet := []rune("CHNOS0123456789()/=+-cbtmsih日本é🙂") // no comma: writeCSV does not quote
	text := func(k int) []rune {
		out := make([]rune, k)
		for i := range out {
			out[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return out
	}
	edit := func(s []rune) []rune {
		out := append([]rune(nil), s...)
		for range rng.IntN(6) {
			if p := rng.IntN(len(out) + 1); rng.IntN(2) == 0 || p == len(out) {
				out = append(out[:p], append([]rune{alphabet[rng.IntN(len(alphabet))]}, out[p:]...)...)
			} else {
				out = append(out[:p], out[p+1:]...)
			}
		}
		return out
	}
	rows("levenshtein_chars", "levenshtein", map[string]any{"id_column": "image_id", "target_columns": "InChI"},
		[]string{"image_id", "InChI"}, func(i int) (string, string) {
			truth := text(5 + rng.IntN(60))
			if i%25 == 0 {
				return string(truth), ""
			}
			return string(truth), string(edit(truth))
		})
	rows("levenshtein_gestures", "levenshtein", map[string]any{"id_column": "Id", "target_columns": "Sequence",
		"tokens": "space_separated_ints", "normalize": "total_truth_length"}, []string{"Id", "Sequence"},
		func(int) (string, string) {
			var truth, pred []string
			for range 1 + rng.IntN(12) {
				g := 1 + rng.IntN(20)
				truth = append(truth, fmt.Sprint(g))
				if rng.IntN(5) > 0 {
					pred = append(pred, fmt.Sprintf("%0*d", 1+rng.IntN(2), g)) // "07" is gesture 7
				}
			}
			return strings.Join(truth, " "), strings.Join(pred, " ")
		})
	words := []string{"Good", "good", "DAY", "day", "sad", "ΟΔΟΣ", "οδος", "happy", "!", "so", "नमस्ते", "வணக்கம்"}
	sentence := func() string {
		var ws []string
		for range rng.IntN(7) {
			ws = append(ws, words[rng.IntN(len(words))])
		}
		return strings.Join(ws, " ")
	}
	jac := func(int) (string, string) { return sentence(), sentence() }
	rows("jaccard_tweets", "jaccard", map[string]any{"id_column": "textID", "target_columns": "selected_text",
		"tokenize": "lower_whitespace", "empty_empty": 0.0}, []string{"textID", "selected_text"}, jac)
	rows("jaccard_chaii", "jaccard", map[string]any{"id_column": "id", "target_columns": "PredictionString",
		"tokenize": "lowercase_whitespace"}, []string{"id", "PredictionString"}, jac)

	// Masks: one rectangle each, written column-major and 1-based, and a prediction near it.
	type rect struct{ r0, c0, r1, c1 int }
	encode := func(q rect, h int) string {
		var parts []string
		for c := q.c0; c < q.c1; c++ {
			parts = append(parts, fmt.Sprintf("%d %d", c*h+q.r0+1, q.r1-q.r0))
		}
		return strings.Join(parts, " ")
	}
	randomRect := func(h, w int) rect {
		r0, c0 := rng.IntN(h-1), rng.IntN(w-1)
		return rect{r0, c0, r0 + 1 + rng.IntN(h-r0-1), c0 + 1 + rng.IntN(w-c0-1)}
	}
	near := func(q rect, h, w int) rect {
		d := func() int { return rng.IntN(3) - 1 }
		n := rect{max(0, q.r0+d()), max(0, q.c0+d()), min(h, q.r1+d()), min(w, q.c1+d())}
		if n.r1 <= n.r0 || n.c1 <= n.c0 {
			return q
		}
		return n
	}
	maskPair := func(h, w int) (string, string) {
		switch rng.IntN(6) {
		case 0:
			return "", ""
		case 1:
			return encode(randomRect(h, w), h), ""
		case 2:
			return "", encode(randomRect(h, w), h)
		}
		q := randomRect(h, w)
		return encode(q, h), encode(near(q, h, w), h)
	}
	rows("dice_hubmap", "dice", map[string]any{"id_column": "id", "target_columns": "predicted", "rle": "start_length_pairs",
		"empty_empty": 1.0}, []string{"id", "predicted"}, func(int) (string, string) { return maskPair(30, 40) })
	rows("iou_map_tgs", "iou_map", map[string]any{"id_column": "id", "target_columns": "rle_mask",
		"thresholds": "0.5,0.55,0.6,0.65,0.7,0.75,0.8,0.85,0.9,0.95", "rle": "column_major_1_indexed", "shape": "21,21",
		"objects": "whole_mask", "empty_empty": 1.0}, []string{"id", "rle_mask"}, func(int) (string, string) { return maskPair(21, 21) })

	// Airbus: up to two ships per image in separate column bands, one row per ship; an image
	// without ships is one row with an empty mask.
	var ar, sr [][]string
	for i := range n / 2 {
		id := fmt.Sprintf("%06x.jpg", i*7919)
		ships, preds := 0, 0
		for band := range 2 {
			if rng.IntN(2) == 0 {
				continue
			}
			q := randomRect(24, 10)
			q.c0, q.c1 = q.c0+band*12+1, q.c1+band*12+1
			ar, ships = append(ar, []string{id, encode(q, 24)}), ships+1
			if rng.IntN(4) > 0 {
				sr, preds = append(sr, []string{id, encode(near(q, 24, 24), 24)}), preds+1
			}
		}
		if ships == 0 {
			ar = append(ar, []string{id, ""})
		}
		if preds == 0 {
			sr = append(sr, []string{id, ""})
		}
	}
	write("fbeta_iou_airbus", "fbeta_iou", map[string]any{"id_column": "ImageId", "target_columns": "EncodedPixels", "beta": 2,
		"rle": "column_major_1_indexed", "shape": "24,24", "empty_image_score": 1.0},
		[]string{"ImageId", "EncodedPixels"}, []string{"ImageId", "EncodedPixels"}, ar, sr)

	// Boxes: Global Wheat (confidence x y w h) per image; VinBigData (class confidence corners) per class.
	boxes := func(k int, class bool, like []string) (string, []string) {
		var groups, out []string
		for j := range k {
			x, y, w, h := rng.IntN(40), rng.IntN(40), 2+rng.IntN(10), 2+rng.IntN(10)
			cl := fmt.Sprint(rng.IntN(3))
			if j < len(like) && rng.IntN(4) > 0 {
				var lx, ly, lw, lh int
				fmt.Sscan(like[j], &cl, &lx, &ly, &lw, &lh)
				x, y, w, h = lx+rng.IntN(3)-1, ly+rng.IntN(3)-1, lw, lh
			}
			out = append(out, fmt.Sprintf("%s %d %d %d %d", cl, x, y, w, h))
			conf := f(math.Round(rng.Float64()*20) / 20)
			if class {
				groups = append(groups, fmt.Sprintf("%s %s %d %d %d %d", cl, conf, x, y, x+w, y+h))
			} else {
				groups = append(groups, fmt.Sprintf("%s %d %d %d %d", conf, x, y, w, h))
			}
		}
		return strings.Join(groups, " "), out
	}
	rows("iou_map_wheat", "iou_map", map[string]any{"id_column": "image_id", "target_columns": "PredictionString",
		"thresholds": "0.5,0.55,0.6,0.65,0.7,0.75", "box_format": "conf_xywh", "matching": "by_confidence",
		"precision": "tp_over_tp_fp_fn", "empty_truth_score": 0.0}, []string{"image_id", "PredictionString"},
		func(int) (string, string) {
			truth, shapes := boxes(rng.IntN(5), false, nil)
			pred, _ := boxes(rng.IntN(7), false, shapes)
			return truth, pred
		})
	rows("iou_map_vinbig", "iou_map", map[string]any{"id_column": "image_id", "target_columns": "PredictionString",
		"thresholds": "0.4", "box_format": "class_conf_xyxy", "ap": "voc_all_points", "matching": "best_iou_unmatched_gt",
		"average": "per_class", "classes": "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14"}, []string{"image_id", "PredictionString"},
		func(int) (string, string) {
			truth, shapes := boxes(1+rng.IntN(3), true, nil)
			pred, _ := boxes(rng.IntN(6), true, append(shapes, shapes...))
			return truth, pred
		})

	// UW-Madison: slices of three classes, each case-day of its own size.
	ar, sr = nil, nil
	for cd := range 5 {
		h, w := 16+rng.IntN(8), 14+rng.IntN(8)
		for s := range 3 + rng.IntN(5) {
			id := fmt.Sprintf("case%d_day%d_slice_%04d", 10+cd, cd, s+1)
			for _, class := range []string{"large_bowel", "small_bowel", "stomach"} {
				truth, pred := maskPair(h, w)
				ar = append(ar, []string{id, class, truth, fmt.Sprint(h), fmt.Sprint(w)})
				sr = append(sr, []string{id, class, pred})
			}
		}
	}
	write("dice_hausdorff_uw", "dice_hausdorff", map[string]any{"id_column": "id", "target_columns": "predicted",
		"key_columns": "id,class", "rle": "column_major_1_indexed", "shape_columns": "image_height,image_width",
		"dice_weight": 0.4, "hausdorff_weight": 0.6, "skip_empty_empty": true, "volume_from_id": "_slice_",
		"hausdorff_norm": "unit_cube_diagonal"},
		[]string{"id", "class", "predicted", "image_height", "image_width"}, []string{"id", "class", "predicted"}, ar, sr)
	return cases
}

// jaccardMetricFile is tweet-sentiment-extraction's metric as a competition would ship it, in
// MLE-Dojo's class style: the python plugin runs it, and it must agree with the built-in jaccard.
const jaccardMetricFile = `
import numpy as np
import pandas as pd
from mledojo.metrics.base import CompetitionMetrics, InvalidSubmissionError


class WordJaccard(CompetitionMetrics):
    def __init__(self, value="selected_text", higher_is_better=True):
        super().__init__(higher_is_better)
        self.value = value

    @staticmethod
    def words(text):
        return set(("" if pd.isna(text) else str(text)).lower().split())

    def evaluate(self, y_true, y_pred):
        merged = y_true.merge(y_pred, on="textID", suffixes=("_t", "_p"))
        scores = []
        for t, p in zip(merged[self.value + "_t"], merged[self.value + "_p"]):
            a, b = self.words(t), self.words(p)
            scores.append(len(a & b) / len(a | b) if a | b else 0.0)
        return float(np.mean(scores))

    def validate_submission(self, submission, ground_truth):
        if sorted(submission.columns) != sorted(ground_truth.columns):
            raise InvalidSubmissionError("submission columns differ from the answers'")
        return "Submission is valid."
`

func TestScore_PythonMetricAgreesWithTheBuiltInJaccard(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-c", "import pandas").Run(); err != nil {
		t.Fatalf("the python metric needs pandas under /usr/bin/python3 (make deps): %v", err)
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(13, 17))
	words := []string{"Good", "good", "DAY", "day", "sad", "happy", "so", "very", "ΟΔΟΣ", "οδος"}
	var ar, sr [][]string
	for i := range 500 {
		sentence := func() string {
			var ws []string
			for range rng.IntN(6) {
				ws = append(ws, words[rng.IntN(len(words))])
			}
			return strings.Join(ws, " ")
		}
		id := fmt.Sprintf("t%04d", i)
		ar, sr = append(ar, []string{id, sentence()}), append(sr, []string{id, sentence()})
	}
	answers, submission := filepath.Join(dir, "answers.csv"), filepath.Join(dir, "submission.csv")
	writeCSV(t, answers, []string{"textID", "selected_text"}, ar, nil)
	writeCSV(t, submission, []string{"textID", "selected_text"}, sr, rng)
	metricFile := filepath.Join(dir, "metric.py")
	if err := os.WriteFile(metricFile, []byte(jaccardMetricFile), 0o644); err != nil {
		t.Fatal(err)
	}
	scoreWith := func(args ...string) float64 {
		t.Helper()
		r := dojo(t, nil, append([]string{"score", "--answers", answers, "--submission", submission, "--json"}, args...)...)
		var got struct {
			Valid    bool    `json:"valid"`
			RawScore float64 `json:"raw_score"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || !got.Valid {
			t.Fatalf("dojo score %v: %v %s %s", args, err, r.stdout, r.stderr)
		}
		return got.RawScore
	}
	python := scoreWith("--metric", "python", "--param", "file="+metricFile)
	builtIn := scoreWith("--metric", "jaccard", "--param", "tokenize=lower_whitespace", "--param", "empty_empty=0")
	if math.Abs(python-builtIn) > 1e-12 {
		t.Fatalf("the competition's own metric scores %.17g, the built-in jaccard %.17g", python, builtIn)
	}
}

// rankingAndClassificationCases are the ranking plugin's families (MAP@K, NDCG@K, the correlations)
// and the classification plugin's competition variants of the MLE-Dojo registry. Their reference
// implements each competition's published definition with pandas, numpy, scipy and scikit-learn;
// the files are written here since many carry lists, spans or several rows per id.
func rankingAndClassificationCases(t *testing.T, dir string, rng *rand.Rand) []scoreCase {
	const n = 2000
	var cases []scoreCase
	write := func(name, metric string, params map[string]any, aHeader, sHeader []string, row func(i int) (a, s []string)) {
		a := filepath.Join(dir, name+"_answers.csv")
		s := filepath.Join(dir, name+"_submission.csv")
		var ar, sr [][]string
		for i := range n {
			x, y := row(i)
			ar, sr = append(ar, x), append(sr, y)
		}
		writeCSV(t, a, aHeader, ar, nil)
		writeCSV(t, s, sHeader, sr, rng)
		cases = append(cases, scoreCase{Name: name, Metric: metric, Params: params, Answers: a, Submission: s})
	}
	// one writes an id column and one value column under the same header in both files.
	one := func(name, metric string, params map[string]any, header []string, row func(i int) (a, s string)) {
		write(name, metric, params, header, header, func(i int) ([]string, []string) {
			x, y := row(i)
			id := fmt.Sprintf("id%05d", i)
			return []string{id, x}, []string{id, y}
		})
	}
	pick := func(items []string, k int, repeats bool) string {
		var out []string
		for len(out) < k {
			it := items[rng.IntN(len(items))]
			if repeats || !strings.Contains(" "+strings.Join(out, " ")+" ", " "+it+" ") {
				out = append(out, it)
			}
		}
		return strings.Join(out, " ")
	}
	letters := []string{"A", "B", "C", "D", "E"}
	articles := []string{"0108775015", "0108775044", "0110065001", "0111565001", "0112679048", "0114428026", "0118458003",
		"0120129001", "0120129014", "0123173001", "0126589006", "0126589007"}

	// Ranked lists.
	one("map_at_3_single", "map_at_k", map[string]any{"k": "3"}, []string{"id", "answer"}, func(int) (string, string) {
		return letters[rng.IntN(5)], pick(letters, rng.IntN(5), true)
	})
	one("map_at_12_baskets", "map_at_k", map[string]any{"k": "12", "value_format": "space_separated_list"},
		[]string{"customer_id", "prediction"}, func(int) (string, string) {
			return pick(articles, 1+rng.IntN(6), true), pick(articles, rng.IntN(14), true)
		})
	countries := []string{"NDF", "US", "other", "FR", "IT", "GB", "ES", "CA", "DE", "NL", "AU", "PT"}
	one("ndcg_at_5_wide", "ndcg_at_k", map[string]any{"k": "5"}, []string{"id", "country"}, func(int) (string, string) {
		return countries[rng.IntN(4)], pick(countries[:6], 5, false)
	})
	{ // long layout: up to five rows per user, ranked by file order
		a := filepath.Join(dir, "ndcg_at_5_long_answers.csv")
		s := filepath.Join(dir, "ndcg_at_5_long_submission.csv")
		var ar, sr [][]string
		for i := range n {
			id := fmt.Sprintf("u%05d", i)
			ar = append(ar, []string{id, countries[rng.IntN(5)]})
			for _, c := range strings.Fields(pick(countries[:7], 1+rng.IntN(5), false)) {
				sr = append(sr, []string{id, c})
			}
		}
		writeCSV(t, a, []string{"id", "country"}, ar, nil)
		writeCSV(t, s, []string{"id", "country"}, sr, nil) // file order ranks a user's countries
		cases = append(cases, scoreCase{Name: "ndcg_at_5_long", Metric: "ndcg_at_k", Params: map[string]any{"k": "5", "layout": "long"},
			Answers: a, Submission: s})
	}

	// Correlations: continuous and tied values, several columns, lists per row, missing truths.
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	corr := func(i int) (string, string) { return f(x[i]), f(x[i] + rng.NormFloat64()) }
	tied := func(i int) (string, string) { return f(math.Round(x[i] * 2)), f(math.Round(x[i] + rng.NormFloat64())) }
	one("spearman_continuous", "spearman", nil, []string{"id", "score"}, corr)
	one("spearman_ties", "spearman", nil, []string{"id", "score"}, tied)
	one("pearson", "pearson", nil, []string{"id", "score"}, corr)
	one("kendall_tau_ties", "kendall_tau", nil, []string{"id", "score"}, tied)
	one("spearman_skip_missing_truth", "spearman", map[string]any{"skip_missing_truth": "true"}, []string{"seq_id", "tm"},
		func(i int) (string, string) {
			a, s := tied(i)
			if i%7 == 0 {
				a = ""
			}
			return a, s
		})
	quest := []string{"qa_id", "question_a", "question_b", "answer_c"}
	write("spearman_columns_nan_as_0", "spearman", map[string]any{"aggregation": "mean_per_column", "nan_as": "0"}, quest, quest,
		func(i int) ([]string, []string) {
			id := fmt.Sprint(1000 + i)
			return []string{id, f(float64(rng.IntN(5)) / 4), "0.5", f(x[i])}, // question_b is constant: correlation undefined
				[]string{id, f(rng.Float64()), f(rng.Float64()), f(x[i] + rng.NormFloat64())}
		})
	one("spearman_per_row", "spearman", map[string]any{"sequence": "space_separated_ints", "aggregation": "mean_per_row"},
		[]string{"setId", "day"}, func(int) (string, string) {
			p := rng.Perm(5)
			return "1 2 3 4 5", fmt.Sprintf("%d %d %d %d %d", p[0]+1, p[1]+1, p[2]+1, p[3]+1, p[4]+1)
		})
	one("kendall_tau_pooled_orders", "kendall_tau", map[string]any{"sequence": "space_separated_ids", "aggregation": "pooled"},
		[]string{"id", "cell_order"}, func(int) (string, string) {
			m := 1 + rng.IntN(12)
			cells := make([]string, m)
			for j := range cells {
				cells[j] = fmt.Sprintf("%08x", rng.Uint32())
			}
			pred := append([]string(nil), cells...)
			for range rng.IntN(m + 1) {
				j := rng.IntN(m)
				k := min(m-1, j+1)
				pred[j], pred[k] = pred[k], pred[j]
			}
			return strings.Join(cells, " "), strings.Join(pred, " ")
		})

	// Labels: kappa, MCC, recall, top-1 error, exact match, F-beta.
	grade := make([]int, n)
	for i := range grade {
		grade[i] = 1 + rng.IntN(6)
	}
	guess := func(i int) int { return min(6, max(1, grade[i]+rng.IntN(3)-1)) }
	one("qwk_union_of_labels", "qwk", nil, []string{"essay_id", "score"}, func(i int) (string, string) {
		g := guess(i)
		if g == 3 {
			g = 4 // grade 3 predicted never, truth often: index and value weights differ
		}
		return fmt.Sprint(grade[i]), fmt.Sprint(g)
	})
	one("qwk_fixed_range", "qwk", map[string]any{"min_rating": "0", "max_rating": "8"}, []string{"Id", "quality"}, func(i int) (string, string) {
		return fmt.Sprint(grade[i]), fmt.Sprint(guess(i))
	})
	one("mcc_binary", "mcc", nil, []string{"contact_id", "contact"}, func(i int) (string, string) {
		y := rng.IntN(4) / 3
		if rng.IntN(5) == 0 {
			return fmt.Sprint(y), fmt.Sprint(1 - y)
		}
		return fmt.Sprint(y), fmt.Sprint(y)
	})
	one("macro_recall", "macro_recall", nil, []string{"id", "target"}, func(i int) (string, string) {
		return fmt.Sprint(grade[i]), fmt.Sprint(guess(i) + rng.IntN(2)) // 7 occurs only in predictions
	})
	components := []string{"grapheme_root", "vowel_diacritic", "consonant_diacritic"}
	write("macro_recall_components", "macro_recall", map[string]any{"component_from_id": "suffix_after_second_underscore",
		"component_weights": `{"grapheme_root": 2, "vowel_diacritic": 1, "consonant_diacritic": 1}`},
		[]string{"row_id", "target"}, []string{"row_id", "target"}, func(i int) ([]string, []string) {
			id := fmt.Sprintf("Test_%d_%s", i/3, components[i%3])
			return []string{id, fmt.Sprint(grade[i] * (1 + i%3))}, []string{id, fmt.Sprint(guess(i) * (1 + i%3))}
		})
	one("top1_error_first_token", "top1_error", map[string]any{"target_columns": "predicted", "first_token": "true"},
		[]string{"id", "predicted"}, func(i int) (string, string) {
			return fmt.Sprint(grade[i]), fmt.Sprintf("%d %d %d", guess(i), grade[i], 9)
		})
	one("exact_match_big_integers", "exact_match", nil, []string{"Id", "Last"}, func(i int) (string, string) {
		v := fmt.Sprintf("%d%010d", 1+rng.IntN(9e8), rng.IntN(1e10))
		switch rng.IntN(3) {
		case 0:
			return v, v[:len(v)-1] + "7" // one digit off: the same float64, not the same integer
		case 1:
			return v, "0" + v
		}
		return v, v
	})
	one("fbeta_macro_beta_2", "fbeta", map[string]any{"beta": "2", "average": "macro"}, []string{"id", "y"}, func(i int) (string, string) {
		return fmt.Sprint(grade[i]), fmt.Sprint(guess(i))
	})

	// Label sets, character spans and points in boxes (F1 variants).
	tags := []string{"c#", "java", "php", "javascript", "android", "jquery", "python", "c++", "iphone", "asp.net"}
	sets := func(int) (string, string) {
		if rng.IntN(20) == 0 {
			return "", ""
		}
		return pick(tags, rng.IntN(4), true), pick(tags, rng.IntN(4), true)
	}
	one("f1_samples_sets", "f1", map[string]any{"average": "samples", "value_format": "space_separated_set"}, []string{"Id", "Tags"}, sets)
	one("f1_samples_sets_empty_empty", "f1", map[string]any{"average": "samples", "value_format": "space_separated_set", "empty_empty": "1"},
		[]string{"posting_id", "matches"}, sets)
	one("f1_micro_sets", "f1", map[string]any{"average": "micro", "value_format": "space_separated_set"}, []string{"id", "attribute_ids"}, sets)
	spans := func(list bool) string {
		var parts []string
		for range rng.IntN(3) {
			s := rng.IntN(300)
			parts = append(parts, fmt.Sprintf("%d %d", s, s+rng.IntN(40)))
		}
		if !list {
			return strings.Join(parts, ";")
		}
		for j := range parts {
			parts[j] = "'" + parts[j] + "'"
		}
		return `"[` + strings.Join(parts, ", ") + `]"` // quoted: writeCSV does not quote, and the list holds commas
	}
	one("f1_char_spans", "f1", map[string]any{"average": "micro", "value_format": "char_spans"}, []string{"id", "location"},
		func(int) (string, string) { return spans(true), spans(false) })
	glyphs := []string{"U+306F", "U+304C", "U+3044", "U+3068"}
	one("f1_points_in_boxes", "f1", map[string]any{"average": "micro", "matching": "point_in_box_same_label", "truth_format": "label_x_y_w_h",
		"submission_format": "label_x_y", "max_predictions_per_row": "1200"}, []string{"image_id", "labels"}, func(int) (string, string) {
		var boxes, points []string
		for range rng.IntN(8) {
			g := glyphs[rng.IntN(len(glyphs))]
			bx, by, w, h := rng.IntN(300), rng.IntN(300), 5+rng.IntN(30), 5+rng.IntN(30)
			boxes = append(boxes, fmt.Sprintf("%s %d %d %d %d", g, bx, by, w, h))
			if rng.IntN(3) > 0 { // inside, on the edge or just outside; mostly the right glyph
				label := g
				if rng.IntN(4) == 0 {
					label = glyphs[rng.IntN(len(glyphs))]
				}
				points = append(points, fmt.Sprintf("%s %d %d", label, bx+rng.IntN(w+2), by+rng.IntN(h+2)))
			}
		}
		return strings.Join(boxes, " "), strings.Join(points, " ")
	})
	write("f1_prediction_column", "f1", map[string]any{"target_columns": "target", "prediction_column": "prediction", "average": "binary",
		"pos_label": "1"}, []string{"qid", "target"}, []string{"qid", "prediction"}, func(i int) ([]string, []string) {
		id := fmt.Sprintf("%020x", i*7919)
		y := rng.IntN(5) / 4
		return []string{id, fmt.Sprint(y)}, []string{id, fmt.Sprint(max(y, rng.IntN(6)/5))}
	})

	// Probabilities: ICR's balanced log loss, normalise-first log loss, LWLRAP, and the ROC AUC variants.
	prob := func() float64 { return rng.Float64() }
	write("balanced_log_loss", "balanced_log_loss", map[string]any{"target_columns": "Class", "classes": "class_0,class_1", "eps": "1e-15"},
		[]string{"Id", "Class"}, []string{"Id", "class_0", "class_1"}, func(i int) ([]string, []string) {
			id := fmt.Sprintf("%012x", i*104729)
			y := rng.IntN(6) / 5
			p := prob()
			switch i {
			case 0:
				p = 0
			case 1:
				p = 1
			}
			return []string{id, fmt.Sprint(y)}, []string{id, f(1 - p), f(p * (1 + rng.Float64()))} // rows need not sum to 1
		})
	fish := []string{"image", "ALB", "BET", "DOL", "LAG", "NoF", "OTHER", "SHARK", "YFT"}
	write("log_loss_normalize_first", "log_loss", map[string]any{"eps": "1e-15", "normalize_first": "true"}, fish, fish,
		func(i int) ([]string, []string) {
			id := fmt.Sprintf("img_%05d.jpg", i)
			a, s := []string{id}, []string{id}
			hot := rng.IntN(8)
			for c := range 8 {
				a = append(a, fmt.Sprint(boolDigit(c == hot)))
				v := prob() * 3
				if c == hot && i%50 == 0 {
					v = 0 // clipped to eps after rescaling
				}
				s = append(s, f(v))
			}
			return a, s
		})
	sounds := []string{"fname", "Accelerating_and_revving_and_vroom", "Accordion", "Acoustic_guitar", "Applause", "Bark", "Zipper_(clothing)"}
	write("lwlrap", "lwlrap", nil, sounds, sounds, func(i int) ([]string, []string) {
		id := fmt.Sprintf("%08x.wav", i)
		a, s := []string{id}, []string{id}
		hot := rng.IntN(6)
		for c := range 6 {
			y := boolDigit(c == hot || rng.IntN(8) == 0)
			a = append(a, fmt.Sprint(y))
			s = append(s, f(math.Round((prob()+float64(y)*0.5)*20)/20)) // ties
		}
		return a, s
	})
	one("roc_auc_alaska2_bands", "roc_auc", map[string]any{"tpr_thresholds": "0,0.4,1", "tpr_weights": "2,1"}, []string{"Id", "Label"},
		func(int) (string, string) {
			y := rng.IntN(2)
			return fmt.Sprint(y), f(float64(y)*0.7 + rng.NormFloat64())
		})
	write("roc_auc_flavours_bands_filter", "roc_auc", map[string]any{"target_columns": "prediction",
		"tpr_thresholds": "0.0,0.2,0.4,0.6,0.8,1.0", "tpr_weights": "2.0,1.5,1.0,0.5,0.0", "filter": "min_ANNmuon > 0.4"},
		[]string{"id", "prediction", "min_ANNmuon"}, []string{"id", "prediction"}, func(i int) ([]string, []string) {
			y := rng.IntN(2)
			return []string{fmt.Sprint(i), fmt.Sprint(y), f(rng.Float64())}, []string{fmt.Sprint(i), f(float64(y)*0.5 + rng.NormFloat64())}
		})
	toxic := []string{"id", "toxic", "severe_toxic", "obscene"}
	write("roc_auc_ignore_minus_one", "roc_auc", map[string]any{"average": "macro", "ignore_rows_with_label": "-1"}, toxic, toxic,
		func(i int) ([]string, []string) {
			id := fmt.Sprintf("%016x", i*15485863)
			a, s := []string{id}, []string{id}
			for range 3 {
				y := rng.IntN(3) / 2
				if i%4 == 0 {
					y = -1 // Kaggle's unscored test rows
				}
				a, s = append(a, fmt.Sprint(y)), append(s, f(math.Round(prob()*100)/100))
			}
			return a, s
		})
	leaves := []string{"image_id", "healthy", "multiple_diseases", "rust"}
	write("roc_auc_single_class_column", "roc_auc", map[string]any{"average": "macro", "single_class_auc": "0.5"}, leaves, leaves,
		func(i int) ([]string, []string) {
			id := fmt.Sprintf("Test_%d", i)
			hot := rng.IntN(2) * 2 // multiple_diseases never occurs
			a, s := []string{id}, []string{id}
			for c := range 3 {
				a, s = append(a, fmt.Sprint(boolDigit(c == hot))), append(s, f(prob()))
			}
			return a, s
		})
	{ // Detecting Insults: rows matched by position; the comment texts repeat
		a := filepath.Join(dir, "roc_auc_row_order_answers.csv")
		s := filepath.Join(dir, "roc_auc_row_order_submission.csv")
		var ar, sr [][]string
		for i := range n {
			comment := fmt.Sprintf("comment number %d", i%97)
			y := rng.IntN(2)
			ar, sr = append(ar, []string{comment, fmt.Sprint(y)}), append(sr, []string{comment, f(float64(y)*0.3 + prob())})
		}
		writeCSV(t, a, []string{"Comment", "Insult"}, ar, nil)
		writeCSV(t, s, []string{"Comment", "Insult"}, sr, nil) // same order: no shuffle
		cases = append(cases, scoreCase{Name: "roc_auc_row_order", Metric: "roc_auc",
			Params: map[string]any{"id_column": "Comment", "target_columns": "Insult", "align": "row_order"}, Answers: a, Submission: s})
	}
	return cases
}

func boolDigit(b bool) int {
	if b {
		return 1
	}
	return 0
}
