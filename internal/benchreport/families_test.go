package main

import (
	"bytes"
	"encoding/csv"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestCSVBuf_QuotesOnlyWhatNeedsIt(t *testing.T) {
	c := newCSV(0, "id", "text")
	c.Int(7).Str(`a,"b"`).End()
	c.Float(0.5, 3).Str("plain").End()
	want := "id,text\n7,\"a,\"\"b\"\"\"\n0.500,plain\n"
	if string(c.b) != want {
		t.Errorf("got %q, want %q", c.b, want)
	}
}

func TestSelectFamilies_ByNameAllOrNone(t *testing.T) {
	all, err := selectFamilies("all")
	if err != nil || len(all) != len(families) {
		t.Fatalf("all: %d families, %v", len(all), err)
	}
	if none, err := selectFamilies("none"); err != nil || len(none) != 0 {
		t.Fatalf("none: %v, %v", none, err)
	}
	two, err := selectFamilies("dice, rmse")
	if err != nil || len(two) != 2 || two[0].name != "dice" || two[1].name != "rmse" {
		t.Fatalf("dice, rmse: %v, %v", two, err)
	}
	if _, err := selectFamilies("rmse,nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Fatalf("an unknown family gave %v", err)
	}
}

func TestFamilies_HaveUniqueNamesAndSaySmallSizes(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range families {
		if seen[f.name] {
			t.Errorf("family %q twice", f.name)
		}
		seen[f.name] = true
		if f.rows < 1_000_000 && f.why == "" {
			t.Errorf("family %q runs %d rows and does not say why", f.name, f.rows)
		}
		if got := f.scaledRows(1); got != f.rows {
			t.Errorf("family %q: scaledRows(1) = %d, want %d", f.name, got, f.rows)
		}
	}
	uw := families[len(families)-1]
	if uw.name != "dice_hausdorff" || uw.scaledRows(0.01) != 120 || uw.scaledRows(0.5) != 1200 {
		t.Errorf("dice_hausdorff scaled: %d, %d", uw.scaledRows(0.01), uw.scaledRows(0.5))
	}
}

// Every generator writes well-formed CSV, the same bytes for the same seed, answers and submission
// of matching shape.
func TestFamilies_GeneratorsAreDeterministicCSV(t *testing.T) {
	for _, f := range families {
		t.Run(f.name, func(t *testing.T) {
			n := f.scaledRows(0.0001)
			a1, s1 := f.gen(rand.New(rand.NewPCG(familySeed(f.name), 1)), n)
			a2, s2 := f.gen(rand.New(rand.NewPCG(familySeed(f.name), 1)), n)
			if !bytes.Equal(a1.b, a2.b) || !bytes.Equal(s1.b, s2.b) {
				t.Fatal("two runs with one seed wrote different files")
			}
			for _, b := range [][]byte{a1.b, s1.b} {
				recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
				if err != nil {
					t.Fatalf("%v\n%s", err, b)
				}
				if len(recs) < 2 {
					t.Fatalf("%d records", len(recs))
				}
			}
		})
	}
}
