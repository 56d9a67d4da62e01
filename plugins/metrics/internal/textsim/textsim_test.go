package textsim

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mledojo/dojo/plugins/metrics/internal/pyref"
	"github.com/mledojo/dojo/plugins/metrics/internal/pytext"
)

// dp is the textbook dynamic programme the bit-parallel algorithm must agree with.
func dp(a, b []int32) int {
	row := make([]int, len(b)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		diag := row[0]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			next := min(row[j]+1, row[j-1]+1, diag+cost)
			diag, row[j] = row[j], next
		}
	}
	return row[len(b)]
}

// randomText draws n symbols from alphabet, so small alphabets give long common runs.
func randomText(r *rand.Rand, n int, alphabet []rune) []int32 {
	out := make([]int32, n)
	for i := range out {
		out[i] = alphabet[r.IntN(len(alphabet))]
	}
	return out
}

// mutate applies k random edits.
func mutate(r *rand.Rand, s []int32, k int, alphabet []rune) []int32 {
	out := append([]int32(nil), s...)
	for range k {
		c := alphabet[r.IntN(len(alphabet))]
		switch p := r.IntN(len(out) + 1); r.IntN(3) {
		case 0:
			out = append(out[:p], append([]int32{c}, out[p:]...)...)
		case 1:
			if p < len(out) {
				out = append(out[:p], out[p+1:]...)
			}
		default:
			if p < len(out) {
				out[p] = c
			}
		}
	}
	return out
}

var alphabets = [][]rune{
	[]rune("ab"),
	[]rune("ACGT"),
	[]rune("abcdefghijklmnopqrstuvwxyz ()=/+-0123456789"),
	[]rune("αβγδεζ日本語🙂é\u0301ÿĀ"),
	{0, 255, 256, 0x10ffff, -1}, // byte table edges and symbols past it
}

func TestLevenshtein_AgreesWithTheDynamicProgramme(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var l Levenshtein // reused on purpose: leftover state from one call must not leak into the next
	lengths := []int{0, 1, 2, 5, 63, 64, 65, 127, 128, 129, 200, 300}
	for trial := range 3000 {
		alpha := alphabets[trial%len(alphabets)]
		n := lengths[r.IntN(len(lengths))]
		a := randomText(r, n, alpha)
		var b []int32
		switch trial % 3 {
		case 0:
			b = randomText(r, lengths[r.IntN(len(lengths))], alpha)
		default:
			b = mutate(r, a, r.IntN(20), alpha)
		}
		want := dp(a, b)
		if got := l.Distance(a, b); got != want {
			t.Fatalf("trial %d: Distance(%v, %v) = %d, want %d", trial, a, b, got, want)
		}
		if got := l.Distance(b, a); got != want {
			t.Fatalf("trial %d: distance is not symmetric: %d vs %d", trial, got, want)
		}
	}
}

func TestLevenshtein_EdgeCases(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"kitten", "sitting", 3},
		{"flaw", "lawn", 2},
		{"日本語", "日本", 1},
		{"é", "e\u0301", 2}, // composed and decomposed é differ by code points, as in Python
		{strings.Repeat("a", 1000), strings.Repeat("b", 1000), 1000},
		{strings.Repeat("ab", 500), strings.Repeat("ba", 500), 2},
	}
	for _, c := range cases {
		if got := LevenshteinDistance([]int32(c.a), []int32(c.b)); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

// TestTextsim_AgreesWithPython compares character and token distances and Jaccard similarity
// with Python on random unicode text, empty strings included.
func TestTextsim_AgreesWithPython(t *testing.T) {
	pyref.Require(t, "json")
	r := rand.New(rand.NewPCG(3, 4))
	words := []string{"the", "The", "THE", "cat", "Cat", "ΟΔΟΣ", "οδος", "İstanbul", "i̇stanbul", "नमस्ते", "தமிழ்",
		"🙂", "naïve", "naı̈ve", "a.b", "", " "}
	seps := []string{" ", "  ", "\t", "\n", "\u00a0", "\u3000", "\x1c", " \u2003 "}
	sentence := func() string {
		var b strings.Builder
		for i := range r.IntN(12) {
			if i > 0 || r.IntN(4) == 0 {
				b.WriteString(seps[r.IntN(len(seps))])
			}
			b.WriteString(words[r.IntN(len(words))])
		}
		return b.String()
	}
	var pairs [][2]string
	for range 2000 {
		a := sentence()
		b := sentence()
		if r.IntN(3) == 0 {
			b = a
		}
		pairs = append(pairs, [2]string{a, b})
	}
	pairs = append(pairs, [2]string{"", ""}, [2]string{"", "a"}, [2]string{" \t", "\n"})
	var want []struct {
		Chars   int      `json:"chars"`
		Tokens  int      `json:"tokens"`
		Jaccard *float64 `json:"jaccard"`
	}
	pyref.Run(t, "testdata/reference.py", map[string]any{"pairs": pairs}, &want)
	var l Levenshtein
	var ids Interner
	for i, p := range pairs {
		if got := l.Distance([]int32(p[0]), []int32(p[1])); got != want[i].Chars {
			t.Errorf("chars %q vs %q: %d, Python %d", p[0], p[1], got, want[i].Chars)
		}
		if got := l.Distance(ids.IDs(pytext.Split(p[0])), ids.IDs(pytext.Split(p[1]))); got != want[i].Tokens {
			t.Errorf("tokens %q vs %q: %d, Python %d", p[0], p[1], got, want[i].Tokens)
		}
		got := Jaccard(p[0], p[1], LowerWhitespace, -1)
		switch {
		case want[i].Jaccard == nil && got != -1:
			t.Errorf("jaccard %q vs %q: %v; both are empty", p[0], p[1], got)
		case want[i].Jaccard != nil && !pyref.Close(got, *want[i].Jaccard):
			t.Errorf("jaccard %q vs %q: %v, Python %v", p[0], p[1], got, *want[i].Jaccard)
		}
	}
}

func TestJaccard_EmptyEmptyIsTheCallersConvention(t *testing.T) {
	for _, ee := range []float64{0, 1} {
		if got := Jaccard("", "  ", LowerWhitespace, ee); got != ee {
			t.Errorf("empty/empty with %v: %v", ee, got)
		}
	}
	if got := Jaccard("A b", "a B", Whitespace, 0); got != 0 {
		t.Errorf("case-sensitive Jaccard of disjoint words = %v", got)
	}
	if got := Jaccard("A b", "a B", LowerWhitespace, 0); got != 1 {
		t.Errorf("lower-cased Jaccard of equal words = %v", got)
	}
}

func BenchmarkLevenshtein(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	alpha := []rune("CHNOPS0123456789()/=+-,cbtmsih")
	const rows = 10_000
	truth := make([][]int32, rows)
	pred := make([][]int32, rows)
	for i := range truth {
		truth[i] = randomText(r, 150+r.IntN(200), alpha) // InChI strings run to a few hundred characters
		pred[i] = mutate(r, truth[i], r.IntN(40), alpha)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var l Levenshtein
		sum := 0
		for i := range truth {
			sum += l.Distance(truth[i], pred[i])
		}
		_ = sum
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
}

func BenchmarkJaccard(b *testing.B) {
	// tweet-sentiment-extraction's size: about 27,000 tweets of a dozen words.
	r := rand.New(rand.NewPCG(7, 8))
	words := []string{"I", "love", "this", "SO", "much", "not", "happy", "sad", "day", "today", "Σήμερα", "ΟΔΟΣ", "!!", "lol"}
	sentence := func() string {
		var ws []string
		for range 3 + r.IntN(12) {
			ws = append(ws, words[r.IntN(len(words))])
		}
		return strings.Join(ws, " ")
	}
	const rows = 27_000
	truth, pred := make([]string, rows), make([]string, rows)
	for i := range truth {
		truth[i], pred[i] = sentence(), sentence()
	}
	b.ReportAllocs()
	for b.Loop() {
		sum := 0.0
		for i := range truth {
			sum += Jaccard(truth[i], pred[i], LowerWhitespace, 0)
		}
		_ = sum
	}
}
