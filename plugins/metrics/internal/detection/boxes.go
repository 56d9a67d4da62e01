package detection

import (
	"fmt"
	"math"
	"strings"

	"github.com/mledojo/dojo/plugins/metrics/internal/pytext"
)

// Layout says how a box's four numbers read.
type Layout uint8

const (
	// XYWH is the top-left corner, then width and height.
	XYWH Layout = iota
	// XYXY is the top-left corner, then the bottom-right corner.
	XYXY
)

// Format says what one detection in a prediction string holds: an optional class label, an optional
// confidence, then the box's four numbers.
type Format struct {
	Class, Confidence bool
	Layout            Layout
}

// ParseFormat reads a format name: "[class_][conf_]xywh" or "[class_][conf_]xyxy", for example
// "conf_xywh" (Global Wheat) or "class_conf_xyxy" (VinBigData, SIIM).
func ParseFormat(name string) (Format, error) {
	var f Format
	rest := name
	if after, ok := strings.CutPrefix(rest, "class_"); ok {
		f.Class, rest = true, after
	}
	if after, ok := strings.CutPrefix(rest, "conf_"); ok {
		f.Confidence, rest = true, after
	}
	switch rest {
	case "xywh":
		f.Layout = XYWH
	case "xyxy":
		f.Layout = XYXY
	default:
		return Format{}, fmt.Errorf("box format %q is not [class_][conf_]xywh or [class_][conf_]xyxy", name)
	}
	return f, nil
}

// Size returns the number of tokens one detection takes.
func (f Format) Size() int {
	n := 4
	if f.Class {
		n++
	}
	if f.Confidence {
		n++
	}
	return n
}

// Box is an axis-aligned box. Its area is kept as the competition's formula computes it, so that
// IoU values agree with the reference bit for bit and threshold decisions do too.
type Box struct {
	X1, Y1, X2, Y2 float64
	Area           float64
}

// BoxXYWH returns the box with top-left corner (x, y), width w and height h.
func BoxXYWH(x, y, w, h float64) Box { return Box{X1: x, Y1: y, X2: x + w, Y2: y + h, Area: w * h} }

// BoxXYXY returns the box with corners (x1, y1) and (x2, y2).
func BoxXYXY(x1, y1, x2, y2 float64) Box {
	return Box{X1: x1, Y1: y1, X2: x2, Y2: y2, Area: (x2 - x1) * (y2 - y1)}
}

// IoU returns the boxes' intersection over union, 0 when the union is empty.
func IoU(a, b Box) float64 {
	w := math.Max(0, math.Min(a.X2, b.X2)-math.Max(a.X1, b.X1))
	h := math.Max(0, math.Min(a.Y2, b.Y2)-math.Max(a.Y1, b.Y1))
	inter := w * h
	if inter == 0 {
		return 0
	}
	union := a.Area + b.Area - inter
	if !(union > 0) { // also NaN: boxes near ±1e308 overflow to infinite areas, and Inf - Inf is NaN
		return 0
	}
	return inter / union
}

// Detection is one parsed detection.
type Detection struct {
	Class      string
	Confidence float64
	Box        Box
}

// ParseError says which detection of a string is malformed; Group is 0-based, or -1 for the string
// as a whole.
type ParseError struct {
	Group  int
	Reason string
}

func (e *ParseError) Error() string {
	if e.Group < 0 {
		return e.Reason
	}
	return fmt.Sprintf("detection %d: %s", e.Group+1, e.Reason)
}

// Parse reads a prediction string of detections separated by white space. The empty string holds
// none. Numbers are read as Python's float() reads them and must be finite; a width, height or
// corner order that makes a box negative is an error, and so is a token count that is not a
// multiple of the format's size. A class label that is an integer is written in canonical form
// (so "07" and "7" are one class, as int() makes them).
func (f Format) Parse(s string) ([]Detection, error) {
	toks := strings.Fields(s)
	size := f.Size()
	if len(toks)%size != 0 {
		return nil, &ParseError{Group: -1, Reason: fmt.Sprintf("%d values do not make whole detections of %d (%s)",
			len(toks), size, f.describe())}
	}
	out := make([]Detection, 0, len(toks)/size)
	for g := 0; g < len(toks); g += size {
		t := toks[g : g+size]
		var d Detection
		if f.Class {
			d.Class = CanonicalClass(t[0])
			t = t[1:]
		}
		d.Confidence = 1
		var nums [5]float64
		for i, tok := range t {
			v, err := pytext.ParseFloat(tok)
			if err != nil {
				return nil, &ParseError{Group: g / size, Reason: err.Error()}
			}
			nums[i] = v
		}
		box := nums[:4]
		if f.Confidence {
			d.Confidence = nums[0]
			box = nums[1:5]
		}
		if f.Layout == XYWH {
			if box[2] < 0 || box[3] < 0 {
				return nil, &ParseError{Group: g / size, Reason: fmt.Sprintf("width %v and height %v must not be negative", box[2], box[3])}
			}
			d.Box = BoxXYWH(box[0], box[1], box[2], box[3])
		} else {
			if box[2] < box[0] || box[3] < box[1] {
				return nil, &ParseError{Group: g / size, Reason: fmt.Sprintf("corner (%v, %v) is above or left of corner (%v, %v); write xmin ymin xmax ymax",
					box[2], box[3], box[0], box[1])}
			}
			d.Box = BoxXYXY(box[0], box[1], box[2], box[3])
		}
		out = append(out, d)
	}
	return out, nil
}

func (f Format) describe() string {
	var parts []string
	if f.Class {
		parts = append(parts, "class")
	}
	if f.Confidence {
		parts = append(parts, "confidence")
	}
	if f.Layout == XYWH {
		parts = append(parts, "x", "y", "width", "height")
	} else {
		parts = append(parts, "xmin", "ymin", "xmax", "ymax")
	}
	return strings.Join(parts, " ")
}

// CanonicalClass writes a label that Python's int() reads in canonical decimal form and leaves any
// other label as it is.
func CanonicalClass(tok string) string {
	if c, ok := pytext.CanonicalInt(tok); ok {
		return c
	}
	return tok
}
