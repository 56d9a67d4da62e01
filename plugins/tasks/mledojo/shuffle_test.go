package main

import (
	"os/exec"
	"slices"
	"strconv"
	"strings"
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

// TestRandom_MatchesNumpyAndPythonStreams replays, in /usr/bin/python3 with numpy, the mixed streams
// the preparations draw (numpy's uniform and randint interleaved, Python's shuffle and choice
// interleaved) and compares every value with the Go reimplementation.
func TestRandom_MatchesNumpyAndPythonStreams(t *testing.T) {
	const py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import numpy").Run(); err != nil {
		t.Skipf("%s with numpy is not available: %v", py, err)
	}
	script := `
import random, numpy as np
rs = np.random.RandomState(0)
out = []
for i in range(300):
    u = rs.uniform()
    out.append(repr(u))
    if u <= 0.4:
        out.append(str(rs.randint(1, 2 + i % 9)))
out.append(" ".join(map(str, rs.permutation(17))))
print(" ".join(out))
for seed in (0, 42, 2**33 + 5):
    random.seed(seed)
    x = list(range(23)); random.shuffle(x)
    out = [" ".join(map(str, x))]
    for i in range(200):
        if random.choice([True, False]):
            out.append("n")
        else:
            out.append(random.choice(["a", "b", "c"]))
        if i % 50 == 0:
            y = list(range(5)); random.shuffle(y); out.append("".join(map(str, y)))
    print(" ".join(out))
`
	got, err := exec.Command(py, "-c", script).Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(got)), "\n")
	var want []string
	np := newNumpyRandom(0)
	var out []string
	for i := range 300 {
		u := np.uniform()
		out = append(out, strconv.FormatFloat(u, 'g', -1, 64))
		if u <= 0.4 {
			out = append(out, strconv.FormatInt(np.randint(1, int64(2+i%9)), 10))
		}
	}
	out = append(out, joinInts(np.permutation(17), " "))
	want = append(want, strings.Join(out, " "))
	for _, seed := range []uint64{0, 42, 1<<33 + 5} {
		r := newPythonRandom(seed)
		out := []string{joinInts(r.shuffle(23), " ")}
		for i := range 200 {
			if r.choice(2) == 0 {
				out = append(out, "n")
			} else {
				out = append(out, []string{"a", "b", "c"}[r.choice(3)])
			}
			if i%50 == 0 {
				out = append(out, joinInts(r.shuffle(5), ""))
			}
		}
		want = append(want, strings.Join(out, " "))
	}
	if len(lines) != len(want) {
		t.Fatalf("python printed %d lines, want %d", len(lines), len(want))
	}
	for i := range want {
		// Python's repr and Go's shortest formatting agree on these doubles but for the exponent form.
		if normalizeFloats(lines[i]) != normalizeFloats(want[i]) {
			t.Errorf("stream %d differs:\npython %s\ngo     %s", i, lines[i], want[i])
		}
	}
}

func joinInts(v []int, sep string) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, sep)
}

// normalizeFloats rewrites each decimal number through float64, so 0.1 and 1e-01 compare equal.
func normalizeFloats(s string) string {
	f := strings.Fields(s)
	for i, x := range f {
		if v, err := strconv.ParseFloat(x, 64); err == nil && strings.ContainsAny(x, ".e") {
			f[i] = strconv.FormatFloat(v, 'g', -1, 64)
		}
	}
	return strings.Join(f, " ")
}
