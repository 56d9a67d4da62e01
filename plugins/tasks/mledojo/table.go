package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mledojo/dojo/core"
)

// csvReader streams a raw CSV: its header, then one record at a time.
type csvReader struct {
	f      *os.File
	r      *csv.Reader
	header []string
	path   string
	bytes  *countingReader
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func openCSV(path string, delim rune) (*csvReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, missingRaw(path, err)
	}
	cr := &countingReader{r: bufio.NewReaderSize(f, 1<<20)}
	r := csv.NewReader(cr)
	r.ReuseRecord = true
	if delim != 0 {
		r.Comma = delim
	}
	header, err := r.Read()
	if err != nil {
		f.Close()
		return nil, core.Errorf(core.TypeCompetitionData, "%s: cannot read the CSV header: %v", path, err)
	}
	header = slices.Clone(header)
	if len(header) > 0 {
		header[0] = trimBOM(header[0])
	}
	return &csvReader{f: f, r: r, header: header, path: path, bytes: cr}, nil
}

func trimBOM(s string) string {
	if len(s) >= 3 && s[:3] == "\ufeff" {
		return s[3:]
	}
	return s
}

// next returns the next record (valid until the following call), or io.EOF.
func (c *csvReader) next() ([]string, error) {
	rec, err := c.r.Read()
	if err != nil && !errors.Is(err, io.EOF) {
		line, _ := c.r.FieldPos(0)
		return nil, core.Errorf(core.TypeCompetitionData, "%s: line %d: %v", c.path, line, err).
			WithCauses("the file is damaged or not the one Kaggle ships: download it again")
	}
	return rec, err
}

func (c *csvReader) close() { c.f.Close() }

// column returns the index of name in the header, or a typed error naming the file.
func (c *csvReader) column(name string) (int, error) {
	if i := slices.Index(c.header, name); i >= 0 {
		return i, nil
	}
	return -1, errColumnMissing(c.path, name, c.header)
}

// csvWriter writes one output CSV.
type csvWriter struct {
	f *os.File
	b *bufio.Writer
	w *csv.Writer
}

func createCSV(path string, header []string) (*csvWriter, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, core.Errorf(core.TypeCompetitionData, "creating %s: %w", filepath.Dir(path), err)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, core.Errorf(core.TypeCompetitionData, "creating %s: %w", path, err)
	}
	b := bufio.NewWriterSize(f, 1<<20)
	w := &csvWriter{f: f, b: b, w: csv.NewWriter(b)}
	return w, w.write(header)
}

func (w *csvWriter) write(rec []string) error {
	if err := w.w.Write(rec); err != nil {
		return core.Errorf(core.TypeCompetitionData, "writing %s: %w", w.f.Name(), err)
	}
	return nil
}

func (w *csvWriter) close() error {
	w.w.Flush()
	err := w.w.Error()
	if err == nil {
		err = w.b.Flush()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return core.Errorf(core.TypeCompetitionData, "writing %s: %w", w.f.Name(), err)
	}
	return nil
}

// readHeader returns a raw CSV's header.
func readHeader(path string, delim rune) ([]string, error) {
	c, err := openCSV(path, delim)
	if err != nil {
		return nil, err
	}
	defer c.close()
	return c.header, nil
}

// countRows counts a raw CSV's records.
func countRows(path string) (int, error) {
	c, err := openCSV(path, 0)
	if err != nil {
		return 0, err
	}
	defer c.close()
	n := 0
	for {
		if _, err := c.next(); err != nil {
			if errors.Is(err, io.EOF) {
				return n, nil
			}
			return 0, err
		}
		n++
	}
}

func isJSON(path string) bool { return strings.HasSuffix(path, ".json") }

// eachJSONElement streams a raw JSON file holding one array: fn reads exactly one element from dec
// per call.
func eachJSONElement(path string, fn func(dec *json.Decoder) error) error {
	f, err := os.Open(path)
	if err != nil {
		return missingRaw(path, err)
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(f, 1<<20))
	dec.UseNumber()
	bad := func(err error) error {
		return core.Errorf(core.TypeCompetitionData, "%s is not a JSON array: %v", path, err).
			WithCauses("the file is damaged or not the one Kaggle ships: download it again")
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		if err == nil {
			err = fmt.Errorf("it starts with %v", tok)
		}
		return bad(err)
	}
	for dec.More() {
		if err := fn(dec); err != nil {
			var ce *core.Error
			if errors.As(err, &ce) {
				return err
			}
			return bad(err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return bad(err)
	}
	return nil
}

// jsonArrayLen counts the elements of a raw JSON file holding one array.
func jsonArrayLen(path string) (int, error) {
	n := 0
	err := eachJSONElement(path, func(dec *json.Decoder) error {
		var skip json.RawMessage
		n++
		return dec.Decode(&skip)
	})
	return n, err
}
