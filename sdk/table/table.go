package table

import (
	"strconv"
	"strings"

	"github.com/mledojo/dojo/core"
)

// Table is a CSV file held as columns. Values are not copied out of the file's bytes: each kept column
// is a list of offsets into one shared buffer, so reading a million rows costs a few allocations.
// A Table is safe for concurrent reads.
type Table struct {
	name    string
	errType core.ErrorType
	header  []string
	index   map[string]int // header name -> position
	slot    []int          // header position -> kept slot, or -1 when the column was not kept
	stride  int            // offsets per row: a start and an end per kept column
	offs    []uint32       // row r, slot k: value is buf[offs[r*stride+2k]:offs[r*stride+2k+1]]
	buf     []byte
	rows    int
	// firstLine is the file line (1-based) of the first data row. rowLine is nil while every row
	// sits on the line after the one before; otherwise it holds each row's first line.
	firstLine int
	rowLine   []uint32
}

// Name returns the name the table's messages use ("submission", "answers").
func (t *Table) Name() string { return t.name }

// Header returns the column names in file order, including columns that were not kept.
func (t *Table) Header() []string { return t.header }

// Len returns the number of data rows.
func (t *Table) Len() int { return t.rows }

// Has reports whether the header names column name, whether or not it was kept.
func (t *Table) Has(name string) bool { _, ok := t.index[name]; return ok }

// Line returns the file line (1-based) on which data row row (0-based) starts. Lines differ from
// row+2 when the file has blank lines or quoted values that span lines.
func (t *Table) Line(row int) int {
	if t.rowLine == nil {
		return t.firstLine + row
	}
	return int(t.rowLine[row])
}

// Column returns the named column. It reports false when the header has no such name or when the
// column was left out by ReadOptions.Columns.
func (t *Table) Column(name string) (Column, bool) {
	i, ok := t.index[name]
	if !ok || t.slot[i] < 0 {
		return Column{}, false
	}
	return Column{t: t, pos: i, at: 2 * t.slot[i]}, true
}

// Strings returns the named column's values as strings.
func (t *Table) Strings(name string) ([]string, error) {
	c, err := t.mustColumn(name)
	if err != nil {
		return nil, err
	}
	return c.Strings(), nil
}

// Floats returns the named column's values as numbers. It rejects, with a typed error naming the row,
// its line and the column, the first value that is empty, not a number, NaN or infinite.
func (t *Table) Floats(name string) ([]float64, error) {
	c, err := t.mustColumn(name)
	if err != nil {
		return nil, err
	}
	return c.Floats()
}

// mustColumn is Column with an error that says whether the header lacks the name (a problem with the
// file) or the caller left the column out when reading (a programming error).
func (t *Table) mustColumn(name string) (Column, error) {
	if c, ok := t.Column(name); ok {
		return c, nil
	}
	if t.Has(name) {
		return Column{}, core.Errorf(core.TypeInvalidArgument, "%s column %q was not kept when reading", t.name, name).
			WithCauses("add the column to ReadOptions.Columns")
	}
	return Column{}, core.Errorf(t.errType, "%s has no column %q", t.name, name).
		WithDetails("columns found: %s", quoteList(t.header, 20)).
		WithCauses("write a header line whose names match the sample submission")
}

// Column is one column of a Table. Its zero value is an empty column.
type Column struct {
	t   *Table
	pos int // header position
	at  int // offset of the column's start within a row's offsets
}

// Name returns the column's header name.
func (c Column) Name() string {
	if c.t == nil {
		return ""
	}
	return c.t.header[c.pos]
}

// Len returns the number of values.
func (c Column) Len() int {
	if c.t == nil {
		return 0
	}
	return c.t.rows
}

// Bytes returns value i without copying. The slice aliases the table's buffer: do not modify it.
func (c Column) Bytes(i int) []byte {
	o := i*c.t.stride + c.at
	s, e := c.t.offs[o], c.t.offs[o+1]
	return c.t.buf[s:e:e]
}

// String returns value i.
func (c Column) String(i int) string { return string(c.Bytes(i)) }

// Strings returns every value, sharing one backing string so the cost is two allocations.
func (c Column) Strings() []string {
	n := c.Len()
	total := 0
	for i := 0; i < n; i++ {
		total += len(c.Bytes(i))
	}
	var sb strings.Builder
	sb.Grow(total)
	for i := 0; i < n; i++ {
		sb.Write(c.Bytes(i))
	}
	all := sb.String()
	out := make([]string, n)
	at := 0
	for i := range out {
		l := len(c.Bytes(i))
		out[i] = all[at : at+l]
		at += l
	}
	return out
}

// quoteList renders names as a comma-separated list of quoted strings, at most limit of them.
func quoteList(names []string, limit int) string {
	var b strings.Builder
	for i, n := range names {
		if i == limit {
			b.WriteString(", ...")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quoteShort(n))
	}
	if len(names) == 0 {
		b.WriteString("none")
	}
	return b.String()
}

// quoteShort quotes s for a message, cutting long values so one bad cell cannot flood the feedback.
func quoteShort(s string) string {
	const limit = 60
	if len(s) > limit {
		cut := limit
		for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
			cut--
		}
		return strconv.Quote(s[:cut]) + "..."
	}
	return strconv.Quote(s)
}
