package inputs

import "bytes"

// Memo caches a function of a cell's text, for columns that hold few distinct values (class
// labels): each distinct value is computed once, so a million rows of a few labels cost a million
// comparisons or map lookups rather than a million parses. Past memoLimit distinct values it
// computes the rest without caching them.
type Memo[T any] struct {
	fn      func(string) T
	m       map[string]T
	last    []byte
	lastVal T
	hasLast bool
}

// memoLimit bounds the distinct values a Memo keeps.
const memoLimit = 4096

// NewMemo returns a Memo of fn, which must depend on its argument alone.
func NewMemo[T any](fn func(string) T) *Memo[T] { return &Memo[T]{fn: fn, m: map[string]T{}} }

// Of returns fn of the cell's text. The cell is not retained; a hit allocates nothing.
func (m *Memo[T]) Of(cell []byte) T {
	if m.hasLast && bytes.Equal(cell, m.last) {
		return m.lastVal
	}
	v, ok := m.m[string(cell)]
	if !ok {
		v = m.fn(string(cell))
		if len(m.m) < memoLimit {
			m.m[string(cell)] = v
		}
	}
	m.last, m.lastVal, m.hasLast = append(m.last[:0], cell...), v, true
	return v
}

// OfString is Of for a string.
func (m *Memo[T]) OfString(s string) T {
	if m.hasLast && string(m.last) == s {
		return m.lastVal
	}
	v, ok := m.m[s]
	if !ok {
		v = m.fn(s)
		if len(m.m) < memoLimit {
			m.m[s] = v
		}
	}
	m.last, m.lastVal, m.hasLast = append(m.last[:0], s...), v, true
	return v
}
