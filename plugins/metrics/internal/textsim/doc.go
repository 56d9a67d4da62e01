// Package textsim measures how alike two texts are: Levenshtein edit distance over characters or
// tokens, and word-level Jaccard similarity with Python's lower-casing and splitting.
//
// Start with Levenshtein (levenshtein.go) or Jaccard (jaccard.go).
package textsim
