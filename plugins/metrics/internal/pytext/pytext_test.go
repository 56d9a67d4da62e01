package pytext

import (
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mledojo/dojo/plugins/metrics/internal/pyref"
)

type reference struct {
	Unicode            string    `json:"unicode"`
	Unassigned         [][2]rune `json:"unassigned"`
	Space              []rune    `json:"space"`
	Lower              [][2]any  `json:"lower"`
	SigmaNotFinalAfter []rune    `json:"sigma_not_final_after"`
	SigmaFinalBetween  []rune    `json:"sigma_final_between"`
	SigmaFinalAlone    []rune    `json:"sigma_final_alone"`
	Ints               []*string `json:"ints"`
	Floats             []*string `json:"floats"`
}

var intTokens = []string{"0", "7", "+7", "-7", "007", "-0", "+0", "1_000", "1__0", "_1", "1_", "12a", "", "+", "-",
	"99999999999999999999", "0x10", "1e3", "1.0", " 5", "٣"}

var floatTokens = []string{"0", "1.5", "-1.5", "+.5", "5.", ".", "1e5", "1E-3", "1e", "1e+", "1_0.5", "1_e5", "1e5_0",
	"1.5_5", "nan", "NaN", "inf", "-Infinity", "1e400", "0x10", "1,5", "١", "1.5.5", "--1", "e5", "4_2"}

func loadReference(t *testing.T) reference {
	t.Helper()
	pyref.Require(t, "unicodedata")
	var ref reference
	pyref.Run(t, "testdata/reference.py", map[string]any{"ints": intTokens, "floats": floatTokens}, &ref)
	return ref
}

// Python and Go may carry different Unicode versions; a code point whose answer differs is reported
// only when both know it, which is what a text in the wild could hold.
func TestSplitAndLower_AgreeWithPythonOnEveryCodePoint(t *testing.T) {
	ref := loadReference(t)
	t.Logf("Python's Unicode %s", ref.Unicode)
	set := func(rs []rune) map[rune]bool {
		m := make(map[rune]bool, len(rs))
		for _, r := range rs {
			m[r] = true
		}
		return m
	}
	space := set(ref.Space)
	lower := make(map[rune]string, len(ref.Lower))
	for _, p := range ref.Lower {
		lower[rune(p[0].(float64))] = p[1].(string)
	}
	notFinalAfter, finalBetween, finalAlone := set(ref.SigmaNotFinalAfter), set(ref.SigmaFinalBetween), set(ref.SigmaFinalAlone)
	bad := 0
	report := func(format string, args ...any) {
		bad++
		if bad <= 20 {
			t.Errorf(format, args...)
		}
	}
	for r := rune(0); r < 0x110000; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue
		}
		c := string(r)
		if IsSpace(r) != space[r] {
			report("U+%04X: IsSpace %v, Python %v", r, IsSpace(r), space[r])
		}
		want, ok := lower[r]
		if !ok {
			want = c
		}
		if got := Lower(c); got != want && ref.known(r) {
			report("U+%04X: Lower %q, Python %q", r, got, want)
		}
		after := strings.HasPrefix(strings.TrimPrefix(Lower("A\u03a3"+c), "a"), "\u03c2")
		if after == notFinalAfter[r] && ref.known(r) {
			report("U+%04X: sigma before it is final: %v, Python %v", r, after, !notFinalAfter[r])
		}
		if between := strings.HasSuffix(Lower("A"+c+"\u03a3"), "\u03c2"); between != finalBetween[r] && ref.known(r) {
			report("U+%04X: sigma after A and it is final: %v, Python %v", r, between, finalBetween[r])
		}
		if alone := strings.HasSuffix(Lower(c+"\u03a3"), "\u03c2"); alone != finalAlone[r] && ref.known(r) {
			report("U+%04X: sigma after it is final: %v, Python %v", r, alone, finalAlone[r])
		}
	}
	if bad > 20 {
		t.Errorf("%d disagreements in all", bad)
	}
}

// known reports whether Python's Unicode version assigns r.
func (ref reference) known(r rune) bool {
	i := sort.Search(len(ref.Unassigned), func(i int) bool { return ref.Unassigned[i][1] >= r })
	return i == len(ref.Unassigned) || r < ref.Unassigned[i][0]
}

func TestSplit_MatchesPythonOnSentences(t *testing.T) {
	cases := map[string][]string{
		"":                     nil,
		"   ":                  nil,
		"a b":                  {"a", "b"},
		" a\tb\n\nc ":          {"a", "b", "c"},
		"a\u00a0b\u3000c\x1cd": {"a", "b", "c", "d"},
		"a\u200bb":             {"a\u200bb"}, // zero-width space is not white space to Python
		"नमस्ते दुनिया":        {"नमस्ते", "दुनिया"},
	}
	for in, want := range cases {
		got := Split(in)
		if strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
			t.Errorf("Split(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLower_WordFinalSigmaAndDottedI(t *testing.T) {
	cases := map[string]string{
		"ΟΔΟΣ":      "οδος",
		"ΟΔΟΣ ΟΔΟΣ": "οδος οδος",
		"ΟΔΟΣ.":     "οδος.",
		"Σ":         "σ",
		"ΣΑ":        "σα",
		"İSTANBUL":  "i̇stanbul",
		"HELLO":     "hello",
	}
	for in, want := range cases {
		if got := Lower(in); got != want {
			t.Errorf("Lower(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCanonicalIntAndParseFloat_AgreeWithPython(t *testing.T) {
	ref := loadReference(t)
	for i, tok := range intTokens {
		got, ok := CanonicalInt(tok)
		want := ref.Ints[i]
		asciiNoSpace := utf8.ValidString(tok) && !strings.ContainsFunc(tok, func(r rune) bool { return r > 127 || r == ' ' })
		switch {
		case !asciiNoSpace:
			if ok {
				t.Errorf("CanonicalInt(%q) = %q; tokens with spaces or non-ASCII digits are refused", tok, got)
			}
		case want == nil && ok:
			t.Errorf("CanonicalInt(%q) = %q; Python raises", tok, got)
		case want != nil && (!ok || got != *want):
			t.Errorf("CanonicalInt(%q) = %q, %v; Python %q", tok, got, ok, *want)
		}
	}
	for i, tok := range floatTokens {
		got, err := ParseFloat(tok)
		want := ref.Floats[i]
		ascii := !strings.ContainsFunc(tok, func(r rune) bool { return r > 127 })
		var w float64
		finite := false
		if want != nil {
			var perr error
			w, perr = strconv.ParseFloat(*want, 64)
			finite = perr == nil && w-w == 0
		}
		switch {
		case !ascii:
			if err == nil {
				t.Errorf("ParseFloat(%q) = %v; non-ASCII digits are refused", tok, got)
			}
		case !finite && err == nil:
			t.Errorf("ParseFloat(%q) = %v; Python gives %v, which is not a finite number", tok, got, want)
		case finite && (err != nil || got != w):
			t.Errorf("ParseFloat(%q) = %v, %v; Python %v", tok, got, err, w)
		}
	}
}
