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

// numpyPermutation is numpy.random.RandomState(seed).permutation(n).
func numpyPermutation(seed uint32, n int) []int {
	var m mt19937
	m.seedInt(seed)
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := numpyInterval(&m, uint64(i))
		p[i], p[j] = p[j], p[i]
	}
	return p
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

// pythonShuffle applies Python's random.seed(seed); random.shuffle(x) to the indices 0..n-1.
func pythonShuffle(seed uint64, n int) []int {
	var m mt19937
	key := []uint32{uint32(seed)}
	if hi := uint32(seed >> 32); hi != 0 {
		key = append(key, hi)
	}
	m.seedArray(key)
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := pythonBelow(&m, i+1)
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// pythonBelow is random._randbelow_with_getrandbits(n) for n < 2^32.
func pythonBelow(m *mt19937, n int) int {
	k := 0
	for v := n; v > 0; v >>= 1 {
		k++
	}
	for {
		if r := int(m.uint32() >> (32 - k)); r < n {
			return r
		}
	}
}
