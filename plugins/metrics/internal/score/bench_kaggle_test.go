package score

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// Benchmarks of the ranking, correlation and Kaggle-defined metrics, each over benchRows rows.

func BenchmarkMAPAtK(b *testing.B) {
	r := newRand(201)
	names := itemNames(100)
	single := make([]string, benchRows)
	ranked := make([]string, benchRows)
	basket := make([]string, benchRows)
	recs := make([]string, benchRows)
	for i := range single {
		single[i] = names[r.IntN(10)]
		ranked[i] = distinctList(r, names[:10], 5)
		basket[i] = randomList(r, names, 1+r.IntN(6), " ")
		recs[i] = distinctList(r, names, 12)
	}
	b.Run("k=5/one true item", func(b *testing.B) {
		benchmark(b, func() (float64, error) { return MAPAtK(single, ranked, 5) })
	})
	b.Run("k=12/baskets", func(b *testing.B) {
		benchmark(b, func() (float64, error) { return MAPAtK(basket, recs, 12) })
	})
}

func BenchmarkNDCGAtK(b *testing.B) {
	r := newRand(202)
	names := itemNames(12)
	truth := make([]string, benchRows)
	pred := make([]string, benchRows)
	for i := range truth {
		truth[i] = names[r.IntN(len(names))]
		pred[i] = distinctList(r, names, 5)
	}
	benchmark(b, func() (float64, error) { return NDCGAtK(truth, pred, 5) })
}

func BenchmarkCorrelations(b *testing.B) {
	r := newRand(203)
	x := normals(r, benchRows)
	y := make([]float64, benchRows)
	for i, v := range x {
		y[i] = v + r.NormFloat64()
	}
	for _, m := range []struct {
		name string
		fn   func(a, b []float64) (float64, error)
	}{{"pearson", Pearson}, {"spearman", Spearman}, {"kendall_tau", KendallTau}} {
		b.Run(m.name, func(b *testing.B) {
			benchmark(b, func() (float64, error) { return m.fn(x, y) })
		})
	}
}

func BenchmarkSpearmanRows(b *testing.B) {
	r := newRand(204)
	truth := make([][]float64, benchRows)
	pred := make([][]float64, benchRows)
	for i := range truth {
		truth[i] = []float64{1, 2, 3, 4, 5}
		p := r.Perm(5)
		pred[i] = []float64{float64(p[0]), float64(p[1]), float64(p[2]), float64(p[3]), float64(p[4])}
	}
	benchmark(b, func() (float64, error) { return SpearmanRows(truth, pred, nil) })
}

func BenchmarkPooledOrderTau(b *testing.B) {
	r := newRand(205)
	actual := make([]string, benchRows)
	pred := make([]string, benchRows)
	cells := itemNames(10)
	for i := range actual {
		actual[i] = strings.Join(cells, " ")
		pred[i] = distinctList(r, cells, len(cells))
	}
	benchmark(b, func() (float64, error) { return PooledOrderTau(actual, pred) })
}

func BenchmarkQuadraticWeightedKappa(b *testing.B) {
	r := newRand(206)
	truth := make([]int, benchRows)
	pred := make([]int, benchRows)
	for i := range truth {
		truth[i] = 1 + r.IntN(6)
		pred[i] = min(6, max(1, truth[i]+r.IntN(3)-1))
	}
	benchmark(b, func() (float64, error) { return QuadraticWeightedKappa(truth, pred) })
}

func BenchmarkLabelMetrics(b *testing.B) {
	r := newRand(207)
	truth := stringLabels(r, benchRows, "0", "1")
	pred := corrupt(r, truth, 0.2, "0", "1")
	multi := stringLabels(r, benchRows, "a", "b", "c", "d", "e")
	multiPred := corrupt(r, multi, 0.3, "a", "b", "c", "d", "e")
	b.Run("mcc", func(b *testing.B) { benchmark(b, func() (float64, error) { return MCC(truth, pred) }) })
	b.Run("macro_recall", func(b *testing.B) { benchmark(b, func() (float64, error) { return MacroRecall(multi, multiPred) }) })
	b.Run("fbeta/macro", func(b *testing.B) {
		benchmark(b, func() (float64, error) { return FBeta(multi, multiPred, 0.5, AverageMacro, "") })
	})
}

func BenchmarkSetF1(b *testing.B) {
	r := newRand(208)
	tags := itemNames(30)
	truth := make([]string, benchRows)
	pred := make([]string, benchRows)
	for i := range truth {
		truth[i] = randomList(r, tags, 1+r.IntN(4), " ")
		pred[i] = randomList(r, tags, r.IntN(5), " ")
	}
	for _, avg := range []Average{AverageSamples, AverageMicro, AverageMacro} {
		b.Run(string(avg), func(b *testing.B) {
			benchmark(b, func() (float64, error) { return SetF1(truth, pred, avg, 0) })
		})
	}
}

func BenchmarkCharSpanF1(b *testing.B) {
	r := newRand(209)
	truth := make([]string, benchRows)
	pred := make([]string, benchRows)
	for i := range truth {
		s := r.IntN(500)
		truth[i] = fmt.Sprintf("['%d %d', '%d %d']", s, s+20, s+40, s+45)
		pred[i] = fmt.Sprintf("%d %d;%d %d", s+5, s+25, s+41, s+44)
	}
	benchmark(b, func() (float64, error) { return CharSpanF1(truth, pred) })
}

func BenchmarkPointInBoxF1(b *testing.B) {
	r := newRand(210)
	truth := make([]string, benchRows)
	pred := make([]string, benchRows)
	for i := range truth {
		var boxes, points []string
		for j := range 3 {
			x, y := r.IntN(1000), r.IntN(1000)
			boxes = append(boxes, fmt.Sprintf("U+30%d %d %d 20 20", j, x, y))
			points = append(points, fmt.Sprintf("U+30%d %d %d", j, x+10, y+5))
		}
		truth[i], pred[i] = strings.Join(boxes, " "), strings.Join(points, " ")
	}
	benchmark(b, func() (float64, error) { return PointInBoxF1(truth, pred, 1200) })
}

func BenchmarkRLEFBeta(b *testing.B) {
	r := newRand(211)
	truth := make([]string, benchRows)
	pred := make([]string, benchRows)
	for i := range truth {
		s := 1 + r.IntN(1000)
		truth[i] = strconv.Itoa(s) + " 50 " + strconv.Itoa(s+100) + " 20"
		pred[i] = strconv.Itoa(s+10) + " 60"
	}
	benchmark(b, func() (float64, error) {
		return RLEFBeta(truth, pred, RLEFBetaOptions{Beta: 0.5, EmptyPrecision: 1, EmptyRecall: 1})
	})
}

func BenchmarkWeightedROCAUC(b *testing.B) {
	r := newRand(212)
	y := binaryLabels(r, benchRows, 0.3)
	s := noisyScores(r, y)
	benchmark(b, func() (float64, error) { return WeightedROCAUC(y, s, flavoursBands[0], flavoursBands[1]) })
}

func BenchmarkRescaledLogLosses(b *testing.B) {
	r := newRand(213)
	y := classLabels(r, benchRows, 2)
	p := probRows(r, y, 2)
	b.Run("balanced/k=2", func(b *testing.B) {
		benchmark(b, func() (float64, error) { return BalancedLogLoss(y, p, 2, 1e-15) })
	})
	b.Run("rescaled/k=2", func(b *testing.B) {
		benchmark(b, func() (float64, error) { return RescaledLogLoss(y, p, 2, 1e-15) })
	})
}

func BenchmarkLWLRAP(b *testing.B) {
	r := newRand(214)
	const k = 5
	y := binaryLabels(r, benchRows*k, 0.3)
	s := noisyScores(r, y)
	b.Run("k=5", func(b *testing.B) { benchmark(b, func() (float64, error) { return LWLRAP(y, s, k) }) })
}
