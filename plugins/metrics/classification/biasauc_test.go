package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/metricfuzz"
	"github.com/mledojo/dojo/plugins/metrics/internal/pyref"
	"github.com/mledojo/dojo/sdk/plugintest"
)

// kaggleIdentities are the nine identities Kaggle's Jigsaw Unintended Bias board scores.
var kaggleIdentities = []any{"male", "female", "homosexual_gay_or_lesbian", "christian", "jewish", "muslim", "black", "white",
	"psychiatric_or_mental_illness"}

// biasRows describes how a random bias_auc file pair is drawn.
type biasRows struct {
	n          int
	identities int
	// mention(i, m, toxic) is identity m's cell of row i: "" (unlabelled), or a fraction of raters.
	mention func(r *rand.Rand, i, m int, toxic bool) string
}

// defaultMention labels about half the rows; of those, identities are mentioned now and then, with
// fractions on both sides of 0.5 and exactly 0.5.
func defaultMention(r *rand.Rand, i, m int, _ bool) string {
	if i%2 == 1 {
		return ""
	}
	return []string{"0.0", "0.0", "0.0", "0.1", "0.3", "0.5", "0.6", "1.0", "0.0", "0.4"}[r.IntN(10)]
}

// writeBiasPair writes answers (id, a comment, toxicity, identities) and a shuffled submission (id,
// prediction): predictions correlate with toxicity, rounded to two digits so ties are common.
func writeBiasPair(t testing.TB, dir string, p core.Params, spec biasRows, r *rand.Rand) (answers, submission string) {
	t.Helper()
	id, _ := p.String("id_column", "id")
	targets, _ := p.Strings("target_columns", []string{"toxicity"})
	predCol, _ := p.String("prediction_column", "prediction")
	identities, _ := p.Strings("identity_columns", nil)
	var a, s strings.Builder
	a.WriteString(strings.Join(append([]string{id, "comment_text", targets[0]}, identities...), ",") + "\n")
	s.WriteString(id + "," + predCol + "\n")
	var subRows []string
	for i := range spec.n {
		rowID := strconv.Itoa(7_000_000 + i)
		tox := []string{"0.0", "0.1", "0.2", "0.4", "0.5", "0.6", "0.8", "1.0", "0.0", "0.0"}[r.IntN(10)]
		toxic := tox >= "0.5"
		cells := []string{rowID, fmt.Sprintf("\"a comment, number %d\"", i), tox}
		for m := range identities {
			cells = append(cells, spec.mention(r, i, m, toxic))
		}
		a.WriteString(strings.Join(cells, ",") + "\n")
		score := r.Float64() * 0.7
		if toxic {
			score += 0.3
		}
		subRows = append(subRows, rowID+","+strconv.FormatFloat(math.Round(score*100)/100, 'g', -1, 64)+"\n")
	}
	r.Shuffle(len(subRows), func(i, j int) { subRows[i], subRows[j] = subRows[j], subRows[i] })
	s.WriteString(strings.Join(subRows, ""))
	answers, submission = filepath.Join(dir, "answers.csv"), filepath.Join(dir, "submission.csv")
	if err := os.WriteFile(answers, []byte(a.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(submission, []byte(s.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return answers, submission
}

// jigsawParams are the registry's params, with changes.
func jigsawParams(kv ...any) map[string]any {
	p := map[string]any{"id_column": "id", "target_columns": []any{"toxicity"}, "prediction_column": "prediction",
		"identity_columns": kaggleIdentities, "threshold": 0.5, "power": -5.0, "weights": []any{0.25, 0.25, 0.25, 0.25}}
	for i := 0; i < len(kv); i += 2 {
		p[kv[i].(string)] = kv[i+1]
	}
	return p
}

// Random answers and submissions, scored by the plugin over gRPC and by
// testdata/bias_auc_reference.py (pandas and scikit-learn's roc_auc_score), to 1e-9: ties,
// unlabelled identities, empty subgroups, subgroups of one class, other powers, weights and
// thresholds.
func TestBiasAUC_AgreesWithTheReference(t *testing.T) {
	pyref.Require(t, "numpy", "pandas", "sklearn.metrics")
	r := rand.New(rand.NewPCG(2019, 7))
	type refCase struct {
		Name       string         `json:"-"`
		Params     map[string]any `json:"params"`
		Answers    string         `json:"answers"`
		Submission string         `json:"submission"`
	}
	never := func(*rand.Rand, int, int, bool) string { return "0.0" }
	cases := []struct {
		name   string
		params map[string]any
		spec   biasRows
	}{
		{"the registry's binding", jigsawParams(), biasRows{n: 600, mention: defaultMention}},
		{"the registry's binding, small", jigsawParams(), biasRows{n: 40, mention: defaultMention}},
		{"an identity nobody mentions (empty subgroup)", jigsawParams(), biasRows{n: 300, mention: func(r *rand.Rand, i, m int, tox bool) string {
			if m == 2 {
				return []string{"", "0.0", "0.2"}[i%3]
			}
			return defaultMention(r, i, m, tox)
		}}},
		{"identities mentioned only in toxic rows (one-class subgroups)", jigsawParams(), biasRows{n: 300, mention: func(r *rand.Rand, i, m int, tox bool) string {
			if m < 3 {
				if tox {
					return "1.0"
				}
				return "0.0"
			}
			return defaultMention(r, i, m, tox)
		}}},
		{"identities mentioned only in non-toxic rows", jigsawParams(), biasRows{n: 300, mention: func(r *rand.Rand, i, m int, tox bool) string {
			if m%2 == 0 && !tox && i%4 == 0 {
				return "0.9"
			}
			if m%2 == 0 {
				return ""
			}
			return defaultMention(r, i, m, tox)
		}}},
		{"no identity mentioned at all: only the overall AUC counts", jigsawParams(), biasRows{n: 200, mention: never}},
		{"every row mentions every identity", jigsawParams(), biasRows{n: 200, mention: func(*rand.Rand, int, int, bool) string { return "1" }}},
		{"power 2, other weights, threshold 0.3", jigsawParams("power", 2.0, "weights", []any{0.1, 0.2, 0.3, 0.4}, "threshold", 0.3),
			biasRows{n: 300, mention: defaultMention}},
		{"power -1 (harmonic), three identities", jigsawParams("power", -1, "identity_columns", []any{"a", "b", "c"}),
			biasRows{n: 150, mention: defaultMention}},
		{"strict, every AUC defined", jigsawParams("undefined_auc", "error", "identity_columns", []any{"a", "b"}),
			biasRows{n: 400, mention: func(r *rand.Rand, i, m int, tox bool) string { return []string{"0", "1"}[r.IntN(2)] }}},
		{"other column names", map[string]any{"id_column": "comment_id", "target_columns": "target", "prediction_column": "score",
			"identity_columns": "x,y"}, biasRows{n: 120, mention: defaultMention}},
	}
	dir := t.TempDir()
	var refs []refCase
	for i, c := range cases {
		d := filepath.Join(dir, strconv.Itoa(i))
		os.Mkdir(d, 0o755)
		a, s := writeBiasPair(t, d, core.Params(c.params), c.spec, r)
		refs = append(refs, refCase{Name: c.name, Params: c.params, Answers: a, Submission: s})
	}
	var want []*float64
	pyref.Run(t, "testdata/bias_auc_reference.py", refs, &want)
	metrics := plugintest.Serve(t, components()...).Metrics
	for i, c := range refs {
		t.Run(c.Name, func(t *testing.T) {
			resp, err := metrics.Component("bias_auc").Score(context.Background(), pluginapi.ScoreRequest{
				Metric: "bias_auc", AnswersPath: c.Answers, SubmissionPath: c.Submission, Params: core.Params(c.Params)})
			if want[i] == nil {
				t.Fatalf("the reference finds an undefined AUC in a case meant to have none")
			}
			if err != nil {
				t.Fatal(err)
			}
			if !pyref.Close(resp.Score, *want[i]) {
				t.Errorf("score %.17g, reference %.17g (extras %v)", resp.Score, *want[i], resp.Extras)
			}
			if resp.Rows != int64(cases[i].spec.n) {
				t.Errorf("rows %d, want %d", resp.Rows, cases[i].spec.n)
			}
		})
	}
}

// A perfect ranking scores w0+w1+w2+w3; the extras say each part.
func TestBiasAUC_PerfectPredictionsScoreTheWeightsSum(t *testing.T) {
	dir := t.TempDir()
	a := "id,toxicity,g1,g2\n1,0.9,1,\n2,0.1,1,0\n3,0.7,0,1\n4,0.0,0,1\n5,0.6,,0\n6,0.2,0.4,0.5\n"
	s := "id,prediction\n6,0.3\n5,0.8\n4,-1\n3,0.75\n2,0.2\n1,1e3\n"
	os.WriteFile(filepath.Join(dir, "a.csv"), []byte(a), 0o644)
	os.WriteFile(filepath.Join(dir, "s.csv"), []byte(s), 0o644)
	resp, err := plugintest.Serve(t, components()...).Metrics.Component("bias_auc").Score(context.Background(), pluginapi.ScoreRequest{
		AnswersPath: filepath.Join(dir, "a.csv"), SubmissionPath: filepath.Join(dir, "s.csv"),
		Params: core.Params{"target_columns": "toxicity", "identity_columns": "g1,g2", "weights": "0.1,0.2,0.3,0.4"}})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(resp.Score-1) > 1e-15 || resp.Rows != 6 {
		t.Fatalf("got %+v, want 1", resp)
	}
	for _, k := range []string{"overall_auc", "subgroup_auc", "bpsn_auc", "bnsp_auc"} {
		if resp.Extras[k] != 1 {
			t.Errorf("extra %s = %v, want 1", k, resp.Extras[k])
		}
	}
	if resp.Extras["undefined_aucs"] != 0 {
		t.Errorf("undefined_aucs = %v", resp.Extras["undefined_aucs"])
	}
}

func TestBiasAUC_RejectsMalformedInputWithTypedErrors(t *testing.T) {
	const answers = "id,toxicity,g1,g2\n1,0.9,1,\n2,0.1,1,0\n3,0.7,0,1\n4,0.0,0,1\n"
	const submission = "id,prediction\n1,0.9\n2,0.1\n3,0.7\n4,0.2\n"
	base := core.Params{"target_columns": "toxicity", "identity_columns": "g1,g2"}
	with := func(kv ...any) core.Params {
		p := core.Params{}
		for k, v := range base {
			p[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			p[kv[i].(string)] = kv[i+1]
		}
		return p
	}
	tests := []struct {
		name, answers, submission string
		params                    core.Params
		want                      core.ErrorType
		says                      string
	}{
		{"no prediction column", answers, "id,toxicity\n1,0.9\n2,0.1\n3,0.7\n4,0.2\n", base, core.TypeSubmissionInvalid, "prediction"},
		{"a NaN prediction", answers, "id,prediction\n1,0.9\n2,nan\n3,0.7\n4,0.2\n", base, core.TypeSubmissionInvalid, "prediction"},
		{"an empty prediction", answers, "id,prediction\n1,0.9\n2,\n3,0.7\n4,0.2\n", base, core.TypeSubmissionInvalid, "prediction"},
		{"a missing id", answers, "id,prediction\n1,0.9\n2,0.1\n3,0.7\n", base, core.TypeSubmissionInvalid, "4"},
		{"an extra column", answers, "id,prediction,toxicity\n1,0.9,1\n2,0.1,1\n3,0.7,1\n4,0.2,1\n", base, core.TypeSubmissionInvalid, "toxicity"},
		{"answers without an identity column", answers, submission, with("identity_columns", "g1,g3"), core.TypeGroundTruth, "g3"},
		{"answers with a word for an identity", strings.Replace(answers, "3,0.7,0,1", "3,0.7,yes,1", 1), submission, base, core.TypeGroundTruth, "yes"},
		{"answers of one class", "id,toxicity,g1,g2\n1,0.9,1,\n2,0.8,1,0\n3,0.7,0,1\n4,0.6,0,1\n", submission, base, core.TypeEvaluation, "toxic"},
		{"answers of one class after the threshold", answers, submission, with("threshold", 2.0), core.TypeEvaluation, "non-toxic"},
		{"strict and an identity of one class", "id,toxicity,g1,g2\n1,0.9,1,1\n2,0.1,1,0\n3,0.7,0,1\n4,0.0,0,0\n", submission,
			with("undefined_auc", "error"), core.TypeEvaluation, "g2"},
		{"no identity_columns", answers, submission, core.Params{"target_columns": "toxicity"}, core.TypeInvalidArgument, "identity_columns"},
		{"no target_columns", answers, submission, core.Params{"identity_columns": "g1"}, core.TypeInvalidArgument, "one target column"},
		{"an identity twice", answers, submission, with("identity_columns", "g1,g1"), core.TypeInvalidArgument, "once"},
		{"power 0", answers, submission, with("power", 0), core.TypeInvalidArgument, "power"},
		{"three weights", answers, submission, with("weights", "0.3,0.3,0.4"), core.TypeInvalidArgument, "weights"},
		{"an unknown undefined_auc", answers, submission, with("undefined_auc", "zero"), core.TypeInvalidArgument, "undefined_auc"},
		{"an unknown param", answers, submission, with("p", -5), core.TypeInvalidArgument, "p"},
	}
	metrics := plugintest.Serve(t, components()...).Metrics
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			a, s := filepath.Join(dir, "a.csv"), filepath.Join(dir, "s.csv")
			os.WriteFile(a, []byte(tc.answers), 0o644)
			os.WriteFile(s, []byte(tc.submission), 0o644)
			_, err := metrics.Component("bias_auc").Score(context.Background(),
				pluginapi.ScoreRequest{AnswersPath: a, SubmissionPath: s, Params: tc.params})
			var e *core.Error
			if !errors.As(err, &e) || e.Type != tc.want {
				t.Fatalf("got %v, want a %s error", err, tc.want)
			}
			if !strings.Contains(e.Message+" "+e.Details, tc.says) {
				t.Errorf("error %q (%s) does not say %q", e.Message, e.Details, tc.says)
			}
		})
	}
}

// biasPair is syntheticPair for bias_auc: answers with the entry's label and identity columns.
func biasPair(t testing.TB, p core.Params) (answers, submission string) {
	t.Helper()
	a, s := writeBiasPair(t, t.TempDir(), p, biasRows{n: 48, mention: defaultMention}, rand.New(rand.NewPCG(1, 2)))
	ab, _ := os.ReadFile(a)
	sb, _ := os.ReadFile(s)
	return string(ab), string(sb)
}

func BenchmarkBiasAUC_KaggleTest(b *testing.B) {
	// Kaggle's private test set: 97,320 comments, nine identities.
	p := core.Params(jigsawParams())
	a, s := writeBiasPair(b, b.TempDir(), p, biasRows{n: 97_320, mention: defaultMention}, rand.New(rand.NewPCG(3, 4)))
	req := pluginapi.ScoreRequest{AnswersPath: a, SubmissionPath: s, Params: p}
	for b.Loop() {
		if _, err := biasAUC(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzBiasAUC scores fuzzed answers and submissions with fuzzed identity columns, threshold and
// power: nothing panics, every rejection is a typed *core.Error, and a score is finite.
func FuzzBiasAUC(f *testing.F) {
	f.Add([]byte("id,toxicity,g1,g2\n1,0.9,1,\n2,0.1,1,0\n3,0.7,0,1\n4,0.0,0,1\n"),
		[]byte("id,prediction\n4,0.2\n3,0.7\n2,0.1\n1,0.9\n"), "g1,g2", 0.5, -5.0, false)
	f.Add([]byte("id,toxicity,g\n1,0.5,nan\n2,0.49,NaN\n3,1,inf\n"), []byte("id,prediction\n1,-0\n2,0\n3,1e308\n"), "g", 0.5, 2.0, true)
	f.Add([]byte("id,toxicity,g\n1,1,1\n2,1,0\n"), []byte("id,prediction\n1,1\n2,1\n"), "g", 0.5, -5.0, false)
	f.Add([]byte("id,toxicity,a,b\n1,0,x,\n2,1,,\n"), []byte("id,prediction\n1,0.1\n2,nan\n"), "a,b,a", 0.0, 0.0, true)
	f.Fuzz(func(t *testing.T, answers, submission []byte, identities string, threshold, power float64, strict bool) {
		dir := t.TempDir()
		a, s := filepath.Join(dir, "answers.csv"), filepath.Join(dir, "submission.csv")
		os.WriteFile(a, answers, 0o600)
		os.WriteFile(s, submission, 0o600)
		params := core.Params{"target_columns": "toxicity", "identity_columns": identities, "threshold": threshold,
			"power": power, "undefined_auc": "skip"}
		if strict {
			params["undefined_auc"] = "error"
		}
		resp, err := biasAUC(context.Background(), pluginapi.ScoreRequest{AnswersPath: a, SubmissionPath: s, Params: params})
		if err != nil {
			metricfuzz.Typed(t, err)
			return
		}
		if math.IsNaN(resp.Score) || resp.Rows <= 0 {
			t.Fatalf("score %v over %d rows", resp.Score, resp.Rows)
		}
	})
}
