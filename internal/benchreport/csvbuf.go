package main

import (
	"os"
	"strconv"
	"strings"
)

// csvBuf builds a CSV file in memory, a cell at a time, without a per-cell allocation: the
// generators write millions of cells.
type csvBuf struct {
	b      []byte
	midRow bool
}

// newCSV starts a file with its header row.
func newCSV(sizeHint int, header ...string) *csvBuf {
	c := &csvBuf{b: make([]byte, 0, sizeHint)}
	for _, h := range header {
		c.Str(h)
	}
	c.End()
	return c
}

func (c *csvBuf) sep() {
	if c.midRow {
		c.b = append(c.b, ',')
	}
	c.midRow = true
}

// Str appends a text cell, quoted when it holds a comma, a quote or a line break.
func (c *csvBuf) Str(s string) *csvBuf {
	c.sep()
	if !strings.ContainsAny(s, ",\"\r\n") {
		c.b = append(c.b, s...)
		return c
	}
	c.b = append(c.b, '"')
	c.b = append(c.b, strings.ReplaceAll(s, `"`, `""`)...)
	c.b = append(c.b, '"')
	return c
}

// Int appends an integer cell.
func (c *csvBuf) Int(v int) *csvBuf {
	c.sep()
	c.b = strconv.AppendInt(c.b, int64(v), 10)
	return c
}

// Float appends a number with digits decimals.
func (c *csvBuf) Float(v float64, digits int) *csvBuf {
	c.sep()
	c.b = strconv.AppendFloat(c.b, v, 'f', digits, 64)
	return c
}

// End closes the row.
func (c *csvBuf) End() {
	c.b = append(c.b, '\n')
	c.midRow = false
}

func (c *csvBuf) write(path string) error { return os.WriteFile(path, c.b, 0o600) }
