package table

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// randomField draws a value that exercises quoting: commas, quotes, line feeds, spaces, UTF-8 and
// long runs that cross the eight-byte scanning step. It never holds a carriage return, which
// encoding/csv rewrites inside quotes and this package keeps.
func randomField(rng *rand.Rand) string {
	pieces := []string{"a", "7", "-0.5", ",", `"`, "\n", " ", "é", "漢", "x1y2z3w4v5", "", "\t", "''"}
	var b strings.Builder
	for range rng.IntN(6) {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}

// randomCSV writes a random valid CSV with unique header names and at least one data row whose
// fields are not all empty (encoding/csv and this package both skip blank lines).
func randomCSV(rng *rand.Rand) ([]byte, [][]string) {
	width := 1 + rng.IntN(5)
	header := make([]string, width)
	for i := range header {
		header[i] = fmt.Sprintf("c%d%s", i, randomField(rng))
	}
	recs := [][]string{header}
	for range 1 + rng.IntN(40) {
		rec := make([]string, width)
		for i := range rec {
			rec[i] = randomField(rng)
		}
		if width == 1 && rec[0] == "" {
			rec[0] = "e"
		}
		recs = append(recs, rec)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = rng.IntN(3) == 0
	if err := w.WriteAll(recs); err != nil {
		panic(err)
	}
	out := buf.Bytes()
	if rng.IntN(4) == 0 { // no line end after the last record
		out = bytes.TrimSuffix(bytes.TrimSuffix(out, []byte("\n")), []byte("\r"))
	}
	if w.UseCRLF { // csv.Writer writes \r\n inside quoted values too; the reader keeps them
		for _, rec := range recs {
			for i := range rec {
				rec[i] = strings.ReplaceAll(rec[i], "\n", "\r\n")
			}
		}
	}
	return out, recs
}

func TestRead_MatchesEncodingCSVOnRandomValidInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, small := range []bool{false, true} {
		t.Run(fmt.Sprintf("smallChunks=%v", small), func(t *testing.T) {
			if small {
				withSmallChunks(t)
			}
			for i := range 2000 {
				data, written := randomCSV(rng)
				want, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
				if err != nil {
					t.Fatalf("case %d: encoding/csv rejects %q: %v", i, data, err)
				}
				tab, err := Read(data, ReadOptions{})
				if err != nil {
					t.Fatalf("case %d: Read(%q): %v", i, data, err)
				}
				got := append([][]string{tab.Header()}, records(tab)...)
				if !reflect.DeepEqual(got, written) {
					t.Fatalf("case %d: Read(%q)\n got %q\nwant %q", i, data, got, written)
				}
				if !bytes.Contains(data, []byte("\r")) && !reflect.DeepEqual(got, want) {
					t.Fatalf("case %d: Read(%q)\n got %q\nencoding/csv %q", i, data, got, want)
				}
			}
		})
	}
}
