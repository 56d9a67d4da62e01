package score

// argsortDescending fills order with the positions of xs from the largest value to the smallest,
// positions of equal values in ascending order (a stable sort), and returns in keys the sorted
// values' scoreKey complements, so equal values are equal keys. The four slices are at least
// len(xs) long; scratch space comes from the caller so a metric allocates once, not per call of
// this function.
func argsortDescending(xs []float64, order []uint32, keys []uint64, orderScratch []uint32, keyScratch []uint64) {
	n := len(xs)
	order, keys = order[:n], keys[:n]
	for i, x := range xs {
		keys[i] = ^scoreKey(x) // complement: ascending keys are descending values
		order[i] = uint32(i)
	}
	if n < radixMinLen {
		insertionSortPairs(keys, order)
		return
	}
	radixSortPairs(keys, order, keyScratch[:n], orderScratch[:n])
}

// insertionSortPairs sorts keys ascending, carrying order along; stable.
func insertionSortPairs(keys []uint64, order []uint32) {
	for i := 1; i < len(keys); i++ {
		k, o := keys[i], order[i]
		j := i
		for j > 0 && keys[j-1] > k {
			keys[j], order[j] = keys[j-1], order[j-1]
			j--
		}
		keys[j], order[j] = k, o
	}
}

// radixSortPairs is radixSort carrying a payload: least-significant-digit first, so stable.
func radixSortPairs(keys []uint64, order []uint32, keyScratch []uint64, orderScratch []uint32) {
	var counts [radixPasses][radixBuckets]uint32
	for _, k := range keys {
		for p := range radixPasses {
			counts[p][(k>>(p*radixBits))&radixMask]++
		}
	}
	srcK, dstK := keys, keyScratch
	srcO, dstO := order, orderScratch
	for p := range radixPasses {
		shift := p * radixBits
		c := &counts[p]
		if int(c[(srcK[0]>>shift)&radixMask]) == len(srcK) {
			continue // one digit value everywhere: this pass would not move anything
		}
		var next uint32
		for i, n := range c {
			c[i] = next
			next += n
		}
		for i, k := range srcK {
			d := (k >> shift) & radixMask
			dstK[c[d]] = k
			dstO[c[d]] = srcO[i]
			c[d]++
		}
		srcK, dstK = dstK, srcK
		srcO, dstO = dstO, srcO
	}
	if &srcK[0] != &keys[0] {
		copy(keys, srcK)
		copy(order, srcO)
	}
}
