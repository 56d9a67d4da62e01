package inputs

import (
	"strconv"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/sdk/table"
)

// pairByKeyMap is the map-based pairing that pairByKey replaced, kept as the reference its
// differential test compares against: the same pairs, and the same errors, for any input.

// refKeyBuilder appends a row's key, its cells joined by a separator no CSV cell of these files holds.
type refKeyBuilder struct {
	cols    []table.Column
	numeric bool
}

func newRefKeyBuilder(t *table.Table, keys []string, numeric bool) refKeyBuilder {
	kb := refKeyBuilder{numeric: numeric}
	for _, k := range keys {
		c, _ := t.Column(k)
		kb.cols = append(kb.cols, c)
	}
	return kb
}

func (kb refKeyBuilder) appendKey(dst []byte, row int) []byte {
	for c, col := range kb.cols {
		if c > 0 {
			dst = append(dst, 0x1f)
		}
		cell := refTrimBytes(col.Bytes(row))
		if kb.numeric {
			if f, err := strconv.ParseFloat(string(cell), 64); err == nil {
				dst = strconv.AppendFloat(dst, f, 'g', -1, 64)
				continue
			}
		}
		dst = append(dst, cell...)
	}
	return dst
}

func refTrimBytes(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// pairByKeyMap maps every answers row to its submission row.
func pairByKeyMap(answers, sub *table.Table, opts KeyedOptions) ([]int32, error) {
	n := answers.Len()
	ab := newRefKeyBuilder(answers, opts.Keys, opts.NumericKeys)
	// All answers keys in one string, so the index holds substrings rather than a string per row.
	var arena []byte
	ends := make([]int, n)
	for i := range n {
		arena = ab.appendKey(arena, i)
		ends[i] = len(arena)
	}
	all := string(arena)
	// head maps a key to its first answers row; next chains the rows sharing a key in file order.
	head := make(map[string]int32, n)
	next := make([]int32, n)
	for i := n - 1; i >= 0; i-- {
		start := 0
		if i > 0 {
			start = ends[i-1]
		}
		key := all[start:ends[i]]
		if first, dup := head[key]; dup {
			if opts.Duplicates == KeysUnique {
				return nil, core.Errorf(core.TypeGroundTruth, "answers hold the key %s more than once", describeKey(answers, opts.Keys, i)).
					WithDetails("rows %d and %d (lines %d and %d)", i+1, first+1, answers.Line(i), answers.Line(int(first))).
					WithCauses("the competition's answers file is broken: each key must appear once; report it to the competition's maintainer")
			}
			next[i] = first
		} else {
			next[i] = -1
		}
		head[key] = int32(i)
	}
	// cursor[h] is the next unpaired answers row of the key whose first row is h.
	cursor := make([]int32, n)
	for i := range cursor {
		cursor[i] = int32(i)
	}
	rows := make([]int32, n)
	for i := range rows {
		rows[i] = -1
	}
	sb := newRefKeyBuilder(sub, opts.Keys, opts.NumericKeys)
	var buf []byte
	var extra, repeated []int
	for j := range sub.Len() {
		buf = sb.appendKey(buf[:0], j)
		h, ok := head[string(buf)]
		if !ok {
			extra = append(extra, j)
			continue
		}
		i := cursor[h]
		if i < 0 {
			repeated = append(repeated, j)
			continue
		}
		rows[i] = int32(j)
		cursor[h] = next[i]
	}
	var missing []int
	for i, j := range rows {
		if j < 0 {
			missing = append(missing, i)
		}
	}
	switch {
	case len(repeated) > 0:
		j := repeated[0]
		what := "more than once"
		if opts.Duplicates == KeysInFileOrder {
			what = "more often than the answers do"
		}
		return nil, core.Errorf(core.TypeSubmissionInvalid, "submission holds the key %s %s", describeKey(sub, opts.Keys, j), what).
			WithDetails("%d such row(s); the first at row %d (line %d)", len(repeated), j+1, sub.Line(j)).
			WithCauses("write one row per row of the sample submission; drop duplicates")
	case len(extra) > 0:
		j := extra[0]
		return nil, core.Errorf(core.TypeSubmissionInvalid, "submission has %d row(s) whose key is not in the answers, e.g. %s", len(extra), describeKey(sub, opts.Keys, j)).
			WithDetails("the first at row %d (line %d)", j+1, sub.Line(j)).
			WithCauses("take the keys from the sample submission; check for rewritten numbers (1.0 for 1) or stray spaces")
	case len(missing) > 0:
		i := missing[0]
		return nil, core.Errorf(core.TypeSubmissionInvalid, "submission is missing %d row(s), e.g. %s", len(missing), describeKey(answers, opts.Keys, i)).
			WithCauses("write one row for every row of the sample submission")
	}
	return rows, nil
}
