package table

import (
	"bytes"
	"fmt"

	"github.com/mledojo/dojo/core"
)

// syntaxError turns a located syntax problem into a typed error. names is nil for a problem in the
// header; row is the 0-based data row and line the 1-based file line where the record starts.
func (o ReadOptions) syntaxError(s *syntaxError, names []string, row, line int, buf []byte) *core.Error {
	where := fmt.Sprintf("%s row %d", o.Name, row+1)
	if names == nil {
		where = o.Name + " header"
	}
	column := fmt.Sprintf("field %d", s.field+1)
	if s.field < len(names) {
		column = fmt.Sprintf("column %q", names[s.field])
	}
	details := fmt.Sprintf("line %d: %s", line, quoteShort(string(lineAt(buf, line))))
	var e *core.Error
	switch s.kind {
	case syntaxRagged:
		e = core.Errorf(o.ErrorType, "%s has %d fields but the header has %d", where, s.fields, len(names)).
			WithCauses("a value holds a comma but is not quoted; quote it, or let a CSV writer do it",
				"every row needs exactly one value per header column")
	case syntaxBareQuote:
		e = core.Errorf(o.ErrorType, "%s, %s: a quote inside a value that does not start with one", where, column).
			WithCauses(`quote the whole value and double the quotes inside it ("a ""b"" c"), as CSV writers do`)
	case syntaxAfterQuote:
		e = core.Errorf(o.ErrorType, "%s, %s: text follows the closing quote of a quoted value", where, column).
			WithCauses(`double quotes that are part of a quoted value ("a ""b"" c")`,
				"put a comma or a line end right after each closing quote")
	default: // syntaxUnterminated
		e = core.Errorf(o.ErrorType, "%s, %s: a quoted value is never closed", where, column).
			WithCauses(`close every quoted value with a quote; double quotes inside it ("")`)
		details = fmt.Sprintf("the record starts on line %d: %s", line, quoteShort(string(lineAt(buf, line))))
	}
	return e.WithDetails("%s", details)
}

// lineAt returns file line n (1-based) of buf without its line end. It scans from the start, which is
// fine on an error path.
func lineAt(buf []byte, n int) []byte {
	buf = bytes.TrimPrefix(buf, []byte(bom))
	for ; n > 1; n-- {
		i := bytes.IndexByte(buf, '\n')
		if i < 0 {
			return nil
		}
		buf = buf[i+1:]
	}
	if i := bytes.IndexByte(buf, '\n'); i >= 0 {
		buf = buf[:i]
	}
	return bytes.TrimSuffix(buf, []byte{'\r'})
}
