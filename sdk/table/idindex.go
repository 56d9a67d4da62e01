package table

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"math"
	"strconv"
	"sync"

	"github.com/mledojo/dojo/core"
)

// idKeys gives the comparable form of each id in a column: the value with surrounding white space
// trimmed, or under IDNumeric a canonical spelling of numeric ids kept in a side buffer.
type idKeys struct {
	col   Column
	canon []byte   // canonical keys, back to back; nil under IDExact
	ends  []uint32 // canonical key i is canon[ends[i-1]:ends[i]] (ends[-1] taken as 0)
}

func newIDKeys(col Column, match IDMatch) *idKeys {
	k := &idKeys{col: col}
	if match != IDNumeric {
		return k
	}
	n := col.Len()
	k.ends = make([]uint32, n)
	k.canon = make([]byte, 0, n*8)
	for i := 0; i < n; i++ {
		k.canon = appendCanonicalID(k.canon, trimSpace(col.Bytes(i)))
		k.ends[i] = uint32(len(k.canon))
	}
	return k
}

func (k *idKeys) len() int { return k.col.Len() }

// at returns key i; the slice aliases the table or the side buffer.
func (k *idKeys) at(i int) []byte {
	if k.ends == nil {
		return trimSpace(k.col.Bytes(i))
	}
	s := uint32(0)
	if i > 0 {
		s = k.ends[i-1]
	}
	return k.canon[s:k.ends[i]]
}

// appendCanonicalID appends the canonical spelling of id: integers and integral floats below 2^53 as
// plain integers ("1.0" -> "1", "1e3" -> "1000"), other finite numbers in Go's shortest 'g' form, and
// anything else unchanged. A leading marker byte keeps canonical numbers apart from text ids that
// happen to spell the same thing.
func appendCanonicalID(dst, id []byte) []byte {
	if len(id) == 0 {
		return append(dst, 't')
	}
	if v, err := strconv.ParseInt(string(id), 10, 64); err == nil {
		return strconv.AppendInt(append(dst, 'n'), v, 10)
	}
	f, kind := parseNumber(id, false)
	if kind != 0 {
		return append(append(dst, 't'), id...)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return strconv.AppendInt(append(dst, 'n'), int64(f), 10)
	}
	return strconv.AppendFloat(append(dst, 'n'), f, 'g', -1, 64)
}

// trimSpace trims ASCII white space, which is all a CSV writer puts around an id.
func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

// idIndex is an open-addressing hash table from answers id to answers row, built for the shuffled
// case where every lookup is a cache miss. The keys are copied, trimmed, into one arena as
// [row uint32][len uint32][bytes], and each slot packs 32 bits of the key's hash with the arena
// offset, so a lookup touches a slot and then one arena entry that holds both the key to verify and
// the row to return. The table is cut into regions by the hash's top bits, one goroutine building each.
type idIndex struct {
	slots      []uint64
	regionBits uint   // regions = 1 << regionBits
	mask       uint64 // slots per region - 1
	arena      []byte
	seed       maphash.Seed
}

const entryHeader = 8

// buildIDIndex indexes keys using up to parts goroutines. When two rows share a key it returns the
// first such pair (first, second) in row order of the second; otherwise first is -1. It fails only
// when the arena would outgrow its 32-bit offsets.
func buildIDIndex(keys *idKeys, parts int) (x *idIndex, first, second int, err error) {
	n := keys.len()
	x = &idIndex{seed: maphash.MakeSeed()}
	for 1<<x.regionBits < parts {
		x.regionBits++
	}
	size := 16 << x.regionBits
	for size < 2*n {
		size <<= 1
	}
	x.slots = makeLarge[uint64](size)
	x.mask = uint64(size>>x.regionBits) - 1

	// Hash every key and lay out the arena, in parallel over row ranges: one pass to size each
	// range's piece, one to fill it.
	hashes := makeLarge[uint64](n)
	offsets := makeLarge[uint32](n)
	ranges := splitRange(n, parts, parallelMinIDs)
	starts := make([]int, len(ranges)+1)
	inParallel(ranges, func(r, lo, hi int) {
		total := 0
		for i := lo; i < hi; i++ {
			k := keys.at(i)
			hashes[i] = maphash.Bytes(x.seed, k)
			total += entryHeader + len(k)
		}
		starts[r+1] = total
	})
	for r := range ranges {
		starts[r+1] += starts[r]
	}
	if uint64(starts[len(ranges)]) >= math.MaxUint32 {
		return nil, -1, -1, core.Errorf(core.TypeInvalidArgument, "%d ids are too many to align", n).
			WithCauses("ids and their index must fit in 4 GiB")
	}
	x.arena = makeLarge[byte](starts[len(ranges)])
	inParallel(ranges, func(r, lo, hi int) {
		at := starts[r]
		for i := lo; i < hi; i++ {
			k := keys.at(i)
			offsets[i] = uint32(at)
			binary.LittleEndian.PutUint32(x.arena[at:], uint32(i))
			binary.LittleEndian.PutUint32(x.arena[at+4:], uint32(len(k)))
			at += entryHeader + copy(x.arena[at+entryHeader:], k)
		}
	})

	// Each goroutine owns whole regions, so inserts need no locks; every copy of a key hashes to the
	// same region, so each region finds its own repeats, and the earliest across regions wins.
	regions := 1 << x.regionBits
	firsts, seconds := make([]int, regions), make([]int, regions)
	regionRanges := make([][2]int, regions)
	for r := range regionRanges {
		regionRanges[r] = [2]int{r, r + 1}
	}
	inParallel(regionRanges, func(_, lo, _ int) {
		firsts[lo], seconds[lo] = x.insertRegion(uint64(lo), hashes, offsets)
	})
	first, second = -1, -1
	for r := range regions {
		if firsts[r] >= 0 && (second < 0 || seconds[r] < second) {
			first, second = firsts[r], seconds[r]
		}
	}
	return x, first, second, nil
}

// insertRegion inserts the keys whose hash falls in region, stopping at the first repeated key.
func (x *idIndex) insertRegion(region uint64, hashes []uint64, offsets []uint32) (first, second int) {
	shift := 64 - x.regionBits
	for row, h := range hashes {
		if x.regionBits > 0 && h>>shift != region {
			continue
		}
		if at, found := x.probe(h, x.entryKey(offsets[row]), uint64(offsets[row])+1); found {
			return x.entryRow(at), row
		}
	}
	return -1, -1
}

// find returns the answers row whose key is key, or -1.
func (x *idIndex) find(key []byte) int {
	if at, found := x.probe(maphash.Bytes(x.seed, key), key, 0); found {
		return x.entryRow(at)
	}
	return -1
}

// probe looks for key, whose hash is h, and returns the arena offset of its entry. When the key is
// absent and insert is not 0, it stores insert (an arena offset plus one) in the free slot.
func (x *idIndex) probe(h uint64, key []byte, insert uint64) (at uint32, found bool) {
	base := uint64(0)
	if x.regionBits > 0 {
		base = (h >> (64 - x.regionBits)) * (x.mask + 1)
	}
	tag := h &^ rowBits
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		s := x.slots[base+i]
		if s == 0 {
			if insert != 0 {
				x.slots[base+i] = tag | insert
			}
			return 0, false
		}
		if s&^rowBits == tag {
			at := uint32(s&rowBits) - 1
			if bytes.Equal(x.entryKey(at), key) {
				return at, true
			}
		}
	}
}

func (x *idIndex) entryRow(at uint32) int { return int(binary.LittleEndian.Uint32(x.arena[at:])) }

func (x *idIndex) entryKey(at uint32) []byte {
	n := binary.LittleEndian.Uint32(x.arena[at+4:])
	return x.arena[at+entryHeader : at+entryHeader+n]
}

const rowBits = 0xffffffff

// parallelMinIDs is the fewest ids worth a goroutine when hashing or looking up.
var parallelMinIDs = 1 << 14

// splitRange cuts [0, n) into at most parts ranges of at least minSize each (one range when n is
// small), as [lo, hi) pairs.
func splitRange(n, parts, minSize int) [][2]int {
	parts = max(1, min(parts, n/minSize))
	out := make([][2]int, parts)
	for p := range out {
		out[p] = [2]int{p * n / parts, (p + 1) * n / parts}
	}
	return out
}

// inParallel runs fn once per range, concurrently when there are several.
func inParallel(ranges [][2]int, fn func(r, lo, hi int)) {
	if len(ranges) == 1 {
		fn(0, ranges[0][0], ranges[0][1])
		return
	}
	var wg sync.WaitGroup
	for r, rg := range ranges {
		wg.Go(func() { fn(r, rg[0], rg[1]) })
	}
	wg.Wait()
}

// idFinder finds the answers row of a key, or -1.
type idFinder interface {
	find(key []byte) int
}

// denseIndex maps integer ids that fill a range densely (the usual 0..n-1 or 1..n row ids) straight
// to rows through an array, which beats hashing when the ids are shuffled: one lookup is a parse and
// one load. It only holds ids spelt canonically (no sign but '-', no leading zeros, no '+', at most
// 18 digits), so a submission key that is spelt otherwise cannot equal any of them byte for byte and
// is simply absent — the same answer the hash index gives.
type denseIndex struct {
	min    int64
	marker bool    // keys carry IDNumeric's leading 'n'
	rows   []int32 // rows[v-min] is the row of id v plus one; 0 when absent
	// consecutive says row i holds id min+i (and rows is nil): the n ids need no array at all.
	consecutive bool
	n           int64
}

// maxDenseSpread bounds the array at this many slots per id, so sparse ids take the hash index.
const maxDenseSpread = 4

// buildDenseIndex returns nil when some key is not a canonical integer or the ids spread too thin.
// Otherwise it reports the first repeated key as buildIDIndex does.
func buildDenseIndex(keys *idKeys) (x *denseIndex, first, second int) {
	n := keys.len()
	if n == 0 {
		return nil, -1, -1
	}
	marker := keys.ends != nil
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	var first0 int64
	consecutive := true // row i holds id first0+i: the usual 0..n-1 or 1..n answers
	for i := range n {
		v, ok := canonicalInt(keys.at(i), marker)
		if !ok {
			return nil, -1, -1
		}
		if i == 0 {
			first0 = v
		}
		consecutive = consecutive && v == first0+int64(i)
		lo, hi = min(lo, v), max(hi, v)
	}
	if consecutive {
		// No array to consult: an id's row is its distance from the first, and ids in steps of
		// one cannot repeat.
		return &denseIndex{min: lo, marker: marker, n: int64(n), consecutive: true}, -1, -1
	}
	if uint64(hi-lo) >= uint64(maxDenseSpread*n+1024) {
		return nil, -1, -1
	}
	x = &denseIndex{min: lo, marker: marker, rows: makeLarge[int32](int(hi - lo + 1))}
	for i := range n {
		v, _ := canonicalInt(keys.at(i), marker)
		if prev := x.rows[v-lo]; prev != 0 {
			return x, int(prev) - 1, i
		}
		x.rows[v-lo] = int32(i) + 1
	}
	return x, -1, -1
}

func (x *denseIndex) find(key []byte) int {
	v, ok := canonicalInt(key, x.marker)
	if !ok || v < x.min {
		return -1
	}
	if x.consecutive {
		if v-x.min >= x.n {
			return -1
		}
		return int(v - x.min)
	}
	if v-x.min >= int64(len(x.rows)) {
		return -1
	}
	return int(x.rows[v-x.min]) - 1
}

// canonicalInt is CanonicalInt after IDNumeric's 'n' marker when marker is set.
func canonicalInt(b []byte, marker bool) (int64, bool) {
	if marker {
		if len(b) == 0 || b[0] != 'n' {
			return 0, false
		}
		b = b[1:]
	}
	return CanonicalInt(b)
}

// CanonicalInt parses b as an integer spelt the one way strconv.FormatInt spells it (no '+', no
// leading zeros, no "-0") with at most 18 digits, so it cannot overflow. Ids spelt so compare equal
// exactly when their values do, which lets an index of integer ids use an array instead of hashing.
func CanonicalInt(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 || (b[0] == '0' && (len(b) > 1 || neg)) {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}
