package score

import (
	"fmt"
	"math"
	"slices"

	"github.com/mledojo/dojo/core"
)

// MeanAngularError returns the mean great-circle angle, in radians, between true and predicted
// directions given as azimuth and zenith in radians: arccos(sin zₜ sin zₚ cos(aₜ-aₚ) + cos zₜ cos zₚ),
// the cosine clipped to [-1, 1] (IceCube's metric, computed as the original computes it). Near a
// perfect prediction the cosine sits within an ulp of 1, where arccos turns rounding into about 1e-8
// rad; any implementation of this formula shares that floor.
func MeanAngularError(azTrue, zenTrue, azPred, zenPred []float64) (float64, error) {
	n := len(azTrue)
	if len(zenTrue) != n {
		return 0, core.Errorf(core.TypeInvalidArgument, "ground truth has %d azimuths but %d zeniths", n, len(zenTrue))
	}
	if err := checkRegression(azTrue, azPred); err != nil {
		return 0, err
	}
	if err := checkRegression(zenTrue, zenPred); err != nil {
		return 0, err
	}
	zenTrue, azPred, zenPred = zenTrue[:n], azPred[:n], zenPred[:n]
	var s compensatedSum
	for i, at := range azTrue {
		zt, ap, zp := zenTrue[i], azPred[i], zenPred[i]
		c := math.Sin(zt)*math.Sin(zp)*math.Cos(at-ap) + math.Cos(zt)*math.Cos(zp)
		s.add(math.Acos(min(max(c, -1), 1)))
	}
	return s.value() / float64(n), nil
}

// HaversineOptions configure HaversinePercentile.
type HaversineOptions struct {
	// Percentiles, each from 0 to 100, are averaged per group ([50, 95] in Smartphone Decimeter).
	Percentiles []float64
	// EarthRadius is the sphere's radius in the unit of the result (6,371,000 m).
	EarthRadius float64
}

// degreesToRadians is computed at run time, as Python's math.radians computes π/180, so that
// conversions agree with it to the last bit.
var degreesToRadians = func() float64 { pi := math.Pi; return pi / 180 }()

// HaversinePercentile returns the Smartphone Decimeter score: each row's haversine distance between
// the true and predicted latitude/longitude (degrees), then per group (a phone's trip) the mean of
// the given percentiles of its distances (numpy's default linear interpolation), then the mean over
// groups. groups[i] is row i's group, from 0 to nGroups-1; groups without rows are left out.
func HaversinePercentile(latTrue, lonTrue, latPred, lonPred []float64, groups []int, nGroups int, opts HaversineOptions) (float64, error) {
	n := len(latTrue)
	if len(lonTrue) != n || len(groups) != n {
		return 0, core.Errorf(core.TypeInvalidArgument, "ground truth has %d latitudes, %d longitudes and %d groups", n, len(lonTrue), len(groups))
	}
	if err := checkRegression(latTrue, latPred); err != nil {
		return 0, err
	}
	if err := checkRegression(lonTrue, lonPred); err != nil {
		return 0, err
	}
	if err := opts.check(); err != nil {
		return 0, err
	}
	// Counting sort of the rows by group, so each group's distances are one contiguous run.
	start, err := groupStarts(groups, nGroups)
	if err != nil {
		return 0, err
	}
	next := slices.Clone(start[:nGroups])
	dist := make([]float64, n)
	lonTrue, latPred, lonPred = lonTrue[:n], latPred[:n], lonPred[:n]
	for i, g := range groups[:n] {
		dist[next[g]] = HaversineDistance(latTrue[i], lonTrue[i], latPred[i], lonPred[i], opts.EarthRadius)
		next[g]++
	}
	return groupPercentiles(dist, start, opts), nil
}

// HaversineDistances is HaversinePercentile given each row's distance (HaversineDistance), for a
// caller that computes them as it reads the coordinates rather than holding all four columns. It
// sorts dist in place.
func HaversineDistances(dist []float64, groups []int, nGroups int, opts HaversineOptions) (float64, error) {
	n := len(dist)
	if len(groups) != n {
		return 0, core.Errorf(core.TypeInvalidArgument, "%d distances and %d groups", n, len(groups))
	}
	if err := checkRegression(dist, dist); err != nil {
		return 0, err
	}
	if err := opts.check(); err != nil {
		return 0, err
	}
	start, err := groupStarts(groups, nGroups)
	if err != nil {
		return 0, err
	}
	// When each group's rows are one run and the runs come in group order (groups numbered as
	// they first appear, in a file sorted by group), row order is already the grouped order.
	grouped := true
	for i := 1; i < n && grouped; i++ {
		grouped = groups[i-1] <= groups[i]
	}
	if !grouped {
		next := slices.Clone(start[:nGroups])
		byGroup := make([]float64, n)
		for i, g := range groups {
			byGroup[next[g]] = dist[i]
			next[g]++
		}
		dist = byGroup
	}
	return groupPercentiles(dist, start, opts), nil
}

// HaversineDistance is the great-circle distance between two points given in degrees, on a sphere
// of the given radius: what HaversinePercentile measures for each row.
func HaversineDistance(lat1, lon1, lat2, lon2, radius float64) float64 {
	return radius * haversineAngle(lat1, lon1, lat2, lon2)
}

func (opts HaversineOptions) check() error {
	if len(opts.Percentiles) == 0 || !(opts.EarthRadius > 0) || !finite(opts.EarthRadius) {
		return core.Errorf(core.TypeInvalidArgument, "haversine percentiles need at least one percentile and a positive radius, got %v and %v",
			opts.Percentiles, opts.EarthRadius)
	}
	for _, q := range opts.Percentiles {
		if !(q >= 0 && q <= 100) {
			return core.Errorf(core.TypeInvalidArgument, "percentile %v is outside 0 to 100", q)
		}
	}
	return nil
}

// groupStarts counts the rows of each group: group g's rows take [start[g], start[g+1]) once
// sorted by group.
func groupStarts(groups []int, nGroups int) ([]int, error) {
	start := make([]int, nGroups+1)
	for i, g := range groups {
		if g < 0 || g >= nGroups {
			return nil, rowErrorf(core.TypeInvalidArgument, i, fmt.Sprintf("group at row %d is %d; groups run from 0 to %d", i, g, nGroups-1))
		}
		start[g+1]++
	}
	for g := range nGroups {
		start[g+1] += start[g]
	}
	return start, nil
}

// groupPercentiles sorts each group's run of dist and returns the mean over groups with rows of the
// mean of the percentiles.
func groupPercentiles(dist []float64, start []int, opts HaversineOptions) float64 {
	var total compensatedSum
	used := 0
	for g := range len(start) - 1 {
		d := dist[start[g]:start[g+1]]
		if len(d) == 0 {
			continue
		}
		slices.Sort(d)
		var sum float64
		for _, q := range opts.Percentiles {
			sum += percentileSorted(d, q)
		}
		total.add(sum / float64(len(opts.Percentiles)))
		used++
	}
	return total.value() / float64(used)
}

// haversineAngle returns the central angle between two points given in degrees. Rounding can push
// the haversine a a hair above 1 for antipodal points, where asin would be NaN; it is clipped.
func haversineAngle(lat1, lon1, lat2, lon2 float64) float64 {
	lat1, lon1, lat2, lon2 = lat1*degreesToRadians, lon1*degreesToRadians, lat2*degreesToRadians, lon2*degreesToRadians
	sLat := math.Sin((lat2 - lat1) / 2)
	sLon := math.Sin((lon2 - lon1) / 2)
	a := sLat*sLat + math.Cos(lat1)*math.Cos(lat2)*sLon*sLon
	return 2 * math.Asin(math.Sqrt(min(a, 1)))
}

// percentileSorted is numpy.percentile's default (linear) method on sorted xs, interpolating from
// either end as numpy's _lerp does so the result matches it to the last bit.
func percentileSorted(xs []float64, q float64) float64 {
	v := (q / 100) * float64(len(xs)-1)
	lo := math.Floor(v)
	i := int(lo)
	j := min(i+1, len(xs)-1)
	t := v - lo
	a, b := xs[i], xs[j]
	d := b - a
	if t >= 0.5 {
		return b - d*(1-t)
	}
	return a + d*t
}
