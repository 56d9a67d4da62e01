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
