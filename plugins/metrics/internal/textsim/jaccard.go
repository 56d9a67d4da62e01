package textsim

import "github.com/mledojo/dojo/plugins/metrics/internal/pytext"

// Tokenize says how a text becomes the set of words Jaccard compares.
type Tokenize uint8

const (
	// LowerWhitespace is Python's set(s.lower().split()), the tweet-sentiment-extraction and chaii
	// definition.
	LowerWhitespace Tokenize = iota
	// Whitespace is set(s.split()), case kept.
	Whitespace
)

// Words returns the distinct words of s, in first-seen order.
func (t Tokenize) Words(s string) []string {
	if t == LowerWhitespace {
		s = pytext.Lower(s)
	}
	words := pytext.Split(s)
	seen := make(map[string]struct{}, len(words))
	out := words[:0]
	for _, w := range words {
		if _, dup := seen[w]; !dup {
			seen[w] = struct{}{}
			out = append(out, w)
		}
	}
	return out
}

// Jaccard returns |A∩B| / |A∪B| for the word sets of a and b, and emptyEmpty when both are empty
// (the original tweet-sentiment-extraction metric returns 0 there, chaii's returns 1).
func Jaccard(a, b string, t Tokenize, emptyEmpty float64) float64 {
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
