package score

// compensatedSum adds float64 values while carrying the rounding error of every addition (Knuth's
// branch-free TwoSum), so a mean over a million rows is off by about one ulp instead of an error that
// grows with the row count. NumPy's pairwise summation is nearly as good, which is why the two agree
// far inside 1e-9.
//
// Callers pass products as float64(a*b): the explicit conversion stops the compiler from fusing the
// multiply into the first addition here, which would silently break the error term.
type compensatedSum struct{ hi, lo float64 }

func (s *compensatedSum) add(x float64) {
	t := s.hi + x
	b := t - s.hi
	s.lo += (s.hi - (t - b)) + (x - b)
	s.hi = t
}

func (s *compensatedSum) value() float64 { return s.hi + s.lo }
