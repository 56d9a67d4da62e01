package hausdorff

import (
	"math"
	"runtime"
	"sync"
)

// Grid is a binary voxel grid of Dims[0] × Dims[1] × Dims[2] voxels, index (z*Dims[1]+y)*Dims[2]+x.
type Grid struct {
	Dims   [3]int
	Voxels []bool
}

// Symmetric returns max(Directed(a, b), Directed(b, a)), or ok false when either set is empty. A
// step along axis k has length spacing[k].
func Symmetric(a, b Grid, spacing [3]float64) (d float64, ok bool) {
	lo, hi, any := bounds(a, b)
	if !any {
		return 0, false
	}
	ca, cb := crop(a, lo, hi), crop(b, lo, hi)
	ab, okA := directed(ca, cb, spacing)
	ba, okB := directed(cb, ca, spacing)
	if !okA || !okB {
		return 0, false
	}
	return math.Max(ab, ba), true
}

// Directed returns the largest distance from a voxel of a to the nearest voxel of b, or ok false
// when either set is empty.
func Directed(a, b Grid, spacing [3]float64) (d float64, ok bool) {
	lo, hi, any := bounds(a, b)
	if !any {
		return 0, false
	}
	return directed(crop(a, lo, hi), crop(b, lo, hi), spacing)
}

func directed(a, b Grid, spacing [3]float64) (float64, bool) {
	dist := squaredDistances(b, spacing)
	worst, seen := 0.0, false
	for i, in := range a.Voxels {
		if in {
			seen = true
			if dist[i] > worst {
				worst = dist[i]
			}
		}
	}
	if !seen || math.IsInf(worst, 1) {
		return 0, false
	}
	return math.Sqrt(worst), true
}

// bounds returns the smallest box holding every voxel of a and b, as inclusive corners.
func bounds(a, b Grid) (lo, hi [3]int, any bool) {
	d := a.Dims
	lo = [3]int{d[0], d[1], d[2]}
	hi = [3]int{-1, -1, -1}
	for _, g := range []Grid{a, b} {
		for i, in := range g.Voxels {
			if !in {
				continue
			}
			x := i % d[2]
			y := (i / d[2]) % d[1]
			z := i / (d[2] * d[1])
			for k, v := range [3]int{z, y, x} {
				lo[k] = min(lo[k], v)
				hi[k] = max(hi[k], v)
			}
			any = true
		}
	}
	return lo, hi, any
}

func crop(g Grid, lo, hi [3]int) Grid {
	dims := [3]int{hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1}
	if dims == g.Dims {
		return g
	}
	out := Grid{Dims: dims, Voxels: make([]bool, dims[0]*dims[1]*dims[2])}
	for z := range dims[0] {
		for y := range dims[1] {
			src := ((z+lo[0])*g.Dims[1]+y+lo[1])*g.Dims[2] + lo[2]
			dst := (z*dims[1] + y) * dims[2]
			copy(out.Voxels[dst:dst+dims[2]], g.Voxels[src:src+dims[2]])
		}
	}
	return out
}

// squaredDistances returns, for every voxel, the squared distance to the nearest voxel of g (+Inf
// when g is empty).
func squaredDistances(g Grid, spacing [3]float64) []float64 {
	n := len(g.Voxels)
	d := make([]float64, n)
	inf := math.Inf(1)
	for i, in := range g.Voxels {
		if !in {
			d[i] = inf
		}
	}
	nz, ny, nx := g.Dims[0], g.Dims[1], g.Dims[2]
	// Each pass transforms every line along one axis; lines are independent.
	pass := func(lines, length, stride int, start func(line int) int, w float64) {
		workers := min(runtime.GOMAXPROCS(0), max(1, lines/64))
		var wg sync.WaitGroup
		for w0 := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				t := newTransform(length, w*w)
				for line := w0; line < lines; line += workers {
					t.line(d, start(line), stride)
				}
			}()
		}
		wg.Wait()
	}
	pass(nz*ny, nx, 1, func(l int) int { return l * nx }, spacing[2])
	pass(nz*nx, ny, nx, func(l int) int { return (l/nx)*ny*nx + l%nx }, spacing[1])
	pass(ny*nx, nz, ny*nx, func(l int) int { return l }, spacing[0])
	return d
}

// transform is the 1-D squared distance transform's scratch space for lines of one length.
type transform struct {
	w2 float64 // squared spacing
	f  []float64
	v  []int     // positions of the parabolas of the lower envelope
	z  []float64 // boundaries between them
	n  int
}

func newTransform(n int, w2 float64) *transform {
	return &transform{w2: w2, f: make([]float64, n), v: make([]int, n), z: make([]float64, n+1), n: n}
}

// line replaces d[start], d[start+stride], ... with min over q of d[q] + w2·(p-q)².
func (t *transform) line(d []float64, start, stride int) {
	f, v, z, w2 := t.f, t.v, t.z, t.w2
	k := -1
	for q := range t.n {
		f[q] = d[start+q*stride]
		if math.IsInf(f[q], 1) {
			continue
		}
		fq := f[q] + w2*float64(q)*float64(q)
		for k >= 0 {
			p := v[k]
			s := (fq - (f[p] + w2*float64(p)*float64(p))) / (2 * w2 * float64(q-p))
			if s <= z[k] {
				k--
				continue
			}
			k++
			v[k], z[k] = q, s
			break
		}
		if k < 0 {
			k = 0
			v[0], z[0] = q, math.Inf(-1)
		}
		z[k+1] = math.Inf(1)
	}
	if k < 0 {
		return // no finite value on this line: it stays +Inf
	}
	j := 0
	for q := range t.n {
		for z[j+1] < float64(q) {
			j++
		}
		dq := float64(q - v[j])
		d[start+q*stride] = w2*dq*dq + f[v[j]]
	}
}
