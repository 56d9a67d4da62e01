package score

import (
	"unicode"
	"unicode/utf8"
)

// appendFields appends the white-space separated tokens of s to dst, as Python's str.split() with no
// argument splits: runs of white space separate, and leading or trailing white space yields no empty
// token. The tokens share s's memory, so splitting allocates nothing once dst has grown.
func appendFields(dst []string, s string) []string {
	start := -1
	for i := 0; i < len(s); {
		c := s[i]
		size := 1
		space := false
		if c < utf8.RuneSelf {
			space = asciiSpace(c)
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			space = unicode.IsSpace(r)
		}
		if space {
			if start >= 0 {
				dst = append(dst, s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
		i += size
	}
	if start >= 0 {
		dst = append(dst, s[start:])
	}
	return dst
}

// asciiSpace reports the ASCII characters Python's str.split() treats as white space, which include
// the information separators 0x1c-0x1f that Go's unicode.IsSpace does not.
func asciiSpace(c byte) bool { return asciiSpaces[c] }

var asciiSpaces = [utf8.RuneSelf]bool{' ': true, '\t': true, '\n': true, '\v': true, '\f': true, '\r': true,
	0x1c: true, 0x1d: true, 0x1e: true, 0x1f: true}

// containsToken reports whether list holds s; lists here are short (a row's predictions).
func containsToken(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
