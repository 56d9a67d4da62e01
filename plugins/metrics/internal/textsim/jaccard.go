package textsim

import (
	"bytes"

	"github.com/mledojo/dojo/plugins/metrics/internal/pytext"
)

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
	var s JaccardScorer
	return s.Jaccard(a, b, t, emptyEmpty)
}

// JaccardScorer computes Jaccard for many pairs of texts, reusing its buffers, so a pair of short
// texts costs no allocation. Its zero value is ready to use; it is not safe for concurrent use.
type JaccardScorer struct {
	textA, textB []byte   // the texts, lowered when the tokenizer says so
	wordA, wordB [][]byte // their distinct words, as slices of the texts
	seen, other  map[string]struct{}
}

// smallSet is the most words compared pairwise; larger sets go through a map.
const smallSet = 32

// Jaccard is the package's Jaccard.
func (s *JaccardScorer) Jaccard(a, b string, t Tokenize, emptyEmpty float64) float64 {
	s.textA, s.wordA = s.words(s.textA, s.wordA, a, t)
	s.textB, s.wordB = s.words(s.textB, s.wordB, b, t)
	wa, wb := s.wordA, s.wordB
	if len(wa) == 0 && len(wb) == 0 {
		return emptyEmpty
	}
	if len(wa) > len(wb) {
		wa, wb = wb, wa
	}
	inter := 0
	if len(wb) <= smallSet {
		for _, w := range wa {
			if contains(wb, w) {
				inter++
			}
		}
	} else {
		if s.other == nil {
			s.other = make(map[string]struct{}, len(wb))
		}
		clear(s.other)
		for _, w := range wb {
			s.other[string(w)] = struct{}{}
		}
		for _, w := range wa {
			if _, ok := s.other[string(w)]; ok {
				inter++
			}
		}
	}
	return float64(inter) / float64(len(wa)+len(wb)-inter)
}

// words returns text's distinct words in first-seen order, as slices of buf (lowered when t says so)
// or of text; it returns buf and words for reuse.
func (s *JaccardScorer) words(buf []byte, words [][]byte, text string, t Tokenize) ([]byte, [][]byte) {
	if t == LowerWhitespace {
		buf = pytext.AppendLower(buf[:0], text)
	} else {
		buf = append(buf[:0], text...)
	}
	words = pytext.AppendFields(words[:0], buf)
	out := words[:0]
	if len(words) <= smallSet {
		for _, w := range words {
			if !contains(out, w) {
				out = append(out, w)
			}
		}
		return buf, out
	}
	if s.seen == nil {
		s.seen = make(map[string]struct{}, len(words))
	}
	clear(s.seen)
	for _, w := range words {
		if _, dup := s.seen[string(w)]; !dup {
			s.seen[string(w)] = struct{}{}
			out = append(out, w)
		}
	}
	return buf, out
}

func contains(set [][]byte, w []byte) bool {
	for _, x := range set {
		if bytes.Equal(x, w) {
			return true
		}
	}
	return false
}
