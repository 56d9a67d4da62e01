package table

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
)

func TestCanonicalInt(t *testing.T) {
	for _, c := range []struct {
		in     string
		marker bool
		want   int64
		ok     bool
	}{
		{"0", false, 0, true}, {"7", false, 7, true}, {"-12", false, -12, true},
		{"123456789012345678", false, 123456789012345678, true},
		{"1234567890123456789", false, 0, false}, // 19 digits: left to the hash index
		{"007", false, 0, false}, {"-0", false, 0, false}, {"+5", false, 0, false}, {"1.0", false, 0, false},
		{"", false, 0, false}, {"-", false, 0, false}, {"1a", false, 0, false}, {" 1", false, 0, false},
		{"n42", true, 42, true}, {"42", true, 0, false}, {"t42", true, 0, false}, {"n", true, 0, false},
	} {
		v, ok := canonicalInt([]byte(c.in), c.marker)
		if v != c.want || ok != c.ok {
			t.Errorf("canonicalInt(%q, %v) = %d, %v; want %d, %v", c.in, c.marker, v, ok, c.want, c.ok)
		}
	}
}

// The dense index must answer exactly as the hash index does, for keys of every spelling.
func TestDenseIndex_AgreesWithHashIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n := 1 + r.IntN(300)
		base := int64(r.IntN(2000)) - 1000
		var b strings.Builder
		b.WriteString("id\n")
		order := r.Perm(n)
		if trial%2 == 0 {
			slices.Sort(order) // in order: with a step of one, the array-free consecutive case
		}
		for _, i := range order {
			fmt.Fprintf(&b, "%d\n", base+int64(i)*int64(1+trial%3))
		}
		for _, match := range []IDMatch{IDExact, IDNumeric} {
			tab := mustRead(t, b.String())
			col, _ := tab.mustColumn("id")
			keys := newIDKeys(col, match)
			dense, f1, s1 := buildDenseIndex(keys)
			if dense == nil {
				t.Fatalf("trial %d: ids %d..: dense index refused", trial, base)
			}
			hash, f2, s2, err := buildIDIndex(keys, 2)
			if err != nil || f1 != f2 || s1 != s2 {
				t.Fatalf("duplicates differ: dense (%d,%d) hash (%d,%d) err %v", f1, s1, f2, s2, err)
			}
			probes := []string{"007", "-0", "+1", "1.0", "", "x", "99999999999999999999"}
			for range 50 {
				probes = append(probes, fmt.Sprint(base+int64(r.IntN(3*n))-5))
			}
			for _, p := range probes {
				pk := []byte(p)
				if match == IDNumeric {
					pk = appendCanonicalID(nil, pk)
				}
				if d, h := dense.find(pk), hash.find(pk); d != h {
					t.Fatalf("trial %d match %d key %q: dense %d, hash %d", trial, match, p, d, h)
				}
			}
		}
	}
}

func TestDenseIndex_RefusesSparseOrNonIntegerIds(t *testing.T) {
	for _, data := range []string{
		"id\n1\n1000000\n", // too sparse for an array
		"id\n1\n2\na\n",    // text
		"id\n01\n2\n",      // leading zero: not canonical
		"id\n1\n2.5\n",     // not an integer
	} {
		tab := mustRead(t, data)
		col, _ := tab.mustColumn("id")
		if x, _, _ := buildDenseIndex(newIDKeys(col, IDExact)); x != nil {
			t.Errorf("%q: dense index built, want the hash index", data)
		}
	}
}

func TestAlign_ShuffledIntegerIds(t *testing.T) {
	_, rows := alignRows(t, "id,target\n3,a\n1,b\n2,c\n", "id,target\n2,x\n3,y\n1,z\n", idTarget)
	if fmt.Sprint(rows) != "[1 2 0]" {
		t.Errorf("rows = %v, want [1 2 0]", rows)
	}
	// Spelt differently, integer ids are different ids under IDExact and the same under IDNumeric.
	_, err := Align(readAnswers(t, "id,target\n3,a\n1,b\n2,c\n"), mustRead(t, "id,target\n2,x\n03,y\n1,z\n"), idTarget)
	if core.TypeOf(err) != core.TypeSubmissionInvalid {
		t.Errorf("03 for 3 under IDExact: err = %v, want submission_invalid", err)
	}
	opts := idTarget
	opts.IDMatch = IDNumeric
	_, rows = alignRows(t, "id,target\n3,a\n1,b\n2,c\n", "id,target\n2.0,x\n3e0,y\n1,z\n", opts)
	if fmt.Sprint(rows) != "[1 2 0]" {
		t.Errorf("IDNumeric rows = %v, want [1 2 0]", rows)
	}
	_, err = Align(readAnswers(t, "id,target\n3,a\n1,b\n3,c\n"), mustRead(t, "id,target\n1,x\n3,y\n2,z\n"), idTarget)
	if core.TypeOf(err) != core.TypeGroundTruth || !strings.Contains(err.Error(), "rows 1 and 3") {
		t.Errorf("repeated answers id: err = %v", err)
	}
}
