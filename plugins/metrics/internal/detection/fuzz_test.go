package detection

import (
	"errors"
	"math"
	"testing"
)

// FuzzParse: any format name and prediction string parse or fail with a typed error, never a panic;
// parsed numbers are finite, box corners are in order (a corner x + w may overflow to infinity, as
// in Python), and a box's IoU with itself lies in [0, 1], never NaN.
func FuzzParse(f *testing.F) {
	for _, s := range [][2]string{
		{"conf_xywh", "0.9 10 10 20 20 0.5 1 2 3 4"}, {"class_conf_xyxy", "0 0.9 10 10 20 20"}, {"xywh", ""},
		{"class_xywh", "07 1 2 3 4"}, {"xyxy", "3 3 1 1"}, {"conf_xywh", "nan 1 2 3 4"}, {"conf_xywh", "0.9 1 2 -3 4"},
		{"conf_xywh", "1 2 3"}, {"conf_xywh", "0.9 1e308 1 1e308 1e308"}, {"xyxy", "-1e308 -1e308 1e308 1e308"}, {"class_conf_xywh", "a 1e400 1 2 3 4"}, {"bogus", "1 2 3 4"}, {"", ""},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, format, s string) {
		fm, err := ParseFormat(format)
		if err != nil {
			return // a params problem, which the plugin reports as invalid_argument
		}
		dets, err := fm.Parse(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Reason == "" {
				t.Fatalf("Parse(%q) error %v (%T), want a *ParseError with a reason", s, err, err)
			}
			return
		}
		for _, d := range dets {
			b := d.Box
			for _, v := range []float64{b.X1, b.Y1, d.Confidence} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("Parse(%q) gave a detection that is not finite: %+v", s, d)
				}
			}
			if math.IsNaN(b.X2) || math.IsNaN(b.Y2) {
				t.Fatalf("Parse(%q) gave a NaN corner: %+v", s, d)
			}
			if b.X2 < b.X1 || b.Y2 < b.Y1 {
				t.Fatalf("Parse(%q) gave a box with its corners out of order: %+v", s, d)
			}
			if iou := IoU(b, b); !(iou >= 0 && iou <= 1) {
				t.Fatalf("IoU of %+v with itself is %v", b, iou)
			}
		}
	})
}
