package table

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"sync"

	"github.com/mledojo/dojo/core"
)

// FloatOptions says which values ParseFloats accepts besides finite numbers.
type FloatOptions struct {
	// AllowNonFinite accepts NaN and infinities, spelled as strconv.ParseFloat spells them.
	AllowNonFinite bool
}

// Floats returns the column's values as finite numbers; see ParseFloats.
func (c Column) Floats() ([]float64, error) { return c.ParseFloats(FloatOptions{}) }

// ParseFloats returns the column's values as numbers. Spaces and tabs around a value are ignored.
// Accepted are decimal numbers as strconv.ParseFloat reads them, without Go's underscores and hex
// forms; anything else, including an empty value, is an error naming the first such row, its line
// and the column. Large columns are parsed in parallel.
func (c Column) ParseFloats(opts FloatOptions) ([]float64, error) {
	out, bad := c.parseFloats(opts)
	if bad != nil {
		return nil, c.floatError(bad, "")
	}
	return out, nil
}

// badKind says why a value is not an acceptable number.
type badKind uint8

const (
	badNotNumber badKind = iota + 1
	badEmpty
	badNaN
	badInfinite
)

// badFloat is the first unacceptable value of a column.
type badFloat struct {
	row  int
	kind badKind
}

// parallelMinFloats is the smallest column parsed on more than one goroutine.
var parallelMinFloats = 1 << 16

func (c Column) parseFloats(opts FloatOptions) ([]float64, *badFloat) {
	n := c.Len()
	out := makeLarge[float64](n)
	parts := min(runtime.GOMAXPROCS(0), n/parallelMinFloats)
	if parts <= 1 {
		if bad := c.parseRange(out, 0, n, opts); bad != nil {
			return nil, bad
		}
		return out, nil
	}
	bads := make([]*badFloat, parts)
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*n/parts, (p+1)*n/parts
		wg.Go(func() { bads[p] = c.parseRange(out, lo, hi, opts) })
	}
	wg.Wait()
	for _, bad := range bads {
		if bad != nil {
			return nil, bad
		}
	}
	return out, nil
}

func (c Column) parseRange(out []float64, lo, hi int, opts FloatOptions) *badFloat {
	for i := lo; i < hi; i++ {
		v, kind := parseNumber(c.Bytes(i), opts.AllowNonFinite)
		if kind != 0 {
			return &badFloat{row: i, kind: kind}
		}
		out[i] = v
	}
	return nil
}

// parseNumber parses one value: plain decimals on a fast path, everything else by strconv.
func parseNumber(b []byte, allowNonFinite bool) (float64, badKind) {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return 0, badEmpty
	}
	if v, ok := parseSimple(b); ok {
		return v, 0
	}
	// strconv also reads Go literal forms (1_000, 0x1p-2) that Python and pandas do not; a value
	// the original benchmark's readers reject must not score here.
	if bytes.ContainsAny(b, "_xX") {
		return 0, badNotNumber
	}
	v, err := strconv.ParseFloat(string(b), 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange):
		return 0, badNotNumber
	case allowNonFinite:
		return v, 0
	case math.IsNaN(v):
		return 0, badNaN
	case math.IsInf(v, 0):
		return 0, badInfinite
	}
	return v, 0
}

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
	1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseSimple parses [+-]digits[.digits][e[+-]digits] when the significant digits fit in 53 bits and
// the decimal exponent is within ±22. Then both the mantissa and the power of ten are exact in float64
// and one multiplication or division rounds correctly (Clinger's fast path), so the result equals
// strconv.ParseFloat's. It reports false for anything else, which the caller hands to strconv. The
// digit loops test nothing but the digit: a value with more than 19 digits (leading zeros counted),
// whose mantissa could have wrapped, is left to strconv.
func parseSimple(b []byte) (float64, bool) {
	i, neg := 0, false
	if b[0] == '-' || b[0] == '+' {
		neg = b[0] == '-'
		i++
	}
	var mant uint64
	start := i
	for ; i < len(b); i++ {
		d := b[i] - '0'
		if d > 9 {
			break
		}
		mant = mant*10 + uint64(d)
	}
	digits, exp := i-start, 0
	if i < len(b) && b[i] == '.' {
		i++
		frac := i
		for ; i < len(b); i++ {
			d := b[i] - '0'
			if d > 9 {
				break
			}
			mant = mant*10 + uint64(d)
		}
		exp = frac - i
		digits += i - frac
	}
	if digits == 0 || digits > 19 {
		return 0, false
	}
	if i < len(b) {
		if b[i]|0x20 != 'e' {
			return 0, false
		}
		i++
		eneg := false
		if i < len(b) && (b[i] == '-' || b[i] == '+') {
			eneg = b[i] == '-'
			i++
		}
		if i == len(b) {
			return 0, false
		}
		e := 0
		for ; i < len(b); i++ {
			d := b[i] - '0'
			if d > 9 {
				return 0, false
			}
			if e < 10000 {
				e = e*10 + int(d)
			}
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	if mant > 1<<53 {
		return 0, false
	}
	f := float64(mant)
	switch {
	case mant == 0 || exp == 0:
	case exp > 0 && exp < len(pow10):
		f *= pow10[exp]
	case exp < 0 && -exp < len(pow10):
		f /= pow10[-exp]
	default:
		return 0, false
	}
	if neg {
		f = -f
	}
	return f, true
}

// floatError describes an unacceptable value; id, when not empty, names the row's id too.
func (c Column) floatError(bad *badFloat, id string) *core.Error {
	where := fmt.Sprintf("row %d (line %d)", bad.row+1, c.t.Line(bad.row))
	if id != "" {
		where = fmt.Sprintf("row %d (line %d, id %s)", bad.row+1, c.t.Line(bad.row), quoteShort(id))
	}
	value := quoteShort(string(c.Bytes(bad.row)))
	var what, cause string
	switch bad.kind {
	case badEmpty:
		what = "is empty"
		cause = "write a number in every cell; pandas writes missing values (NaN) as empty cells"
	case badNaN:
		what = value + " is NaN"
		cause = "replace NaN predictions with numbers (e.g. fillna) before writing the file"
	case badInfinite:
		what = value + " is infinite"
		cause = "clip predictions to finite values before writing the file"
	default:
		what = value + " is not a number"
		cause = "write plain numbers such as 0.25 or 1e-3: no text, units, brackets or thousands separators"
	}
	return core.Errorf(c.t.errType, "%s column %q, %s: the value %s", c.t.name, c.Name(), where, what).
		WithDetails("the column must hold a finite number in every row").
		WithCauses(cause)
}

// FloatMatrix returns the named columns as finite numbers in one row-major slice: row i's values
// are out[i*k : i*k+k] for k columns, in the order named. It parses every column in one pass over
// the rows, reading each row's offsets and bytes once rather than once per column. Errors are those
// of Floats for the first named column that holds a bad value.
func (t *Table) FloatMatrix(columns ...string) ([]float64, error) {
	cols, err := t.floatColumns(columns, nil)
	if err != nil {
		return nil, err
	}
	out, ok := parseMatrix(cols, t.rows, FloatOptions{})
	if !ok {
		return nil, matrixError(cols, nil)
	}
	return out, nil
}

// floatColumns returns the named columns. When one is missing, the error is the one parsing them
// one by one meets first: a bad value in an earlier column, or the missing column.
func (t *Table) floatColumns(columns []string, id func(row int) string) ([]Column, error) {
	cols := make([]Column, 0, len(columns))
	for _, name := range columns {
		c, err := t.mustColumn(name)
		if err != nil {
			if bad := firstFloatError(cols, FloatOptions{}, id); bad != nil {
				return nil, bad
			}
			return nil, err
		}
		cols = append(cols, c)
	}
	return cols, nil
}

// matrixError is the error for columns that parseMatrix rejected.
func matrixError(cols []Column, id func(row int) string) error {
	if err := firstFloatError(cols, FloatOptions{}, id); err != nil {
		return err
	}
	return core.Errorf(core.TypeInternal, "columns %s failed to parse together but not one by one", quoteList(columnNames(cols), 20))
}

func columnNames(cols []Column) []string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name()
	}
	return names
}

// firstFloatError is the error parsing the columns one by one gives: for the first column with an
// unacceptable value, its first one; nil when every value is acceptable. id, when not nil, names a
// row's id.
func firstFloatError(cols []Column, opts FloatOptions, id func(row int) string) *core.Error {
	for _, c := range cols {
		if _, bad := c.parseFloats(opts); bad != nil {
			name := ""
			if id != nil {
				name = id(bad.row)
			}
			return c.floatError(bad, name)
		}
	}
	return nil
}

// parseMatrix parses n rows of cols into a row-major slice; it reports false at the first
// unacceptable value. Large tables are parsed in parallel.
func parseMatrix(cols []Column, n int, opts FloatOptions) ([]float64, bool) {
	k := len(cols)
	out := makeLarge[float64](n * k)
	if k == 0 {
		return out, true
	}
	parts := max(1, min(runtime.GOMAXPROCS(0), n*k/parallelMinFloats))
	oks := make([]bool, parts)
	work := func(p int) {
		for i := p * n / parts; i < (p+1)*n/parts; i++ {
			row := out[i*k : i*k+k]
			for j, c := range cols {
				v, kind := parseNumber(c.Bytes(i), opts.AllowNonFinite)
				if kind != 0 {
					return
				}
				row[j] = v
			}
		}
		oks[p] = true
	}
	if parts == 1 {
		work(0)
	} else {
		var wg sync.WaitGroup
		for p := range parts {
			wg.Go(func() { work(p) })
		}
		wg.Wait()
	}
	for _, ok := range oks {
		if !ok {
			return nil, false
		}
	}
	return out, true
}

// Float returns value i as Floats reads it; ok is false when Floats would reject it (Floats says
// why). It suits a caller that computes as it parses instead of holding whole columns.
func (c Column) Float(i int) (v float64, ok bool) {
	v, kind := parseNumber(c.Bytes(i), false)
	return v, kind == 0
}
