package score_test

import (
	"math"
	"strings"
	"testing"

	"github.com/mledojo/dojo/plugins/metrics/internal/metricfuzz"
	"github.com/mledojo/dojo/plugins/metrics/internal/score"
)

// FuzzTextCells feeds the metrics that parse their cells (ranked lists, label sets, character spans,
// points in boxes, run-length masks, item orders, number lists) the same fuzzed rows: none may panic,
// each either scores a finite number or rejects with a typed *core.Error.
func FuzzTextCells(f *testing.F) {
	for _, s := range [][2]string{
		{"a b c\nd", "c a\nd d d"},
		{"['1 3', '5 9;10 12']\n[]", "1 3;9 12\n"},
		{"U+306F 1 2 3 4 U+304C 5 6 7 8\n", "U+306F 2 3 U+304C 5\nU+3044 1 1"},
		{"1 3 10 2\n\n5 1", "2 3\n1 99999999999\n5 -1"},
		{"c1 c2 c3\nx y", "c3 c1 c2\ny x"},
		{"1 2 3\n4 5 6", "3 2 1\n6 6 6"},
		{"", ""},
	} {
		f.Add(s[0], s[1], 3)
	}
	f.Fuzz(func(t *testing.T, truthText, predText string, k int) {
		truth, pred := strings.Split(truthText, "\n"), strings.Split(predText, "\n")
		n := min(len(truth), len(pred))
		truth, pred = truth[:n], pred[:n]
		check := func(name string, v float64, err error) {
			t.Helper()
			if err != nil {
				metricfuzz.Typed(t, err)
				return
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%s scored %v on %q / %q", name, v, truth, pred)
			}
		}
		v, err := score.MAPAtK(truth, pred, k)
		check("MAPAtK", v, err)
		v, err = score.NDCGAtK(truth, pred, k)
		check("NDCGAtK", v, err)
		for _, avg := range []score.Average{"samples", "micro", "macro", "weighted"} {
			v, err = score.SetF1(truth, pred, avg, 0)
			check("SetF1 "+string(avg), v, err)
		}
		v, err = score.CharSpanF1(truth, pred)
		check("CharSpanF1", v, err)
		v, err = score.PointInBoxF1(truth, pred, max(k, 0))
		check("PointInBoxF1", v, err)
		v, err = score.RLEFBeta(truth, pred, score.RLEFBetaOptions{Beta: 0.5, EmptyPrecision: 1, EmptyRecall: 1})
		check("RLEFBeta", v, err)
		v, err = score.PooledOrderTau(truth, pred)
		check("PooledOrderTau", v, err)
		v, err = score.Accuracy(truth, pred)
		check("Accuracy", v, err)
		v, err = score.MacroRecall(truth, pred)
		check("MacroRecall", v, err)
		v, err = score.MCC(truth, pred)
		check("MCC", v, err)
	})
}
