package main

import (
	"slices"
	"testing"
)

// The expected orders were printed by numpy 1.24, pandas 1.5, scikit-learn 1.2 and CPython 3.11:
// np.random.RandomState(s).permutation(n), df.sample(frac=1, random_state=s), and
// random.seed(s); random.shuffle(list(range(n))).
func TestShuffle_MatchesNumpyAndPython(t *testing.T) {
	for _, c := range []struct {
		name string
		got  []int
		want []int
	}{
		{"numpy seed 0", numpyPermutation(0, 10), []int{2, 8, 4, 9, 1, 6, 7, 3, 0, 5}},
		{"numpy seed 42", numpyPermutation(42, 7), []int{0, 1, 5, 2, 4, 3, 6}},
		{"pandas sample seed 42", numpyPermutation(42, 8), []int{1, 5, 0, 7, 2, 4, 3, 6}},
		{"python seed 42", pythonShuffle(42, 10), []int{7, 3, 2, 8, 5, 6, 9, 4, 0, 1}},
		{"python seed 0", pythonShuffle(0, 5), []int{2, 1, 0, 4, 3}},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

// train_test_split(range(10), test_size=0.19, random_state=0) gives test [2, 8] and train
// [4, 9, 1, 6, 7, 3, 0, 5].
func TestSplit_LikeTrainTestSplit(t *testing.T) {
	s := Split{Shuffle: "numpy", First: "test", TestFraction: 0.19, Seed: 0}
	train, test, err := s.assign(10)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(test, []int{2, 8}) || !slices.Equal(train, []int{4, 9, 1, 6, 7, 3, 0, 5}) {
		t.Fatalf("train %v test %v", train, test)
	}
}
