package score

import (
	"testing"

	"github.com/mledojo/dojo/core"
)

func TestAccuracy_MatchesSklearn(t *testing.T) {
	r := newRand(5)
	truth := stringLabels(r, 10_000, "cat", "dog", "émeu")
	large := stringLabels(r, largeN(), "a", "b", "c", "d")
	tests := []struct {
		name         string
		yTrue, yPred []string
	}{
		{name: "noisy predictions", yTrue: truth, yPred: corrupt(r, truth, 0.4, "cat", "dog", "émeu")},
		{name: "perfect predictions", yTrue: truth, yPred: truth},
		{name: "labels only the predictions use", yTrue: truth, yPred: corrupt(r, truth, 0.2, "wolf")},
		{name: "labels differ only in case", yTrue: []string{"Cat", "dog"}, yPred: []string{"cat", "dog"}},
		{name: "a million rows", yTrue: large, yPred: corrupt(r, large, 0.3, "a", "b", "c", "d", "e")},
	}
	b := newSklearnBatch(t)
	wants := make([]*refResult, len(tests))
	for i, tc := range tests {
		wants[i] = b.call("accuracy_score", nil, strs(tc.yTrue), strs(tc.yPred))
	}
	b.run()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Accuracy(tc.yTrue, tc.yPred)
			assertMatchesSklearn(t, got, err, wants[i], "")
		})
	}
}

func TestF1_MatchesSklearn(t *testing.T) {
	r := newRand(6)
	binaryTruth := stringLabels(r, 10_000, "neg", "pos")
	multi := stringLabels(r, 10_000, "a", "b", "c", "d")
	neverPredicted := corrupt(r, multi, 0.3, "a", "b", "c")
	for i, p := range neverPredicted {
		if p == "d" {
			neverPredicted[i] = "a"
		}
	}
	var names []string
	for c := 'a'; c <= 't'; c++ {
		names = append(names, "class-"+string(c))
	}
	many := stringLabels(r, 10_000, names...)
	large := stringLabels(r, largeN(), "a", "b", "c", "d", "e")
	tests := []struct {
		name         string
		yTrue, yPred []string
		average      Average
		posLabel     string
		wantErr      core.ErrorType
	}{
		{name: "binary on noisy predictions", yTrue: binaryTruth, yPred: corrupt(r, binaryTruth, 0.3, "neg", "pos"), average: AverageBinary, posLabel: "pos"},
		{name: "binary with the other label positive", yTrue: binaryTruth, yPred: corrupt(r, binaryTruth, 0.3, "neg", "pos"), average: AverageBinary, posLabel: "neg"},
		{name: "binary perfect predictions", yTrue: binaryTruth, yPred: binaryTruth, average: AverageBinary, posLabel: "pos"},
		{name: "binary never predicting the positive label is 0", yTrue: binaryTruth, yPred: corrupt(r, binaryTruth, 1, "neg"), average: AverageBinary, posLabel: "pos"},
		{name: "binary without positives anywhere is 0", yTrue: []string{"neg", "neg"}, yPred: []string{"neg", "neg"}, average: AverageBinary, posLabel: "pos"},
		{name: "binary with the positive label only predicted is 0", yTrue: []string{"neg", "neg", "neg"}, yPred: []string{"neg", "pos", "neg"}, average: AverageBinary, posLabel: "pos"},
		{name: "binary with the positive label the only label is 1", yTrue: []string{"pos", "pos"}, yPred: []string{"pos", "pos"}, average: AverageBinary, posLabel: "pos"},
		{name: "binary with a positive label outside two labels is invalid", yTrue: binaryTruth, yPred: binaryTruth, average: AverageBinary, posLabel: "yes", wantErr: core.TypeInvalidArgument},
		{name: "binary on a multiclass ground truth is invalid", yTrue: multi, yPred: multi, average: AverageBinary, posLabel: "a", wantErr: core.TypeInvalidArgument},
		{name: "binary with a third label predicted rejects the submission", yTrue: binaryTruth, yPred: corrupt(r, binaryTruth, 0.1, "maybe"), average: AverageBinary, posLabel: "pos", wantErr: core.TypeSubmissionInvalid},
		{name: "macro on noisy predictions", yTrue: multi, yPred: corrupt(r, multi, 0.5, "a", "b", "c", "d"), average: AverageMacro},
		{name: "macro counts a label only the predictions use", yTrue: multi, yPred: corrupt(r, multi, 0.2, "zebra"), average: AverageMacro},
		{name: "macro scores a never-predicted label 0", yTrue: multi, yPred: neverPredicted, average: AverageMacro},
		{name: "micro on noisy predictions", yTrue: multi, yPred: corrupt(r, multi, 0.5, "a", "b", "c", "d", "e"), average: AverageMicro},
		{name: "micro with nothing right is 0", yTrue: []string{"a", "b"}, yPred: []string{"b", "a"}, average: AverageMicro},
		{name: "weighted on noisy predictions", yTrue: multi, yPred: corrupt(r, multi, 0.5, "a", "b", "c", "d"), average: AverageWeighted},
		{name: "weighted ignores a label only the predictions use", yTrue: multi, yPred: corrupt(r, multi, 0.2, "zebra"), average: AverageWeighted},
		{name: "macro over twenty labels", yTrue: many, yPred: corrupt(r, many, 0.5, names...), average: AverageMacro},
		{name: "weighted over twenty labels", yTrue: many, yPred: corrupt(r, many, 0.5, names[:15]...), average: AverageWeighted},
		{name: "constant predictions", yTrue: multi, yPred: stringLabels(r, len(multi), "b"), average: AverageMacro},
		{name: "a million rows", yTrue: large, yPred: corrupt(r, large, 0.4, "a", "b", "c", "d", "e", "f"), average: AverageMacro},
	}
	b := newSklearnBatch(t)
	wants := make([]*refResult, len(tests))
	for i, tc := range tests {
		kwargs := map[string]any{"average": string(tc.average)}
		if tc.average == AverageBinary {
			kwargs["pos_label"] = tc.posLabel
		}
		wants[i] = b.call("f1_score", kwargs, strs(tc.yTrue), strs(tc.yPred))
	}
	b.run()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := F1(tc.yTrue, tc.yPred, tc.average, tc.posLabel)
			assertMatchesSklearn(t, got, err, wants[i], tc.wantErr)
		})
	}
}
