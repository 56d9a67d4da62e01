package main

// Small pieces of Python's behaviour that the original's preparations rely on and a faithful
// reimplementation must share: str.split()/strip() whitespace, universal-newline line reading,
// str.splitlines(), and json.dump(obj, indent=4) of a document read with json.load (key order kept).

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// pySpace is str.isspace for one character: Go's unicode.IsSpace plus the ASCII separators
// U+001C..U+001F, which Python counts as whitespace.
func pySpace(r rune) bool {
	switch {
	case r >= 0x1c && r <= 0x1f, r >= 0x09 && r <= 0x0d, r == ' ', r == 0x85, r == 0xa0, r == 0x1680,
		r >= 0x2000 && r <= 0x200a, r == 0x2028, r == 0x2029, r == 0x202f, r == 0x205f, r == 0x3000:
		return true
	}
	return false
}

// pyFields is str.split() with no argument.
func pyFields(s string) []string { return strings.FieldsFunc(s, pySpace) }

// pyStrip is str.strip() with no argument.
func pyStrip(s string) string { return strings.TrimFunc(s, pySpace) }

// lineReader reads lines as Python's text mode does by default (universal newlines): "\n", "\r\n"
// and a lone "\r" each end a line.
type lineReader struct {
	b       *bufio.Reader
	pending []pendingLine
}

type pendingLine struct {
	text  string
	ended bool
}

// next returns the next line without its end, whether it had one, and io.EOF after the last.
func (l *lineReader) next() (line string, ended bool, err error) {
	for len(l.pending) == 0 {
		s, err := l.b.ReadString('\n')
		if s == "" && err != nil {
			return "", false, err
		}
		nl := strings.HasSuffix(s, "\n")
		s = strings.TrimSuffix(s, "\n")
		if nl {
			s = strings.TrimSuffix(s, "\r") // "\r\n" is one line end
		}
		parts := strings.Split(s, "\r")
		for i, p := range parts {
			last := i == len(parts)-1
			if last && !nl && p == "" && i > 0 {
				break // a final lone "\r" ended the line before it; nothing follows
			}
			l.pending = append(l.pending, pendingLine{text: p, ended: !last || nl})
		}
	}
	p := l.pending[0]
	l.pending = l.pending[1:]
	return p.text, p.ended, nil
}

// pySplitLines is str.splitlines(): every line boundary Python knows, the ends dropped.
func pySplitLines(s string) []string {
	var lines []string
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			lines = append(lines, s[start:i])
			start = i + size
		case '\r':
			lines = append(lines, s[start:i])
			if i+1 < len(s) && s[i+1] == '\n' {
				size++
			}
			start = i + size
		}
		i += size
	}
	if start < len(s) {
		lines = append(lines, s[start:])
	}
	return lines
}

// jsonMember is one key of a JSON object, in the order the document has them.
type jsonMember struct {
	Key   string
	Value any
}

// jsonObject is a JSON object whose key order is kept, as Python's dict keeps it.
type jsonObject []jsonMember

func (o jsonObject) get(key string) (any, bool) {
	for _, m := range o {
		if m.Key == key {
			return m.Value, true
		}
	}
	return nil, false
}

// decodeOrdered reads one JSON value: objects as jsonObject, arrays as []any, numbers as
// json.Number, and strings, booleans and null as encoding/json does.
func decodeOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			obj := jsonObject{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				obj = append(obj, jsonMember{Key: k.(string), Value: v})
			}
			_, err := dec.Token()
			return obj, err
		case '[':
			arr := []any{}
			for dec.More() {
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			_, err := dec.Token()
			return arr, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		return t, nil
	}
}

// writePyJSON writes v as Python's json.dump(v, f, indent=4) does: ensure_ascii escapes, ", " and
// ": " separators at the ends of indented lines, floats as repr() writes them, no final newline.
func writePyJSON(w *bufio.Writer, v any, level int) error {
	indent := func(l int) {
		w.WriteByte('\n')
		for range l * 4 {
			w.WriteByte(' ')
		}
	}
	switch t := v.(type) {
	case nil:
		w.WriteString("null")
	case bool:
		w.WriteString(strconv.FormatBool(t))
	case string:
		writePyString(w, t)
	case json.Number:
		s, err := pyNumber(string(t))
		if err != nil {
			return err
		}
		w.WriteString(s)
	case []any:
		if len(t) == 0 {
			w.WriteString("[]")
			break
		}
		w.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				w.WriteByte(',')
			}
			indent(level + 1)
			if err := writePyJSON(w, e, level+1); err != nil {
				return err
			}
		}
		indent(level)
		w.WriteByte(']')
	case jsonObject:
		if len(t) == 0 {
			w.WriteString("{}")
			break
		}
		w.WriteByte('{')
		for i, m := range t {
			if i > 0 {
				w.WriteByte(',')
			}
			indent(level + 1)
			writePyString(w, m.Key)
			w.WriteString(": ")
			if err := writePyJSON(w, m.Value, level+1); err != nil {
				return err
			}
		}
		indent(level)
		w.WriteByte('}')
	default:
		return fmt.Errorf("cannot write %T as JSON", v)
	}
	return nil
}

// writePyString writes s quoted with json's ensure_ascii escapes: everything outside ' '..'~' is
// escaped, as \uXXXX (UTF-16 surrogate pairs above U+FFFF) where it has no short form.
func writePyString(w *bufio.Writer, s string) {
	w.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			w.WriteString(`\"`)
		case '\\':
			w.WriteString(`\\`)
		case '\n':
			w.WriteString(`\n`)
		case '\r':
			w.WriteString(`\r`)
		case '\t':
			w.WriteString(`\t`)
		case '\b':
			w.WriteString(`\b`)
		case '\f':
			w.WriteString(`\f`)
		default:
			switch {
			case r >= ' ' && r <= '~':
				w.WriteRune(r)
			case r > 0xffff:
				r -= 0x10000
				fmt.Fprintf(w, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
			default:
				fmt.Fprintf(w, `\u%04x`, r)
			}
		}
	}
	w.WriteByte('"')
}

// pyNumber writes a JSON number as Python re-writes it after json.load: integers unchanged, other
// numbers as float repr (shortest round trip; exponent form below 1e-4 and from 1e16).
func pyNumber(s string) (string, error) {
	if !strings.ContainsAny(s, ".eE") {
		return s, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return "", err
	}
	return pyFloatRepr(f), nil
}

// pyFloatRepr is Python's repr(float).
func pyFloatRepr(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case math.IsNaN(f):
		return "NaN"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	mant, exp, _ := strings.Cut(e, "e")
	x, _ := strconv.Atoi(exp)
	sign := ""
	if strings.HasPrefix(mant, "-") {
		sign, mant = "-", mant[1:]
	}
	digits := strings.Replace(mant, ".", "", 1)
	decpt := x + 1 // the decimal point's place after the first digit, as CPython counts it
	if decpt <= -4 || decpt > 16 {
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		es := fmt.Sprintf("%+03d", x)
		return sign + m + "e" + es
	}
	switch {
	case decpt <= 0:
		return sign + "0." + strings.Repeat("0", -decpt) + digits
	case decpt >= len(digits):
		return sign + digits + strings.Repeat("0", decpt-len(digits)) + ".0"
	default:
		return sign + digits[:decpt] + "." + digits[decpt:]
	}
}
