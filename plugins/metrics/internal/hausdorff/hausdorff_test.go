package hausdorff

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mledojo/dojo/plugins/metrics/internal/pyref"
)

// blobGrid draws a few boxes and scattered voxels, so sets have interiors, holes and outliers.
func blobGrid(r *rand.Rand, dims [3]int) Grid {
	g := Grid{Dims: dims, Voxels: make([]bool, dims[0]*dims[1]*dims[2])}
	for range 1 + r.IntN(3) {
		var lo, hi [3]int
		for k := range 3 {
			lo[k] = r.IntN(dims[k])
			hi[k] = min(dims[k], lo[k]+1+r.IntN(dims[k]/2+1))
		}
		for z := lo[0]; z < hi[0]; z++ {
			for y := lo[1]; y < hi[1]; y++ {
				for x := lo[2]; x < hi[2]; x++ {
					g.Voxels[(z*dims[1]+y)*dims[2]+x] = true
				}
			}
		}
	}
	for range r.IntN(4) {
		g.Voxels[r.IntN(len(g.Voxels))] = true
	}
	return g
}

func bits(g Grid) []int {
	out := make([]int, len(g.Voxels))
	for i, v := range g.Voxels {
		if v {
			out[i] = 1
		}
	}
	return out
}

func TestDirected_AgreesWithScipy(t *testing.T) {
	pyref.Require(t, "numpy", "scipy.spatial")
	r := rand.New(rand.NewPCG(1, 2))
	type pycase struct {
		Dims    [3]int     `json:"dims"`
		Spacing [3]float64 `json:"spacing"`
		A       []int      `json:"a"`
		B       []int      `json:"b"`
	}
	var cases []pycase
	var grids [][2]Grid
	for i := range 200 {
		dims := [3]int{1 + r.IntN(12), 1 + r.IntN(30), 1 + r.IntN(30)}
		spacing := [3]float64{1, 1, 1}
		if i%2 == 1 {
			// The UW-Madison normalisation: each axis divided by the volume's size along it.
			spacing = [3]float64{1 / float64(dims[0]), 1 / float64(dims[1]), 1 / float64(dims[2])}
		}
		a, b := blobGrid(r, dims), blobGrid(r, dims)
		cases = append(cases, pycase{Dims: dims, Spacing: spacing, A: bits(a), B: bits(b)})
		grids = append(grids, [2]Grid{a, b})
	}
	var want [][2]float64
	pyref.Run(t, "testdata/reference.py", map[string]any{"cases": cases}, &want)
	for i, c := range cases {
		a, b := grids[i][0], grids[i][1]
		ab, ok1 := Directed(a, b, c.Spacing)
		ba, ok2 := Directed(b, a, c.Spacing)
		if !ok1 || !ok2 {
			t.Fatalf("case %d: sets are not empty, yet ok is false", i)
		}
		if !pyref.Close(ab, want[i][0]) || !pyref.Close(ba, want[i][1]) {
			t.Errorf("case %d (%v, spacing %v): %.17g %.17g, scipy %.17g %.17g", i, c.Dims, c.Spacing, ab, ba, want[i][0], want[i][1])
		}
		sym, _ := Symmetric(a, b, c.Spacing)
		if sym != math.Max(ab, ba) {
			t.Errorf("case %d: Symmetric %v, want max(%v, %v)", i, sym, ab, ba)
		}
	}
}

func TestSymmetric_EmptyAndIdenticalSets(t *testing.T) {
	dims := [3]int{2, 3, 4}
	empty := Grid{Dims: dims, Voxels: make([]bool, 24)}
	one := Grid{Dims: dims, Voxels: make([]bool, 24)}
	one.Voxels[5] = true
	if _, ok := Symmetric(empty, empty, [3]float64{1, 1, 1}); ok {
		t.Error("two empty sets have no Hausdorff distance")
	}
	if _, ok := Symmetric(empty, one, [3]float64{1, 1, 1}); ok {
		t.Error("an empty set has no Hausdorff distance to another")
	}
	if d, ok := Symmetric(one, one, [3]float64{1, 1, 1}); !ok || d != 0 {
		t.Errorf("identical sets: %v, %v", d, ok)
	}
	far := Grid{Dims: dims, Voxels: make([]bool, 24)}
	far.Voxels[0], far.Voxels[23] = true, true // opposite corners
	if d, _ := Directed(far, one, [3]float64{1, 1, 1}); d != math.Sqrt(1+1+4) {
		t.Errorf("corner (1,2,3) to voxel 5 = (0,1,1): %v", d)
	}
}

func BenchmarkSymmetric(b *testing.B) {
	// A UW-Madison case-day: 144 slices of 266 × 266, with organ-sized blobs.
	r := rand.New(rand.NewPCG(3, 3))
	dims := [3]int{144, 266, 266}
	x, y := blobGrid(r, dims), blobGrid(r, dims)
	spacing := [3]float64{1.0 / 144, 1.0 / 266, 1.0 / 266}
	b.ReportAllocs()
	for b.Loop() {
		Symmetric(x, y, spacing)
	}
}
