package main

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/plugins/metrics/internal/metricbench"
)

// Benchmarks of whole Score calls on a million rows (see package metricbench), files shaped like
// make bench's (internal/benchreport/families.go).

func sigmoidB(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func appendF(dst []byte, v float64, prec int) []byte {
	return strconv.AppendFloat(dst, v, 'f', prec, 64)
}

// BenchmarkScore_BalancedLogLoss_1M is ICR's shape: a 0/1 label against a probability per class.
func BenchmarkScore_BalancedLogLoss_1M(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	answers, submission := metricbench.Files(b, "Id,Class\n", "Id,class_0,class_1\n", metricbench.Rows, func(i int, a, s []byte) ([]byte, []byte) {
		y := 0
		if rng.Float64() < 0.17 {
			y = 1
		}
		p := sigmoidB(3*(float64(y)-0.5) + rng.NormFloat64())
		a = append(strconv.AppendInt(append(strconv.AppendInt(a, int64(i), 10), ','), int64(y), 10), '\n')
		s = append(appendF(append(appendF(append(strconv.AppendInt(s, int64(i), 10), ','), 1-p, 6), ','), p, 6), '\n')
		return a, s
	})
	metricbench.Score(b, balancedLogLoss, answers, submission, core.Params{
		"target_columns": []any{"Class"}, "classes": []any{"class_0", "class_1"}, "eps": 1e-15,
	})
}

// BenchmarkScore_ROCAUCColumns_1M is Jigsaw's shape: three 0/1 targets, a probability for each.
func BenchmarkScore_ROCAUCColumns_1M(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	answers, submission := metricbench.Files(b, "id,toxic,obscene,insult\n", "id,toxic,obscene,insult\n", metricbench.Rows, func(i int, a, s []byte) ([]byte, []byte) {
		a, s = strconv.AppendInt(a, int64(i), 10), strconv.AppendInt(s, int64(i), 10)
		for c := range 3 {
			y := 0.0
			if rng.Float64() < 0.1*float64(c+1) {
				y = 1
			}
			a, s = appendF(append(a, ','), y, 0), appendF(append(s, ','), sigmoidB(2*(y-0.5)+rng.NormFloat64()), 6)
		}
		return append(a, '\n'), append(s, '\n')
	})
	metricbench.Score(b, rocAUC, answers, submission, nil)
}
