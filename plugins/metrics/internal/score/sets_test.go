package score

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
)

func TestSetF1_MatchesSklearnOverBinarisedLabels(t *testing.T) {
	r := newRand(141)
	tags := itemNames(25)
	var truth, pred []string
	for range 5_000 {
		truth = append(truth, randomList(r, tags, r.IntN(5), " "))
		pred = append(pred, randomList(r, tags, r.IntN(6), " "))
	}
	// Predictions close to the truth, with repeats and extra white space.
	close := make([]string, len(truth))
	for i, tr := range truth {
		close[i] = tr + "  " + randomList(r, tags, r.IntN(2), "\t")
	}
	bothEmpty := []string{"", "a b", "", "c"}
	bothEmptyPred := []string{"", "a", " ", "d"}
	large := make([]string, largeN())
	largePred := make([]string, len(large))
	for i := range large {
		large[i] = randomList(r, tags[:6], 1+r.IntN(3), " ")
		largePred[i] = randomList(r, tags[:6], r.IntN(3), " ")
	}
	tests := []struct {
		name        string
		yTrue       []string
		yPred       []string
		averages    []Average
		bothEmptyAs float64
	}{
		{name: "random tag sets", yTrue: truth, yPred: pred, averages: []Average{AverageSamples, AverageMicro, AverageMacro, AverageWeighted}},
		{name: "near misses with repeats", yTrue: truth, yPred: close, averages: []Average{AverageSamples, AverageMicro, AverageMacro, AverageWeighted}},
		{name: "both empty scores 0 as in sklearn", yTrue: bothEmpty, yPred: bothEmptyPred, averages: []Average{AverageSamples, AverageMicro}},
		{name: "both empty scores 1 on request", yTrue: bothEmpty, yPred: bothEmptyPred, averages: []Average{AverageSamples}, bothEmptyAs: 1},
		{name: "a million rows", yTrue: large, yPred: largePred, averages: []Average{AverageSamples, AverageMicro}},
	}
	b := newKaggleBatch(t)
	wants := make([][]*refResult, len(tests))
	for i, tc := range tests {
		for _, avg := range tc.averages {
			wants[i] = append(wants[i], b.call("set_f1", map[string]any{"average": string(avg), "both_empty": tc.bothEmptyAs}, strs(tc.yTrue), strs(tc.yPred)))
		}
	}
	runKaggle(b)
	for i, tc := range tests {
		for j, avg := range tc.averages {
			t.Run(tc.name+"/"+string(avg), func(t *testing.T) {
				got, err := SetF1(tc.yTrue, tc.yPred, avg, tc.bothEmptyAs)
				assertClose(t, got, err, wants[i][j])
			})
		}
	}
}

func TestSetF1_RejectsBinaryAverage(t *testing.T) {
	_, err := SetF1([]string{"a"}, []string{"a"}, AverageBinary, 0)
	assertErrorType(t, err, core.TypeInvalidArgument)
}

func TestCharSpanF1_MatchesNBMEMetric(t *testing.T) {
	r := newRand(142)
	spans := func(list bool) string {
		m := r.IntN(4)
		var parts []string
		for range m {
			var seg []string
			for range 1 + r.IntN(2) {
				start := r.IntN(200)
				seg = append(seg, fmt.Sprintf("%d %d", start, start+r.IntN(30)))
			}
			parts = append(parts, strings.Join(seg, ";"))
		}
		if !list {
			return strings.Join(parts, ";")
		}
		quoted := make([]string, len(parts))
		for i, p := range parts {
			quoted[i] = "'" + p + "'"
		}
		return "[" + strings.Join(quoted, ", ") + "]"
	}
	var truth, pred []string
	for range 3_000 {
		truth = append(truth, spans(true))
		pred = append(pred, spans(false))
	}
	tests := []struct {
		name         string
		yTrue, yPred []string
	}{
		{name: "random spans, truth as Python lists", yTrue: truth, yPred: pred},
		{name: "overlapping spans count each character once", yTrue: []string{"0 10;5 15", `["3 4", "20 22"]`}, yPred: []string{"0 3;2 12", "21 30; 3 4"}},
		{name: "no spans anywhere scores 1", yTrue: []string{"", "[]"}, yPred: []string{"", ""}},
		{name: "empty spans contribute nothing", yTrue: []string{"5 5;1 3"}, yPred: []string{"2 3"}},
	}
	b := newKaggleBatch(t)
	wants := make([]*refResult, len(tests))
	for i, tc := range tests {
		wants[i] = b.call("char_span_f1", nil, strs(tc.yTrue), strs(tc.yPred))
	}
	runKaggle(b)
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CharSpanF1(tc.yTrue, tc.yPred)
			assertClose(t, got, err, wants[i])
		})
	}
}

func TestCharSpanF1_RejectsMalformedSpansNamingTheRow(t *testing.T) {
	tests := []struct {
		name, truth, pred string
		want              core.ErrorType
	}{
		{"start after end", "1 2", "9 3", core.TypeSubmissionInvalid},
		{"one number", "1 2", "9", core.TypeSubmissionInvalid},
		{"three numbers", "1 2", "1 2 3", core.TypeSubmissionInvalid},
		{"words", "1 2", "a b", core.TypeSubmissionInvalid},
		{"an unterminated list in the truth", "['1 2'", "1 2", core.TypeGroundTruth},
		{"a list of numbers in the truth", "[1, 2]", "1 2", core.TypeGroundTruth},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CharSpanF1([]string{"", tc.truth}, []string{"", tc.pred})
			assertErrorType(t, err, tc.want)
			if row, ok := ErrorRow(err); !ok || row != 1 {
				t.Errorf("error %v names row %d; want row 1", err, row)
			}
		})
	}
}

func TestPointInBoxF1_MatchesKuzushijiMetric(t *testing.T) {
	r := newRand(143)
	labels := []string{"U+306F", "U+304C", "U+3044", "U+3068"}
	var truth, pred []string
	for range 1_000 {
		var boxes, points []string
		for range r.IntN(30) {
			l := labels[r.IntN(len(labels))]
			x, y, w, h := r.IntN(500), r.IntN(500), 10+r.IntN(40), 10+r.IntN(40)
			boxes = append(boxes, fmt.Sprintf("%s %d %d %d %d", l, x, y, w, h))
			switch r.IntN(4) {
			case 0: // a hit at the centre
				points = append(points, fmt.Sprintf("%s %d %d", l, x+w/2, y+h/2))
			case 1: // the box's edges: the left and top are inside, the right and bottom not
				points = append(points, fmt.Sprintf("%s %d %d", l, x, y), fmt.Sprintf("%s %d %d", l, x+w, y))
			case 2: // right place, wrong label
				points = append(points, fmt.Sprintf("%s %d.5 %d.5", labels[r.IntN(len(labels))], x+1, y+1))
			}
		}
		for range r.IntN(3) { // stray points
			points = append(points, fmt.Sprintf("%s %d %d", labels[r.IntN(len(labels))], r.IntN(500), r.IntN(500)))
		}
		r.Shuffle(len(points), func(a, b int) { points[a], points[b] = points[b], points[a] })
		truth = append(truth, strings.Join(boxes, " "))
		pred = append(pred, strings.Join(points, " "))
	}
	tests := []struct {
		name         string
		yTrue, yPred []string
	}{
		{name: "random pages", yTrue: truth, yPred: pred},
		{name: "two points in one box match it once", yTrue: []string{"a 0 0 10 10"}, yPred: []string{"a 1 1 a 2 2"}},
		{name: "overlapping boxes match in listed order", yTrue: []string{"a 0 0 10 10 a 5 5 10 10"}, yPred: []string{"a 6 6 a 7 7"}},
		{name: "nothing anywhere scores 1", yTrue: []string{"", ""}, yPred: []string{"", " "}},
		{name: "predictions without boxes", yTrue: []string{""}, yPred: []string{"a 1 1"}},
	}
	b := newKaggleBatch(t)
	wants := make([]*refResult, len(tests))
	for i, tc := range tests {
		wants[i] = b.call("point_in_box_f1", nil, strs(tc.yTrue), strs(tc.yPred))
	}
	runKaggle(b)
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := PointInBoxF1(tc.yTrue, tc.yPred, 1200)
			assertClose(t, got, err, wants[i])
		})
	}
}

func TestPointInBoxF1_RejectsMalformedRows(t *testing.T) {
	tests := []struct {
		name, truth, pred string
		max               int
		want              core.ErrorType
	}{
		{"a point missing its y", "a 0 0 1 1", "a 1", 0, core.TypeSubmissionInvalid},
		{"a coordinate that is not a number", "a 0 0 1 1", "a 1 b", 0, core.TypeSubmissionInvalid},
		{"an infinite coordinate", "a 0 0 1 1", "a 1 inf", 0, core.TypeSubmissionInvalid},
		{"more points than allowed", "a 0 0 1 1", "a 1 1 a 2 2 a 3 3", 2, core.TypeSubmissionInvalid},
		{"a box missing its height", "a 0 0 1", "", 0, core.TypeGroundTruth},
		{"a negative width", "a 0 0 -1 1", "", 0, core.TypeGroundTruth},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := PointInBoxF1([]string{"", tc.truth}, []string{"", tc.pred}, tc.max)
			assertErrorType(t, err, tc.want)
			if row, ok := ErrorRow(err); !ok || row != 1 {
				t.Errorf("error %v names row %d; want row 1", err, row)
			}
		})
	}
}

func TestRLEFBeta_MatchesVesuviusMetric(t *testing.T) {
	r := newRand(144)
	mask := func() string {
		var runs []string
		pos := 1 + r.IntN(20)
		for range r.IntN(8) {
			length := 1 + r.IntN(30)
			runs = append(runs, strconv.Itoa(pos)+" "+strconv.Itoa(length))
			pos += length + 1 + r.IntN(40)
		}
		r.Shuffle(len(runs), func(a, b int) { runs[a], runs[b] = runs[b], runs[a] })
		return strings.Join(runs, " ")
	}
	var truth, pred []string
	for range 3_000 {
		truth = append(truth, mask())
		pred = append(pred, mask())
	}
	tests := []struct {
		name         string
		yTrue, yPred []string
		opts         RLEFBetaOptions
	}{
		{name: "random masks, F0.5", yTrue: truth, yPred: pred, opts: RLEFBetaOptions{Beta: 0.5, EmptyPrecision: 1, EmptyRecall: 1}},
		{name: "perfect masks, F2", yTrue: truth, yPred: truth, opts: RLEFBetaOptions{Beta: 2, EmptyPrecision: 1, EmptyRecall: 1}},
		{name: "empty rows with empty precision 0", yTrue: []string{"", "1 5", ""}, yPred: []string{"", "", "3 2"}, opts: RLEFBetaOptions{Beta: 0.5, EmptyRecall: 1}},
		{name: "adjacent runs", yTrue: []string{"1 3 4 3"}, yPred: []string{"2 4"}, opts: RLEFBetaOptions{Beta: 1, EmptyPrecision: 1, EmptyRecall: 1}},
	}
	b := newKaggleBatch(t)
	wants := make([]*refResult, len(tests))
	for i, tc := range tests {
		wants[i] = b.call("rle_fbeta", map[string]any{"beta": tc.opts.Beta, "empty_precision": tc.opts.EmptyPrecision, "empty_recall": tc.opts.EmptyRecall},
			strs(tc.yTrue), strs(tc.yPred))
	}
	runKaggle(b)
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := RLEFBeta(tc.yTrue, tc.yPred, tc.opts)
			assertClose(t, got, err, wants[i])
		})
	}
}

func TestRLEFBeta_RejectsMalformedMasksNamingTheRow(t *testing.T) {
	for _, bad := range []string{"1", "0 3", "3 0", "1 x", "1 5 3 2", "-1 2"} {
		_, err := RLEFBeta([]string{"", "1 2"}, []string{"", bad}, RLEFBetaOptions{Beta: 0.5})
		assertErrorType(t, err, core.TypeSubmissionInvalid)
		if row, ok := ErrorRow(err); !ok || row != 1 {
			t.Errorf("%q: error %v names row %d; want row 1", bad, err, row)
		}
	}
	_, err := RLEFBeta([]string{"1 2 2 2"}, []string{""}, RLEFBetaOptions{Beta: 0.5})
	assertErrorType(t, err, core.TypeGroundTruth)
	_, err = RLEFBeta([]string{""}, []string{""}, RLEFBetaOptions{})
	assertErrorType(t, err, core.TypeInvalidArgument)
}
