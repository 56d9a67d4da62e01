package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/plugins/metrics/internal/metricbench"
)

// Benchmarks of whole Score calls on a million rows (see package metricbench), files shaped like
// make bench's (internal/benchreport/families.go).

func appendF(dst []byte, v float64, prec int) []byte {
	return strconv.AppendFloat(dst, v, 'f', prec, 64)
}

// BenchmarkScore_KLDivergence_1M is HMS's shape: an integer id and six vote or probability columns.
func BenchmarkScore_KLDivergence_1M(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	answers, submission := metricbench.Files(b, "eeg_id,seizure_vote,lpd_vote,gpd_vote,lrda_vote,grda_vote,other_vote\n", "eeg_id,seizure_vote,lpd_vote,gpd_vote,lrda_vote,grda_vote,other_vote\n", metricbench.Rows,
		func(i int, a, s []byte) ([]byte, []byte) {
			var votes, probs [6]float64
			for range 1 + rng.IntN(12) {
				votes[rng.IntN(6)]++
			}
			var sum float64
			for c := range probs {
				probs[c] = rng.ExpFloat64() + votes[c]
				sum += probs[c]
			}
			a, s = strconv.AppendInt(a, int64(i), 10), strconv.AppendInt(s, int64(i), 10)
			for c := range votes {
				a, s = appendF(append(a, ','), votes[c], 0), appendF(append(s, ','), probs[c]/sum, 6)
			}
			return append(a, '\n'), append(s, '\n')
		})
	metricbench.Score(b, klDivergence, answers, submission, core.Params{"normalize_truth": true})
}

// BenchmarkScore_HaversinePercentile_1M is Smartphone Decimeter's shape: rows keyed by a trip name
// and a timestamp, 1,000 per trip, and grouped by trip.
func BenchmarkScore_HaversinePercentile_1M(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	answers, submission := metricbench.Files(b, "tripId,UnixTimeMillis,LatitudeDegrees,LongitudeDegrees\n", "tripId,UnixTimeMillis,LatitudeDegrees,LongitudeDegrees\n", metricbench.Rows,
		func(i int, a, s []byte) ([]byte, []byte) {
			trip := fmt.Sprintf("2021-%02d-%02d-US-SJC/Pixel%d,%d,", 1+i/1000%12, 1+i/1000%28, i/1000, 1_638_000_000_000+1000*(i%1000))
			lat, lon := 37.3+rng.Float64()*0.1, -121.9+rng.Float64()*0.1
			a = append(appendF(append(appendF(append(a, trip...), lat, 9), ','), lon, 9), '\n')
			s = append(appendF(append(appendF(append(s, trip...), lat+rng.NormFloat64()*2e-5, 9), ','), lon+rng.NormFloat64()*2e-5, 9), '\n')
			return a, s
		})
	metricbench.Score(b, haversinePercentile, answers, submission, core.Params{
		"id_column": "tripId", "target_columns": []any{"LatitudeDegrees", "LongitudeDegrees"},
		"key_columns": []any{"tripId", "UnixTimeMillis"}, "group_column": "tripId", "percentiles": []any{50.0, 95.0},
	})
}

// BenchmarkScore_MCRMSLE_1M is the Feedback Prize ELL shape: an integer id and three score columns.
func BenchmarkScore_MCRMSLE_1M(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	answers, submission := metricbench.Files(b, "text_id,cohesion,syntax,vocabulary\n", "text_id,cohesion,syntax,vocabulary\n", metricbench.Rows,
		func(i int, a, s []byte) ([]byte, []byte) {
			a, s = strconv.AppendInt(a, int64(i), 10), strconv.AppendInt(s, int64(i), 10)
			for range 3 {
				y := 1 + 4*rng.Float64()
				a, s = appendF(append(a, ','), y, 3), appendF(append(s, ','), math.Max(0, y+0.5*rng.NormFloat64()), 3)
			}
			return append(a, '\n'), append(s, '\n')
		})
	metricbench.Score(b, columnwise(rmsleMetric), answers, submission, nil)
}
