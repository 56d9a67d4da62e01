package table

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"math"
	"os"
	"runtime"
	"sync"

	"github.com/mledojo/dojo/core"
)

// ReadOptions says how to read a CSV file and how to name it in errors.
type ReadOptions struct {
	// Name says what the file is in messages, e.g. "submission" or "answers". It defaults to
	// "submission", or to "answers" when ErrorType is core.TypeGroundTruth.
	Name string
	// ErrorType is the type of every error about the file's content. It defaults to
	// core.TypeSubmissionInvalid because plugins mostly read submissions; read answers with
	// core.TypeGroundTruth. A submission file that does not exist is core.TypeSubmissionNotFound.
	ErrorType core.ErrorType
	// Columns, when not empty, lists the columns to keep. The rest are still checked for shape (every
	// row has every field) but their values are not indexed. Names the header lacks are ignored here;
	// Column reports them missing.
	Columns []string
}

func (o ReadOptions) withDefaults() ReadOptions {
	if o.ErrorType == "" {
		o.ErrorType = core.TypeSubmissionInvalid
	}
	if o.Name == "" {
		o.Name = "submission"
		if o.ErrorType == core.TypeGroundTruth {
			o.Name = "answers"
		}
	}
	return o
}

// parallelMinBytes is the smallest span worth a goroutine of its own. Tests lower it to drive the
// parallel path with small inputs.
var parallelMinBytes = 1 << 20

const bom = "\xEF\xBB\xBF"

// ReadFile reads the CSV file at path into a Table. It reads the whole file into memory, which is what
// parsing in parallel wants, and parses it in place.
func ReadFile(path string, opts ReadOptions) (*Table, error) {
	opts = opts.withDefaults()
	data, err := readFile(path)
	if err != nil {
		typ := opts.ErrorType
		if errors.Is(err, fs.ErrNotExist) && typ == core.TypeSubmissionInvalid {
			typ = core.TypeSubmissionNotFound
		}
		return nil, core.Errorf(typ, "cannot read the %s file: %w", opts.Name, err).
			WithCauses("write the file at the expected path as a plain CSV file")
	}
	return parse(data, opts, runtime.GOMAXPROCS(0))
}

// readFile is os.ReadFile into a buffer from makeLarge.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := 0
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && int64(int(st.Size())) == st.Size() {
		size = int(st.Size())
	}
	// One byte more than the size, so a file that has not grown meets EOF without a reallocation.
	data := makeLarge[byte](size + 1)[:0]
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err != nil {
			if err == io.EOF {
				return data, nil
			}
			return nil, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)] // the file grew: let append pick a larger buffer
		}
	}
}

// Read parses CSV data into a Table. data is not modified; it is copied when a quoted value holds an
// escaped quote ("") that must be unescaped, and otherwise retained by the Table.
func Read(data []byte, opts ReadOptions) (*Table, error) {
	opts = opts.withDefaults()
	if bytes.Contains(data, []byte(`""`)) {
		data = bytes.Clone(data)
	}
	return parse(data, opts, runtime.GOMAXPROCS(0))
}

// parse reads buf, which it may modify, into a Table, using up to parts goroutines.
func parse(buf []byte, o ReadOptions, parts int) (*Table, error) {
	if uint64(len(buf)) > math.MaxUint32 {
		return nil, core.Errorf(o.ErrorType, "%s file is too large (%d bytes)", o.Name, len(buf)).
			WithCauses("CSV files over 4 GiB are not supported")
	}
	quotes := bytes.IndexByte(buf, '"') >= 0
	t, start, err := readHeader(buf, o, quotes)
	if err != nil {
		return nil, err
	}
	if err := t.readRows(start, quotes, o, parts); err != nil {
		return nil, err
	}
	return t, nil
}

// readHeader reads the header record and returns a Table with no rows yet and where the rows start.
func readHeader(buf []byte, o ReadOptions, quotes bool) (*Table, int, error) {
	pos := 0
	if bytes.HasPrefix(buf, []byte(bom)) {
		pos = len(bom)
	}
	names, start, headLines, serr := parseHeader(buf, pos, quotes)
	if serr != nil {
		return nil, 0, o.syntaxError(serr, nil, 0, 1+serr.line, buf)
	}
	if names == nil {
		return nil, 0, core.Errorf(o.ErrorType, "%s file is empty", o.Name).
			WithCauses("write a header line, then one row per test example")
	}
	t := &Table{
		name: o.Name, errType: o.ErrorType, header: names, buf: buf,
		index:     make(map[string]int, len(names)),
		firstLine: 1 + headLines,
	}
	for i, n := range names {
		if j, dup := t.index[n]; dup {
			return nil, 0, core.Errorf(o.ErrorType, "%s header names column %q twice", o.Name, n).
				WithDetails("columns %d and %d of %s", j+1, i+1, quoteList(names, 20)).
				WithCauses("give every column a distinct name, as in the sample submission")
		}
		t.index[n] = i
	}
	return t, start, nil
}

// readRows parses the data rows from start on, in parallel spans.
func (t *Table) readRows(start int, quotes bool, o ReadOptions, parts int) error {
	buf, names := t.buf, t.header
	keep, kept := keepMap(names, o.Columns)
	t.slot, t.stride = keep, 2*kept
	bounds := splitSpans(buf, start, quotes, parts)
	chunks := make([]chunk, len(bounds)-1)
	for k := range chunks {
		chunks[k] = chunk{buf: buf, start: bounds[k], end: bounds[k+1], quotes: quotes, width: len(names),
			keep: keep, stride: t.stride}
	}
	// Size every span's output from its line count, then let each span write into its own window of
	// one shared slice, so no offsets are copied after parsing unless blank lines leave gaps.
	forEach(chunks, func(c *chunk) { c.maxRows = bytes.Count(buf[c.start:c.end], nlByte) })
	chunks[len(chunks)-1].maxRows++
	total := 0
	for k := range chunks {
		total += chunks[k].maxRows
	}
	t.offs = makeLarge[uint32](total * t.stride)
	at := 0
	for k := range chunks {
		c := &chunks[k]
		c.offs = t.offs[at*t.stride : (at+c.maxRows)*t.stride]
		at += c.maxRows
	}
	forEach(chunks, (*chunk).parse)

	rowsBefore, linesBefore := 0, 0
	regular := true
	for k := range chunks {
		c := &chunks[k]
		if c.err != nil {
			return o.syntaxError(c.err, names, rowsBefore+c.err.row, t.firstLine+linesBefore+c.err.line, buf)
		}
		if c.rowLine != nil || (k < len(chunks)-1 && c.lines != c.rows) {
			regular = false
		}
		rowsBefore += c.rows
		linesBefore += c.lines
	}
	t.rows = rowsBefore
	if t.rows == 0 {
		return core.Errorf(o.ErrorType, "%s has a header but no data rows", o.Name).
			WithDetails("header: %s", quoteList(names, 20)).
			WithCauses("write one row per test example below the header")
	}
	t.joinChunks(chunks, regular)
	return nil
}

// keepMap maps header positions to output slots, keeping every column when want is empty.
func keepMap(names, want []string) (keep []int, kept int) {
	keep = make([]int, len(names))
	for i, n := range names {
		keep[i] = -1
		if len(want) == 0 || contains(want, n) {
			keep[i] = kept
			kept++
		}
	}
	return keep, kept
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// splitSpans cuts buf[start:] into up to parts spans that each begin at a record start. Without any
// quote in the file every line end ends a record. With quotes, a line end ends a record when an even
// number of quotes precedes it: that holds for every well-formed file, and for a malformed one the
// first chunk that goes wrong starts at a true record start and reports the same error a
// sequential parse would.
func splitSpans(buf []byte, start int, quotes bool, parts int) []int {
	end := len(buf)
	bounds := []int{start}
	n := min(parts, (end-start)/parallelMinBytes)
	if n <= 1 {
		return append(bounds, end)
	}
	step := (end - start) / n
	cur, parity := start, 0
	for k := 1; k < n; k++ {
		target := start + k*step
		if target <= cur {
			continue
		}
		if quotes {
			parity ^= bytes.Count(buf[cur:target], quoteByte) & 1
		}
		cur = target
		for {
			i := bytes.IndexByte(buf[cur:], '\n')
			if i < 0 {
				return append(bounds, end)
			}
			if quotes {
				parity ^= bytes.Count(buf[cur:cur+i], quoteByte) & 1
			}
			cur += i + 1
			if parity == 0 {
				break
			}
		}
		if cur >= end {
			break
		}
		bounds = append(bounds, cur)
	}
	return append(bounds, end)
}

var quoteByte = []byte{'"'}

// forEach runs fn on every chunk, in parallel when there are several.
func forEach(chunks []chunk, fn func(*chunk)) {
	if len(chunks) == 1 {
		fn(&chunks[0])
		return
	}
	var wg sync.WaitGroup
	for k := range chunks {
		wg.Go(func() { fn(&chunks[k]) })
	}
	wg.Wait()
}

// joinChunks closes the gaps that spans with fewer rows than line ends left in the shared offsets,
// and builds the row-to-line map when rows and lines drift apart.
func (t *Table) joinChunks(chunks []chunk, regular bool) {
	at := 0
	for k := range chunks {
		c := &chunks[k]
		n := c.rows * t.stride
		if len(c.offs) > 0 && &t.offs[at] != &c.offs[0] {
			copy(t.offs[at:at+n], c.offs[:n])
		}
		at += n
	}
	t.offs = t.offs[:at:at]
	if regular {
		return
	}
	t.rowLine = make([]uint32, 0, t.rows)
	base := t.firstLine
	for k := range chunks {
		c := &chunks[k]
		for i := 0; i < c.rows; i++ {
			rel := i
			if c.rowLine != nil {
				rel = int(c.rowLine[i])
			}
			t.rowLine = append(t.rowLine, uint32(base+rel))
		}
		base += c.lines
	}
}
