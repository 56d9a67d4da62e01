package pytext

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// IsSpace reports whether Python's str.isspace() holds for r: Go's unicode.IsSpace plus the four
// ASCII information separators U+001C to U+001F, which Python counts as white space.
func IsSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// Split is Python's s.split(): the runs of non-white-space characters.
func Split(s string) []string { return strings.FieldsFunc(s, IsSpace) }

// asciiSpace marks the ASCII bytes IsSpace holds for.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true,
	0x1c: true, 0x1d: true, 0x1e: true, 0x1f: true}

// AppendFields appends to dst the runs of non-white-space characters of s, as Split finds them, as
// subslices of s.
func AppendFields(dst [][]byte, s []byte) [][]byte {
	start := -1
	for i := 0; i < len(s); {
		c, w := s[i], 1
		var space bool
		if c < utf8.RuneSelf {
			space = asciiSpace[c]
		} else {
			var r rune
			r, w = utf8.DecodeRune(s[i:])
			space = IsSpace(r)
		}
		switch {
		case space && start >= 0:
			dst = append(dst, s[start:i:i])
			start = -1
		case !space && start < 0:
			start = i
		}
		i += w
	}
	if start >= 0 {
		dst = append(dst, s[start:len(s):len(s)])
	}
	return dst
}

// Lower is Python's s.lower(): Unicode's simple lowercase mapping, except that U+0130 (İ) becomes
// "i̇" (i and a combining dot above) and a capital sigma at the end of a word becomes ς.
func Lower(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	return string(AppendLower(make([]byte, 0, len(s)), s))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// AppendLower appends Lower(s) to dst, allocating nothing when dst has room. Bytes that are not
// UTF-8 become U+FFFD, as Python's decoding with errors="replace" would give.
func AppendLower(dst []byte, s string) []byte {
	if isASCII(s) {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
		}
		return dst
	}
	for i, r := range s {
		switch r {
		case 0x130:
			dst = append(dst, "i\u0307"...)
		case 0x3a3:
			if finalSigmaAt(s, i, i+utf8.RuneLen(r)) {
				dst = utf8.AppendRune(dst, 0x3c2)
			} else {
				dst = utf8.AppendRune(dst, 0x3c3)
			}
		default:
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		}
	}
	return dst
}

// finalSigmaAt is finalSigma for the sigma at s[at:end], reading the runes around it in place.
func finalSigmaAt(s string, at, end int) bool {
	j := at
	for j > 0 {
		r, w := utf8.DecodeLastRuneInString(s[:j])
		if !caseIgnorable(r) {
			if !cased(r) {
				return false
			}
			break
		}
		j -= w
	}
	if j == 0 {
		return false
	}
	for j = end; j < len(s); {
		r, w := utf8.DecodeRuneInString(s[j:])
		if !caseIgnorable(r) {
			return !cased(r)
		}
		j += w
	}
	return true
}

// finalSigma is Unicode's Final_Sigma condition as CPython tests it: a cased letter before the
// sigma (skipping case-ignorable characters) and none after it.
func finalSigma(rs []rune, i int) bool {
	j := i - 1
	for j >= 0 && caseIgnorable(rs[j]) {
		j--
	}
	if j < 0 || !cased(rs[j]) {
		return false
	}
	j = i + 1
	for j < len(rs) && caseIgnorable(rs[j]) {
		j++
	}
	return j == len(rs) || !cased(rs[j])
}

// cased is Unicode's Cased property.
func cased(r rune) bool {
	return unicode.In(r, unicode.Lu, unicode.Ll, unicode.Lt, unicode.Other_Lowercase, unicode.Other_Uppercase)
}

// caseIgnorable is Unicode's Case_Ignorable property: marks, format characters, modifier letters
// and symbols, and the word-break MidLetter, MidNumLet and Single_Quote characters.
func caseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', 0xb7, 0x387, 0x55f, 0x5f4, 0x2018, 0x2019, 0x2024, 0x2027, 0xfe13, 0xfe52, 0xfe55, 0xff07, 0xff0e, 0xff1a:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}

// Digits reports whether s is ASCII digits with single underscores between them, as Python's
// integer literals and int() allow.
func Digits(s string) bool {
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' {
			if s[i-1] == '_' {
				return false
			}
			continue
		}
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// CanonicalInt returns the decimal spelling of what Python's int(tok) returns for an ASCII token
// (a sign, leading zeros and underscores allowed, white space not), and false when int() would
// raise or the digits are not ASCII. "-0", "+007" and "1_0" become "0", "7" and "10".
func CanonicalInt(tok string) (string, bool) {
	neg := strings.HasPrefix(tok, "-")
	digits := tok
	if neg || strings.HasPrefix(tok, "+") {
		digits = tok[1:]
	}
	if !Digits(digits) {
		return "", false
	}
	digits = strings.TrimLeft(strings.ReplaceAll(digits, "_", ""), "0")
	switch {
	case digits == "":
		return "0", true
	case neg:
		return "-" + digits, true
	}
	return digits, true
}

// ParseFloat reads a decimal number as Python's float() does (a sign, digits with single
// underscores between them, a fraction, an exponent) and requires it to be finite.
func ParseFloat(tok string) (float64, error) {
	if !decimal(tok) {
		low := strings.ToLower(strings.TrimLeft(tok, "+-"))
		if low == "nan" || low == "inf" || low == "infinity" {
			return 0, fmt.Errorf("%q is not a finite number", tok)
		}
		return 0, fmt.Errorf("%q is not a number", tok)
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(tok, "_", ""), 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a finite number", tok)
	}
	return v, nil
}

// decimal matches [sign] (digits [. [digits]] | . digits) [(e|E) [sign] digits].
func decimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	intEnd := scanDigits(s, i)
	hasInt := intEnd > i
	i = intEnd
	hasFrac := false
	if i < len(s) && s[i] == '.' {
		i++
		fracEnd := scanDigits(s, i)
		hasFrac = fracEnd > i
		i = fracEnd
	}
	if !hasInt && !hasFrac {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		expEnd := scanDigits(s, i)
		if expEnd == i {
			return false
		}
		i = expEnd
	}
	return i == len(s)
}

// scanDigits returns the end of the digits starting at i, single underscores between digits
// included.
func scanDigits(s string, i int) int {
	j := i
	for j < len(s) {
		c := s[j]
		if c >= '0' && c <= '9' {
			j++
			continue
		}
		if c == '_' && j > i && s[j-1] != '_' && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9' {
			j++
			continue
		}
		break
	}
	return j
}
