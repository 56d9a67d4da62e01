package main

// Built-in transforms that make the whole split themselves, for competitions whose raw files are
// not one table or one directory of samples (text lines, sets of images, recordings described by
// several text files, file names carrying the labels). Each reproduces its original's random
// stream and order exactly.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/mledojo/dojo/core"
)

// billionWordLines is the line count of Kaggle's train_v2.txt; the original reads no further.
const billionWordLines = 30301028

// removeWord (billion-word-imputation) streams train_v2.txt with numpy.random.RandomState(0): for
// each line one uniform() draw; a line with more than two words whose draw is <= 0.01 becomes a test
// sentence (ids from 0), one word other than the first and last removed (randint(1, words-1)) for
// public/test_v2.txt (also the sample submission), the whole sentence the answer; every other line
// goes to public/train_v2.txt unchanged.
func removeWord(r *runner) error {
	src := filepath.Join(r.raw, "train_v2.txt")
	in, err := os.Open(src)
	if err != nil {
		return missingRaw(src, err)
	}
	defer in.Close()
	st, _ := in.Stat()
	counted := &countingReader{r: in}
	lines := &lineReader{b: bufio.NewReaderSize(counted, 1<<20)}
	var files []*os.File
	var ws []*bufio.Writer
	create := func(rel string) (*bufio.Writer, error) {
		f, err := os.Create(filepath.Join(r.out, rel))
		if err != nil {
			return nil, core.Errorf(core.TypeCompetitionData, "creating %s: %w", rel, err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		files, ws = append(files, f), append(ws, w)
		return w, nil
	}
	finish := func(err error) error {
		for i, w := range ws {
			if ferr := w.Flush(); err == nil && ferr != nil {
				err = core.Errorf(core.TypeCompetitionData, "writing %s: %w", files[i].Name(), ferr)
			}
			if cerr := files[i].Close(); err == nil && cerr != nil {
				err = core.Errorf(core.TypeCompetitionData, "writing %s: %w", files[i].Name(), cerr)
			}
		}
		return err
	}
	train, err := create("public/train_v2.txt")
	if err != nil {
		return finish(err)
	}
	test, err := create("public/test_v2.txt")
	if err != nil {
		return finish(err)
	}
	ans, err := create(answersFile)
	if err != nil {
		return finish(err)
	}
	const header = `"id","sentence"` + "\n"
	test.WriteString(header)
	ans.WriteString(header)
	quote := func(s string) string { return strings.ReplaceAll(s, `"`, `""`) }
	rng := newNumpyRandom(0)
	tests := 0
	for n := 0; n < billionWordLines; n++ {
		line, ended, err := lines.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return finish(core.Errorf(core.TypeCompetitionData, "reading %s: %w", src, err))
		}
		words := pyFields(line)
		if rng.uniform() <= 0.01 && len(words) > 2 {
			k := rng.randint(1, int64(len(words)-1))
			removed := strings.Join(slices.Delete(slices.Clone(words), int(k), int(k)+1), " ")
			fmt.Fprintf(ans, "%d,\"%s\"\n", tests, quote(pyStrip(line)))
			fmt.Fprintf(test, "%d,\"%s\"\n", tests, quote(removed))
			tests++
		} else {
			train.WriteString(line)
			if ended {
				train.WriteByte('\n')
			}
		}
		if n%1_000_000 == 0 && n > 0 {
			if err := r.check(); err != nil {
				return finish(err)
			}
			r.progress("reading train_v2.txt", counted.n, st.Size())
		}
	}
	if err := finish(nil); err != nil {
		return err
	}
	if tests == 0 {
		return core.Errorf(core.TypeCompetitionData, "%s gave no test sentence", src).
			WithCauses("the file is not Kaggle's train_v2.txt (30,301,028 sentences): download it again")
	}
	return copyFile(filepath.Join(r.out, "public/test_v2.txt"), filepath.Join(r.out, "public/sample_submission.csv"))
}

// draperSets (draper-satellite-image-chronology) groups train/*.tif and train_sm/*.jpeg by set
// (the name before its first "_"), five of each per set. With random.seed(42) the sorted set ids
// are shuffled; the first round(0.56 n) are train (copied to public/train, public/train_sm), the
// rest test. For each test set in sorted order a shuffle of 1..5 renumbers its images (set_k
// becomes set_<k-th number>, in public/test and public/test_sm) and is the answer's day list; a
// further shuffle per test set, again in sorted order, is the sample submission.
func draperSets(r *runner) error {
	tifDir, err1 := firstDir(r.raw, "train/train", "train")
	jpgDir, err2 := firstDir(r.raw, "train_sm/train_sm", "train_sm")
	if err := errors.Join(err1, err2); err != nil {
		return problem(ErrRawMissing, "%s: the raw train and train_sm directories must both be in %s", r.id, r.raw).
			WithCauses(fmt.Sprintf("download train.zip and train_sm.zip from %s and unzip them into %s", kagglePage(r.id), r.raw))
	}
	tifs, jpgs := draperGroups(tifDir, ".tif"), draperGroups(jpgDir, ".jpeg")
	ids := make([]string, 0, len(tifs))
	for id := range tifs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if len(tifs[id]) != 5 || len(jpgs[id]) != 5 {
			return core.Errorf(core.TypeCompetitionData, "set %s has %d .tif and %d .jpeg images, not 5 of each", id, len(tifs[id]), len(jpgs[id])).
				WithCauses(fmt.Sprintf("the raw train and train_sm directories are incomplete: download them from %s again", kagglePage(r.id)))
		}
	}
	n := len(ids)
	nTrain := int(math.RoundToEven(float64(n) * 0.56))
	if n == 0 || nTrain == n {
		return core.Errorf(core.TypeCompetitionData, "%d image sets leave none for test", n).
			WithCauses("the raw train directory is not Kaggle's: download train.zip again")
	}
	rng := newPythonRandom(42)
	shuffled := make([]string, n)
	for i, p := range rng.shuffle(n) {
		shuffled[i] = ids[p]
	}
	copySet := func(names []string, from, to string, rename map[string]string) error {
		for _, name := range names {
			dst := name
			if v, ok := rename[name]; ok {
				dst = v
			}
			if err := copyFile(filepath.Join(from, name), filepath.Join(r.out, "public", to, dst)); err != nil {
				return core.Errorf(core.TypeCompetitionData, "copying %s: %w", name, err)
			}
		}
		return r.check()
	}
	for _, id := range shuffled[:nTrain] {
		if err := firstErr(copySet(tifs[id], tifDir, "train", nil), copySet(jpgs[id], jpgDir, "train_sm", nil)); err != nil {
			return err
		}
	}
	test := slices.Clone(shuffled[nTrain:])
	sort.Strings(test)
	for _, d := range []string{"public/test", "public/test_sm"} {
		if err := os.MkdirAll(filepath.Join(r.out, d), 0o755); err != nil {
			return core.Errorf(core.TypeCompetitionData, "creating %s: %w", d, err)
		}
	}
	ans, err := createCSV(filepath.Join(r.out, answersFile), []string{"setId", "day"})
	if err != nil {
		return err
	}
	days := func() (order []int, text string) {
		p := rng.shuffle(5)
		s := make([]string, 5)
		for i := range p {
			p[i]++
			s[i] = strconv.Itoa(p[i])
		}
		return p, strings.Join(s, " ")
	}
	for _, id := range test {
		order, text := days()
		rename := map[string]string{}
		for old, to := range order {
			for _, ext := range []string{".tif", ".jpeg"} {
				rename[fmt.Sprintf("%s_%d%s", id, old+1, ext)] = fmt.Sprintf("%s_%d%s", id, to, ext)
			}
		}
		if err := firstErr(copySet(tifs[id], tifDir, "test", rename), copySet(jpgs[id], jpgDir, "test_sm", rename)); err != nil {
			return closeAll(err, ans)
		}
		if err := ans.write([]string{id, text}); err != nil {
			return closeAll(err, ans)
		}
	}
	if err := closeAll(nil, ans); err != nil {
		return err
	}
	sub, err := createCSV(filepath.Join(r.out, "public/sample_submission.csv"), []string{"setId", "day"})
	if err != nil {
		return err
	}
	for _, id := range test {
		_, text := days()
		if err := sub.write([]string{id, text}); err != nil {
			return closeAll(err, sub)
		}
	}
	return closeAll(nil, sub)
}

// draperGroups maps each set id to the names of its images with extension ext in dir.
func draperGroups(dir, ext string) map[string][]string {
	groups := map[string][]string{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || filepath.Ext(name) != ext {
			continue
		}
		id, _, _ := strings.Cut(name, "_")
		groups[id] = append(groups[id], name)
	}
	return groups
}

// mlspSpecies is the number of bird species (Id = rec_id*100 + species).
const mlspSpecies = 19

// mlspBirds (mlsp-2013-birds) keeps the recordings of CVfolds_2.txt's fold 0 (Kaggle's train),
// numbers them 0, 1, ... in file order, and makes a pandas sample(frac=0.2, random_state=0) of them
// the new test fold (fold 1). Every text file keyed by rec_id is rewritten with the new ids (test
// labels "?" in rec_labels_test_hidden.txt); the answers are one row per test recording and species,
// Id = rec_id*100 + species, Probability 0/1; the recordings' wav and bmp files are copied.
func mlspBirds(r *runner) error {
	base := filepath.Join(r.raw, "mlsp_contest_dataset")
	ess, sup := filepath.Join(base, "essential_data"), filepath.Join(base, "supplemental_data")
	pubEss, pubSup := filepath.Join(r.out, "public/essential_data"), filepath.Join(r.out, "public/supplemental_data")
	for _, d := range []string{pubEss, pubSup} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return core.Errorf(core.TypeCompetitionData, "creating %s: %w", d, err)
		}
	}
	foldsPath := filepath.Join(ess, "CVfolds_2.txt")
	folds, foldsHeader, err := readTable(foldsPath)
	if err != nil {
		return err
	}
	if len(foldsHeader) < 2 {
		return errColumnMissing(foldsPath, "fold", foldsHeader)
	}
	newID := map[int]int{}
	var kept []int
	for _, row := range folds {
		if strings.TrimSpace(row[1]) != "0" {
			continue
		}
		old, err := strconv.Atoi(strings.TrimSpace(row[0]))
		if err != nil {
			return core.Errorf(core.TypeCompetitionData, "%s: rec_id %q is not an integer", foldsPath, row[0])
		}
		newID[old] = len(kept)
		kept = append(kept, old)
	}
	n := len(kept)
	nTest := int(math.RoundToEven(0.2 * float64(n)))
	if nTest == 0 || nTest == n {
		return core.Errorf(core.TypeCompetitionData, "%s has %d training recordings, too few to split", foldsPath, n)
	}
	isTest := make([]bool, n)
	for _, i := range numpyPermutation(0, n)[:nTest] {
		isTest[i] = true
	}
	out, err := createCSV(filepath.Join(pubEss, "CVfolds_2.txt"), foldsHeader[:2])
	if err != nil {
		return err
	}
	for i := range kept {
		if err := out.write([]string{strconv.Itoa(i), strconv.Itoa(boolInt(isTest[i]))}); err != nil {
			return closeAll(err, out)
		}
	}
	if err := closeAll(nil, out); err != nil {
		return err
	}
	// rec_id2filename.txt: the kept recordings, renumbered, in file order.
	namesPath := filepath.Join(ess, "rec_id2filename.txt")
	names, namesHeader, err := readTable(namesPath)
	if err != nil {
		return err
	}
	if out, err = createCSV(filepath.Join(pubEss, "rec_id2filename.txt"), namesHeader); err != nil {
		return err
	}
	var filenames []string
	for _, row := range names {
		old, err := strconv.Atoi(strings.TrimSpace(row[0]))
		id, ok := newID[old]
		if err != nil || !ok || len(row) < 2 {
			continue
		}
		row[0] = strconv.Itoa(id)
		filenames = append(filenames, row[1])
		if err := out.write(row); err != nil {
			return closeAll(err, out)
		}
	}
	if err := closeAll(nil, out); err != nil {
		return err
	}
	if len(filenames) != n {
		return core.Errorf(core.TypeCompetitionData, "%s names %d of the %d training recordings", namesPath, len(filenames), n).
			WithCauses("the raw files are not Kaggle's mlsp_contest_dataset: download it again")
	}
	// Labels: public with the test recordings' hidden, the answers long.
	labels, err := mlspRecords(filepath.Join(ess, "rec_labels_test_hidden.txt"), newID)
	if err != nil {
		return err
	}
	var pub strings.Builder
	pub.WriteString("rec_id,[labels]\n")
	ans, err := createCSV(filepath.Join(r.out, answersFile), []string{"Id", "Probability"})
	if err != nil {
		return err
	}
	for _, l := range labels {
		text := l.rest
		if isTest[l.id] {
			text = "?"
			species := map[int]bool{}
			for _, s := range strings.Split(l.rest, ",") {
				if s == "" {
					continue
				}
				v, err := strconv.Atoi(strings.TrimSpace(s))
				if err != nil {
					return closeAll(core.Errorf(core.TypeCompetitionData, "rec_labels_test_hidden.txt: recording %d has label %q, not a species number", l.id, s), ans)
				}
				species[v] = true
			}
			for s := range mlspSpecies {
				if err := ans.write([]string{strconv.Itoa(l.id*100 + s), strconv.Itoa(boolInt(species[s]))}); err != nil {
					return closeAll(err, ans)
				}
			}
		}
		if text == "" {
			fmt.Fprintf(&pub, "%d\n", l.id)
		} else {
			fmt.Fprintf(&pub, "%d,%s\n", l.id, text)
		}
	}
	if err := closeAll(nil, ans); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(pubEss, "rec_labels_test_hidden.txt"), []byte(pub.String()), 0o644); err != nil {
		return core.Errorf(core.TypeCompetitionData, "writing rec_labels_test_hidden.txt: %w", err)
	}
	sub, err := createCSV(filepath.Join(r.out, "public/sample_submission.csv"), []string{"Id", "Probability"})
	if err != nil {
		return err
	}
	for i := range kept {
		for s := range mlspSpecies {
			if isTest[i] {
				if err := sub.write([]string{strconv.Itoa(i*100 + s), "0"}); err != nil {
					return closeAll(err, sub)
				}
			}
		}
	}
	if err := closeAll(nil, sub); err != nil {
		return err
	}
	// The recordings' files, and the files every recording shares.
	cp := func(from, to string, optional bool) error {
		err := copyFile(from, to)
		if err != nil && optional && errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if errors.Is(err, os.ErrNotExist) {
			return problem(ErrRawMissing, "%s: raw file %s is missing", r.id, from).
				WithCauses(fmt.Sprintf("download mlsp_contest_dataset.zip from %s again and unzip it into %s", kagglePage(r.id), r.raw))
		}
		if err != nil {
			return core.Errorf(core.TypeCompetitionData, "copying %s: %w", from, err)
		}
		return nil
	}
	if err := cp(filepath.Join(ess, "species_list.txt"), filepath.Join(pubEss, "species_list.txt"), false); err != nil {
		return err
	}
	for i, f := range filenames {
		if err := r.check(); err != nil {
			return err
		}
		if err := cp(filepath.Join(ess, "src_wavs", f+".wav"), filepath.Join(pubEss, "src_wavs", f+".wav"), false); err != nil {
			return err
		}
		for _, d := range []string{"filtered_spectrograms", "segmentation_examples", "spectrograms", "supervised_segmentation"} {
			if err := cp(filepath.Join(sup, d, f+".bmp"), filepath.Join(pubSup, d, f+".bmp"), d == "segmentation_examples"); err != nil {
				return err
			}
		}
		r.progress("copying recordings", int64(i+1), int64(n))
	}
	for _, f := range []string{"segment_clusters.bmp", "segment_mosaic.bmp"} {
		if err := cp(filepath.Join(sup, f), filepath.Join(pubSup, f), false); err != nil {
			return err
		}
	}
	for _, f := range []string{"histogram_of_segments.txt", "segment_features.txt", "segment_rectangles.txt"} {
		recs, err := mlspRecords(filepath.Join(sup, f), newID)
		if err != nil {
			return err
		}
		var b strings.Builder
		b.WriteString("rec_id,[histogram of segment features]\n") // the original's header for all three
		for _, l := range recs {
			fmt.Fprintf(&b, "%d,%s\n", l.id, l.rest)
		}
		if err := os.WriteFile(filepath.Join(pubSup, f), []byte(b.String()), 0o644); err != nil {
			return core.Errorf(core.TypeCompetitionData, "writing %s: %w", f, err)
		}
	}
	return nil
}

type mlspRecord struct {
	id   int    // the new rec_id
	rest string // the line after its first comma
}

// mlspRecords reads one of the competition's rec_id-keyed text files (a header line, then
// "rec_id,..." per line) and keeps the lines of the recordings in newID, renumbered.
func mlspRecords(path string, newID map[int]int) ([]mlspRecord, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, missingRaw(path, err)
	}
	lines := pySplitLines(string(b))
	var out []mlspRecord
	for i, line := range lines {
		if i == 0 {
			continue
		}
		first, rest, _ := strings.Cut(line, ",")
		old, err := strconv.Atoi(strings.TrimSpace(first))
		if err != nil {
			return nil, core.Errorf(core.TypeCompetitionData, "%s: line %d starts with %q, not a rec_id", path, i+1, first).
				WithCauses("the file is damaged or not the one Kaggle ships: download mlsp_contest_dataset.zip again")
		}
		if id, ok := newID[old]; ok {
			out = append(out, mlspRecord{id: id, rest: rest})
		}
	}
	return out, nil
}

// whaleTrainIndex is the index part of a train clip's name.
var whaleTrainIndex = regexp.MustCompile(`TRAIN\d+`)

// whaleDays (the-icml-2013-whale-challenge-right-whale-redux) splits train2/'s clips, named
// YYYYMMDD_HHMMSS_<seconds>_TRAIN<i>_<label>.aif, by day: the first two of the four days train, the
// last two test. In name order, train clips are renumbered TRAIN0, TRAIN1, ... and test clips
// renamed <prefix>Test0.aif, ... (the name up to "TRAIN"); a test clip's answer is 1 when its name
// ends in _1.
func whaleDays(r *runner) error {
	dir := filepath.Join(r.raw, "train2")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return problem(ErrRawMissing, "%s: raw directory %s is missing", r.id, dir).
			WithCauses(fmt.Sprintf("download train2.zip from %s and unzip it into %s", kagglePage(r.id), r.raw))
	}
	byDay := map[string][]string{}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		day, _, _ := strings.Cut(e.Name(), "_")
		byDay[day] = append(byDay[day], e.Name())
	}
	days := make([]string, 0, len(byDay))
	for d := range byDay {
		days = append(days, d)
	}
	sort.Strings(days)
	if len(days) != 4 {
		return core.Errorf(core.TypeCompetitionData, "%s holds clips of %d days, not Kaggle's 4 (%s)", dir, len(days), strings.Join(days, ", ")).
			WithCauses("the raw train2 directory is not Kaggle's: download train2.zip again")
	}
	train := append(slices.Clone(byDay[days[0]]), byDay[days[1]]...)
	test := append(slices.Clone(byDay[days[2]]), byDay[days[3]]...)
	sort.Strings(train)
	sort.Strings(test)
	total := int64(len(train) + len(test))
	for i, name := range train {
		dst := whaleTrainIndex.ReplaceAllString(name, "TRAIN"+strconv.Itoa(i))
		if err := copyFile(filepath.Join(dir, name), filepath.Join(r.out, "public/train2", dst)); err != nil {
			return core.Errorf(core.TypeCompetitionData, "copying %s: %w", name, err)
		}
		if i%1000 == 0 {
			if err := r.check(); err != nil {
				return err
			}
			r.progress("copying clips", int64(i+1), total)
		}
	}
	ans, err := createCSV(filepath.Join(r.out, answersFile), []string{"clip", "probability"})
	if err != nil {
		return err
	}
	sub, err := createCSV(filepath.Join(r.out, "public/sample_submission.csv"), []string{"clip", "probability"})
	if err != nil {
		return closeAll(err, ans)
	}
	for i, name := range test {
		prefix, _, _ := strings.Cut(name, "TRAIN")
		clip := prefix + "Test" + strconv.Itoa(i) + ".aif"
		if err := copyFile(filepath.Join(dir, name), filepath.Join(r.out, "public/test2", clip)); err != nil {
			return closeAll(core.Errorf(core.TypeCompetitionData, "copying %s: %w", name, err), ans, sub)
		}
		label := "0"
		if strings.HasSuffix(strings.TrimSuffix(name, filepath.Ext(name)), "_1") {
			label = "1"
		}
		if err := firstErr(ans.write([]string{clip, label}), sub.write([]string{clip, "0"})); err != nil {
			return closeAll(err, ans, sub)
		}
		if i%1000 == 0 {
			r.progress("copying clips", int64(len(train)+i+1), total)
		}
	}
	return closeAll(nil, ans, sub)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
