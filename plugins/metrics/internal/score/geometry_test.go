package score

import (
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/mledojo/dojo/core"
)

func TestMeanAngularError_MatchesPublishedFormula(t *testing.T) {
	r := newRand(54)
	directions := func(n int) (az, zen []float64) {
		az, zen = make([]float64, n), make([]float64, n)
		for i := range az {
			az[i] = r.Float64() * 2 * math.Pi
			zen[i] = math.Acos(2*r.Float64() - 1) // uniform on the sphere
		}
		return az, zen
	}
	near := func(az, zen []float64, spread float64) ([]float64, []float64) {
		a, z := make([]float64, len(az)), make([]float64, len(az))
		for i := range az {
			a[i] = az[i] + spread*r.NormFloat64()
			z[i] = zen[i] + spread*r.NormFloat64() // may leave [0, π]: the formula takes any angle
		}
		return a, z
	}
	at, zt := directions(10_000)
	ap, zp := near(at, zt, 0.8)
	rp, rz := directions(10_000)
	bt, bz := directions(largeN())
	bp, bpz := near(bt, bz, 0.5)
	tests := []struct {
		name           string
		at, zt, ap, zp []float64
	}{
		{name: "noisy predictions", at: at, zt: zt, ap: ap, zp: zp},
		{name: "random predictions", at: at, zt: zt, ap: rp, zp: rz},
		{name: "constant predictions", at: at, zt: zt, ap: constant(len(at), 1), zp: constant(len(at), 2)},
		{name: "a million rows", at: bt, zt: bz, ap: bp, zp: bpz},
	}
	b := newSklearnBatch(t)
	wants := make([]*refResult, len(tests))
	for i, tc := range tests {
		wants[i] = b.call("mean_angular_error", nil, b.floats(tc.at), b.floats(tc.zt), b.floats(tc.ap), b.floats(tc.zp))
	}
	b.runFormulas()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MeanAngularError(tc.at, tc.zt, tc.ap, tc.zp)
			assertMatchesSklearn(t, got, err, wants[i], "")
		})
	}
}

// A perfect prediction's cosine lands within an ulp of 1, where arccos turns one ulp into ~1e-8 rad;
// the score is that rounding floor, not 0, in the original as here.
func TestMeanAngularError_PerfectPredictionsScoreTheRoundingFloor(t *testing.T) {
	r := newRand(55)
	az, zen := make([]float64, 1000), make([]float64, 1000)
	for i := range az {
		az[i], zen[i] = r.Float64()*2*math.Pi, r.Float64()*math.Pi
	}
	got, err := MeanAngularError(az, zen, az, zen)
	if err != nil || got < 0 || got > 3e-8 {
		t.Errorf("got %v, %v; want a value between 0 and 3e-8", got, err)
	}
}

func TestHaversinePercentile_MatchesPublishedFormula(t *testing.T) {
	r := newRand(56)
	// Trips of varied lengths around the San Francisco Bay, predictions a few metres off.
	trips := func(nTrips, maxLen int) (lat, lon, latP, lonP []float64, groups []int) {
		for g := range nTrips {
			n := 1 + r.IntN(maxLen)
			if g == 0 {
				n = 1
			}
			lat0, lon0 := 37.3+r.Float64(), -122.4+r.Float64()
			for range n {
				la, lo := lat0+r.Float64()*0.1, lon0+r.Float64()*0.1
				lat, lon = append(lat, la), append(lon, lo)
				latP = append(latP, la+r.NormFloat64()*3e-5)
				lonP = append(lonP, lo+r.NormFloat64()*3e-5)
				groups = append(groups, g)
			}
		}
		perm := r.Perm(len(lat)) // rows of a trip need not be adjacent
		shuffle := func(xs []float64) []float64 {
			out := make([]float64, len(xs))
			for i, j := range perm {
				out[i] = xs[j]
			}
			return out
		}
		g2 := make([]int, len(groups))
		for i, j := range perm {
			g2[i] = groups[j]
		}
		return shuffle(lat), shuffle(lon), shuffle(latP), shuffle(lonP), g2
	}
	lat, lon, latP, lonP, groups := trips(60, 400)
	bLat, bLon, bLatP, bLonP, bGroups := trips(200, 2*largeN()/200)
	tests := []struct {
		name                 string
		lat, lon, latP, lonP []float64
		groups               []int
		nGroups              int
		percentiles          []float64
	}{
		{name: "median and 95th", lat: lat, lon: lon, latP: latP, lonP: lonP, groups: groups, nGroups: 60, percentiles: []float64{50, 95}},
		{name: "extremes and an off-grid percentile", lat: lat, lon: lon, latP: latP, lonP: lonP, groups: groups, nGroups: 60, percentiles: []float64{0, 100, 37.5}},
		{name: "perfect predictions", lat: lat, lon: lon, latP: lat, lonP: lon, groups: groups, nGroups: 60, percentiles: []float64{50, 95}},
		{name: "about a million rows", lat: bLat, lon: bLon, latP: bLatP, lonP: bLonP, groups: bGroups, nGroups: 200, percentiles: []float64{50, 95}},
	}
	b := newSklearnBatch(t)
	wants := make([]*refResult, len(tests))
	for i, tc := range tests {
		kw := map[string]any{"percentiles": tc.percentiles, "radius": 6371000.0}
		wants[i] = b.call("haversine_percentile", kw, b.floats(tc.lat), b.floats(tc.lon), b.floats(tc.latP), b.floats(tc.lonP), b.ints(tc.groups))
	}
	b.runFormulas()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := HaversinePercentile(tc.lat, tc.lon, tc.latP, tc.lonP, tc.groups, tc.nGroups,
				HaversineOptions{Percentiles: tc.percentiles, EarthRadius: 6371000})
			assertMatchesSklearn(t, got, err, wants[i], "")
		})
	}
}

// Opposite points are where arccos (at -1) and arcsin (at 1) have infinite slope, so one ulp of
// difference between two libm's sines becomes ~1e-8 of the result: any two implementations of these
// formulas agree there only to about 1e-8. The clipping keeps the result finite.
func TestGeometry_OppositePointsAgreeToTheConditioningLimit(t *testing.T) {
	r := newRand(57)
	n := 100
	at, zt, ap, zp := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range at {
		at[i], zt[i] = r.Float64()*2*math.Pi, r.Float64()*math.Pi
		ap[i], zp[i] = at[i]+math.Pi, math.Pi-zt[i]
	}
	lat, lon, latP, lonP := []float64{10, -20}, []float64{30, 40}, []float64{-10, 20}, []float64{-150, -140}
	b := newSklearnBatch(t)
	wantAngle := b.call("mean_angular_error", nil, b.floats(at), b.floats(zt), b.floats(ap), b.floats(zp))
	wantDistance := b.call("haversine_percentile", map[string]any{"percentiles": []float64{50, 95}, "radius": 6371000.0},
		b.floats(lat), b.floats(lon), b.floats(latP), b.floats(lonP), b.ints([]int{0, 0}))
	b.runFormulas()
	angle, err := MeanAngularError(at, zt, ap, zp)
	assertWithin(t, angle, err, wantAngle, 1e-7)
	distance, err := HaversinePercentile(lat, lon, latP, lonP, []int{0, 0}, 1, HaversineOptions{Percentiles: []float64{50, 95}, EarthRadius: 6371000})
	assertWithin(t, distance, err, wantDistance, 1e-7)
}

func assertWithin(t *testing.T, got float64, err error, want *refResult, relative float64) {
	t.Helper()
	w, perr := strconv.ParseFloat(want.Value, 64)
	if err != nil || perr != nil || math.Abs(got-w) > relative*math.Abs(w) {
		t.Errorf("got %.17g (%v), reference %q%q; want within %g relative", got, err, want.Value, want.Error, relative)
	}
}

// TestHaversineDistances_EqualsHaversinePercentile checks that scoring precomputed distances gives
// HaversinePercentile's bits, whether each group's rows form one run in group order or are mixed.
func TestHaversineDistances_EqualsHaversinePercentile(t *testing.T) {
	r := newRand(71)
	for round := range 200 {
		n, nGroups := 1+r.IntN(300), 1+r.IntN(12)
		latT, lonT, latP, lonP := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		groups := make([]int, n)
		for i := range n {
			latT[i], lonT[i] = 180*r.Float64()-90, 360*r.Float64()-180
			latP[i], lonP[i] = latT[i]+r.NormFloat64()*1e-3, lonT[i]+r.NormFloat64()*1e-3
			groups[i] = r.IntN(nGroups)
		}
		if round%2 == 0 {
			slices.Sort(groups) // one run per group, in group order
		}
		opts := HaversineOptions{Percentiles: []float64{50, 95}, EarthRadius: 6371000}
		want, err := HaversinePercentile(latT, lonT, latP, lonP, groups, nGroups, opts)
		if err != nil {
			t.Fatal(err)
		}
		dist := make([]float64, n)
		for i := range dist {
			dist[i] = HaversineDistance(latT[i], lonT[i], latP[i], lonP[i], opts.EarthRadius)
		}
		got, err := HaversineDistances(dist, groups, nGroups, opts)
		if err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("round %d: HaversineDistances = %v, %v; HaversinePercentile %v", round, got, err, want)
		}
	}
	if _, err := HaversineDistances([]float64{1}, []int{0}, 1, HaversineOptions{Percentiles: []float64{101}, EarthRadius: 1}); core.TypeOf(err) != core.TypeInvalidArgument {
		t.Errorf("a percentile above 100: %v", err)
	}
}
