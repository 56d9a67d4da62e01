package inputs

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/sdk/table"
)

// keyedTables builds an answers table and a submission from rows of cells under header.
func keyedTables(t testing.TB, header []string, answers, submission [][]string) (a, s *table.Table) {
	t.Helper()
	write := func(rows [][]string) []byte {
		var b bytes.Buffer
		for i, h := range header {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(h)
		}
		b.WriteByte('\n')
		for _, r := range rows {
			for i, c := range r {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(csvCell(c))
			}
			b.WriteByte('\n')
		}
		return b.Bytes()
	}
	var err error
	if a, err = table.Read(write(answers), table.ReadOptions{ErrorType: core.TypeGroundTruth}); err != nil {
		t.Fatal(err)
	}
	if s, err = table.Read(write(submission), table.ReadOptions{}); err != nil {
		t.Fatal(err)
	}
	return a, s
}

// csvCell quotes a cell that needs it.
func csvCell(c string) string {
	if bytes.ContainsAny([]byte(c), ",\"\n\r") {
		return `"` + string(bytes.ReplaceAll([]byte(c), []byte(`"`), []byte(`""`))) + `"`
	}
	return c
}

// samePairing fails unless pairByKey and the map-based reference agree on the pairs or the error.
func samePairing(t *testing.T, a, s *table.Table, opts KeyedOptions, what string) {
	t.Helper()
	want, wantErr := pairByKeyMap(a, s, opts)
	got, gotErr := pairByKey(a, s, opts)
	if got == nil && gotErr == nil {
		got = make([]int32, a.Len())
		for i := range got {
			got[i] = int32(i)
		}
	}
	if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || core.TypeOf(gotErr) != core.TypeOf(wantErr) {
		t.Fatalf("%s: error %v; the map-based pairing says %v", what, gotErr, wantErr)
	}
	if ge, we := core.AsError(gotErr), core.AsError(wantErr); ge != nil && ge.Details != we.Details {
		t.Fatalf("%s: details %q; the map-based pairing says %q", what, ge.Details, we.Details)
	}
	if wantErr == nil && !slices.Equal(got, want) {
		t.Fatalf("%s: pairs %v; the map-based pairing says %v", what, got, want)
	}
}

func TestPairByKey_AgreesWithTheMapBasedPairing(t *testing.T) {
	defer func(v int) { parallelMinKeys = v }(parallelMinKeys)
	parallelMinKeys = 2 // split even these small submissions among goroutines
	rng := rand.New(rand.NewPCG(7, 8))
	spellings := []string{"0", "1", "2", "3", "10", "01", "1.0", "1e0", " 2", "3\t", "-0", "-1", "a", "b", "a\x1fb", "", "+4", "1e+06", "1000000"}
	for round := range 3000 {
		n := 1 + rng.IntN(12)
		keys := 1 + rng.IntN(2)
		header := []string{"k1", "k2", "v"}[:keys]
		header = append(header, "v")
		var cell func(i, c int) string
		switch rng.IntN(4) {
		case 0: // dense integer ids, maybe repeated
			cell = func(i, c int) string { return strconv.Itoa(i*(1+c) + rng.IntN(2)*rng.IntN(3)) }
		case 1: // distinct ids in runs of a first cell
			cell = func(i, c int) string {
				if c == 0 {
					return "trip" + strconv.Itoa(i/3%2)
				}
				return strconv.Itoa(1000 + i)
			}
		default: // odd spellings and separators
			cell = func(int, int) string { return spellings[rng.IntN(len(spellings))] }
		}
		answers := make([][]string, n)
		for i := range answers {
			for c := range keys {
				answers[i] = append(answers[i], cell(i, c))
			}
			answers[i] = append(answers[i], strconv.Itoa(i))
		}
		sub := make([][]string, 0, n+2)
		for _, i := range rng.Perm(n) {
			sub = append(sub, slices.Clone(answers[i]))
		}
		if rng.IntN(2) == 0 {
			slices.SortStableFunc(sub, func(x, y []string) int { return cmpInt(x[keys], y[keys]) })
		}
		switch rng.IntN(6) {
		case 0:
			if len(sub) > 1 {
				sub = sub[:len(sub)-1]
			}
		case 1:
			sub = append(sub, slices.Clone(sub[rng.IntN(len(sub))]))
		case 2:
			r := slices.Clone(sub[rng.IntN(len(sub))])
			r[0] = spellings[rng.IntN(len(spellings))]
			sub = append(sub, r)
		case 3:
			sub[rng.IntN(len(sub))][keys-1] = spellings[rng.IntN(len(spellings))]
		}
		a, s := keyedTables(t, header, answers, sub)
		for _, dup := range []DuplicateKeys{KeysUnique, KeysInFileOrder} {
			for _, numeric := range []bool{false, true} {
				opts := KeyedOptions{Keys: header[:keys], Duplicates: dup, NumericKeys: numeric}
				samePairing(t, a, s, opts, fmt.Sprintf("round %d, %s, numeric %v: answers %q, submission %q", round, dup, numeric, answers, sub))
			}
		}
	}
}

func cmpInt(a, b string) int {
	x, _ := strconv.Atoi(a)
	y, _ := strconv.Atoi(b)
	return x - y
}

func TestDistinctKeys_ProvesOnlyDistinctKeys(t *testing.T) {
	tests := []struct {
		name string
		rows [][]string
		want bool
	}{
		{"ascending integers", [][]string{{"8", "x"}, {"9", "x"}, {"10", "x"}}, true},
		{"a repeat", [][]string{{"8", "x"}, {"9", "x"}, {"8", "x"}}, false},
		{"runs ascending within", [][]string{{"b", "1"}, {"b", "2"}, {"a", "1"}, {"a", "5"}}, true},
		{"a run that comes back", [][]string{{"b", "1"}, {"a", "1"}, {"b", "2"}}, false},
		{"a repeat within a run", [][]string{{"b", "2"}, {"b", "2"}}, false},
		{"a separator that joins equal keys", [][]string{{"a\x1fb", "c"}, {"a", "b\x1fc"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _ := keyedTables(t, []string{"k1", "k2"}, tt.rows, tt.rows)
			kb := newKeyBuilder(a, []string{"k1", "k2"}, false)
			if got := distinctKeys(kb, a.Len()); got != tt.want {
				t.Errorf("distinctKeys = %v; want %v", got, tt.want)
			}
		})
	}
}

// BenchmarkPairByKey_1M pairs a million rows keyed as Smartphone Decimeter's are (trip, timestamp)
// and as HMS's are (one integer id), in the answers' order and shuffled, against the map-based
// pairing this package used before.
func BenchmarkPairByKey_1M(b *testing.B) {
	const n = 1_000_000
	trips := func(i int) []byte {
		return fmt.Appendf(nil, "2021-%02d-%02d-US-SJC/Pixel%d,%d", 1+i/1000%12, 1+i/1000%28, i/1000, 1_638_000_000_000+1000*(i%1000))
	}
	ids := func(i int) []byte { return strconv.AppendInt(nil, int64(i), 10) }
	for _, shape := range []struct {
		name   string
		header string
		keys   []string
		key    func(int) []byte
	}{{"trips", "trip,t,v\n", []string{"trip", "t"}, trips}, {"ids", "id,v\n", []string{"id"}, ids}} {
		for _, shuffled := range []bool{false, true} {
			order := make([]int, n)
			for i := range order {
				order[i] = i
			}
			if shuffled {
				rand.New(rand.NewPCG(1, 2)).Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
			}
			write := func(order []int) *table.Table {
				buf := []byte(shape.header)
				for _, i := range order {
					buf = append(append(buf, shape.key(i)...), ",0.5\n"...)
				}
				t, err := table.Read(buf, table.ReadOptions{})
				if err != nil {
					b.Fatal(err)
				}
				return t
			}
			in := make([]int, n)
			for i := range in {
				in[i] = i
			}
			a, s := write(in), write(order)
			opts := KeyedOptions{Keys: shape.keys, Duplicates: KeysUnique}
			name := shape.name + "/in_order"
			if shuffled {
				name = shape.name + "/shuffled"
			}
			for _, impl := range []struct {
				name string
				fn   func(a, s *table.Table, o KeyedOptions) ([]int32, error)
			}{{"map", pairByKeyMap}, {"index", pairByKey}} {
				b.Run(name+"/"+impl.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if _, err := impl.fn(a, s, opts); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}
