package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/internal/ziputil"
)

// progressFunc reports a long step: what, how far, out of how much (0 when unknown).
type progressFunc func(step string, done, total int64)

// runner prepares one competition from its recipe into out (the competition's data/ directory).
type runner struct {
	ctx      context.Context
	id       string
	r        *Recipe
	raw, out string
	progress progressFunc
	written  []string

	// The split: side per row of the split table ('r' train, 't' test), and what later steps need.
	side    []byte
	header  []string   // the split table's header
	values  [][]string // per row, the columns placeholders name (valuesCols)
	valCols []string
	keySide map[string]byte // join key value -> side
	// The rows of each side in the order the original's shuffle leaves them (not for group splits),
	// for transforms that number or write rows in that order.
	trainOrder, testOrder []int
}

func (r *runner) check() error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	return nil
}

// run does every step of the recipe.
func (r *runner) run() error {
	if err := r.unzip(); err != nil {
		return err
	}
	if err := r.checkInputs(); err != nil {
		return err
	}
	if r.r.Split != nil {
		if err := r.split(); err != nil {
			return err
		}
	}
	for _, o := range r.r.Outputs {
		if err := r.output(o); err != nil {
			return err
		}
	}
	if err := r.copyFiles(); err != nil {
		return err
	}
	for _, c := range r.r.Copy {
		from, to, _ := strings.Cut(c, "->")
		from, to = strings.TrimSpace(from), strings.TrimSpace(to)
		optional := strings.HasSuffix(from, "?")
		from = strings.TrimSuffix(from, "?")
		if to == "" {
			to = "public/" + filepath.Base(from)
		}
		if _, err := os.Stat(filepath.Join(r.raw, from)); err != nil && optional {
			continue
		}
		if err := r.copyTree(filepath.Join(r.raw, from), filepath.Join(r.out, to)); err != nil {
			return err
		}
	}
	if r.r.Transform != "" {
		if err := transforms[r.r.Transform](r); err != nil {
			return err
		}
	}
	for _, need := range []string{answersFile, "public/sample_submission.csv"} {
		if _, err := os.Stat(filepath.Join(r.out, need)); err != nil {
			return core.Errorf(core.TypeInternal, "recipe %s wrote no %s", r.id, need)
		}
	}
	return nil
}

// unzip extracts each archive present in raw whose contents are not there yet.
func (r *runner) unzip() error {
	for _, name := range r.r.Unzip {
		p := filepath.Join(r.raw, name)
		if _, err := os.Stat(p); err != nil {
			continue // already extracted, or shipped unpacked; checkInputs names what is missing
		}
		if err := extractZip(r.ctx, p, r.raw, r.progress); err != nil {
			return err
		}
	}
	return nil
}

// extractZip extracts archive into dir, skipping files already there with the same size.
func extractZip(ctx context.Context, archive, dir string, progress progressFunc) error {
	step := "extracting " + filepath.Base(archive)
	err := ziputil.Extract(ctx, archive, dir, func(done, total int64) { progress(step, done, total) })
	switch {
	case err == nil || ctx.Err() != nil:
		return err
	case errors.Is(err, ziputil.ErrNotZip):
		return core.Errorf(core.TypeCompetitionData, "%v", err).WithCauses("the download was cut short: download it again")
	default:
		return core.Errorf(core.TypeCompetitionData, "%v", err)
	}
}

// checkInputs checks every raw input is there with its columns, before anything is written.
func (r *runner) checkInputs() error {
	for _, in := range r.r.Inputs {
		p := filepath.Join(r.raw, in.Path)
		st, err := os.Stat(p)
		if err != nil || st.IsDir() != in.Dir {
			what := "file"
			if in.Dir {
				what = "directory"
			}
			return problem(ErrRawMissing, "%s: raw %s %s is missing from %s", r.id, what, in.Path, r.raw).
				WithCauses(fmt.Sprintf("download the competition's files from %s (accept the rules there first) and unzip them into %s, or use `dojo prepare %s --download`", kagglePage(r.id), r.raw, r.id))
		}
		if len(in.Columns) == 0 {
			continue
		}
		header, err := readHeader(p, delimiter(in))
		if err != nil {
			return err
		}
		for _, c := range in.Columns {
			name, _, _ := strings.Cut(c, ":")
			if !slices.Contains(header, name) {
				return errColumnMissing(p, name, header)
			}
		}
	}
	return nil
}

func delimiter(in Input) rune {
	if in.Delimiter == "" {
		return 0
	}
	return []rune(in.Delimiter)[0]
}

func (r *runner) input(path string) Input {
	for _, in := range r.r.Inputs {
		if in.Path == path {
			return in
		}
	}
	return Input{Path: path}
}

// split reads the split table (or lists the split directory) and assigns each row a side.
func (r *runner) split() error {
	s := r.r.Split
	r.valCols = placeholderColumns(r.r.Files)
	keyCol := s.Key
	if keyCol == "" {
		keyCol = s.Group
	}
	var groups []string
	var keys []string
	if s.Files != "" {
		matches, err := filepath.Glob(filepath.Join(r.raw, s.Files))
		if err != nil || len(matches) == 0 {
			return problem(ErrRawMissing, "%s: no raw files match %s in %s", r.id, s.Files, r.raw).
				WithCauses(fmt.Sprintf("download the competition's files from %s and unzip them into %s", kagglePage(r.id), r.raw))
		}
		sort.Strings(matches)
		r.header = []string{"name", "stem", "path"}
		r.valCols = r.header
		for _, m := range matches {
			rel, _ := filepath.Rel(r.raw, m)
			name := filepath.Base(m)
			row := []string{name, strings.TrimSuffix(name, filepath.Ext(name)), filepath.ToSlash(rel)}
			vals, err := pick(r.header, row, r.valCols, m)
			if err != nil {
				return err
			}
			r.values = append(r.values, vals)
			keys = append(keys, name)
		}
		if keyCol == "" {
			keyCol = "name"
		}
	} else if isJSON(s.From) {
		n, err := jsonArrayLen(filepath.Join(r.raw, s.From))
		if err != nil {
			return err
		}
		r.side = make([]byte, n)
	} else {
		in := r.input(s.From)
		c, err := openCSV(filepath.Join(r.raw, s.From), delimiter(in))
		if err != nil {
			return err
		}
		defer c.close()
		r.header = c.header
		gi, ki := -1, -1
		if s.Group != "" {
			if gi, err = c.column(s.Group); err != nil {
				return err
			}
		}
		if keyCol != "" {
			if ki, err = c.column(keyCol); err != nil {
				return err
			}
		}
		rows := 0
		for ; ; rows++ {
			rec, err := c.next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			if gi >= 0 {
				groups = append(groups, rec[gi])
			}
			if ki >= 0 {
				keys = append(keys, rec[ki])
			}
			if len(r.valCols) > 0 {
				vals, err := pick(c.header, rec, r.valCols, c.path)
				if err != nil {
					return err
				}
				r.values = append(r.values, vals)
			}
			if rows%1_000_000 == 0 && rows > 0 {
				if err := r.check(); err != nil {
					return err
				}
				st, _ := c.f.Stat()
				r.progress("reading "+s.From, c.bytes.n, st.Size())
			}
		}
		r.side = make([]byte, rows)
	}
	if s.Files != "" {
		r.side = make([]byte, len(keys))
	}
	n := len(r.side)
	if err := r.assignSides(n, groups); err != nil {
		return err
	}
	if keyCol != "" && keys != nil {
		r.keySide = make(map[string]byte, len(keys))
		for i, k := range keys {
			r.keySide[k] = r.side[i]
		}
	}
	return nil
}

func (r *runner) assignSides(n int, groups []string) error {
	s := r.r.Split
	measured := 0
	if sf := s.TestSizeFrom; sf != nil {
		var err error
		if sf.File != "" && isJSON(sf.File) {
			if measured, err = jsonArrayLen(filepath.Join(r.raw, sf.File)); err != nil {
				return err
			}
		} else if sf.File != "" {
			if measured, err = countRows(filepath.Join(r.raw, sf.File)); err != nil {
				return err
			}
		} else {
			m, _ := filepath.Glob(filepath.Join(r.raw, sf.Glob))
			measured = len(m)
		}
		units := n
		if groups != nil {
			units = len(distinct(groups))
		}
		if measured, err = sizeFrom(sf, measured, units); err != nil {
			return core.Errorf(core.TypeInternal, "recipe %s: %w", r.id, err)
		}
	}
	if groups == nil {
		nTest, err := s.testCount(n, measured)
		if err != nil {
			return err
		}
		perm := s.order(n)
		test, train := perm[:nTest], perm[nTest:]
		if s.First == "train" {
			train, test = perm[:n-nTest], perm[n-nTest:]
		}
		r.trainOrder, r.testOrder = train, test
		for i := range r.side {
			r.side[i] = 'r'
		}
		for _, i := range test {
			r.side[i] = 't'
		}
		return nil
	}
	// Group split: shuffle rows, take groups in order of first appearance, each to test while it fits.
	nTest, err := s.testCount(n, measured)
	if err != nil {
		return err
	}
	members := map[string][]int{}
	var order []string
	for _, i := range s.order(n) {
		g := groups[i]
		if _, ok := members[g]; !ok {
			order = append(order, g)
		}
		members[g] = append(members[g], i)
	}
	taken := 0
	for _, g := range order {
		side := byte('r')
		if taken+len(members[g]) <= nTest {
			side, taken = 't', taken+len(members[g])
		}
		for _, i := range members[g] {
			r.side[i] = side
		}
	}
	if taken == 0 {
		return core.Errorf(core.TypeCompetitionData, "%s: no group of %s fits in the test split", r.id, s.Group)
	}
	return nil
}

func distinct(v []string) map[string]bool {
	m := map[string]bool{}
	for _, s := range v {
		m[s] = true
	}
	return m
}

func pick(header, row, cols []string, path string) ([]string, error) {
	out := make([]string, len(cols))
	for i, c := range cols {
		j := slices.Index(header, c)
		if j < 0 {
			return nil, errColumnMissing(path, c, header)
		}
		out[i] = row[j]
	}
	return out, nil
}

func placeholderColumns(rules []FileRule) []string {
	var cols []string
	for _, f := range rules {
		for _, s := range []string{f.From, f.Train, f.Test} {
			for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
				if !slices.Contains(cols, m[1]) {
					cols = append(cols, m[1])
				}
			}
		}
	}
	return cols
}

// expand fills a path template's placeholders from one row's values.
func expand(tmpl string, cols, vals []string) string {
	return placeholder.ReplaceAllStringFunc(tmpl, func(m string) string {
		sub := placeholder.FindStringSubmatch(m)
		v := vals[slices.Index(cols, sub[1])]
		if sub[2] != "" {
			var i int
			fmt.Sscan(sub[2], &i)
			if i < len(v) {
				return v[i : i+1]
			}
			return ""
		}
		return v
	})
}

// output writes one CSV.
func (r *runner) output(o Output) error {
	src := filepath.Join(r.raw, o.From)
	splitTable := r.r.Split != nil && o.From == r.r.Split.table() && o.Key == ""
	if r.r.Split != nil && r.r.Split.Files != "" && o.From == "files" {
		return core.Errorf(core.TypeInternal, "recipe %s: outputs cannot be written from a files split", r.id)
	}
	c, err := openCSV(src, delimiter(r.input(o.From)))
	if err != nil {
		return err
	}
	defer c.close()
	keyIdx := -1
	if o.Key != "" {
		if keyIdx, err = c.column(o.Key); err != nil {
			return err
		}
		if r.keySide == nil {
			return core.Errorf(core.TypeInternal, "recipe %s: output %s joins on %s but the split has no key", r.id, o.To, o.Key)
		}
	}
	header := c.header
	derived := sortedKeys(o.Derive)
	header = append(slices.Clone(header), derived...)
	for _, d := range derived {
		for _, m := range placeholder.FindAllStringSubmatch(o.Derive[d], -1) {
			if m[1] != "#" && !slices.Contains(c.header, m[1]) {
				return errColumnMissing(src, m[1], c.header)
			}
		}
	}
	shape, err := r.shape(o, header)
	if err != nil {
		return err
	}
	w, err := createCSV(filepath.Join(r.out, o.To), shape.header)
	if err != nil {
		return err
	}
	st, _ := c.f.Stat()
	want := map[string]byte{"train": 'r', "test": 't'}[o.Rows]
	dropIdx := -1
	if o.DropEmpty != "" {
		if dropIdx, err = c.column(o.DropEmpty); err != nil {
			w.close()
			return err
		}
	}
	uniqueIdx, seen := -1, map[string]bool{}
	if o.Unique != "" {
		if uniqueIdx = slices.Index(header, o.Unique); uniqueIdx < 0 {
			w.close()
			return errColumnMissing(src, o.Unique, c.header)
		}
	}
	for n := 0; ; n++ {
		rec, err := c.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			w.close()
			return err
		}
		if n%1_000_000 == 0 && n > 0 {
			if err := r.check(); err != nil {
				w.close()
				return err
			}
			r.progress("writing "+o.To, c.bytes.n, st.Size())
		}
		if want != 0 {
			var side byte
			switch {
			case splitTable:
				if n >= len(r.side) {
					w.close()
					return core.Errorf(core.TypeCompetitionData, "%s changed while it was read", src)
				}
				side = r.side[n]
			default:
				side = r.keySide[rec[keyIdx]]
			}
			if side != want {
				continue
			}
		}
		if dropIdx >= 0 && strings.TrimSpace(rec[dropIdx]) == "" {
			continue
		}
		if len(derived) > 0 {
			full := append(slices.Clone(rec), make([]string, len(derived))...)
			for i, d := range derived {
				full[len(rec)+i] = derive(o.Derive[d], c.header, rec, n)
			}
			rec = full
		}
		if uniqueIdx >= 0 {
			if seen[rec[uniqueIdx]] {
				continue
			}
			seen[rec[uniqueIdx]] = true
		}
		if err := w.write(shape.row(rec)); err != nil {
			w.close()
			return err
		}
	}
	if err := w.close(); err != nil {
		return err
	}
	r.written = append(r.written, o.To)
	return nil
}

// rowShape maps a raw record to an output record.
type rowShape struct {
	header []string
	cells  []func(rec []string) string
	out    []string
}

func (s *rowShape) row(rec []string) []string {
	for i, f := range s.cells {
		s.out[i] = f(rec)
	}
	return s.out
}

func (r *runner) shape(o Output, header []string) (*rowShape, error) {
	path := filepath.Join(r.raw, o.From)
	cols := slices.Clone(header)
	if len(o.Columns) > 0 {
		cols = o.Columns
	}
	var kept []string
	for _, c := range cols {
		if !slices.Contains(o.Drop, c) {
			kept = append(kept, c)
		}
	}
	s := &rowShape{}
	for _, c := range kept {
		if o.OneHot != nil && c == o.OneHot.Column {
			classes, err := r.classes(o.OneHot)
			if err != nil {
				return nil, err
			}
			j := slices.Index(header, c)
			if j < 0 {
				return nil, errColumnMissing(path, c, header)
			}
			for _, cl := range classes {
				s.header = append(s.header, cl)
				if v, ok := o.Fill[cl]; ok {
					s.cells = append(s.cells, func([]string) string { return v })
					continue
				}
				if v, ok := o.Fill["*"]; ok {
					s.cells = append(s.cells, func([]string) string { return v })
					continue
				}
				s.cells = append(s.cells, func(rec []string) string {
					if rec[j] == cl {
						return "1"
					}
					return "0"
				})
			}
			continue
		}
		name := c
		if n, ok := o.Rename[c]; ok {
			name = n
		}
		s.header = append(s.header, name)
		if v, ok := o.Fill[c]; ok {
			s.cells = append(s.cells, func([]string) string { return v })
			continue
		}
		if v, ok := o.Fill["*"]; ok && len(s.header) > 1 {
			s.cells = append(s.cells, func([]string) string { return v })
			continue
		}
		j := slices.Index(header, c)
		if j < 0 {
			return nil, errColumnMissing(path, c, header)
		}
		s.cells = append(s.cells, func(rec []string) string { return rec[j] })
	}
	s.out = make([]string, len(s.cells))
	return s, nil
}

func (r *runner) classes(h *OneHot) ([]string, error) {
	if len(h.Classes) > 0 {
		return h.Classes, nil
	}
	header, err := readHeader(filepath.Join(r.raw, h.ClassesFrom), 0)
	if err != nil {
		return nil, err
	}
	if len(header) < 2 {
		return nil, core.Errorf(core.TypeCompetitionData, "%s lists no classes after its id column", h.ClassesFrom)
	}
	return header[1:], nil
}

// copyFiles copies each split row's files to its side's place.
func (r *runner) copyFiles() error {
	if len(r.r.Files) == 0 {
		return nil
	}
	total := int64(len(r.side) * len(r.r.Files))
	var done int64
	last := time.Now()
	for _, rule := range r.r.Files {
		for i, side := range r.side {
			done++
			to := rule.Train
			if side == 't' {
				to = rule.Test
			}
			if to == "" {
				continue
			}
			from := filepath.Join(r.raw, expand(rule.From, r.valCols, r.values[i]))
			dst := filepath.Join(r.out, expand(to, r.valCols, r.values[i]))
			if err := copyFile(from, dst); err != nil {
				if rule.Optional && errors.Is(err, os.ErrNotExist) {
					continue
				}
				if errors.Is(err, os.ErrNotExist) {
					return problem(ErrRawMissing, "%s: raw file %s is missing", r.id, from).
						WithCauses(fmt.Sprintf("the raw directory is incomplete: download the competition's files from %s again and unzip them into %s", kagglePage(r.id), r.raw))
				}
				return core.Errorf(core.TypeCompetitionData, "copying %s: %w", from, err)
			}
			if time.Since(last) > 2*time.Second || done == total {
				if err := r.check(); err != nil {
					return err
				}
				r.progress("copying files", done, total)
				last = time.Now()
			}
		}
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(to, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// copyTree copies a raw file or directory as it is.
func (r *runner) copyTree(from, to string) error {
	st, err := os.Stat(from)
	if err != nil {
		return problem(ErrRawMissing, "%s: raw file %s is missing", r.id, from).
			WithCauses(fmt.Sprintf("download the competition's files from %s and unzip them into %s", kagglePage(r.id), r.raw))
	}
	if !st.IsDir() {
		return copyFile(from, to)
	}
	return filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return copyFile(p, filepath.Join(to, rel))
	})
}

// derive fills a Derive template from one raw record (n is its row number).
func derive(tmpl string, header, rec []string, n int) string {
	return placeholder.ReplaceAllStringFunc(tmpl, func(m string) string {
		sub := placeholder.FindStringSubmatch(m)
		if sub[1] == "#" {
			return fmt.Sprint(n)
		}
		return rec[slices.Index(header, sub[1])]
	})
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
