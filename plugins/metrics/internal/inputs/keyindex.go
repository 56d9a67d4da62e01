package inputs

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"math"
	"runtime"
	"strconv"
	"sync"

	"github.com/mledojo/dojo/sdk/table"
)

// A row's key is its key cells, trimmed of spaces and tabs (and, under NumericKeys, numbers spelt
// the one way strconv.FormatFloat spells them), joined by keySep. Two rows pair when their keys are
// equal byte for byte. This file finds the pairs without a map of strings: most submissions list
// the answers' keys in the answers' order, which one sequential pass confirms; the rest go through
// an index of the answers' keys, an array for integer ids that fill a range, else a hash table over
// one arena of the keys.

// keySep joins the cells of a composite key; no CSV cell of these files holds it.
const keySep = 0x1f

// keyBuilder builds a row's key.
type keyBuilder struct {
	cols    []table.Column
	numeric bool
}

func newKeyBuilder(t *table.Table, keys []string, numeric bool) keyBuilder {
	kb := keyBuilder{numeric: numeric}
	for _, k := range keys {
		c, _ := t.Column(k)
		kb.cols = append(kb.cols, c)
	}
	return kb
}

// appendCell appends the key form of one cell.
func (kb keyBuilder) appendCell(dst []byte, cell []byte) []byte {
	cell = trimBytes(cell)
	if kb.numeric {
		if f, err := strconv.ParseFloat(string(cell), 64); err == nil {
			return strconv.AppendFloat(dst, f, 'g', -1, 64)
		}
	}
	return append(dst, cell...)
}

func (kb keyBuilder) appendKey(dst []byte, row int) []byte {
	for c, col := range kb.cols {
		if c > 0 {
			dst = append(dst, keySep)
		}
		dst = kb.appendCell(dst, col.Bytes(row))
	}
	return dst
}

// keyAt returns row's key and the scratch space, which it may grow. The key aliases the table when
// it is one cell that needs no rewriting, and the scratch space otherwise.
func (kb keyBuilder) keyAt(scratch []byte, row int) (key, grown []byte) {
	if len(kb.cols) == 1 && !kb.numeric {
		return trimBytes(kb.cols[0].Bytes(row)), scratch
	}
	scratch = kb.appendKey(scratch[:0], row)
	return scratch, scratch
}

func trimBytes(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// sameKeys reports whether row i of a and b hold the same trimmed key cells for every i < n. Equal
// cells make equal keys, so true means the files list the same keys in the same order; false may
// also mean the keys are equal but spelt differently (1 and 1.0 under NumericKeys).
func sameKeys(a, b keyBuilder, n int) bool {
	for c := range a.cols {
		ac, bc := a.cols[c], b.cols[c]
		for i := range n {
			if !bytes.Equal(trimBytes(ac.Bytes(i)), trimBytes(bc.Bytes(i))) {
				return false
			}
		}
	}
	return true
}

// distinctKeys reports true only when the first n rows' keys are all different, proving it in
// sequential passes that suit the usual layouts: keys that ascend (shorter keys first, then byte
// order), or rows in runs that share the first key cell, ascending within each run, with no first
// cell heading two runs (Smartphone Decimeter's trips and timestamps). False means "not proven".
func distinctKeys(kb keyBuilder, n int) bool {
	return ascendingKeys(kb, n) || ascendingRuns(kb, n)
}

// shortlexLess orders keys by length, then bytes: a total order in which only equal keys tie, and
// the natural order of integer ids spelt without leading zeros.
func shortlexLess(a, b []byte) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return bytes.Compare(a, b) < 0
}

func ascendingKeys(kb keyBuilder, n int) bool {
	var bufs [2][]byte // rows alternate between them, so the previous key survives
	var prev []byte
	for i := range n {
		var cur []byte
		cur, bufs[i&1] = kb.keyAt(bufs[i&1], i)
		if i > 0 && !shortlexLess(prev, cur) {
			return false
		}
		prev = cur
	}
	return true
}

// maxRunsChecked bounds the runs ascendingRuns tracks; with more, an index is as cheap.
func maxRunsChecked(n int) int { return n/16 + 16 }

func ascendingRuns(kb keyBuilder, n int) bool {
	if len(kb.cols) < 2 {
		return false
	}
	heads := map[string]struct{}{}
	var bufs [2][]byte
	var prev, head []byte
	for i := range n {
		cur := kb.appendCell(bufs[i&1][:0], kb.cols[0].Bytes(i))
		cell := len(cur)
		// A first cell holding the separator could make keys with different first cells equal.
		if bytes.IndexByte(cur, keySep) >= 0 {
			return false
		}
		for _, col := range kb.cols[1:] {
			cur = kb.appendCell(append(cur, keySep), col.Bytes(i))
		}
		bufs[i&1] = cur
		if i > 0 && bytes.Equal(cur[:cell], head) {
			if !shortlexLess(prev, cur) {
				return false
			}
		} else {
			if _, seen := heads[string(cur[:cell])]; seen || len(heads) == maxRunsChecked(n) {
				return false
			}
			heads[string(cur[:cell])] = struct{}{}
			head = append(head[:0], cur[:cell]...)
		}
		prev = cur
	}
	return true
}

// keyIndex finds the first answers row of a key. Built over the answers from the last row to the
// first, it meets every repeated key at each earlier row in turn, as the pairing needs.
type keyIndex interface {
	// insert makes row the first row of its key and returns the row that was, or -1.
	insert(row int) int
	// find returns the first row whose key is key, or -1. Finds may run concurrently once every
	// insert is done.
	find(key []byte) int
}

// newKeyIndex picks the dense index when the keys are one column of integers that fill a range
// densely, and the hash index otherwise.
func newKeyIndex(kb keyBuilder, n int) keyIndex {
	if x := newDenseKeyIndex(kb, n); x != nil {
		return x
	}
	return newHashKeyIndex(kb, n)
}

// denseKeyIndex maps integer keys spelt without leading zeros or '+' (the usual 0..n-1 ids) to rows
// through an array. A key spelt otherwise equals none of the answers' keys byte for byte, and
// table.CanonicalInt rejects it, so find's answers agree with comparing keys.
type denseKeyIndex struct {
	col  table.Column
	min  int64
	rows []int32 // rows[v-min] is the first row of key v plus one; 0 when absent
}

// maxDenseSpread bounds the array at this many slots per row, so sparse ids take the hash index.
const maxDenseSpread = 4

func newDenseKeyIndex(kb keyBuilder, n int) *denseKeyIndex {
	if len(kb.cols) != 1 || kb.numeric || n == 0 {
		return nil
	}
	col := kb.cols[0]
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for i := range n {
		v, ok := table.CanonicalInt(trimBytes(col.Bytes(i)))
		if !ok {
			return nil
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	if uint64(hi-lo) >= uint64(maxDenseSpread*n+1024) {
		return nil
	}
	return &denseKeyIndex{col: col, min: lo, rows: make([]int32, hi-lo+1)}
}

func (x *denseKeyIndex) slot(row int) *int32 {
	v, _ := table.CanonicalInt(trimBytes(x.col.Bytes(row)))
	return &x.rows[v-x.min]
}

func (x *denseKeyIndex) insert(row int) int {
	s := x.slot(row)
	prev := int(*s) - 1
	*s = int32(row) + 1
	return prev
}

func (x *denseKeyIndex) find(key []byte) int {
	v, ok := table.CanonicalInt(key)
	if !ok || v < x.min || v-x.min >= int64(len(x.rows)) {
		return -1
	}
	return int(x.rows[v-x.min]) - 1
}

// hashKeyIndex is an open-addressing table over an arena that holds each answers row's key as
// [row uint32][length uint32][key]. Each slot packs the top bits of the key's hash with the entry's
// arena offset, so a lookup touches one slot and then one entry, which holds both the key to verify
// and the row to return. Only a submission that lists the keys out of order needs it.
type hashKeyIndex struct {
	kb    keyBuilder
	seed  maphash.Seed
	slots []uint64 // hash bits above offsetBits | arena offset + 1; 0 when free
	mask  uint64
	arena []byte
}

const (
	offsetBits  = 40 // arenas up to a terabyte
	offsetMask  = 1<<offsetBits - 1
	entryHeader = 8
)

func newHashKeyIndex(kb keyBuilder, n int) *hashKeyIndex {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	x := &hashKeyIndex{kb: kb, seed: maphash.MakeSeed(), slots: make([]uint64, size), mask: uint64(size - 1)}
	if !kb.numeric { // the arena's size is known, so it is allocated once
		total := n * (entryHeader + len(kb.cols) - 1)
		for _, col := range kb.cols {
			for i := range n {
				total += len(trimBytes(col.Bytes(i)))
			}
		}
		x.arena = make([]byte, 0, total)
	}
	return x
}

// lookup returns the slot holding key, or the empty slot where it would go.
func (x *hashKeyIndex) lookup(key []byte, h uint64) (slot uint64, found bool) {
	tag := h &^ offsetMask
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		s := x.slots[i]
		if s == 0 {
			return i, false
		}
		if s&^offsetMask == tag && bytes.Equal(x.entryKey(s&offsetMask-1), key) {
			return i, true
		}
	}
}

func (x *hashKeyIndex) entryRow(at uint64) int { return int(binary.LittleEndian.Uint32(x.arena[at:])) }

func (x *hashKeyIndex) entryKey(at uint64) []byte {
	n := uint64(binary.LittleEndian.Uint32(x.arena[at+4:]))
	return x.arena[at+entryHeader : at+entryHeader+n]
}

func (x *hashKeyIndex) insert(row int) int {
	at := uint64(len(x.arena))
	x.arena = x.kb.appendKey(append(x.arena, make([]byte, entryHeader)...), row)
	key := x.arena[at+entryHeader:]
	binary.LittleEndian.PutUint32(x.arena[at:], uint32(row))
	binary.LittleEndian.PutUint32(x.arena[at+4:], uint32(len(key)))
	h := maphash.Bytes(x.seed, key)
	i, found := x.lookup(key, h)
	prev := -1
	if found {
		prev = x.entryRow(x.slots[i]&offsetMask - 1)
	}
	x.slots[i] = h&^offsetMask | (at + 1)
	return prev
}

func (x *hashKeyIndex) find(key []byte) int {
	i, found := x.lookup(key, maphash.Bytes(x.seed, key))
	if !found {
		return -1
	}
	return x.entryRow(x.slots[i]&offsetMask - 1)
}

// parallelMinKeys is the fewest keys worth a goroutine of their own when finding rows.
var parallelMinKeys = 1 << 14

// findAll returns, for every row of the submission, the first answers row with its key, or -1.
// Lookups are independent, so large submissions are split among the CPUs.
func findAll(index keyIndex, sb keyBuilder, m int) []int32 {
	match := make([]int32, m)
	parts := max(1, min(runtime.GOMAXPROCS(0), m/parallelMinKeys))
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() {
			var key, scratch []byte
			for j := p * m / parts; j < (p+1)*m/parts; j++ {
				key, scratch = sb.keyAt(scratch, j)
				match[j] = int32(index.find(key))
			}
		})
	}
	wg.Wait()
	return match
}
