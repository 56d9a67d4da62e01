package table

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/mledojo/dojo/core"
)

const benchRows = 1_000_000

// writeBenchCSV writes an id,target file of n rows in id order, or shuffled, and returns its path.
// The ids are "id_N" text ids.
func writeBenchCSV(b *testing.B, name string, n int, shuffled bool) string {
	return writeBenchCSVIDs(b, name, n, shuffled, "id_")
}

// writeBenchCSVIDs is writeBenchCSV with ids spelt prefix+N; an empty prefix gives integer ids.
func writeBenchCSVIDs(b *testing.B, name string, n int, shuffled bool, prefix string) string {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	if shuffled {
		rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
	buf := make([]byte, 0, n*28)
	buf = append(buf, "id,target\n"...)
	for _, i := range order {
		buf = append(buf, prefix...)
		buf = strconv.AppendInt(buf, int64(i), 10)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, rng.Float64(), 'f', 6, 64)
		buf = append(buf, '\n')
	}
	path := filepath.Join(b.TempDir(), name)
	if err := os.WriteFile(path, buf, 0o600); err != nil {
		b.Fatal(err)
	}
	return path
}

func BenchmarkReadFile_1M(b *testing.B) {
	path := writeBenchCSV(b, "sub.csv", benchRows, false)
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadFile(path, ReadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadFile_1MWithFloats(b *testing.B) {
	path := writeBenchCSV(b, "sub.csv", benchRows, false)
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	b.ReportAllocs()
	for b.Loop() {
		t, err := ReadFile(path, ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := t.Floats("target"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadFile_1MQuoted(b *testing.B) {
	n := benchRows
	buf := make([]byte, 0, n*32)
	buf = append(buf, "\"id\",\"target\"\n"...)
	for i := range n {
		buf = fmt.Appendf(buf, "\"id_%d\",%d.5\n", i, i%1000)
	}
	path := filepath.Join(b.TempDir(), "quoted.csv")
	if err := os.WriteFile(path, buf, 0o600); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadFile(path, ReadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchAlign(b *testing.B, shuffled bool) { benchAlignIDs(b, shuffled, "id_") }

// BenchmarkAlign_1MShuffledIntIDs takes the dense integer-id index instead of the hash index.
func BenchmarkAlign_1MShuffledIntIDs(b *testing.B) { benchAlignIDs(b, true, "") }

func benchAlignIDs(b *testing.B, shuffled bool, prefix string) {
	answers, err := ReadFile(writeBenchCSVIDs(b, "answers.csv", benchRows, false, prefix), ReadOptions{ErrorType: core.TypeGroundTruth})
	if err != nil {
		b.Fatal(err)
	}
	submission, err := ReadFile(writeBenchCSVIDs(b, "submission.csv", benchRows, shuffled, prefix), ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	opts := PairOptions{IDColumn: "id", Columns: []string{"target"}}
	b.ReportAllocs()
	for b.Loop() {
		a, err := Align(answers, submission, opts)
		if err != nil {
			b.Fatal(err)
		}
		if a.InOrder() == shuffled {
			b.Fatalf("InOrder = %v", a.InOrder())
		}
	}
}

func BenchmarkAlign_1MInOrder(b *testing.B)  { benchAlign(b, false) }
func BenchmarkAlign_1MShuffled(b *testing.B) { benchAlign(b, true) }

// BenchmarkLoadPair_1MShuffled is what a metric pays end to end: read both files, align, and parse
// both value columns into answers order.
func BenchmarkLoadPair_1MShuffled(b *testing.B) {
	benchLoadPair(b, writeBenchCSV(b, "answers.csv", benchRows, false), writeBenchCSV(b, "submission.csv", benchRows, true))
}

// BenchmarkLoadPair_1MIntIDs is LoadPair on integer ids in order, as make bench's families have
// them, reading the two files one after the other (as LoadPair did before) and at the same time.
func BenchmarkLoadPair_1MIntIDs(b *testing.B) {
	answersPath := writeBenchCSVIDs(b, "answers.csv", benchRows, false, "")
	submissionPath := writeBenchCSVIDs(b, "submission.csv", benchRows, false, "")
	for _, concurrent := range []bool{false, true} {
		name := "sequential"
		if concurrent {
			name = "concurrent"
		}
		b.Run(name, func(b *testing.B) {
			defer func(v bool) { concurrentReads = v }(concurrentReads)
			concurrentReads = concurrent
			benchLoadPair(b, answersPath, submissionPath)
		})
	}
}

func benchLoadPair(b *testing.B, answersPath, submissionPath string) {
	st, _ := os.Stat(submissionPath)
	b.SetBytes(2 * st.Size())
	opts := PairOptions{IDColumn: "id", Columns: []string{"target"}}
	b.ReportAllocs()
	for b.Loop() {
		p, err := LoadPair(answersPath, submissionPath, opts)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.AnswerFloats("target"); err != nil {
			b.Fatal(err)
		}
		if _, err := p.SubmissionFloats("target"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloats_1Mx6 parses six value columns of a million rows (HMS's votes), one column at a
// time and interleaved as metrics did before FloatMatrix, and with FloatMatrix's one pass.
func BenchmarkFloats_1Mx6(b *testing.B) {
	const k = 6
	rng := rand.New(rand.NewPCG(5, 6))
	buf := []byte("id,c0,c1,c2,c3,c4,c5\n")
	for i := range benchRows {
		buf = strconv.AppendInt(buf, int64(i), 10)
		for range k {
			buf = strconv.AppendFloat(append(buf, ','), rng.Float64(), 'f', 6, 64)
		}
		buf = append(buf, '\n')
	}
	tab, err := Read(buf, ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	names := tab.Header()[1:]
	b.Run("by_column", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := byColumnsB(tab, names...); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("matrix", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := tab.FloatMatrix(names...); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// byColumnsB parses columns one by one and interleaves them, as metrics did before FloatMatrix.
func byColumnsB(t *Table, columns ...string) ([]float64, error) {
	k := len(columns)
	out := make([]float64, t.Len()*k)
	for j, name := range columns {
		vals, err := t.Floats(name)
		if err != nil {
			return nil, err
		}
		for i, v := range vals {
			out[i*k+j] = v
		}
	}
	return out, nil
}
