package pytext

import (
	"strings"
	"testing"
	"unicode"
)

// lowerRunes is the rune-slice Lower that AppendLower replaced, kept as the reference it is
// compared against.
func lowerRunes(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		switch r {
		case 0x130:
			b.WriteString("i\u0307")
		case 0x3a3:
			if finalSigma(rs, i) {
				b.WriteRune(0x3c2)
			} else {
				b.WriteRune(0x3c3)
			}
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func FuzzAppendLowerAndFields(f *testing.F) {
	for _, s := range []string{"ΟΔΟΣ", "ΟΔΟΣ.", "Σ", "ΑΣ'Σ", "x.Σ.:y", "İSTANBUL", "HELLO world", "\xff\xce\xa3", "Σ\xceΑ",
		"a\u00a0b\u3000c\x1cd", "a\u200bb", "\u0085x", "  ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(AppendLower([]byte("<"), s)), "<"+lowerRunes(s); got != want {
			t.Fatalf("AppendLower(%q) = %q; the rune-slice lowering gives %q", s, got[1:], want[1:])
		}
		if got, want := Lower(s), lowerRunes(s); !isASCII(s) && got != want {
			t.Fatalf("Lower(%q) = %q; want %q", s, got, want)
		}
		var fields []string
		for _, w := range AppendFields(nil, []byte(s)) {
			fields = append(fields, string(w))
		}
		if want := Split(s); strings.Join(fields, "\x00") != strings.Join(want, "\x00") || len(fields) != len(want) {
			t.Fatalf("AppendFields(%q) = %q; Split gives %q", s, fields, want)
		}
	})
}

// TestAppendLower_MatchesRuneLowering draws strings from the characters Final_Sigma and splitting
// turn on (cased and case-ignorable letters, marks, white space, broken UTF-8) and compares both
// in-place functions with their references.
func TestAppendLower_MatchesRuneLowering(t *testing.T) {
	alphabet := []string{"Σ", "σ", "Α", "a", "Z", "'", ".", ":", "\u0301", "\u02b0", "\u00ad", "İ", " ", "\u00a0", "\x1c",
		"\xce", "\xa3", "\xff", "1", "ǅ", "\u0085", "\u3000"}
	seed := uint64(1)
	next := func(n int) int {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int(seed>>33) % n
	}
	for range 100_000 {
		var b strings.Builder
		for range next(9) {
			b.WriteString(alphabet[next(len(alphabet))])
		}
		s := b.String()
		if got, want := string(AppendLower(nil, s)), lowerRunes(s); got != want {
			t.Fatalf("AppendLower(%q) = %q; the rune-slice lowering gives %q", s, got, want)
		}
		var fields []string
		for _, w := range AppendFields(nil, []byte(s)) {
			fields = append(fields, string(w))
		}
		if want := Split(s); strings.Join(fields, "\x00") != strings.Join(want, "\x00") || len(fields) != len(want) {
			t.Fatalf("AppendFields(%q) = %q; Split gives %q", s, fields, want)
		}
	}
}
