package score

import (
	"testing"

	"github.com/mledojo/dojo/core"
)

func TestLabelMetrics_MatchSklearn(t *testing.T) {
	r := newRand(131)
	binary := stringLabels(r, 10_000, "0", "1")
	multi := stringLabels(r, 10_000, "a", "b", "c", "d")
	var names []string
	for c := 'a'; c <= 'p'; c++ {
		names = append(names, "root-"+string(c))
	}
	many := stringLabels(r, 10_000, names...)
	large := stringLabels(r, largeN(), "0", "1")
	tests := []struct {
		name         string
		yTrue, yPred []string
	}{
		{name: "binary contact labels", yTrue: binary, yPred: corrupt(r, binary, 0.3, "0", "1")},
		{name: "four classes", yTrue: multi, yPred: corrupt(r, multi, 0.4, "a", "b", "c", "d")},
		{name: "a label only the predictions use", yTrue: multi, yPred: corrupt(r, multi, 0.2, "e")},
		{name: "many classes", yTrue: many, yPred: corrupt(r, many, 0.5, names...)},
		{name: "constant predictions", yTrue: binary, yPred: stringLabels(r, len(binary), "1")},
		{name: "perfect predictions", yTrue: multi, yPred: multi},
		{name: "a million rows", yTrue: large, yPred: corrupt(r, large, 0.2, "0", "1")},
	}
	b := newSklearnBatch(t)
	type want struct{ mcc, recall, f2, fhalf *refResult }
	wants := make([]want, len(tests))
	for i, tc := range tests {
		yt, yp := strs(tc.yTrue), strs(tc.yPred)
		wants[i] = want{
			b.call("matthews_corrcoef", nil, yt, yp),
			b.call("recall_score", map[string]any{"average": "macro"}, yt, yp),
			b.call("fbeta_score", map[string]any{"beta": 2, "average": "macro"}, yt, yp),
			b.call("fbeta_score", map[string]any{"beta": 0.5, "average": "weighted"}, yt, yp),
		}
	}
	b.run()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MCC(tc.yTrue, tc.yPred)
			assertMatchesSklearn(t, got, err, wants[i].mcc, "")
			got, err = MacroRecall(tc.yTrue, tc.yPred)
			assertMatchesSklearn(t, got, err, wants[i].recall, "")
			got, err = FBeta(tc.yTrue, tc.yPred, 2, AverageMacro, "")
			assertMatchesSklearn(t, got, err, wants[i].f2, "")
			got, err = FBeta(tc.yTrue, tc.yPred, 0.5, AverageWeighted, "")
			assertMatchesSklearn(t, got, err, wants[i].fhalf, "")
		})
	}
}

func TestFBeta_BinaryAndMicroMatchSklearn(t *testing.T) {
	r := newRand(132)
	binary := stringLabels(r, 10_000, "neg", "pos")
	pred := corrupt(r, binary, 0.3, "neg", "pos")
	multi := stringLabels(r, 10_000, "a", "b", "c")
	multiPred := corrupt(r, multi, 0.3, "a", "b", "c")
	b := newSklearnBatch(t)
	binWant := b.call("fbeta_score", map[string]any{"beta": 0.5, "pos_label": "pos"}, strs(binary), strs(pred))
	microWant := b.call("fbeta_score", map[string]any{"beta": 3, "average": "micro"}, strs(multi), strs(multiPred))
	one := b.call("f1_score", map[string]any{"average": "macro"}, strs(multi), strs(multiPred))
	b.run()
	got, err := FBeta(binary, pred, 0.5, AverageBinary, "pos")
	assertMatchesSklearn(t, got, err, binWant, "")
	got, err = FBeta(multi, multiPred, 3, AverageMicro, "")
	assertMatchesSklearn(t, got, err, microWant, "")
	got, err = FBeta(multi, multiPred, 1, AverageMacro, "")
	assertMatchesSklearn(t, got, err, one, "")
}

func TestLabelMetrics_RejectBadArguments(t *testing.T) {
	_, err := FBeta([]string{"a"}, []string{"a"}, 0, AverageMacro, "")
	assertErrorType(t, err, core.TypeInvalidArgument)
	_, err = FBeta([]string{"a"}, []string{"a"}, 1, AverageSamples, "")
	assertErrorType(t, err, core.TypeInvalidArgument)
	_, err = MCC(nil, nil)
	assertErrorType(t, err, core.TypeEvaluation)
	_, err = MacroRecall([]string{"a"}, nil)
	assertErrorType(t, err, core.TypeInvalidArgument)
}
