package main

// Built-in transforms that finish a recipe whose split the runner already made (recipe.go's Split):
// they write what depends on the original's shuffled order, renumbered ids, or raw files that are
// not CSV tables.

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mledojo/dojo/core"
)

// cellOrder (AI4Code) writes the sample submission: one row per answer id, in the answers' order,
// cell_order the notebook's cell ids in the order of the keys of its JSON file's "cell_type".
func cellOrder(r *runner) error {
	c, err := openCSV(filepath.Join(r.out, answersFile), 0)
	if err != nil {
		return err
	}
	defer c.close()
	idx, err := c.column("id")
	if err != nil {
		return err
	}
	sub, err := createCSV(filepath.Join(r.out, "public/sample_submission.csv"), []string{"id", "cell_order"})
	if err != nil {
		return err
	}
	for n := 0; ; n++ {
		rec, err := c.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return closeAll(err, sub)
		}
		p := filepath.Join(r.out, "public/test", rec[idx]+".json")
		cells, err := cellTypeKeys(p)
		if err != nil {
			return closeAll(err, sub)
		}
		if err := sub.write([]string{rec[idx], strings.Join(cells, " ")}); err != nil {
			return closeAll(err, sub)
		}
		if n%1000 == 0 {
			if err := r.check(); err != nil {
				return closeAll(err, sub)
			}
			r.progress("reading test notebooks", int64(n), 0)
		}
	}
	return closeAll(nil, sub)
}

// cellTypeKeys returns the keys of the "cell_type" object of a notebook JSON file, in file order.
func cellTypeKeys(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, problem(ErrRawMissing, "notebook %s is missing: %v", path, err)
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReader(f))
	dec.UseNumber()
	doc, err := decodeOrdered(dec)
	if err == nil {
		if obj, ok := doc.(jsonObject); ok {
			if ct, ok := obj.get("cell_type"); ok {
				if cells, ok := ct.(jsonObject); ok {
					keys := make([]string, len(cells))
					for i, m := range cells {
						keys[i] = m.Key
					}
					return keys, nil
				}
			}
		}
		err = fmt.Errorf("no cell_type object")
	}
	return nil, core.Errorf(core.TypeCompetitionData, "notebook %s is not an AI4Code notebook: %v", path, err).
		WithCauses("the raw train/ directory is damaged or not the one Kaggle ships: download it again")
}

// stegoAlgorithms are ALASKA2's three embedding methods, each a raw directory of the cover images'
// stego versions under the same names, in the order random.choice picks from.
var stegoAlgorithms = []string{"JMiPOD", "JUNIWARD", "UERD"}

// stegoTest (alaska2-image-steganalysis): train covers, in the split's shuffled order, become
// public/Cover/00001.jpg, ... with their stego versions under the same number in public/<method>/.
// The test covers are shuffled again (Python, seed 0); for each in turn random.choice([True,
// False]) keeps the cover (Label 0) or else random.choice of the three methods gives its stego
// version (Label 1), written to public/Test/0001.jpg, ...
func stegoTest(r *runner) error {
	pi := indexOf(r.valCols, "path")
	ni := indexOf(r.valCols, "name")
	if pi < 0 || ni < 0 {
		return core.Errorf(core.TypeInternal, "recipe %s: stego_test needs a files split", r.id)
	}
	total := int64(len(r.side))
	copyOne := func(src, dst string, done int) error {
		if err := copyFile(src, dst); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return problem(ErrRawMissing, "%s: raw file %s is missing", r.id, src).
					WithCauses(fmt.Sprintf("each cover image needs its three stego versions: download the competition's files from %s again", kagglePage(r.id)))
			}
			return core.Errorf(core.TypeCompetitionData, "copying %s: %w", src, err)
		}
		if done%500 == 0 {
			r.progress("copying images", int64(done), total)
		}
		return nil
	}
	for _, d := range append([]string{"Cover", "Test"}, stegoAlgorithms...) {
		if err := os.MkdirAll(filepath.Join(r.out, "public", d), 0o755); err != nil {
			return core.Errorf(core.TypeCompetitionData, "creating %s: %w", d, err)
		}
	}
	for k, i := range r.trainOrder {
		if err := r.check(); err != nil {
			return err
		}
		name, newName := r.values[i][ni], fmt.Sprintf("%05d.jpg", k+1)
		if err := copyOne(filepath.Join(r.raw, r.values[i][pi]), filepath.Join(r.out, "public/Cover", newName), k); err != nil {
			return err
		}
		for _, alg := range stegoAlgorithms {
			if err := copyOne(filepath.Join(r.raw, alg, name), filepath.Join(r.out, "public", alg, newName), k); err != nil {
				return err
			}
		}
	}
	ans, err := createCSV(filepath.Join(r.out, answersFile), []string{"Id", "Label"})
	if err != nil {
		return err
	}
	sub, err := createCSV(filepath.Join(r.out, "public/sample_submission.csv"), []string{"Id", "Label"})
	if err != nil {
		return closeAll(err, ans)
	}
	rng := newPythonRandom(0)
	for k, pos := range rng.shuffle(len(r.testOrder)) {
		i := r.testOrder[pos]
		id := fmt.Sprintf("%04d.jpg", k+1)
		src, label := filepath.Join(r.raw, r.values[i][pi]), "0"
		if rng.choice(2) != 0 { // random.choice([True, False]) is False: a stego version
			src, label = filepath.Join(r.raw, stegoAlgorithms[rng.choice(len(stegoAlgorithms))], r.values[i][ni]), "1"
		}
		if err := copyOne(src, filepath.Join(r.out, "public/Test", id), len(r.trainOrder)+k); err != nil {
			return closeAll(err, ans, sub)
		}
		if err := ans.write([]string{id, label}); err != nil {
			return closeAll(err, ans, sub)
		}
		if err := sub.write([]string{id, "0"}); err != nil {
			return closeAll(err, ans, sub)
		}
	}
	return closeAll(nil, ans, sub)
}

// nomad2018 targets and the sample submission's constant answers (the original's).
var (
	nomadTargets = []string{"formation_energy_ev_natom", "bandgap_energy_ev"}
	nomadSample  = []string{"0.1779", "1.8892"}
)

// nomadRenumber (nomad2018-predict-transparent-conductors) writes each side's rows in the split's
// shuffled order with id renumbered 1, 2, ... (public/train.csv; private/test_answer.csv and
// public/test.csv without the targets), and copies train/<old id>/geometry.xyz to
// public/{train,test}/<new id>/geometry.xyz.
func nomadRenumber(r *runner) error {
	path := filepath.Join(r.raw, r.r.Split.From)
	rows, header, err := readTable(path)
	if err != nil {
		return err
	}
	if len(rows) != len(r.side) {
		return core.Errorf(core.TypeCompetitionData, "%s changed while it was read", path)
	}
	idx := indexOf(header, "id")
	if idx < 0 {
		return errColumnMissing(path, "id", header)
	}
	keep := make([]int, 0, len(header))
	for j, h := range header {
		if indexOf(nomadTargets, h) < 0 {
			keep = append(keep, j)
		}
	}
	if len(keep) != len(header)-len(nomadTargets) {
		return errColumnMissing(path, strings.Join(nomadTargets, " and "), header)
	}
	geometry, err := firstDir(r.raw, "train/train", "train")
	if err != nil {
		return problem(ErrRawMissing, "%s: the raw train/ directory of geometry files is missing from %s", r.id, r.raw).
			WithCauses(fmt.Sprintf("download train.zip from %s and unzip it into %s", kagglePage(r.id), r.raw))
	}
	train, err := createCSV(filepath.Join(r.out, "public/train.csv"), header)
	if err != nil {
		return err
	}
	ans, err := createCSV(filepath.Join(r.out, answersFile), header)
	if err != nil {
		return closeAll(err, train)
	}
	testHeader := make([]string, len(keep))
	for k, j := range keep {
		testHeader[k] = header[j]
	}
	test, err := createCSV(filepath.Join(r.out, "public/test.csv"), testHeader)
	if err != nil {
		return closeAll(err, train, ans)
	}
	sub, err := createCSV(filepath.Join(r.out, "public/sample_submission.csv"), append([]string{"id"}, nomadTargets...))
	if err != nil {
		return closeAll(err, train, ans, test)
	}
	ws := []*csvWriter{train, ans, test, sub}
	for _, side := range []struct {
		order []int
		dir   string
	}{{r.trainOrder, "train"}, {r.testOrder, "test"}} {
		for k, i := range side.order {
			row := append([]string(nil), rows[i]...)
			newID := strconv.Itoa(k + 1)
			src := filepath.Join(geometry, strings.TrimSpace(row[idx]), "geometry.xyz")
			if err := copyFile(src, filepath.Join(r.out, "public", side.dir, newID, "geometry.xyz")); err != nil {
				return closeAll(problem(ErrRawMissing, "%s: raw file %s is missing (%v)", r.id, src, err).
					WithCauses("every id of train.csv has a geometry file in Kaggle's train.zip: download it again"), ws...)
			}
			row[idx] = newID
			if side.dir == "train" {
				err = train.write(row)
			} else {
				t := make([]string, len(keep))
				for k, j := range keep {
					t[k] = row[j]
				}
				err = firstErr(ans.write(row), test.write(t), sub.write(append([]string{newID}, nomadSample...)))
			}
			if err != nil {
				return closeAll(err, ws...)
			}
		}
	}
	return closeAll(nil, ws...)
}

// pizzaSplit (random-acts-of-pizza) writes the split of train.json: public/train.json (train
// requests in the split's shuffled order) and public/test.json (test requests, only the fields of
// Kaggle's test.json, in its first request's order), both as Python's json.dump(indent=4) writes
// them; the answers are request_id and requester_received_pizza as 0/1, the sample 0.
func pizzaSplit(r *runner) error {
	from := filepath.Join(r.raw, r.r.Split.From)
	var requests []jsonObject
	err := eachJSONElement(from, func(dec *json.Decoder) error {
		v, err := decodeOrdered(dec)
		if err != nil {
			return err
		}
		obj, ok := v.(jsonObject)
		if !ok {
			return fmt.Errorf("element %d is not an object", len(requests))
		}
		requests = append(requests, obj)
		return nil
	})
	if err != nil {
		return err
	}
	if len(requests) != len(r.side) {
		return core.Errorf(core.TypeCompetitionData, "%s changed while it was read", from)
	}
	testPath := filepath.Join(r.raw, "test.json")
	var testFields []string
	err = eachJSONElement(testPath, func(dec *json.Decoder) error {
		v, err := decodeOrdered(dec)
		if err != nil {
			return err
		}
		if obj, ok := v.(jsonObject); ok && testFields == nil {
			for _, m := range obj {
				testFields = append(testFields, m.Key)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if testFields == nil {
		return core.Errorf(core.TypeCompetitionData, "%s holds no request to take the test fields from", testPath).
			WithCauses("download test.json from " + kagglePage(r.id) + " again")
	}
	train := make([]any, len(r.trainOrder))
	for k, i := range r.trainOrder {
		train[k] = requests[i]
	}
	test := make([]any, len(r.testOrder))
	ans, err := createCSV(filepath.Join(r.out, answersFile), []string{"request_id", "requester_received_pizza"})
	if err != nil {
		return err
	}
	sub, err := createCSV(filepath.Join(r.out, "public/sample_submission.csv"), []string{"request_id", "requester_received_pizza"})
	if err != nil {
		return closeAll(err, ans)
	}
	for k, i := range r.testOrder {
		req := requests[i]
		kept := make(jsonObject, len(testFields))
		for j, f := range testFields {
			v, ok := req.get(f)
			if !ok {
				return closeAll(core.Errorf(core.TypeCompetitionData, "%s: request %d has no field %q that test.json has", from, i, f), ans, sub)
			}
			kept[j] = jsonMember{Key: f, Value: v}
		}
		test[k] = kept
		id, _ := req.get("request_id")
		got, _ := req.get("requester_received_pizza")
		idStr, ok := id.(string)
		label, ok2 := pyInt(got)
		if !ok || !ok2 {
			return closeAll(core.Errorf(core.TypeCompetitionData, "%s: request %d lacks a string request_id or a boolean requester_received_pizza", from, i), ans, sub)
		}
		if err := firstErr(ans.write([]string{idStr, label}), sub.write([]string{idStr, "0"})); err != nil {
			return closeAll(err, ans, sub)
		}
	}
	if err := closeAll(nil, ans, sub); err != nil {
		return err
	}
	if err := writeJSONFile(filepath.Join(r.out, "public/train.json"), train); err != nil {
		return err
	}
	return writeJSONFile(filepath.Join(r.out, "public/test.json"), test)
}

// pyInt is Python's int() of a JSON boolean or integer, as text.
func pyInt(v any) (string, bool) {
	switch t := v.(type) {
	case bool:
		if t {
			return "1", true
		}
		return "0", true
	case json.Number:
		if _, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return string(t), true
		}
	}
	return "", false
}

func writeJSONFile(path string, v any) error {
	f, err := os.Create(path)
	if err != nil {
		return core.Errorf(core.TypeCompetitionData, "creating %s: %w", path, err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = writePyJSON(w, v, 0)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return core.Errorf(core.TypeCompetitionData, "writing %s: %w", path, err)
	}
	return nil
}

// readTable reads a whole raw CSV (for the small tables transforms reorder).
func readTable(path string) (rows [][]string, header []string, err error) {
	c, err := openCSV(path, 0)
	if err != nil {
		return nil, nil, err
	}
	defer c.close()
	for {
		rec, err := c.next()
		if errors.Is(err, io.EOF) {
			return rows, c.header, nil
		}
		if err != nil {
			return nil, nil, err
		}
		rows = append(rows, append([]string(nil), rec...))
	}
}

// firstDir returns the first of the candidate directories under raw that exists: Kaggle's archives
// unpack either flat or one directory deeper, depending on the tool.
func firstDir(raw string, candidates ...string) (string, error) {
	for _, c := range candidates {
		p := filepath.Join(raw, c)
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p, nil
		}
	}
	return "", os.ErrNotExist
}

// firstErr is the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
