package rle

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mledojo/dojo/plugins/metrics/internal/pytext"
)

// Order says how a mask's pixels are numbered, which matters only where geometry does (a
// coordinate, a distance); overlaps between two masks of one order do not depend on it.
type Order uint8

const (
	// ColumnMajor numbers pixels top to bottom, then left to right: pixel 1 is (row 1, column 1),
	// pixel 2 is (row 2, column 1). Most Kaggle segmentation competitions use it.
	ColumnMajor Order = iota
	// RowMajor numbers pixels left to right, then top to bottom (numpy's default flattening).
	RowMajor
)

// Run is the half-open range [Start, End) of 0-based pixel indexes.
type Run struct{ Start, End int64 }

// Mask is a set of pixels held as sorted, disjoint, non-touching runs. The zero value is empty.
type Mask struct {
	runs  []Run
	count int64
}

// Runs returns the runs in increasing order. The slice is shared: do not modify it.
func (m Mask) Runs() []Run { return m.runs }

// Count returns the number of pixels.
func (m Mask) Count() int64 { return m.count }

// Empty reports whether the mask has no pixel.
func (m Mask) Empty() bool { return m.count == 0 }

// Equal reports whether two masks hold the same pixels.
func (m Mask) Equal(o Mask) bool { return m.count == o.count && slices.Equal(m.runs, o.runs) }

// DecodeError says what is wrong with an encoding; Token is the 0-based index of the offending
// number, or -1 when the problem is the encoding as a whole.
type DecodeError struct {
	Token  int
	Reason string
}

func (e *DecodeError) Error() string {
	if e.Token < 0 {
		return e.Reason
	}
	return fmt.Sprintf("number %d: %s", e.Token+1, e.Reason)
}

// Decode reads "start length start length ..." with 1-based starts, as Kaggle writes masks: white
// space separates the numbers, and an empty or blank string is the empty mask. pixels is the image's
// pixel count (height × width), or 0 when unknown, in which case no bound is checked.
//
// Following Kaggle's rules for these encodings, every number must be a positive integer, and no
// pixel may be decoded twice; runs need not be sorted (their order does not change the set), and
// runs that touch are merged.
func Decode(s string, pixels int64) (Mask, error) {
	var runs []Run
	pair := 0
	var start int64
	token := 0
	for i := 0; i < len(s); {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i == len(s) {
			break
		}
		j := i
		for j < len(s) && !isSpace(s[j]) {
			j++
		}
		v, err := parsePositive(s[i:j])
		if err != nil {
			return Mask{}, &DecodeError{Token: token, Reason: err.Error()}
		}
		if pair == 0 {
			start = v - 1
		} else {
			end := start + v
			if end < start || (pixels > 0 && end > pixels) {
				return Mask{}, &DecodeError{Token: token, Reason: fmt.Sprintf("the run %d %d ends past the image's last pixel %d", start+1, v, pixels)}
			}
			runs = append(runs, Run{start, end})
		}
		pair ^= 1
		token++
		i = j
	}
	if pair != 0 {
		return Mask{}, &DecodeError{Token: -1, Reason: fmt.Sprintf("%d numbers: an encoding holds start and length pairs, so the count must be even", token)}
	}
	return fromRuns(runs)
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// parsePositive reads an integer as Python's int() does and requires it to be at least 1.
func parsePositive(tok string) (int64, error) {
	c, ok := pytext.CanonicalInt(tok)
	switch {
	case !ok:
		return 0, fmt.Errorf("%q is not an integer", tok)
	case c == "0" || strings.HasPrefix(c, "-"):
		return 0, fmt.Errorf("%s is not positive; starts are 1-based and lengths at least 1", tok)
	case len(c) > 18:
		return 0, fmt.Errorf("%s is too large", tok)
	}
	v, err := strconv.ParseInt(c, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not an integer", tok)
	}
	return v, nil
}

// fromRuns sorts runs, rejects overlaps and merges touching runs.
func fromRuns(runs []Run) (Mask, error) {
	if !slices.IsSortedFunc(runs, cmpRun) {
		slices.SortFunc(runs, cmpRun)
	}
	out := runs[:0]
	var count int64
	for _, r := range runs {
		if n := len(out); n > 0 && r.Start < out[n-1].End {
			p := out[n-1]
			return Mask{}, &DecodeError{Token: -1, Reason: fmt.Sprintf("pixel %d is decoded twice (runs %d %d and %d %d overlap)",
				r.Start+1, p.Start+1, p.End-p.Start, r.Start+1, r.End-r.Start)}
		}
		count += r.End - r.Start
		if n := len(out); n > 0 && r.Start == out[n-1].End {
			out[n-1].End = r.End
			continue
		}
		out = append(out, r)
	}
	return Mask{runs: out, count: count}, nil
}

func cmpRun(a, b Run) int {
	switch {
	case a.Start < b.Start:
		return -1
	case a.Start > b.Start:
		return 1
	}
	return 0
}

// FromRuns builds a mask from 0-based half-open runs, with Decode's rules.
func FromRuns(runs []Run) (Mask, error) {
	for _, r := range runs {
		if r.Start < 0 || r.End <= r.Start {
			return Mask{}, &DecodeError{Token: -1, Reason: fmt.Sprintf("run [%d, %d) is empty or negative", r.Start, r.End)}
		}
	}
	return fromRuns(slices.Clone(runs))
}

// FromBits builds a mask from a flattened image, in whatever order it was flattened.
func FromBits(bits []bool) Mask {
	var m Mask
	for i := 0; i < len(bits); {
		if !bits[i] {
			i++
			continue
		}
		j := i
		for j < len(bits) && bits[j] {
			j++
		}
		m.runs = append(m.runs, Run{int64(i), int64(j)})
		m.count += int64(j - i)
		i = j
	}
	return m
}

// Bits draws the mask into a flattened image of the given pixel count.
func (m Mask) Bits(pixels int64) []bool {
	out := make([]bool, pixels)
	for _, r := range m.runs {
		for p := r.Start; p < r.End && p < pixels; p++ {
			out[p] = true
		}
	}
	return out
}

// Encode writes the mask as Kaggle does: 1-based starts and lengths, sorted, separated by single
// spaces; the empty mask is the empty string.
func Encode(m Mask) string {
	var b strings.Builder
	for i, r := range m.runs {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatInt(r.Start+1, 10))
		b.WriteByte(' ')
		b.WriteString(strconv.FormatInt(r.End-r.Start, 10))
	}
	return b.String()
}

// Union returns the pixels in any of the masks.
func Union(masks ...Mask) Mask {
	var runs []Run
	for _, m := range masks {
		runs = append(runs, m.runs...)
	}
	slices.SortFunc(runs, cmpRun)
	var u Mask
	for _, r := range runs {
		if n := len(u.runs); n > 0 && r.Start <= u.runs[n-1].End {
			if r.End > u.runs[n-1].End {
				u.count += r.End - u.runs[n-1].End
				u.runs[n-1].End = r.End
			}
			continue
		}
		u.runs = append(u.runs, r)
		u.count += r.End - r.Start
	}
	return u
}

// Intersection returns the number of pixels in both masks.
func Intersection(a, b Mask) int64 {
	var n int64
	i, j := 0, 0
	for i < len(a.runs) && j < len(b.runs) {
		x, y := a.runs[i], b.runs[j]
		lo, hi := max(x.Start, y.Start), min(x.End, y.End)
		if hi > lo {
			n += hi - lo
		}
		if x.End < y.End {
			i++
		} else {
			j++
		}
	}
	return n
}

// Overlaps reports whether the masks share a pixel.
func Overlaps(a, b Mask) bool { return Intersection(a, b) > 0 }

// Shape is an image's size in pixels.
type Shape struct{ Height, Width int }

// Pixels returns Height × Width.
func (s Shape) Pixels() int64 { return int64(s.Height) * int64(s.Width) }

// Coord returns the 0-based row and column of pixel p (0-based) of an image numbered in order o.
func (o Order) Coord(p int64, s Shape) (row, col int) {
	if o == RowMajor {
		return int(p / int64(s.Width)), int(p % int64(s.Width))
	}
	return int(p % int64(s.Height)), int(p / int64(s.Height))
}
