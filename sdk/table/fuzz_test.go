package table

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"reflect"
	"strconv"
	"testing"

	"github.com/mledojo/dojo/core"
)

// requireCoreError fails unless err is nil or a *core.Error of type typ.
func requireCoreError(t *testing.T, err error, typ core.ErrorType) {
	t.Helper()
	if err == nil {
		return
	}
	var e *core.Error
	if !errors.As(err, &e) || e.Type != typ || e.Message == "" {
		t.Fatalf("error %v (%T) is not a *core.Error of type %s", err, err, typ)
	}
}

func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		"id,v\n1,2\n", "id,v\r\n1,\"a\r\nb\"\r\n", "\xEF\xBB\xBFid\n\"\"\"\"\n", "a,b\n1,\"x,\"\"y\"\"\"\n\n2,3",
		"", "id\n", "a,a\n1,2\n", "a,b\n1\n", "a\n\"open\n", "a\nx\"y\n", "a\n\"x\"y\n", "a\n\r\n\r",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		orig := bytes.Clone(data)
		one, err1 := Read(data, ReadOptions{})
		requireCoreError(t, err1, core.TypeSubmissionInvalid)
		if !bytes.Equal(data, orig) {
			t.Fatal("Read modified its input")
		}
		// Many spans must read exactly what one span reads, errors included.
		minBytes := parallelMinBytes
		parallelMinBytes = 1
		many, err2 := parse(bytes.Clone(data), ReadOptions{}.withDefaults(), 7)
		parallelMinBytes = minBytes
		if (err1 == nil) != (err2 == nil) || (err1 != nil && err1.Error() != err2.Error()) {
			t.Fatalf("one span: %v; many spans: %v", err1, err2)
		}
		if err1 != nil {
			return
		}
		got := records(one)
		if !reflect.DeepEqual(got, records(many)) {
			t.Fatal("records differ between one span and many")
		}
		if one.Len() == 0 || len(got) != one.Len() {
			t.Fatalf("Len = %d with %d records", one.Len(), len(got))
		}
		for r := 1; r < one.Len(); r++ {
			if one.Line(r) <= one.Line(r-1) || one.Line(r) != many.Line(r) {
				t.Fatalf("Line(%d) = %d after %d (many spans: %d)", r, one.Line(r), one.Line(r-1), many.Line(r))
			}
		}
		for _, name := range one.Header() {
			_, err := one.Floats(name)
			requireCoreError(t, err, core.TypeSubmissionInvalid)
		}
		// Without carriage returns or a byte order mark, whatever this package accepts, encoding/csv
		// reads the same way.
		if bytes.ContainsAny(data, "\r") || bytes.HasPrefix(data, []byte(bom)) {
			return
		}
		want, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			t.Fatalf("Read accepts what encoding/csv rejects (%v)", err)
		}
		if full := append([][]string{one.Header()}, got...); !reflect.DeepEqual(full, want) {
			t.Fatalf("got %q, encoding/csv %q", full, want)
		}
	})
}

func FuzzAlign(f *testing.F) {
	f.Add([]byte("id,p\na,1\nb,2\n"), []byte("id,p\nb,2\na,1\n"), false)
	f.Add([]byte("id,p\n1,1\n2,2\n"), []byte("p,id\n2,2.0\n1,1e0\n"), true)
	f.Add([]byte("id,p\na,1\na,2\n"), []byte("id,p\na,1\nb,2\n"), false)
	f.Add([]byte("id\n x\ny\n"), []byte("id,extra\ny,1\n\"x \",2\nx,3\n"), false)
	f.Fuzz(func(t *testing.T, answersCSV, submissionCSV []byte, numeric bool) {
		answers, err := Read(answersCSV, ReadOptions{ErrorType: core.TypeGroundTruth})
		requireCoreError(t, err, core.TypeGroundTruth)
		if err != nil {
			return
		}
		submission, err := Read(submissionCSV, ReadOptions{})
		requireCoreError(t, err, core.TypeSubmissionInvalid)
		if err != nil {
			return
		}
		if answers.Header()[0] == "" {
			return // an empty IDColumn is the caller's mistake (core.TypeInvalidArgument), not the files'
		}
		opts := PairOptions{IDColumn: answers.Header()[0], AllowExtraColumns: true}
		if numeric {
			opts.IDMatch = IDNumeric
		}
		p, err := NewPair(answers, submission, opts)
		if err != nil {
			var e *core.Error
			if !errors.As(err, &e) || (e.Type != core.TypeSubmissionInvalid && e.Type != core.TypeGroundTruth) {
				t.Fatalf("error %v (%T) is not a submission or ground-truth *core.Error", err, err)
			}
			return
		}
		a := p.Alignment
		if a.Len() != answers.Len() || submission.Len() != answers.Len() {
			t.Fatalf("aligned %d rows of %d answers and %d submission rows", a.Len(), answers.Len(), submission.Len())
		}
		aKeys := newIDKeys(mustCol(t, answers, opts.IDColumn), opts.IDMatch)
		sKeys := newIDKeys(mustCol(t, submission, opts.IDColumn), opts.IDMatch)
		seen := make([]bool, submission.Len())
		for i := range a.Len() {
			j := a.SubmissionRow(i)
			if seen[j] {
				t.Fatalf("submission row %d used twice", j)
			}
			seen[j] = true
			if !bytes.Equal(aKeys.at(i), sKeys.at(j)) {
				t.Fatalf("answers row %d (%q) paired with submission row %d (%q)", i, aKeys.at(i), j, sKeys.at(j))
			}
		}
		for _, name := range submission.Header() {
			if _, ok := submission.Column(name); ok {
				_, err := p.SubmissionFloats(name)
				requireCoreError(t, err, core.TypeSubmissionInvalid)
			}
		}
	})
}

func mustCol(t *testing.T, tab *Table, name string) Column {
	t.Helper()
	c, ok := tab.Column(name)
	if !ok {
		t.Fatalf("no column %q", name)
	}
	return c
}

// FuzzParseSimple checks the fast float path against strconv: wherever it answers, it must give
// strconv's bits.
func FuzzParseSimple(f *testing.F) {
	for _, seed := range []string{"0", "-0", "+1.5", ".5", "5.", "1e22", "1e23", "9007199254740993", "0.000000000000000000001",
		"12345678901234567890", "1234567890123456789", "1e", "1e+", "-.", "0.1e-22", "123.456e-7"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 {
			return
		}
		got, ok := parseSimple(b)
		if !ok {
			return
		}
		want, err := strconv.ParseFloat(string(b), 64)
		if err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("parseSimple(%q) = %v; strconv.ParseFloat gives %v, %v", b, got, want, err)
		}
	})
}
