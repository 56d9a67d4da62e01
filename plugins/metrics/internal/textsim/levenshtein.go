package textsim

// Levenshtein computes edit distances (insertions, deletions and substitutions, each costing 1)
// between symbol sequences, reusing its buffers from call to call. Its zero value is ready to use;
// it is not safe for concurrent use.
//
// It uses Myers' bit-parallel algorithm in Hyyrö's block form, so a distance costs about
// len(a)·⌈len(b)/64⌉ word operations after the common prefix and suffix are stripped.
type Levenshtein struct {
	small [256]int32      // symbol < 256 → 1 + its row in peq, or 0
	large map[int32]int32 // other symbols → 1 + row
	syms  []int32         // symbols with a row, to clear small and large
	peq   []uint64        // row r, word w: bit i set where pattern[64w+i] is the row's symbol
	pv    []uint64        // vertical positive deltas, one word per block
	mv    []uint64        // vertical negative deltas
	zero  []uint64        // the row of a symbol absent from the pattern
	words int
}

// Distance returns the edit distance between a and b. Symbols are compared as numbers: pass runes
// for characters, or token ids for tokens.
func (l *Levenshtein) Distance(a, b []int32) int {
	for len(a) > 0 && len(b) > 0 && a[0] == b[0] {
		a, b = a[1:], b[1:]
	}
	for len(a) > 0 && len(b) > 0 && a[len(a)-1] == b[len(b)-1] {
		a, b = a[:len(a)-1], b[:len(b)-1]
	}
	if len(a) < len(b) {
		a, b = b, a
	}
	// b, the shorter, is the pattern whose columns the bit vectors hold.
	m := len(b)
	if m == 0 {
		return len(a)
	}
	l.build(b)
	defer l.reset()
	words := l.words
	pv, mv := l.pv[:words], l.mv[:words]
	for w := range pv {
		pv[w], mv[w] = ^uint64(0), 0
	}
	last := uint64(1) << uint((m-1)%64)
	score := m
	for _, c := range a {
		eq := l.row(c)
		hin := 1 // the top row of the table grows by one per text symbol
		for w := range words {
			e, p, n := eq[w], pv[w], mv[w]
			xv := e | n
			if hin < 0 {
				e |= 1
			}
			xh := (((e & p) + p) ^ p) | e
			ph := n | ^(xh | p)
			mh := p & xh
			high := uint64(1) << 63
			if w == words-1 {
				high = last
			}
			hout := 0
			if ph&high != 0 {
				hout = 1
			} else if mh&high != 0 {
				hout = -1
			}
			ph <<= 1
			mh <<= 1
			if hin < 0 {
				mh |= 1
			} else if hin > 0 {
				ph |= 1
			}
			pv[w] = mh | ^(xv | ph)
			mv[w] = ph & xv
			hin = hout
		}
		score += hin
	}
	return score
}

// build fills peq for pattern b.
func (l *Levenshtein) build(b []int32) {
	l.words = (len(b) + 63) / 64
	if cap(l.pv) < l.words {
		l.pv = make([]uint64, l.words)
		l.mv = make([]uint64, l.words)
		l.zero = make([]uint64, l.words)
	}
	l.peq = l.peq[:0]
	for i, c := range b {
		r := l.lookup(c)
		if r < 0 {
			r = int32(len(l.syms))
			l.syms = append(l.syms, c)
			if c >= 0 && c < 256 {
				l.small[c] = r + 1
			} else {
				if l.large == nil {
					l.large = map[int32]int32{}
				}
				l.large[c] = r + 1
			}
			for range l.words {
				l.peq = append(l.peq, 0)
			}
		}
		l.peq[int(r)*l.words+i/64] |= 1 << uint(i%64)
	}
}

func (l *Levenshtein) lookup(c int32) int32 {
	if c >= 0 && c < 256 {
		return l.small[c] - 1
	}
	if r, ok := l.large[c]; ok {
		return r - 1
	}
	return -1
}

func (l *Levenshtein) row(c int32) []uint64 {
	r := l.lookup(c)
	if r < 0 {
		return l.zero[:l.words]
	}
	return l.peq[int(r)*l.words : int(r+1)*l.words]
}

func (l *Levenshtein) reset() {
	for _, c := range l.syms {
		if c >= 0 && c < 256 {
			l.small[c] = 0
		} else {
			delete(l.large, c)
		}
	}
	l.syms = l.syms[:0]
}

// LevenshteinDistance is Levenshtein.Distance with fresh buffers.
func LevenshteinDistance(a, b []int32) int {
	var l Levenshtein
	return l.Distance(a, b)
}

// Interner gives each distinct token a symbol for Levenshtein.Distance. Its zero value is ready.
type Interner struct{ ids map[string]int32 }

// IDs returns the tokens' symbols.
func (n *Interner) IDs(tokens []string) []int32 {
	if n.ids == nil {
		n.ids = map[string]int32{}
	}
	out := make([]int32, len(tokens))
	for i, t := range tokens {
		id, ok := n.ids[t]
		if !ok {
			id = int32(len(n.ids))
			n.ids[t] = id
		}
		out[i] = id
	}
	return out
}
