package table

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
)

// byColumns is what FloatMatrix replaces: each column parsed on its own, then interleaved.
func byColumns(t *Table, columns ...string) ([]float64, error) {
	k := len(columns)
	var out []float64
	for j, name := range columns {
		vals, err := t.Floats(name)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = make([]float64, len(vals)*k)
		}
		for i, v := range vals {
			out[i*k+j] = v
		}
	}
	return out, nil
}

func TestFloatMatrix_EqualsColumnsParsedOneByOne(t *testing.T) {
	for _, small := range []bool{false, true} {
		t.Run(fmt.Sprintf("parallel=%v", small), func(t *testing.T) {
			if small {
				withSmallChunks(t)
			}
			rng := rand.New(rand.NewPCG(3, 4))
			for round := range 200 {
				n, k := 1+rng.IntN(40), 1+rng.IntN(4)
				var b strings.Builder
				b.WriteString("id")
				for j := range k {
					fmt.Fprintf(&b, ",c%d", j)
				}
				b.WriteByte('\n')
				bad := rng.IntN(3) == 0
				for i := range n {
					b.WriteString(strconv.Itoa(i))
					for range k {
						b.WriteByte(',')
						switch {
						case bad && rng.IntN(n*k) == 0:
							b.WriteString([]string{"", "x", "NaN", "1e999", " "}[rng.IntN(5)])
						default:
							b.WriteString(strconv.FormatFloat(rng.NormFloat64()*1e3, 'g', -1, 64))
						}
					}
					b.WriteByte('\n')
				}
				tab := mustRead(t, b.String())
				names := tab.Header()[1:]
				rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
				want, wantErr := byColumns(tab, names...)
				got, gotErr := tab.FloatMatrix(names...)
				if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !slices.Equal(got, want) {
					t.Fatalf("round %d: FloatMatrix = %v, %v; one column at a time: %v, %v\n%s", round, got, gotErr, want, wantErr, b.String())
				}
			}
		})
	}
}

func TestFloatMatrix_MissingColumnIsTyped(t *testing.T) {
	_, err := mustRead(t, "id,a\n1,2\n").FloatMatrix("a", "v")
	requireError(t, err, core.TypeSubmissionInvalid, `no column "v"`)
	// Read one by one, a bad value in an earlier column comes first.
	_, err = mustRead(t, "id,a\n1,x\n").FloatMatrix("a", "v")
	requireError(t, err, core.TypeSubmissionInvalid, `"x" is not a number`)
}

func TestPair_SubmissionFloatMatrixIsInAnswersOrder(t *testing.T) {
	answers, err := Read([]byte("id,a,b\n1,0,0\n2,0,0\n3,0,0\n"), ReadOptions{ErrorType: core.TypeGroundTruth})
	if err != nil {
		t.Fatal(err)
	}
	opts := PairOptions{IDColumn: "id", Columns: []string{"a", "b"}}
	p, err := NewPair(answers, mustRead(t, "id,a,b\n3,30,31\n1,10,11\n2,20,21\n"), opts)
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.SubmissionFloatMatrix("b", "a")
	if want := []float64{11, 10, 21, 20, 31, 30}; err != nil || !slices.Equal(got, want) {
		t.Errorf("SubmissionFloatMatrix = %v, %v; want %v", got, err, want)
	}
	// The error is SubmissionFloats' for the first named column with a bad value, whatever row
	// a one-pass parse meets first.
	p, err = NewPair(answers, mustRead(t, "id,a,b\n3,x,31\n1,10,11\n2,20,\n"), opts)
	if err != nil {
		t.Fatal(err)
	}
	_, want := p.SubmissionFloats("b")
	_, got2 := p.SubmissionFloatMatrix("b", "a")
	if fmt.Sprint(got2) != fmt.Sprint(want) {
		t.Errorf("error %v; want %v", got2, want)
	}
	requireError(t, got2, core.TypeSubmissionInvalid, `column "b"`, `id "2"`)
}
