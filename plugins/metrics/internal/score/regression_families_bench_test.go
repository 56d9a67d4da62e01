package score

import (
	"math"
	"testing"
)

// Benchmarks of the regression families beyond sklearn's, each over benchRows rows.

func benchPair(seed uint64) (yTrue, yPred []float64) {
	r := newRand(seed)
	yTrue, yPred = make([]float64, benchRows), make([]float64, benchRows)
	for i := range yTrue {
		yTrue[i] = r.ExpFloat64() * 100
		yPred[i] = yTrue[i] + r.NormFloat64()*10
	}
	return yTrue, yPred
}

func BenchmarkPointwiseFamilies(b *testing.B) {
	yTrue, yPred := benchPair(60)
	r := newRand(61)
	w := make([]float64, benchRows)
	sigma := make([]float64, benchRows)
	groups := make([]int, benchRows)
	for i := range w {
		w[i] = 1 + 4*float64(r.IntN(10)/9)
		sigma[i] = 50 + 100*r.Float64()
		groups[i] = r.IntN(8)
	}
	families := []struct {
		name string
		fn   func() (float64, error)
	}{
		{"SMAPE", func() (float64, error) { return SMAPE(yTrue, yPred, KaggleSMAPE) }},
		{"RMSPE", func() (float64, error) { return RMSPE(yTrue, yPred) }},
		{"MedianAbsoluteError", func() (float64, error) { return MedianAbsoluteError(yTrue, yPred) }},
		{"RMSLEWith/clip", func() (float64, error) { return RMSLEWith(yTrue, yPred, NegativeClip) }},
		{"WeightedMAE", func() (float64, error) { return WeightedMAE(yTrue, yPred, w, NormalizeWeightSum) }},
		{"GroupLogMAE/8_groups", func() (float64, error) { return GroupLogMAE(yTrue, yPred, groups, 8, 1e-9) }},
		{"LaplaceLogLikelihood", func() (float64, error) { return LaplaceLogLikelihood(yTrue, yPred, sigma, OSICLaplace) }},
	}
	for _, f := range families {
		b.Run(f.name, func(b *testing.B) { benchmark(b, f.fn) })
	}
}

func BenchmarkNormalizedGini(b *testing.B) {
	r := newRand(62)
	yTrue := binaryLabels(r, benchRows, 0.04)
	yPred := noisyScores(r, yTrue)
	for _, ties := range []GiniTies{GiniTiesAverage, GiniTiesRowOrder} {
		b.Run(string(ties), func(b *testing.B) {
			benchmark(b, func() (float64, error) { return NormalizedGini(yTrue, yPred, ties) })
		})
	}
}

func BenchmarkKLDivergence(b *testing.B) {
	r := newRand(63)
	const k = 6
	ys := classLabels(r, benchRows, k)
	yTrue := probRows(r, ys, k)
	yPred := probRows(r, ys, k)
	b.Run("k=6", func(b *testing.B) {
		benchmark(b, func() (float64, error) {
			return KLDivergence(yTrue, yPred, k, KLOptions{Eps: 1e-15, NormalizeTruth: true, SumTolerance: 1e-3})
		})
	})
}

func BenchmarkMeanAngularError(b *testing.B) {
	r := newRand(64)
	at, zt, ap, zp := make([]float64, benchRows), make([]float64, benchRows), make([]float64, benchRows), make([]float64, benchRows)
	for i := range at {
		at[i], zt[i] = r.Float64()*2*math.Pi, r.Float64()*math.Pi
		ap[i], zp[i] = at[i]+r.NormFloat64(), zt[i]+r.NormFloat64()
	}
	benchmark(b, func() (float64, error) { return MeanAngularError(at, zt, ap, zp) })
}

func BenchmarkHaversinePercentile(b *testing.B) {
	r := newRand(65)
	const trips = 170
	lat, lon, latP, lonP := make([]float64, benchRows), make([]float64, benchRows), make([]float64, benchRows), make([]float64, benchRows)
	groups := make([]int, benchRows)
	for i := range lat {
		groups[i] = i * trips / benchRows
		lat[i], lon[i] = 37+r.Float64(), -122+r.Float64()
		latP[i], lonP[i] = lat[i]+r.NormFloat64()*3e-5, lon[i]+r.NormFloat64()*3e-5
	}
	opts := HaversineOptions{Percentiles: []float64{50, 95}, EarthRadius: 6371000}
	b.Run("170_trips", func(b *testing.B) {
		benchmark(b, func() (float64, error) { return HaversinePercentile(lat, lon, latP, lonP, groups, trips, opts) })
	})
}
