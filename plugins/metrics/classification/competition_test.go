package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/score"
	"github.com/mledojo/dojo/sdk/plugintest"
)

// scoreFiles writes answers and submission and scores them with the named metric over gRPC.
func scoreFiles(t *testing.T, metric string, params core.Params, answers, submission string) (pluginapi.ScoreResponse, error) {
	t.Helper()
	dir := t.TempDir()
	a, s := filepath.Join(dir, "answers.csv"), filepath.Join(dir, "submission.csv")
	if err := os.WriteFile(a, []byte(answers), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s, []byte(submission), 0o644); err != nil {
		t.Fatal(err)
	}
	m := plugintest.Serve(t, components()...).Metrics.Component(metric)
	return m.Score(context.Background(), pluginapi.ScoreRequest{AnswersPath: a, SubmissionPath: s, Params: params})
}

func assertScore(t *testing.T, resp pluginapi.ScoreResponse, err error, want float64) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(resp.Score-want) > 1e-12*math.Max(1, math.Abs(want)) {
		t.Errorf("score %.17g, want %.17g", resp.Score, want)
	}
}

// assertError checks the error's type and that its message or details mention each of mention.
func assertError(t *testing.T, err error, want core.ErrorType, mention ...string) {
	t.Helper()
	e := core.AsError(err)
	if e == nil || e.Type != want {
		t.Fatalf("got %v; want an error of type %s", err, want)
	}
	for _, m := range mention {
		if !strings.Contains(e.Message+" "+e.Details, m) {
			t.Errorf("error %q (details %q) does not mention %q", e.Message, e.Details, m)
		}
	}
}

func TestQWK_FixedRangeWeighsByRatingValue(t *testing.T) {
	// Grade 2 is used by neither column: sklearn's label union weighs 1 against 3 as neighbours,
	// Kaggle's fixed range as two grades apart.
	answers := "id,grade\n1,1\n2,3\n3,3\n4,1\n5,4\n"
	submission := "id,grade\n1,3\n2,3\n3,1\n4,1\n5,3\n"
	union := must(score.QuadraticWeightedKappa([]int{0, 1, 1, 0, 2}, []int{1, 1, 0, 0, 1}))
	fixed := must(score.QuadraticWeightedKappa([]int{1, 3, 3, 1, 4}, []int{3, 3, 1, 1, 3}))
	resp, err := scoreFiles(t, "qwk", nil, answers, submission)
	assertScore(t, resp, err, union)
	resp, err = scoreFiles(t, "qwk", core.Params{"min_rating": 0, "max_rating": 4}, answers, submission)
	assertScore(t, resp, err, fixed)
	if union == fixed {
		t.Fatal("the case does not tell the definitions apart")
	}
	_, err = scoreFiles(t, "qwk", core.Params{"min_rating": 0, "max_rating": 4}, answers, strings.Replace(submission, "5,3", "5,7", 1))
	assertError(t, err, core.TypeSubmissionInvalid, `"5"`, `"7"`)
	_, err = scoreFiles(t, "qwk", core.Params{"min_rating": 0, "max_rating": 4}, answers, strings.Replace(submission, "5,3", "5,2.5", 1))
	assertError(t, err, core.TypeSubmissionInvalid, "integer")
	_, err = scoreFiles(t, "qwk", core.Params{"min_rating": 0}, answers, submission)
	assertError(t, err, core.TypeInvalidArgument)
}

func must(v float64, err error) float64 {
	if err != nil {
		panic(err)
	}
	return v
}

func TestMacroRecall_WeighsComponentsNamedByID(t *testing.T) {
	answers := "row_id,target\nTest_0_grapheme_root,1\nTest_0_vowel_diacritic,0\nTest_1_grapheme_root,2\nTest_1_vowel_diacritic,1\n" +
		"Test_2_grapheme_root,1\nTest_2_vowel_diacritic,1\n"
	submission := "row_id,target\nTest_0_grapheme_root,1\nTest_0_vowel_diacritic,1\nTest_1_grapheme_root,1\nTest_1_vowel_diacritic,1\n" +
		"Test_2_grapheme_root,1\nTest_2_vowel_diacritic,1\n"
	params := core.Params{"component_from_id": "suffix_after_second_underscore",
		"component_weights": map[string]any{"grapheme_root": 2, "vowel_diacritic": 1}}
	root := (1.0 + 0) / 2  // label 1: 2/2, label 2: 0/1
	vowel := (0.0 + 1) / 2 // label 0: 0/1, label 1: 2/2
	resp, err := scoreFiles(t, "macro_recall", params, answers, submission)
	assertScore(t, resp, err, (2*root+vowel)/3)
	params["component_weights"] = `{"grapheme_root": 2, "consonant_diacritic": 1}`
	_, err = scoreFiles(t, "macro_recall", params, answers, submission)
	assertError(t, err, core.TypeGroundTruth, "consonant_diacritic")
}

func TestTop1Error_FirstTokenCounts(t *testing.T) {
	answers := "id,predicted\n1,5\n2,7\n3,9\n"
	submission := "id,predicted\n1,5 7 9\n2,9 7\n3,\n"
	resp, err := scoreFiles(t, "top1_error", core.Params{"first_token": true}, answers, submission)
	assertScore(t, resp, err, 2.0/3)
	resp, err = scoreFiles(t, "top1_error", nil, answers, "id,predicted\n1,5.0\n2,7\n3,8\n")
	assertScore(t, resp, err, 1.0/3)
}

func TestExactMatch_ComparesSpellingNotNumbers(t *testing.T) {
	answers := "Id,Last\n1,12345678901234567890\n2,007\n3,5\n"
	submission := "Id,Last\n1,12345678901234567891\n2,7\n3,5\n"
	resp, err := scoreFiles(t, "exact_match", nil, answers, submission)
	assertScore(t, resp, err, 1.0/3)
	// accuracy reads numbers as float64, where the two big integers are one value.
	resp, err = scoreFiles(t, "accuracy", nil, answers, submission)
	assertScore(t, resp, err, 1)
}

func TestMCC_MatchesTheFormula(t *testing.T) {
	resp, err := scoreFiles(t, "mcc", nil, "id,contact\n1,1\n2,1\n3,0\n4,0\n5,0\n", "id,contact\n1,1\n2,0\n3,0\n4,1\n5,0\n")
	// tp=1, tn=2, fp=1, fn=1
	assertScore(t, resp, err, (1.0*2-1*1)/math.Sqrt(2*2*3*3))
}

func TestFBeta_RLEMasksNameTheBadRow(t *testing.T) {
	answers := "Id,Predicted\na,1 4\nb,10 2\n"
	params := core.Params{"beta": 0.5, "rle": "start_length_pairs", "aggregation": "mean_per_row", "empty_precision": 1.0, "empty_recall": 1.0}
	resp, err := scoreFiles(t, "fbeta", params, answers, "Id,Predicted\na,3 4\nb,\n")
	// a: tp 2 of 4 predicted and 4 true; b: nothing predicted, precision 1 by the param, recall 0.
	p, r := 0.5, 0.5
	assertScore(t, resp, err, (1.25*p*r/(0.25*p+r)+0)/2)
	_, err = scoreFiles(t, "fbeta", params, answers, "Id,Predicted\na,3 4\nb,5 0\n")
	assertError(t, err, core.TypeSubmissionInvalid, `id "b"`)
	_, err = scoreFiles(t, "fbeta", core.Params{"empty_recall": 1.0}, answers, "Id,Predicted\na,3 4\nb,5 0\n")
	assertError(t, err, core.TypeInvalidArgument, "rle")
}

func TestF1_LabelSetsWithEmptyRowsAndRenamedColumn(t *testing.T) {
	answers := "posting_id,matches\np1,p1 p2\np2,p2 p1\np3,\n"
	submission := "posting_id,matches\np1,p1\np2,p2 p1 p1\np3,\n"
	params := core.Params{"average": "samples", "value_format": "space_separated_set", "empty_empty": 1.0}
	resp, err := scoreFiles(t, "f1", params, answers, submission)
	assertScore(t, resp, err, (2.0/3+1+1)/3)
	delete(params, "empty_empty")
	resp, err = scoreFiles(t, "f1", params, answers, submission)
	assertScore(t, resp, err, (2.0/3+1+0)/3)

	resp, err = scoreFiles(t, "f1", core.Params{"target_columns": []any{"target"}, "prediction_column": "prediction", "average": "binary", "pos_label": "1"},
		"qid,target\na,1\nb,0\nc,1\n", "qid,prediction\nc,1\na,0\nb,0\n")
	assertScore(t, resp, err, 2*1*0.5/1.5)
}

func TestF1_SpansAndPointsNameTheBadRow(t *testing.T) {
	_, err := scoreFiles(t, "f1", core.Params{"average": "micro", "value_format": "char_spans"},
		"id,location\nn1,['1 5']\nn2,[]\n", "id,location\nn1,1 5\nn2,9 3\n")
	assertError(t, err, core.TypeSubmissionInvalid, `id "n2"`)
	params := core.Params{"average": "micro", "matching": "point_in_box_same_label", "truth_format": "label_x_y_w_h",
		"submission_format": "label_x_y", "max_predictions_per_row": 2}
	resp, err := scoreFiles(t, "f1", params, "image_id,labels\ni1,U+1 0 0 10 10 U+2 0 0 10 10\ni2,\n", "image_id,labels\ni1,U+1 5 5 U+1 6 6\ni2,\n")
	// one match, one false positive, one missed box.
	assertScore(t, resp, err, 0.5)
	_, err = scoreFiles(t, "f1", params, "image_id,labels\ni1,\ni2,\n", "image_id,labels\ni1,\ni2,U+1 1 1 U+1 2 2 U+1 3 3\n")
	assertError(t, err, core.TypeSubmissionInvalid, `id "i2"`, "at most 2")
}

func TestROCAUC_WeightedBandsAndCompetitionOptions(t *testing.T) {
	answers := "id,label\n1,0\n2,1\n3,0\n4,1\n5,1\n6,0\n"
	submission := "id,label\n1,0.1\n2,0.8\n3,0.6\n4,0.4\n5,0.9\n6,0.3\n"
	y := []float64{0, 1, 0, 1, 1, 0}
	s := []float64{0.1, 0.8, 0.6, 0.4, 0.9, 0.3}
	want := must(score.WeightedROCAUC(y, s, []float64{0, 0.4, 1}, []float64{2, 1}))
	resp, err := scoreFiles(t, "roc_auc", core.Params{"tpr_thresholds": []any{0.0, 0.4, 1.0}, "tpr_weights": []any{2, 1}}, answers, submission)
	assertScore(t, resp, err, want)
	resp, err = scoreFiles(t, "roc_auc", core.Params{"tpr_thresholds": "0,0.4,1", "tpr_weights": "2,1"}, answers, submission)
	assertScore(t, resp, err, want)

	// A filter on an answers column keeps rows 2-5.
	filtered := "id,label,min_ANNmuon\n1,0,0.1\n2,1,0.5\n3,0,0.9\n4,1,0.7\n5,1,0.3\n6,0,0.8\n"
	resp, err = scoreFiles(t, "roc_auc", core.Params{"target_columns": []any{"label"}, "filter": map[string]any{"column": "min_ANNmuon", "op": ">", "value": 0.4}},
		filtered, submission)
	assertScore(t, resp, err, must(score.ROCAUC([]float64{1, 0, 1, 0}, []float64{0.8, 0.6, 0.4, 0.3})))
}

func TestROCAUC_SingleClassColumnsAndIgnoredRows(t *testing.T) {
	answers := "id,a,b\n1,1,0\n2,0,0\n3,1,0\n4,-1,-1\n"
	submission := "id,a,b\n1,0.9,0.2\n2,0.1,0.3\n3,0.4,0.1\n4,0.5,0.5\n"
	_, err := scoreFiles(t, "roc_auc", core.Params{"ignore_rows_with_label": -1}, answers, submission)
	assertError(t, err, core.TypeEvaluation, "one class")
	resp, err := scoreFiles(t, "roc_auc", core.Params{"ignore_rows_with_label": -1, "single_class_auc": 0.5}, answers, submission)
	assertScore(t, resp, err, (1+0.5)/2)
	_, err = scoreFiles(t, "roc_auc", nil, answers, submission)
	assertError(t, err, core.TypeGroundTruth)
}

func TestROCAUC_RowOrderAlignmentNeedsTheSameOrder(t *testing.T) {
	answers := "Comment,Insult\nyou,1\nhello,0\nyou,0\nidiot,1\n"
	params := core.Params{"id_column": "Comment", "target_columns": []any{"Insult"}, "align": "row_order"}
	resp, err := scoreFiles(t, "roc_auc", params, answers, "Comment,Insult\nyou,0.9\nhello,0.2\nyou,0.4\nidiot,0.3\n")
	assertScore(t, resp, err, must(score.ROCAUC([]float64{1, 0, 0, 1}, []float64{0.9, 0.2, 0.4, 0.3})))
	_, err = scoreFiles(t, "roc_auc", params, answers, "Comment,Insult\nhello,0.2\nyou,0.9\nyou,0.4\nidiot,0.3\n")
	assertError(t, err, core.TypeSubmissionInvalid, "row 1", "position")
}

func TestLogLoss_NormalizeFirstRescalesBeforeClipping(t *testing.T) {
	answers := "image,A,B,C\ni1,1,0,0\ni2,0,0,1\n"
	submission := "image,A,B,C\ni1,2,1,1\ni2,0,0.5,0\n"
	want := must(score.RescaledLogLoss([]int{0, 2}, []float64{2, 1, 1, 0, 0.5, 0}, 3, 1e-15))
	resp, err := scoreFiles(t, "log_loss", core.Params{"eps": 1e-15, "normalize_first": true}, answers, submission)
	assertScore(t, resp, err, want)
	_, err = scoreFiles(t, "log_loss", core.Params{"normalize_first": true}, answers, "image,A,B,C\ni1,2,-1,1\ni2,0,0.5,0\n")
	assertError(t, err, core.TypeSubmissionInvalid, "negative", `id "i1"`)
}

func TestBalancedLogLoss_ClassPositionsAgainstNamedColumns(t *testing.T) {
	answers := "Id,Class\na,0\nb,1\nc,0\n"
	submission := "Id,class_0,class_1\na,0.9,0.1\nb,0.4,0.6\nc,0.5,0.5\n"
	want := (-(math.Log(0.9)+math.Log(0.5))/2 - math.Log(0.6)) / 2
	resp, err := scoreFiles(t, "balanced_log_loss", core.Params{"target_columns": []any{"Class"}, "classes": []any{"class_0", "class_1"}, "eps": 1e-15},
		answers, submission)
	assertScore(t, resp, err, want)
}

func TestLWLRAP_ScoresManyHotColumns(t *testing.T) {
	answers := "fname,a,b,c\nf1,1,0,1\nf2,0,1,0\n"
	submission := "fname,a,b,c\nf1,0.9,0.5,0.1\nf2,0.2,0.3,0.7\n"
	// f1: a ranked 1st (1/1), c 3rd with 2 true at or above (2/3); f2: b 2nd (1/2).
	resp, err := scoreFiles(t, "lwlrap", nil, answers, submission)
	assertScore(t, resp, err, (1+2.0/3+0.5)/3)
}

func TestComponents_SchemasAreJSONObjects(t *testing.T) {
	for _, c := range components() {
		info := c.Info()
		var v map[string]any
		if err := json.Unmarshal(info.ConfigSchema, &v); err != nil {
			t.Errorf("%s: schema is not a JSON object: %v\n%s", info.Name, err, info.ConfigSchema)
		}
	}
}
