package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mledojo/dojo/plugins/metrics/internal/metricbench"
)

// BenchmarkScore_Jaccard_500k is tweet-sentiment-extraction's shape (make bench's jaccard family):
// a hex id and a short text of a few words, some in Greek capitals.
func BenchmarkScore_Jaccard_500k(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"Good", "good", "DAY", "day", "sad", "happy", "so", "very", "not", "fun", "love", "hate", "the", "a",
		"ΟΔΟΣ", "οδος", "!!", "lol", "work", "tired"}
	sentence := func() string {
		ws := make([]string, 1+rng.IntN(8))
		for j := range ws {
			ws[j] = words[rng.IntN(len(words))]
		}
		return strings.Join(ws, " ")
	}
	answers, submission := metricbench.Files(b, "textID,selected_text\n", "textID,selected_text\n", metricbench.Rows/2,
		func(i int, a, s []byte) ([]byte, []byte) {
			id := fmt.Sprintf("%010x", uint64(i)*2654435761)
			return fmt.Appendf(a, "%s,%s\n", id, sentence()), fmt.Appendf(s, "%s,%s\n", id, sentence())
		})
	metricbench.Score(b, jaccard, answers, submission, nil)
}
