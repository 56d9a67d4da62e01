package textsim

import (
	"testing"
	"unicode/utf8"
)

// FuzzText: any two texts (invalid UTF-8 included) tokenise without a panic; Jaccard lies in [0, 1]
// and is symmetric; the edit distance is symmetric, zero exactly for equal token lists, and at most
// the longer list's length.
func FuzzText(f *testing.F) {
	for _, s := range [][2]string{{"Good day", "good DAY !"}, {"", ""}, {"ΟΔΟΣ", "οδος"}, {"\xff\xfe a", "a \xff"},
		{"1 2 3", "1 3"}, {"InChI=1S/C2H6O/c1-2-3", "InChI=1S/C2H6O/c1-3"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, tok := range []Tokenize{LowerWhitespace, Whitespace} {
			_ = tok.Words(a)
			j, k := Jaccard(a, b, tok, 1), Jaccard(b, a, tok, 1)
			if !(j >= 0 && j <= 1) || j != k {
				t.Fatalf("Jaccard(%q, %q) = %v, reversed %v", a, b, j, k)
			}
			if want := jaccardByMaps(a, b, tok, 1); j != want {
				t.Fatalf("Jaccard(%q, %q) = %v; the map-based Jaccard gives %v", a, b, j, want)
			}
		}
		var in Interner
		var lev Levenshtein
		for _, split := range []func(string) []string{runes, Whitespace.Words} {
			x, y := in.IDs(split(a)), in.IDs(split(b))
			d, e := lev.Distance(x, y), LevenshteinDistance(y, x)
			if d != e || d < 0 || d > max(len(x), len(y)) || (d == 0) != equal(x, y) {
				t.Fatalf("distance(%q, %q) = %d, reversed %d", a, b, d, e)
			}
		}
	})
}

func runes(s string) []string {
	out := make([]string, 0, utf8.RuneCountInString(s))
	for _, r := range s {
		out = append(out, string(r))
	}
	return out
}

func equal(x, y []int32) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}
