package rle

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/mledojo/dojo/plugins/metrics/internal/pyref"
)

// blobs draws a mask of a few filled rectangles, so runs are long and wrap across columns.
func blobs(r *rand.Rand, h, w, n int, order Order) []bool {
	bits := make([]bool, h*w)
	for range n {
		r0, c0 := r.IntN(h), r.IntN(w)
		r1, c1 := min(h, r0+1+r.IntN(h/2+1)), min(w, c0+1+r.IntN(w/2+1))
		for y := r0; y < r1; y++ {
			for x := c0; x < c1; x++ {
				if order == ColumnMajor {
					bits[x*h+y] = true
				} else {
					bits[y*w+x] = true
				}
			}
		}
	}
	return bits
}

// shuffledEncoding writes the mask's runs in a random order, split at random points, which
// Decode must read as the same set.
func shuffledEncoding(r *rand.Rand, m Mask) string {
	var runs []Run
	for _, run := range m.Runs() {
		for run.End-run.Start > 1 && r.IntN(3) == 0 {
			cut := run.Start + 1 + r.Int64N(run.End-run.Start-1)
			runs = append(runs, Run{run.Start, cut})
			run.Start = cut
		}
		runs = append(runs, run)
	}
	r.Shuffle(len(runs), func(i, j int) { runs[i], runs[j] = runs[j], runs[i] })
	parts := make([]string, 0, len(runs))
	for _, run := range runs {
		parts = append(parts, Encode(Mask{runs: []Run{run}}))
	}
	return strings.Join(parts, "  ")
}

func TestDecode_AgreesWithNumpy(t *testing.T) {
	pyref.Require(t, "numpy")
	r := rand.New(rand.NewPCG(1, 1))
	type pycase struct {
		Shape [2]int `json:"shape"`
		Order string `json:"order"`
		Truth string `json:"truth"`
		Pred  string `json:"pred"`
		Bits  []int  `json:"bits"`
	}
	var cases []pycase
	var orders []Order
	var truths, preds []Mask
	var bitsList [][]bool
	for i := range 300 {
		h, w := 1+r.IntN(40), 1+r.IntN(40)
		order := Order(i % 2)
		tb := blobs(r, h, w, r.IntN(4), order) // zero blobs: the empty mask
		pb := blobs(r, h, w, r.IntN(4), order)
		truth, pred := FromBits(tb), FromBits(pb)
		c := pycase{Shape: [2]int{h, w}, Order: "F", Truth: shuffledEncoding(r, truth), Pred: Encode(pred)}
		if order == RowMajor {
			c.Order = "C"
		}
		for _, b := range tb {
			c.Bits = append(c.Bits, map[bool]int{false: 0, true: 1}[b])
		}
		cases = append(cases, c)
		orders = append(orders, order)
		truths, preds, bitsList = append(truths, truth), append(preds, pred), append(bitsList, tb)
	}
	var want []struct {
		Truth, Pred, Inter int64
		Coords             [][2]int
		Encoded            string
	}
	pyref.Run(t, "testdata/reference.py", map[string]any{"cases": cases}, &want)
	for i, c := range cases {
		shape := Shape{Height: c.Shape[0], Width: c.Shape[1]}
		truth, err := Decode(c.Truth, shape.Pixels())
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if !truth.Equal(truths[i]) {
			t.Fatalf("case %d: shuffled encoding %q decodes to %v, want %v", i, c.Truth, truth.Runs(), truths[i].Runs())
		}
		pred, err := Decode(c.Pred, shape.Pixels())
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if truth.Count() != want[i].Truth || pred.Count() != want[i].Pred || Intersection(truth, pred) != want[i].Inter {
			t.Errorf("case %d: counts %d %d ∩ %d, numpy %d %d ∩ %d", i, truth.Count(), pred.Count(), Intersection(truth, pred),
				want[i].Truth, want[i].Pred, want[i].Inter)
		}
		var coords [][2]int
		for _, run := range truth.Runs() {
			for p := run.Start; p < run.End; p++ {
				row, col := orders[i].Coord(p, shape)
				coords = append(coords, [2]int{row, col})
			}
		}
		slices.SortFunc(coords, func(a, b [2]int) int { return (a[0]-b[0])*1_000_000 + a[1] - b[1] })
		if !slices.Equal(coords, want[i].Coords) && !(len(coords) == 0 && len(want[i].Coords) == 0) {
			t.Errorf("case %d (%v %dx%d): coordinates differ from numpy's", i, orders[i], shape.Height, shape.Width)
		}
		if got := Encode(FromBits(bitsList[i])); got != want[i].Encoded {
			t.Errorf("case %d: Encode %q, numpy %q", i, got, want[i].Encoded)
		}
	}
}

func TestDecode_RejectsWhatKaggleRejects(t *testing.T) {
	cases := []struct {
		rle     string
		pixels  int64
		mention string
	}{
		{"1 2 3", 0, "even"},
		{"0 2", 0, "not positive"},
		{"1 0", 0, "not positive"},
		{"-3 2", 0, "not positive"},
		{"1.0 2", 0, "not an integer"},
		{"a 2", 0, "not an integer"},
		{"1 5 3 2", 0, "decoded twice"},
		{"9 3", 10, "past the image's last pixel"},
		{"1 99999999999999999999", 0, "too large"},
		{"999999999999999999 999999999999999999", 1000, "past"},
	}
	for _, c := range cases {
		_, err := Decode(c.rle, c.pixels)
		var de *DecodeError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), c.mention) {
			t.Errorf("Decode(%q) = %v, want a DecodeError mentioning %q", c.rle, err, c.mention)
		}
	}
}

func TestDecode_AcceptsPythonIntegersAndMergesTouchingRuns(t *testing.T) {
	m, err := Decode(" +1 2\t3_0 1\n03 2 ", 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []Run{{0, 4}, {29, 30}}; !slices.Equal(m.Runs(), want) || m.Count() != 5 {
		t.Errorf("runs %v count %d, want %v count 5", m.Runs(), m.Count(), want)
	}
	if got := Encode(m); got != "1 4 30 1" {
		t.Errorf("Encode = %q", got)
	}
	for _, s := range []string{"", "   ", "\n"} {
		if m, err := Decode(s, 100); err != nil || !m.Empty() {
			t.Errorf("Decode(%q) = %v, %v; want the empty mask", s, m, err)
		}
	}
}

func TestUnion_MergesOverlapsAndCounts(t *testing.T) {
	a, _ := FromRuns([]Run{{0, 5}, {10, 12}})
	b, _ := FromRuns([]Run{{3, 8}, {12, 13}, {20, 21}})
	u := Union(a, b)
	if want := []Run{{0, 8}, {10, 13}, {20, 21}}; !slices.Equal(u.Runs(), want) || u.Count() != 12 {
		t.Errorf("Union = %v (%d), want %v (12)", u.Runs(), u.Count(), want)
	}
	if Intersection(a, b) != 2 || !Overlaps(a, b) {
		t.Errorf("Intersection = %d", Intersection(a, b))
	}
}

func BenchmarkDecodeIntersect(b *testing.B) {
	// A HuBMAP-sized mask: about 200,000 runs over a 30,000 × 40,000 image.
	r := rand.New(rand.NewPCG(9, 9))
	var truth, pred strings.Builder
	p := int64(1)
	for range 200_000 {
		p += 1 + r.Int64N(5000)
		n := 1 + r.Int64N(400)
		truth.WriteString(Encode(Mask{runs: []Run{{p - 1, p - 1 + n}}}) + " ")
		off := r.Int64N(20)
		pred.WriteString(Encode(Mask{runs: []Run{{p - 1 + off, p - 1 + n + off}}}) + " ")
		p += n + 20
	}
	ts, ps := truth.String(), pred.String()
	b.ReportAllocs()
	for b.Loop() {
		tm, err := Decode(ts, 0)
		if err != nil {
			b.Fatal(err)
		}
		pm, err := Decode(ps, 0)
		if err != nil {
			b.Fatal(err)
		}
		_ = Intersection(tm, pm)
	}
}
