package main

// The original's splits shuffle with numpy's legacy RandomState (scikit-learn's train_test_split and
// pandas' DataFrame.sample both draw numpy.random.RandomState(seed).permutation(n)) or with Python's
// random.shuffle. Both sit on the Mersenne Twister MT19937; reproducing their draws exactly makes a
// recipe's split the same rows as the original's preparation of the same raw files.

// mt19937 is the 32-bit Mersenne Twister of Matsumoto and Nishimura.
type mt19937 struct {
	mt  [624]uint32
	idx int
}

// seedInt is init_genrand: numpy's RandomState(seed) for an integer seed below 2^32.
func (m *mt19937) seedInt(s uint32) {
	m.mt[0] = s
	for i := 1; i < 624; i++ {
		m.mt[i] = 1812433253*(m.mt[i-1]^(m.mt[i-1]>>30)) + uint32(i)
	}
	m.idx = 624
}

// seedArray is init_by_array: Python's random.seed(n) for an integer n, key = n's 32-bit words.
func (m *mt19937) seedArray(key []uint32) {
	m.seedInt(19650218)
	i, j := 1, 0
	k := max(624, len(key))
	for ; k > 0; k-- {
		m.mt[i] = (m.mt[i] ^ ((m.mt[i-1] ^ (m.mt[i-1] >> 30)) * 1664525)) + key[j] + uint32(j)
		i++
		j++
		if i >= 624 {
			m.mt[0] = m.mt[623]
			i = 1
		}
		if j >= len(key) {
			j = 0
		}
	}
	for k = 623; k > 0; k-- {
		m.mt[i] = (m.mt[i] ^ ((m.mt[i-1] ^ (m.mt[i-1] >> 30)) * 1566083941)) - uint32(i)
		i++
		if i >= 624 {
			m.mt[0] = m.mt[623]
			i = 1
		}
	}
	m.mt[0] = 0x80000000
	m.idx = 624
}

func (m *mt19937) uint32() uint32 {
	if m.idx >= 624 {
		for i := 0; i < 624; i++ {
			y := (m.mt[i] & 0x80000000) | (m.mt[(i+1)%624] & 0x7fffffff)
			v := m.mt[(i+397)%624] ^ (y >> 1)
			if y&1 != 0 {
				v ^= 0x9908b0df
			}
			m.mt[i] = v
		}
		m.idx = 0
	}
	y := m.mt[m.idx]
	m.idx++
	y ^= y >> 11
	y ^= (y << 7) & 0x9d2c5680
	y ^= (y << 15) & 0xefc60000
	y ^= y >> 18
	return y
}

// numpyRandom is numpy's legacy numpy.random.RandomState(seed) for an integer seed below 2^32: the
// draws the original's preparations make from it, in the same order, give the same values.
type numpyRandom struct{ m mt19937 }

func newNumpyRandom(seed uint32) *numpyRandom {
	r := &numpyRandom{}
	r.m.seedInt(seed)
	return r
}

// permutation is RandomState.permutation(n) (also what train_test_split and DataFrame.sample draw).
func (r *numpyRandom) permutation(n int) []int {
	p := identity(n)
	for i := n - 1; i > 0; i-- {
		j := numpyInterval(&r.m, uint64(i))
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// uniform is RandomState.uniform() (and random_sample()): a double in [0, 1) from 53 random bits.
func (r *numpyRandom) uniform() float64 {
	a, b := r.m.uint32()>>5, r.m.uint32()>>6
	return (float64(a)*67108864 + float64(b)) / 9007199254740992
}

// randint is RandomState.randint(low, high) for the default int64 dtype: uniform in [low, high), no
// draw at all when the range holds one value.
func (r *numpyRandom) randint(low, high int64) int64 {
	span := uint64(high - 1 - low)
	if span == 0 {
		return low
	}
	return low + int64(numpyInterval(&r.m, span))
}

// numpyPermutation is numpy.random.RandomState(seed).permutation(n).
func numpyPermutation(seed uint32, n int) []int {
	return newNumpyRandom(seed).permutation(n)
}

// numpyInterval is numpy's random_interval: a uniform integer in [0, max] by masked rejection.
func numpyInterval(m *mt19937, max uint64) uint64 {
	mask := max
	for s := uint(1); s <= 32; s <<= 1 {
		mask |= mask >> s
	}
	if max <= 0xffffffff {
		for {
			if v := uint64(m.uint32()) & mask; v <= max {
				return v
			}
		}
	}
	for {
		v := (uint64(m.uint32())<<32 | uint64(m.uint32())) & mask
		if v <= max {
			return v
		}
	}
}

// pythonRandom is CPython's random module after random.seed(seed) for a non-negative integer seed.
type pythonRandom struct{ m mt19937 }

func newPythonRandom(seed uint64) *pythonRandom {
	r := &pythonRandom{}
	key := []uint32{uint32(seed)}
	if hi := uint32(seed >> 32); hi != 0 {
		key = append(key, hi)
	}
	r.m.seedArray(key)
	return r
}

// shuffle is random.shuffle applied to the list 0..n-1: element i of the result is the index of
// the item random.shuffle leaves at position i.
func (r *pythonRandom) shuffle(n int) []int {
	p := identity(n)
	for i := n - 1; i > 0; i-- {
		j := r.below(i + 1)
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// choice is the index random.choice(seq) picks from a sequence of n items.
func (r *pythonRandom) choice(n int) int { return r.below(n) }

// below is random._randbelow_with_getrandbits(n) for 0 < n < 2^32: one draw of bit_length(n) bits,
// again while it is n or more.
func (r *pythonRandom) below(n int) int {
	k := 0
	for v := n; v > 0; v >>= 1 {
		k++
	}
	for {
		if v := int(r.m.uint32() >> (32 - k)); v < n {
			return v
		}
	}
}

// pythonShuffle applies Python's random.seed(seed); random.shuffle(x) to the indices 0..n-1.
func pythonShuffle(seed uint64, n int) []int {
	return newPythonRandom(seed).shuffle(n)
}

func identity(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}
