package score

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
)

// rankingCase is one list metric input: actual and predicted lists per row, and k.
type rankingCase struct {
	name              string
	actual, predicted []string
	k                 int
}

func rankingCases(r *rand.Rand) []rankingCase {
	few := itemNames(6)
	many := itemNames(40)
	single := func(n, k int, names []string) rankingCase {
		c := rankingCase{k: k}
		for range n {
			truth := names[r.IntN(len(names))]
			c.actual = append(c.actual, truth)
			c.predicted = append(c.predicted, randomList(r, names, r.IntN(k+2), " "))
		}
		return c
	}
	var cases []rankingCase
	c := single(5_000, 3, few)
	c.name = "one true label, up to k+1 predictions with repeats"
	cases = append(cases, c)
	c = single(5_000, 5, many)
	c.name = "one true label among many"
	cases = append(cases, c)

	multi := rankingCase{name: "several true items with repeats, as H&M's purchases", k: 12}
	for range 5_000 {
		multi.actual = append(multi.actual, randomList(r, many, 1+r.IntN(15), " "))
		multi.predicted = append(multi.predicted, randomList(r, many, r.IntN(14), " "))
	}
	cases = append(cases, multi)

	long := rankingCase{name: "lists longer than the linear-scan limit", k: 50}
	for range 2_000 {
		long.actual = append(long.actual, randomList(r, many, 10+r.IntN(30), " "))
		long.predicted = append(long.predicted, randomList(r, many, 20+r.IntN(60), " "))
	}
	cases = append(cases, long)

	cases = append(cases,
		rankingCase{name: "empty actuals and empty predictions score 0", k: 3,
			actual:    []string{"", "a", "a b", "", "c"},
			predicted: []string{"a", "", "b a", "", "x c c"}},
		rankingCase{name: "white space of every kind separates", k: 3,
			actual:    []string{"a\tb", " a ", "x\u00a0y"},
			predicted: []string{"b\na", "  a  ", "y x"}},
		rankingCase{name: "a repeated hit scores once", k: 5,
			actual:    []string{"a", "a b", "a a"},
			predicted: []string{"a a a a a", "b b a a", "a a"}},
	)

	large := rankingCase{name: "a million rows", k: 5}
	n := largeN()
	large.actual = make([]string, n)
	large.predicted = make([]string, n)
	for i := range n {
		large.actual[i] = few[r.IntN(len(few))]
		large.predicted[i] = distinctList(r, few, 5)
	}
	return append(cases, large)
}

func TestMAPAtK_MatchesKaggleAPK(t *testing.T) {
	cases := rankingCases(newRand(101))
	b := newKaggleBatch(t)
	wants := make([]*refResult, len(cases))
	for i, tc := range cases {
		wants[i] = b.call("map_at_k", map[string]any{"k": tc.k}, strs(tc.actual), strs(tc.predicted))
	}
	runKaggle(b)
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MAPAtK(tc.actual, tc.predicted, tc.k)
			assertClose(t, got, err, wants[i])
		})
	}
}

func TestNDCGAtK_MatchesPublishedFormula(t *testing.T) {
	cases := rankingCases(newRand(102))
	b := newKaggleBatch(t)
	wants := make([]*refResult, len(cases))
	for i, tc := range cases {
		wants[i] = b.call("ndcg_at_k", map[string]any{"k": tc.k}, strs(tc.actual), strs(tc.predicted))
	}
	runKaggle(b)
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NDCGAtK(tc.actual, tc.predicted, tc.k)
			assertClose(t, got, err, wants[i])
		})
	}
}

func TestNDCGAtK_SingleRelevantItemScoresReciprocalLog(t *testing.T) {
	got := must(t)(NDCGAtK([]string{"FR", "US", "NDF"}, []string{"US FR", "US", "FR IT"}, 5))
	want := (1/1.5849625007211563 + 1 + 0) / 3 // 1/log2(3), 1/log2(2), absent
	if !closeTo(got, want) {
		t.Errorf("got %.17g, want %.17g", got, want)
	}
}

func TestRankingMetrics_RejectBadArguments(t *testing.T) {
	for _, fn := range []func([]string, []string, int) (float64, error){MAPAtK, NDCGAtK} {
		_, err := fn([]string{"a"}, []string{"a"}, 0)
		assertErrorType(t, err, core.TypeInvalidArgument)
		_, err = fn([]string{"a"}, nil, 3)
		assertErrorType(t, err, core.TypeInvalidArgument)
		_, err = fn(nil, nil, 3)
		assertErrorType(t, err, core.TypeEvaluation)
	}
}

func TestMAPAtK_DoesNotAllocatePerRow(t *testing.T) {
	r := newRand(103)
	names := itemNames(40)
	actual := make([]string, 10_000)
	predicted := make([]string, len(actual))
	for i := range actual {
		actual[i] = randomList(r, names, 1+r.IntN(30), " ")
		predicted[i] = strings.Repeat("item1 ", 30)
	}
	allocs := testing.AllocsPerRun(3, func() { _, _ = MAPAtK(actual, predicted, 30) })
	if allocs > 100 { // map growth and buffers; one per row would be 10,000
		t.Errorf("%v allocations for %d rows; want a handful", allocs, len(actual))
	}
}
