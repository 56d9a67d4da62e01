package table

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/mledojo/dojo/core"
)

func TestRead_AcceptsWellFormedCSV(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		header []string
		rows   [][]string
		lines  []int // file line of each row
	}{
		{"PlainRows", "id,v\n1,a\n2,b\n", []string{"id", "v"}, [][]string{{"1", "a"}, {"2", "b"}}, []int{2, 3}},
		{"NoTrailingNewline", "id,v\n1,a\n2,b", []string{"id", "v"}, [][]string{{"1", "a"}, {"2", "b"}}, []int{2, 3}},
		{"CRLFLineEnds", "id,v\r\n1,a\r\n2,b\r\n", []string{"id", "v"}, [][]string{{"1", "a"}, {"2", "b"}}, []int{2, 3}},
		{"CRAtEndOfFile", "id,v\n1,a\r", []string{"id", "v"}, [][]string{{"1", "a"}}, []int{2}},
		{"ByteOrderMark", "\xEF\xBB\xBFid,v\n1,a\n", []string{"id", "v"}, [][]string{{"1", "a"}}, []int{2}},
		{"QuotedFieldWithComma", "id,v\n1,\"a,b\"\n", []string{"id", "v"}, [][]string{{"1", "a,b"}}, []int{2}},
		{"QuotedFieldWithNewline", "id,v\n1,\"a\nb\"\n2,c\n", []string{"id", "v"}, [][]string{{"1", "a\nb"}, {"2", "c"}}, []int{2, 4}},
		{"QuotedFieldKeepsCRLF", "id,v\r\n1,\"a\r\nb\"\r\n", []string{"id", "v"}, [][]string{{"1", "a\r\nb"}}, []int{2}},
		{"EscapedQuotes", "id,v\n1,\"say \"\"hi\"\"\"\n", []string{"id", "v"}, [][]string{{"1", `say "hi"`}}, []int{2}},
		{"EmptyQuotedField", "id,v\n1,\"\"\n", []string{"id", "v"}, [][]string{{"1", ""}}, []int{2}},
		{"QuotedSpacesKept", "id,v\n1,\"  a  \"\n", []string{"id", "v"}, [][]string{{"1", "  a  "}}, []int{2}},
		{"UnquotedSpacesKept", "id,v\n1, a \n", []string{"id", "v"}, [][]string{{"1", " a "}}, []int{2}},
		{"EmptyFields", "id,v,w\n1,,\n", []string{"id", "v", "w"}, [][]string{{"1", "", ""}}, []int{2}},
		{"BlankLinesSkipped", "\nid,v\n\n1,a\r\n\r\n2,b\n\n", []string{"id", "v"}, [][]string{{"1", "a"}, {"2", "b"}}, []int{4, 6}},
		{"QuotedHeader", "\"id\",\"v,w\"\n1,2\n", []string{"id", "v,w"}, [][]string{{"1", "2"}}, []int{2}},
		{"HeaderWithNewline", "id,\"v\nw\"\n1,2\n", []string{"id", "v\nw"}, [][]string{{"1", "2"}}, []int{3}},
		{"SingleColumn", "id\n1\n2\n", []string{"id"}, [][]string{{"1"}, {"2"}}, []int{2, 3}},
		{"EmptyHeaderName", ",id,v\n0,1,a\n", []string{"", "id", "v"}, [][]string{{"0", "1", "a"}}, []int{2}},
		{"UTF8Values", "id,v\n1,héllo wörld\n", []string{"id", "v"}, [][]string{{"1", "héllo wörld"}}, []int{2}},
		{"LongFieldsPastEightBytes", "identifier,value\nabcdefghijklmnop,0.123456789\n", []string{"identifier", "value"},
			[][]string{{"abcdefghijklmnop", "0.123456789"}}, []int{2}},
	}
	for _, small := range []bool{false, true} {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if small {
					withSmallChunks(t)
				}
				tab := mustRead(t, tt.input)
				if !reflect.DeepEqual(tab.Header(), tt.header) {
					t.Errorf("header = %q, want %q", tab.Header(), tt.header)
				}
				if got := records(tab); !reflect.DeepEqual(got, tt.rows) {
					t.Errorf("rows = %q, want %q", got, tt.rows)
				}
				for r, want := range tt.lines {
					if got := tab.Line(r); got != want {
						t.Errorf("Line(%d) = %d, want %d", r, got, want)
					}
				}
			})
		}
	}
}

func TestRead_RejectsMalformedCSV(t *testing.T) {
	tests := []struct {
		name      string
		input     string
		fragments []string
	}{
		{"EmptyFile", "", []string{"submission file is empty"}},
		{"OnlyByteOrderMark", "\xEF\xBB\xBF", []string{"empty"}},
		{"OnlyBlankLines", "\n\r\n\n", []string{"empty"}},
		{"HeaderOnly", "id,v\n", []string{"header but no data rows", `"id", "v"`}},
		{"HeaderThenBlankLines", "id,v\n\n\n", []string{"no data rows"}},
		{"RaggedRowTooShort", "id,v\n1,a\n2\n", []string{"row 2 has 1 fields but the header has 2", "line 3", `"2"`}},
		{"RaggedRowTooLong", "id,v\n1,a,b\n", []string{"row 1 has 3 fields but the header has 2", "line 2"}},
		{"RaggedRowAfterBlankLines", "id,v\n\n\n1\n", []string{"row 1 has 1 fields", "line 4"}},
		{"DuplicateHeaderNames", "id,v,id\n1,2,3\n", []string{`column "id" twice`, "columns 1 and 3"}},
		{"UnterminatedQuote", "id,v\n1,\"abc\n2,3\n", []string{"row 1", `column "v"`, "never closed", "line 2"}},
		{"UnterminatedQuoteInHeader", "\"id,v\n1,2\n", []string{"header", "never closed"}},
		{"BareQuoteInValue", "id,v\n1,a\"b\n", []string{"row 1", `column "v"`, "does not start with one"}},
		{"BareQuoteInHeader", "id,v\"\n1,2\n", []string{"header", "does not start with one"}},
		{"TextAfterClosingQuote", "id,v\n1,\"a\"b\n", []string{"row 1", `column "v"`, "follows the closing quote"}},
		{"CRThenTextAfterClosingQuote", "id,v\n1,\"a\"\rb\n", []string{"follows the closing quote"}},
	}
	for _, small := range []bool{false, true} {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if small {
					withSmallChunks(t)
				}
				_, err := Read([]byte(tt.input), ReadOptions{})
				requireError(t, err, core.TypeSubmissionInvalid, tt.fragments...)
			})
		}
	}
}

func TestRead_ErrorsTakeTypeAndNameFromOptions(t *testing.T) {
	_, err := Read([]byte("id,v\n1\n"), ReadOptions{ErrorType: core.TypeGroundTruth})
	requireError(t, err, core.TypeGroundTruth, "answers row 1")
	_, err = Read([]byte("id,v\n"), ReadOptions{Name: "sample", ErrorType: core.TypeCompetitionData})
	requireError(t, err, core.TypeCompetitionData, "sample has a header")
}

func TestRead_DoesNotModifyInput(t *testing.T) {
	data := []byte("id,v\n1,\"a \"\"b\"\" c\"\n")
	orig := bytes.Clone(data)
	tab, err := Read(data, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, orig) {
		t.Errorf("input changed to %q", data)
	}
	if got := records(tab)[0][1]; got != `a "b" c` {
		t.Errorf("value = %q", got)
	}
}

func TestRead_KeepsOnlyRequestedColumns(t *testing.T) {
	tab, err := Read([]byte("id,skip,v\n1,x,a\n2,y,b\n"), ReadOptions{Columns: []string{"v", "id", "absent"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := records(tab); !reflect.DeepEqual(got, [][]string{{"1", "a"}, {"2", "b"}}) {
		t.Errorf("rows = %q", got)
	}
	if _, ok := tab.Column("skip"); ok || !tab.Has("skip") {
		t.Errorf("skip: Column found = %v, Has = %v; want not kept but present", ok, tab.Has("skip"))
	}
	_, err = tab.Strings("skip")
	requireError(t, err, core.TypeInvalidArgument, "not kept")
	_, err = tab.Strings("absent")
	requireError(t, err, core.TypeSubmissionInvalid, `no column "absent"`, `"id", "skip", "v"`)
}

func TestRead_SkippedColumnsStillCheckedForShape(t *testing.T) {
	_, err := Read([]byte("id,skip\n1,x\n2\n"), ReadOptions{Columns: []string{"id"}})
	requireError(t, err, core.TypeSubmissionInvalid, "row 2 has 1 fields")
}

func TestRead_ParallelSpansMatchOneSpan(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("id,text,v\n")
	for i := range 500 {
		switch i % 4 {
		case 0:
			b.WriteString("a,\"multi\nline, \"\"quoted\"\"\",1\n")
		case 1:
			b.WriteString("b,plain,2\r\n")
		case 2:
			b.WriteString("\n")
		default:
			b.WriteString("c,\"\",3\n")
		}
	}
	one := mustRead(t, b.String())
	withSmallChunks(t)
	many := mustRead(t, b.String())
	if !reflect.DeepEqual(records(one), records(many)) {
		t.Fatal("records differ between one span and many")
	}
	for r := range one.Len() {
		if one.Line(r) != many.Line(r) {
			t.Fatalf("Line(%d) = %d with one span, %d with many", r, one.Line(r), many.Line(r))
		}
	}
}

func TestRead_ParallelSpansReportFirstError(t *testing.T) {
	withSmallChunks(t)
	var b bytes.Buffer
	b.WriteString("id,v\n")
	for range 100 {
		b.WriteString("x,\"q\"\n")
	}
	b.WriteString("bad\n") // row 101, line 102
	for range 100 {
		b.WriteString("y,1,2\n")
	}
	_, err := Read(b.Bytes(), ReadOptions{})
	requireError(t, err, core.TypeSubmissionInvalid, "row 101 has 1 fields", "line 102")
}

func TestReadFile_MissingSubmissionIsNotFound(t *testing.T) {
	_, err := ReadFile(filepath.Join(t.TempDir(), "nope.csv"), ReadOptions{})
	requireError(t, err, core.TypeSubmissionNotFound, "cannot read the submission file")
	_, err = ReadFile(filepath.Join(t.TempDir(), "nope.csv"), ReadOptions{ErrorType: core.TypeGroundTruth})
	requireError(t, err, core.TypeGroundTruth, "cannot read the answers file")
}

func TestReadFile_ReadsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.csv")
	if err := os.WriteFile(path, []byte("id,v\n1,\"x\"\"y\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tab, err := ReadFile(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := records(tab); !reflect.DeepEqual(got, [][]string{{"1", `x"y`}}) {
		t.Errorf("rows = %q", got)
	}
}

func TestColumn_StringsShareValues(t *testing.T) {
	tab := mustRead(t, "id,v\n1,a\n22,\n333,ccc\n")
	got, err := tab.Strings("id")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"1", "22", "333"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Strings(id) = %q, want %q", got, want)
	}
	c, _ := tab.Column("v")
	if c.Name() != "v" || c.Len() != 3 || c.String(1) != "" || string(c.Bytes(2)) != "ccc" {
		t.Errorf("column v = %q, %d, %q, %q", c.Name(), c.Len(), c.String(1), c.Bytes(2))
	}
}

func TestSplitSpans_CutsOnlyAtRecordStarts(t *testing.T) {
	withSmallChunks(t)
	data := []byte("a,\"x\ny\"\nb,\"\"\"\n\"\"\"\nc,d\ne,f\n")
	bounds := splitSpans(data, 0, true, 8)
	if len(bounds) < 3 {
		t.Fatalf("bounds = %v, want several spans", bounds)
	}
	valid := map[int]bool{0: true, 8: true, 18: true, 22: true, 26: true}
	for _, b := range bounds[:len(bounds)-1] {
		if !valid[b] {
			t.Errorf("span starts at %d, inside a record (bounds %v)", b, bounds)
		}
	}
}
