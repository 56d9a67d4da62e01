package score

import (
	"testing"
)

const benchRows = 1_000_000

func BenchmarkAccuracy(b *testing.B) {
	r := newRand(20)
	yTrue := stringLabels(r, benchRows, "a", "b", "c", "d", "e")
	yPred := corrupt(r, yTrue, 0.3, "a", "b", "c", "d", "e")
	benchmark(b, func() (float64, error) { return Accuracy(yTrue, yPred) })
}

func BenchmarkF1(b *testing.B) {
	r := newRand(21)
	yTrue := stringLabels(r, benchRows, "a", "b", "c", "d", "e")
	yPred := corrupt(r, yTrue, 0.3, "a", "b", "c", "d", "e")
	binaryTrue := stringLabels(r, benchRows, "neg", "pos")
	binaryPred := corrupt(r, binaryTrue, 0.3, "neg", "pos")
	b.Run("macro", func(b *testing.B) {
		benchmark(b, func() (float64, error) { return F1(yTrue, yPred, AverageMacro, "") })
	})
	b.Run("binary", func(b *testing.B) {
		benchmark(b, func() (float64, error) { return F1(binaryTrue, binaryPred, AverageBinary, "pos") })
	})
}

func BenchmarkROCAUC(b *testing.B) {
	r := newRand(22)
	yTrue := binaryLabels(r, benchRows, 0.3)
	score := noisyScores(r, yTrue)
	benchmark(b, func() (float64, error) { return ROCAUC(yTrue, score) })
}

func BenchmarkROCAUCOvR(b *testing.B) {
	r := newRand(23)
	const k = 5
	yTrue := classLabels(r, benchRows, k)
	scores := probRows(r, yTrue, k)
	for _, average := range []Average{AverageMacro, AverageMicro} {
		b.Run(string(average)+"/k=5", func(b *testing.B) {
			benchmark(b, func() (float64, error) { return ROCAUCOvR(yTrue, scores, k, average) })
		})
	}
}

func BenchmarkROCAUCMultilabel(b *testing.B) {
	r := newRand(24)
	const k = 5
	yTrue := binaryLabels(r, benchRows*k, 0.2)
	scores := noisyScores(r, yTrue)
	b.Run("macro/k=5", func(b *testing.B) {
		benchmark(b, func() (float64, error) { return ROCAUCMultilabel(yTrue, scores, k, AverageMacro) })
	})
}

func BenchmarkLogLoss(b *testing.B) {
	r := newRand(25)
	const k = 5
	yTrue := classLabels(r, benchRows, k)
	probs := probRows(r, yTrue, k)
	b.Run("k=5", func(b *testing.B) {
		benchmark(b, func() (float64, error) { return LogLoss(yTrue, probs, k, DefaultLogLossEps) })
	})
}

func BenchmarkBinaryLogLoss(b *testing.B) {
	r := newRand(26)
	yTrue := binaryLabels(r, benchRows, 0.3)
	p := make([]float64, benchRows)
	for i := range p {
		p[i] = r.Float64()
	}
	benchmark(b, func() (float64, error) { return BinaryLogLoss(yTrue, p, DefaultLogLossEps) })
}

func BenchmarkRegression(b *testing.B) {
	r := newRand(27)
	yTrue := make([]float64, benchRows)
	yPred := make([]float64, benchRows)
	for i := range yTrue {
		yTrue[i] = r.ExpFloat64()
		yPred[i] = yTrue[i] + r.Float64()
	}
	for _, m := range regressionMetrics {
		b.Run(m.name, func(b *testing.B) {
			benchmark(b, func() (float64, error) { return m.fn(yTrue, yPred) })
		})
	}
}

// benchmark times one metric call per iteration over benchRows rows.
func benchmark(b *testing.B, metric func() (float64, error)) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := metric(); err != nil {
			b.Fatal(err)
		}
	}
}
