package table

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
)

func TestFloats_ParsesNumbers(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{"0", 0}, {"1", 1}, {"-2.5", -2.5}, {"+3", 3}, {".5", 0.5}, {"5.", 5}, {"1e3", 1000},
		{"1E-3", 0.001}, {"0.1", 0.1}, {"  0.25\t", 0.25}, {"123456789012345678", 123456789012345678},
		{"0.12345678901234567890123", 0.12345678901234567890123}, {"1e-400", 0}, {"Infinity", math.Inf(1)},
		{"1_0", math.NaN()}, {"0x1p-2", math.NaN()}, // NaN marks a value to reject
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, _ := mustRead(t, "v\n\""+tt.in+"\"\n").Column("v")
			got, err := c.ParseFloats(FloatOptions{AllowNonFinite: true})
			if math.IsNaN(tt.want) {
				requireError(t, err, core.TypeSubmissionInvalid, "is not a number")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got[0] != tt.want {
				t.Errorf("Floats = %v, want %v", got[0], tt.want)
			}
		})
	}
}

func TestFloats_NegativeZeroKeepsSign(t *testing.T) {
	got, err := mustRead(t, "v\n-0.0\n").Floats("v")
	if err != nil || !math.Signbit(got[0]) {
		t.Errorf("Floats(-0.0) = %v, %v; want -0", got, err)
	}
}

func TestFloats_RejectsFirstBadValue(t *testing.T) {
	tests := []struct {
		name      string
		value     string
		fragments []string
	}{
		{"Empty", "", []string{"row 2 (line 4)", `column "v"`, "is empty", "pandas"}},
		{"Text", "abc", []string{"row 2 (line 4)", `"abc" is not a number`}},
		{"DecimalComma", `"1,5"`, []string{`"1,5" is not a number`}},
		{"NaN", "NaN", []string{`"NaN" is NaN`, "fillna"}},
		{"Infinity", "-Infinity", []string{`"-Infinity" is infinite`}},
		{"Overflow", "1e999", []string{`"1e999" is infinite`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := mustRead(t, "id,v\n\na,1\nb,"+tt.value+"\nc,zzz\n")
			_, err := tab.Floats("v")
			requireError(t, err, core.TypeSubmissionInvalid, tt.fragments...)
		})
	}
}

func TestFloats_AllowNonFiniteAcceptsNaNAndInf(t *testing.T) {
	c, _ := mustRead(t, "v\nnan\ninf\n-Inf\n1e999\n").Column("v")
	got, err := c.ParseFloats(FloatOptions{AllowNonFinite: true})
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(got[0]) || !math.IsInf(got[1], 1) || !math.IsInf(got[2], -1) || !math.IsInf(got[3], 1) {
		t.Errorf("got %v", got)
	}
	_, err = c.Floats()
	requireError(t, err, core.TypeSubmissionInvalid, "row 1 (line 2)", `"nan" is NaN`)
}

func TestFloats_ParallelReportsFirstBadRow(t *testing.T) {
	withSmallChunks(t)
	var b strings.Builder
	b.WriteString("v\n")
	for i := range 1000 {
		switch i {
		case 700, 300:
			b.WriteString("x\n")
		default:
			fmt.Fprintf(&b, "%d.5\n", i)
		}
	}
	tab := mustRead(t, b.String())
	_, err := tab.Floats("v")
	requireError(t, err, core.TypeSubmissionInvalid, "row 301 (line 302)")
	c, _ := tab.Column("v")
	if c.Len() != 1000 {
		t.Fatalf("Len = %d", c.Len())
	}
}

func TestFloats_MissingColumnIsTyped(t *testing.T) {
	_, err := mustRead(t, "id\n1\n").Floats("v")
	requireError(t, err, core.TypeSubmissionInvalid, `no column "v"`)
}

// TestParseSimple_MatchesStrconv checks the fast path against strconv on random decimals: wherever
// the fast path answers, it must give strconv's bits.
func TestParseSimple_MatchesStrconv(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	formats := []func() string{
		func() string { return strconv.FormatFloat(rng.NormFloat64()*1e6, 'f', rng.IntN(12), 64) },
		func() string { return strconv.FormatFloat(rng.Float64(), 'g', -1, 64) },
		func() string { return strconv.FormatFloat(rng.ExpFloat64(), 'e', rng.IntN(18), 64) },
		func() string { return strconv.FormatUint(rng.Uint64()>>2, 10) },
		func() string { return fmt.Sprintf("%d.%0*d", rng.IntN(1000), rng.IntN(20)+1, rng.IntN(1000)) },
		func() string { return fmt.Sprintf("%de%d", rng.IntN(100000), rng.IntN(60)-30) },
	}
	fast := 0
	for i := range 200000 {
		s := formats[i%len(formats)]()
		want, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("strconv rejects %q: %v", s, err)
		}
		got, ok := parseSimple([]byte(s))
		if !ok {
			continue
		}
		fast++
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("parseSimple(%q) = %v, strconv %v", s, got, want)
		}
	}
	if fast < 100000 {
		t.Errorf("fast path took only %d of 200000 values", fast)
	}
}
