package textsim

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// jaccardByMaps is the map-based Jaccard that JaccardScorer replaced, kept as its reference.
func jaccardByMaps(a, b string, t Tokenize, emptyEmpty float64) float64 {
	wa, wb := t.Words(a), t.Words(b)
	if len(wa) == 0 && len(wb) == 0 {
		return emptyEmpty
	}
	if len(wa) > len(wb) {
		wa, wb = wb, wa
	}
	inB := make(map[string]struct{}, len(wb))
	for _, w := range wb {
		inB[w] = struct{}{}
	}
	inter := 0
	for _, w := range wa {
		if _, ok := inB[w]; ok {
			inter++
		}
	}
	return float64(inter) / float64(len(wa)+len(wb)-inter)
}

func TestJaccardScorer_EqualsTheMapBasedJaccard(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	words := []string{"Good", "good", "DAY", "day", "ΟΔΟΣ", "οδος", "Σ", "İ", "i\u0307", "!!", "a", "\xff", "naïve", "x.Σ"}
	seps := []string{" ", "\t", "\u00a0", "\x1c", "  "}
	text := func() string {
		var b strings.Builder
		n := rng.IntN(10)
		if rng.IntN(10) == 0 {
			n = 30 + rng.IntN(60) // past smallSet, through the maps
		}
		for i := range n {
			if i > 0 {
				b.WriteString(seps[rng.IntN(len(seps))])
			}
			b.WriteString(words[rng.IntN(len(words))])
			if rng.IntN(4) == 0 {
				b.WriteString(words[rng.IntN(len(words))])
			}
		}
		return b.String()
	}
	var s JaccardScorer // reused, as the metric reuses it
	for range 20_000 {
		a, b := text(), text()
		for _, tok := range []Tokenize{LowerWhitespace, Whitespace} {
			if got, want := s.Jaccard(a, b, tok, 0.5), jaccardByMaps(a, b, tok, 0.5); got != want {
				t.Fatalf("Jaccard(%q, %q, %v) = %v; the map-based Jaccard gives %v", a, b, tok, got, want)
			}
		}
	}
}

// BenchmarkJaccard_100kTweets scores short texts (tweet-sentiment-extraction's) with the map-based
// Jaccard this package had and with a reused JaccardScorer.
func BenchmarkJaccard_100kTweets(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"Good", "good", "DAY", "day", "sad", "happy", "so", "very", "not", "fun", "love", "hate", "the", "a",
		"ΟΔΟΣ", "οδος", "!!", "lol", "work", "tired"}
	texts := make([]string, 200_000)
	for i := range texts {
		ws := make([]string, 1+rng.IntN(8))
		for j := range ws {
			ws[j] = words[rng.IntN(len(words))]
		}
		texts[i] = strings.Join(ws, " ")
	}
	b.Run("maps", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for i := 0; i < len(texts); i += 2 {
				jaccardByMaps(texts[i], texts[i+1], LowerWhitespace, 1)
			}
		}
	})
	b.Run("scorer", func(b *testing.B) {
		b.ReportAllocs()
		var s JaccardScorer
		for b.Loop() {
			for i := 0; i < len(texts); i += 2 {
				s.Jaccard(texts[i], texts[i+1], LowerWhitespace, 1)
			}
		}
	})
}
