package rle

import (
	"errors"
	"testing"
)

// FuzzDecode: any text decodes to a mask or a *DecodeError, never a panic; a decoded mask is sorted,
// disjoint runs inside the image, and encodes to text that decodes to the same mask.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"", "  ", "1 3 10 2", "10 2 1 3", "1 3 3 2", "1 3 4 2", "0 1", "1 0", "-1 2", "1", "1 2 3",
		"99999999999999999999 1", "9223372036854775807 9223372036854775807", "1.5 2", "1e3 2", "+1 2", "1\t2\n5 1"} {
		f.Add(s, int64(0))
		f.Add(s, int64(100))
	}
	f.Fuzz(func(t *testing.T, s string, pixels int64) {
		m, err := Decode(s, pixels)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || de.Reason == "" {
				t.Fatalf("Decode(%q, %d) error %v (%T), want a *DecodeError with a reason", s, pixels, err, err)
			}
			return
		}
		var last int64 = -1
		for _, r := range m.Runs() {
			if r.Start < 0 || r.End <= r.Start || r.Start <= last || (pixels > 0 && r.End > pixels) {
				t.Fatalf("Decode(%q, %d) has run %+v after %d", s, pixels, r, last)
			}
			last = r.End
		}
		back, err := Decode(Encode(m), pixels)
		if err != nil || !back.Equal(m) {
			t.Fatalf("Decode(Encode(Decode(%q))) = %v, %v", s, back.Runs(), err)
		}
	})
}
