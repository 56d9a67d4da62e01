package score

import (
	"math"
	"testing"

	"github.com/mledojo/dojo/core"
)

var (
	alaskaBands   = [2][]float64{{0, 0.4, 1}, {2, 1}}
	flavoursBands = [2][]float64{{0, 0.2, 0.4, 0.6, 0.8, 1}, {2, 1.5, 1, 0.5, 0}}
)

func TestWeightedROCAUC_MatchesExactBandAreas(t *testing.T) {
	r := newRand(151)
	y := binaryLabels(r, 10_000, 0.3)
	cont := noisyScores(r, y)
	tied := rounded(noisyScores(r, y), 0.5)
	large := binaryLabels(r, largeN(), 0.2)
	tests := []struct {
		name     string
		yTrue, s []float64
		bands    [2][]float64
	}{
		{name: "ALASKA2 bands, continuous scores", yTrue: y, s: cont, bands: alaskaBands},
		{name: "Flavours bands, continuous scores", yTrue: y, s: cont, bands: flavoursBands},
		{name: "ALASKA2 bands, heavy ties", yTrue: y, s: tied, bands: alaskaBands},
		{name: "Flavours bands, heavy ties", yTrue: y, s: tied, bands: flavoursBands},
		{name: "constant scores", yTrue: y, s: constant(len(y), 0.5), bands: flavoursBands},
		{name: "perfect ranking", yTrue: []float64{0, 0, 1, 1}, s: []float64{0.1, 0.2, 0.8, 0.9}, bands: alaskaBands},
		{name: "inverted ranking", yTrue: []float64{1, 1, 0, 0}, s: []float64{0.1, 0.2, 0.8, 0.9}, bands: alaskaBands},
		{name: "a million rows with ties", yTrue: large, s: rounded(noisyScores(r, large), 0.01), bands: flavoursBands},
	}
	b := newKaggleBatch(t)
	wants := make([]*refResult, len(tests))
	for i, tc := range tests {
		wants[i] = b.call("weighted_auc", map[string]any{"thresholds": tc.bands[0], "weights": tc.bands[1]}, b.floats(tc.yTrue), b.floats(tc.s))
	}
	runKaggle(b)
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := WeightedROCAUC(tc.yTrue, tc.s, tc.bands[0], tc.bands[1])
			assertClose(t, got, err, wants[i])
		})
	}
}

func TestWeightedROCAUC_AgreesWithKaggleTruncatedAUCWithoutTies(t *testing.T) {
	r := newRand(152)
	y := binaryLabels(r, 20_000, 0.4)
	s := noisyScores(r, y)
	b := newKaggleBatch(t)
	var wants []*refResult
	for _, bands := range [][2][]float64{alaskaBands, flavoursBands} {
		wants = append(wants, b.call("roc_auc_truncated", map[string]any{"thresholds": bands[0], "weights": bands[1]}, b.floats(y), b.floats(s)))
	}
	runKaggle(b)
	for i, bands := range [][2][]float64{alaskaBands, flavoursBands} {
		got, err := WeightedROCAUC(y, s, bands[0], bands[1])
		assertClose(t, got, err, wants[i])
	}
}

func TestWeightedROCAUC_OneBandIsPlainAUC(t *testing.T) {
	r := newRand(153)
	y := binaryLabels(r, 5_000, 0.5)
	s := rounded(noisyScores(r, y), 0.25)
	want := must(t)(ROCAUC(y, s))
	got := must(t)(WeightedROCAUC(y, s, []float64{0, 1}, []float64{1}))
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("got %.17g, ROC AUC %.17g", got, want)
	}
}

func TestWeightedROCAUC_RejectsBadBands(t *testing.T) {
	y, s := []float64{0, 1}, []float64{0.2, 0.8}
	for _, bands := range [][2][]float64{
		{{0, 1}, {1, 2}},
		{{0.5, 0.2, 1}, {1, 1}},
		{{0, 1.5}, {1}},
		{{0, 1}, {-1}},
		{{0, 1}, {0}},
		{{0, 1}, {math.Inf(1)}},
	} {
		_, err := WeightedROCAUC(y, s, bands[0], bands[1])
		assertErrorType(t, err, core.TypeInvalidArgument)
	}
	_, err := WeightedROCAUC([]float64{1, 1}, s, alaskaBands[0], alaskaBands[1])
	assertErrorType(t, err, core.TypeEvaluation)
}

func TestRescaledLogLosses_MatchPublishedFormulas(t *testing.T) {
	r := newRand(154)
	y2 := classLabels(r, 5_000, 2)
	p2 := probRows(r, y2, 2)
	p2[0], p2[1] = 0, 1 // exact 0 and 1 clip
	p2[2], p2[3] = 0, 0 // a row summing to 0
	y8 := classLabels(r, 5_000, 8)
	p8 := probRows(r, y8, 8)
	for i := range p8 {
		p8[i] *= 3 // rows summing to 3: rescaling matters
	}
	absent := make([]int, 100) // class 1 never occurs
	pAbsent := probRows(r, absent, 2)
	large := classLabels(r, largeN(), 3)
	pLarge := probRows(r, large, 3)
	tests := []struct {
		name  string
		yTrue []int
		probs []float64
		k     int
		eps   float64
	}{
		{name: "two classes with 0, 1 and a zero row", yTrue: y2, probs: p2, k: 2, eps: 1e-15},
		{name: "eight classes, unnormalised", yTrue: y8, probs: p8, k: 8, eps: 1e-15},
		{name: "a class no row holds", yTrue: absent, probs: pAbsent, k: 2, eps: 1e-15},
		{name: "a large eps", yTrue: y2, probs: p2, k: 2, eps: 0.05},
		{name: "a million rows", yTrue: large, probs: pLarge, k: 3, eps: 1e-15},
	}
	b := newKaggleBatch(t)
	type want struct{ balanced, rescaled *refResult }
	wants := make([]want, len(tests))
	for i, tc := range tests {
		yt, p := b.ints(tc.yTrue), b.floats(tc.probs, len(tc.yTrue), tc.k)
		kw := map[string]any{"eps": tc.eps}
		wants[i] = want{b.call("balanced_log_loss", kw, yt, p), b.call("rescaled_log_loss", kw, yt, p)}
	}
	runKaggle(b)
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := BalancedLogLoss(tc.yTrue, tc.probs, tc.k, tc.eps)
			assertClose(t, got, err, wants[i].balanced)
			got, err = RescaledLogLoss(tc.yTrue, tc.probs, tc.k, tc.eps)
			assertClose(t, got, err, wants[i].rescaled)
		})
	}
}

func TestRescaledLogLosses_RejectNegativeProbabilities(t *testing.T) {
	_, err := BalancedLogLoss([]int{0, 1}, []float64{0.5, 0.5, -0.1, 1.1}, 2, 1e-15)
	assertErrorType(t, err, core.TypeSubmissionInvalid)
	_, err = RescaledLogLoss([]int{0, 2}, []float64{0.5, 0.5, 0.5, 0.5}, 2, 1e-15)
	assertErrorType(t, err, core.TypeGroundTruth)
	_, err = RescaledLogLoss([]int{0}, []float64{0.5, 0.5}, 2, 0.7)
	assertErrorType(t, err, core.TypeInvalidArgument)
}

func TestLWLRAP_MatchesSklearnWeightedLRAP(t *testing.T) {
	r := newRand(155)
	const k = 80
	n := 2_000
	truth := make([]float64, n*k)
	for i := range n {
		for range 1 + r.IntN(3) {
			truth[i*k+r.IntN(k)] = 1
		}
	}
	scores := noisyScores(r, truth)
	tied := rounded(scores, 0.5)
	some := binaryLabels(r, 500*5, 0.3) // rows with no label, and rows with every label
	const kLarge = 5
	large := binaryLabels(r, largeN()*kLarge, 0.3)
	tests := []struct {
		name          string
		yTrue, scores []float64
		k             int
		kaggleToo     bool
		vectorised    bool // sklearn's per-row Python loop takes a minute on a million rows
	}{
		{name: "80 classes, continuous scores", yTrue: truth, scores: scores, k: k, kaggleToo: true},
		{name: "80 classes, tied scores", yTrue: truth, scores: tied, k: k},
		{name: "80 classes, tied scores, by broadcasting", yTrue: truth, scores: tied, k: k, vectorised: true},
		{name: "empty and full rows", yTrue: some, scores: noisyScores(r, some), k: 5, kaggleToo: true},
		{name: "a million rows", yTrue: large, scores: rounded(noisyScores(r, large), 0.1), k: kLarge, vectorised: true},
	}
	b := newKaggleBatch(t)
	type want struct{ sklearn, kaggle *refResult }
	wants := make([]want, len(tests))
	for i, tc := range tests {
		yt, s := b.floats(tc.yTrue, len(tc.yTrue)/tc.k, tc.k), b.floats(tc.scores, len(tc.yTrue)/tc.k, tc.k)
		if tc.vectorised {
			wants[i].sklearn = b.call("lwlrap_vectorised", nil, yt, s)
		} else {
			wants[i].sklearn = b.call("lwlrap", nil, yt, s)
		}
		if tc.kaggleToo {
			wants[i].kaggle = b.call("lwlrap_kaggle", nil, yt, s)
		}
	}
	runKaggle(b)
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LWLRAP(tc.yTrue, tc.scores, tc.k)
			assertClose(t, got, err, wants[i].sklearn)
			if wants[i].kaggle != nil {
				assertClose(t, got, err, wants[i].kaggle)
			}
		})
	}
}

func TestLWLRAP_NoTrueLabelIsUndefined(t *testing.T) {
	_, err := LWLRAP([]float64{0, 0, 0, 0}, []float64{1, 2, 3, 4}, 2)
	assertErrorType(t, err, core.TypeEvaluation)
	_, err = LWLRAP([]float64{0, 2}, []float64{1, 2}, 2)
	assertErrorType(t, err, core.TypeGroundTruth)
}
