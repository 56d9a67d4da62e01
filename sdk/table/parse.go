package table

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// syntaxKind names what is wrong with a record.
type syntaxKind uint8

const (
	syntaxRagged       syntaxKind = iota + 1 // a record's field count differs from the header's
	syntaxBareQuote                          // a quote inside a field that did not start with one
	syntaxAfterQuote                         // something other than a comma or line end after a closing quote
	syntaxUnterminated                       // a quoted field runs to the end of the file
)

// syntaxError locates a problem relative to the start of the span being parsed; read.go makes the
// positions absolute once it knows how many rows and lines came before.
type syntaxError struct {
	kind   syntaxKind
	row    int // 0-based record index within the span
	line   int // 0-based line within the span where the record starts
	field  int // 0-based field index
	fields int // fields found, for syntaxRagged
}

// chunk is a span of data rows that one goroutine parses. A span always starts at the start of a
// record and ends just after a record's line end (or at the end of the file).
type chunk struct {
	buf        []byte
	start, end int
	quotes     bool  // the file contains a quote character somewhere
	width      int   // fields per record, from the header
	keep       []int // header position -> kept slot, or -1
	stride     int   // offsets per row: two per kept column
	maxRows    int   // an upper bound on the span's records: its line ends, plus one for the last span

	offs    []uint32 // maxRows*stride: row r, slot k at r*stride+2k (start) and +2k+1 (end)
	rows    int
	lines   int      // line ends consumed
	rowLine []uint32 // per row, the 0-based line within the span; nil while row i starts on line i
	err     *syntaxError
}

// parse fills c's outputs. It is the hot loop: unquoted fields are scanned eight bytes at a time and
// each row's offsets land in a pre-sized slice, so it allocates nothing on the common path.
func (c *chunk) parse() {
	buf, pos, end := c.buf[:c.end], c.start, c.end
	width, keep, quotes, stride, offs := c.width, c.keep, c.quotes, c.stride, c.offs
	rows, lines := 0, 0
	rowLine := c.rowLine
	for pos < end {
		// Blank lines (LF or CRLF, or a lone CR at the end of the file) hold no record.
		if b := buf[pos]; b == '\n' || (b == '\r' && (pos+1 == end || buf[pos+1] == '\n')) {
			if b == '\r' {
				pos++
			}
			if pos < end {
				pos++
				lines++
			}
			continue
		}
		recLine := lines
		if rowLine == nil && recLine != rows {
			rowLine = make([]uint32, rows, c.maxRows)
			for i := range rowLine {
				rowLine[i] = uint32(i)
			}
		}
		if rowLine != nil {
			rowLine = append(rowLine, uint32(recLine))
		}
		row := offs[rows*stride : (rows+1)*stride]
		f := 0
		for {
			var s, e int
			if quotes && pos < end && buf[pos] == '"' {
				var nl int
				var kind syntaxKind
				s, e, pos, nl, kind = scanQuoted(buf, pos+1, end)
				lines += nl
				if kind != 0 {
					c.fail(kind, rows, recLine, f, 0)
					return
				}
				if pos < end && buf[pos] == '\r' && (pos+1 == end || buf[pos+1] == '\n') {
					pos++
				}
				if pos < end && buf[pos] != ',' && buf[pos] != '\n' {
					c.fail(syntaxAfterQuote, rows, recLine, f, 0)
					return
				}
			} else {
				s = pos
				pos = scanUnquoted(buf, pos, quotes)
				if pos < end && buf[pos] == '"' {
					c.fail(syntaxBareQuote, rows, recLine, f, 0)
					return
				}
				e = pos
				if e > s && buf[e-1] == '\r' && (pos == end || buf[pos] == '\n') {
					e--
				}
			}
			if f < width {
				if k := keep[f]; k >= 0 {
					row[2*k] = uint32(s)
					row[2*k+1] = uint32(e)
				}
			}
			f++
			if pos < end && buf[pos] == ',' {
				pos++
				continue
			}
			if pos < end { // the '\n' that ends the record
				pos++
				lines++
			}
			break
		}
		if f != width {
			c.fail(syntaxRagged, rows, recLine, f, f)
			return
		}
		rows++
	}
	c.rows, c.lines, c.rowLine = rows, lines, rowLine
}

const (
	lo7s    = 0x7f7f7f7f7f7f7f7f
	commas  = 0x2c2c2c2c2c2c2c2c
	lfs     = 0x0a0a0a0a0a0a0a0a
	dquotes = 0x2222222222222222
)

// zeroBytes sets the high bit of exactly those bytes of x that are zero (no false positives from
// borrows, unlike the shorter (x-0x01..)&^x trick), so every set bit marks a real match.
func zeroBytes(x uint64) uint64 {
	y := (x & lo7s) + lo7s
	return ^(y | x | lo7s)
}

// scanUnquoted returns the position of the first comma or line feed at or after pos, or of the first
// quote when quotes is set, or len(buf). It tests eight bytes per step.
func scanUnquoted(buf []byte, pos int, quotes bool) int {
	for pos+8 <= len(buf) {
		w := binary.LittleEndian.Uint64(buf[pos:])
		m := zeroBytes(w^commas) | zeroBytes(w^lfs)
		if quotes {
			m |= zeroBytes(w ^ dquotes)
		}
		if m != 0 {
			return pos + bits.TrailingZeros64(m)>>3
		}
		pos += 8
	}
	for ; pos < len(buf); pos++ {
		if b := buf[pos]; b == ',' || b == '\n' || (quotes && b == '"') {
			break
		}
	}
	return pos
}

func (c *chunk) fail(kind syntaxKind, row, line, field, fields int) {
	c.err = &syntaxError{kind: kind, row: row, line: line, field: field, fields: fields}
}

// scanQuoted reads a quoted field whose opening quote sits just before pos. It unescapes "" in place,
// which is safe because the unescaped value is never longer than the raw one and the caller owns buf
// whenever it holds a "" pair. It returns the value's span, the position after the closing quote and
// the number of line ends inside the value. Line ends inside quotes are kept as they are.
func scanQuoted(buf []byte, pos, end int) (s, e, next, nl int, kind syntaxKind) {
	s, w := pos, pos
	for {
		i := bytes.IndexByte(buf[pos:end], '"')
		if i < 0 {
			nl += bytes.Count(buf[pos:end], nlByte)
			return s, w, end, nl, syntaxUnterminated
		}
		seg := buf[pos : pos+i]
		nl += bytes.Count(seg, nlByte)
		if w != pos {
			copy(buf[w:], seg)
		}
		w += i
		pos += i + 1
		if pos < end && buf[pos] == '"' {
			buf[w] = '"'
			w++
			pos++
			continue
		}
		return s, w, pos, nl, 0
	}
}

var nlByte = []byte{'\n'}

// parseHeader reads the first record at or after pos, skipping blank lines. It returns the field
// values, the position after the record, and the line ends consumed (blank lines included).
func parseHeader(buf []byte, pos int, quotes bool) (names []string, next, lines int, err *syntaxError) {
	end := len(buf)
	for pos < end {
		if b := buf[pos]; b == '\n' || (b == '\r' && (pos+1 == end || buf[pos+1] == '\n')) {
			if b == '\r' {
				pos++
			}
			if pos < end {
				pos++
				lines++
			}
			continue
		}
		break
	}
	if pos == end {
		return nil, pos, lines, nil
	}
	recLine := lines
	for {
		f := len(names)
		var s, e int
		if quotes && pos < end && buf[pos] == '"' {
			var nl int
			var kind syntaxKind
			s, e, pos, nl, kind = scanQuoted(buf, pos+1, end)
			lines += nl
			if kind == 0 && pos < end && buf[pos] == '\r' && (pos+1 == end || buf[pos+1] == '\n') {
				pos++
			}
			if kind == 0 && pos < end && buf[pos] != ',' && buf[pos] != '\n' {
				kind = syntaxAfterQuote
			}
			if kind != 0 {
				return nil, pos, lines, &syntaxError{kind: kind, line: recLine, field: f}
			}
		} else {
			s = pos
			for pos < end && buf[pos] != ',' && buf[pos] != '\n' {
				if buf[pos] == '"' {
					return nil, pos, lines, &syntaxError{kind: syntaxBareQuote, line: recLine, field: f}
				}
				pos++
			}
			e = pos
			if e > s && buf[e-1] == '\r' && (pos == end || buf[pos] == '\n') {
				e--
			}
		}
		names = append(names, string(buf[s:e]))
		if pos < end && buf[pos] == ',' {
			pos++
			continue
		}
		if pos < end {
			pos++
			lines++
		}
		return names, pos, lines, nil
	}
}
