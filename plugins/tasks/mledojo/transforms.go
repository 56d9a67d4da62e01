package main

import (
	"errors"
	"fmt"
	"image"
	_ "image/png" // denoising-dirty-documents' images
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mledojo/dojo/core"
)

// transforms are the named built-in steps a recipe may end with, for what its declarative parts
// cannot say. Each runs after the split, outputs and file copies, and writes the rest of the layout.
// Keep them few: a new one is a last resort.
var transforms = map[string]func(*runner) error{
	// long_keypoints (facial-keypoints-detection): the test rows' images go to public/test.csv with a
	// new ImageId from 1; the answers are long, one row per image and keypoint (RowId, ImageId,
	// FeatureName, Location), rows with no location dropped.
	"long_keypoints": longKeypoints,
	// grapheme_components (bengaliai-cv19): one answer row per test image and component,
	// row_id Test_<n>_<component>, n numbering the test images from 0 in file order.
	"grapheme_components": graphemeComponents,
	// pixels (denoising-dirty-documents): one answer row per pixel of each test image's cleaned
	// version, id <image>_<row>_<col> (from 1), value the grey level in [0, 1].
	"pixels": pixels,
	// dogs_vs_cats (dogs-vs-cats-redux-kernels-edition): train images renamed cat.N.jpg / dog.N.jpg,
	// test images renamed 1.jpg, 2.jpg, ...; the answer is 1 for a dog.
	"dogs_vs_cats": dogsVsCats,
	// cell_order (AI4Code): the sample submission lists each test notebook's cells in the order of
	// its JSON file's cell_type keys (transforms_split.go, as the four below).
	"cell_order": cellOrder,
	// stego_test (alaska2-image-steganalysis): train images renumbered with their stego versions;
	// each test image drawn between its cover and one of three stego versions, and renumbered.
	"stego_test": stegoTest,
	// nomad_renumber (nomad2018-predict-transparent-conductors): rows in shuffled order, ids
	// renumbered from 1 per side, geometry files moved to their new ids.
	"nomad_renumber": nomadRenumber,
	// pizza_json (random-acts-of-pizza): the split of a JSON array of requests, written as JSON.
	"pizza_json": pizzaSplit,
	// remove_word (billion-word-imputation): test sentences drawn line by line, a random inner word
	// removed (transforms_own.go, as the three below; each makes its own split).
	"remove_word": removeWord,
	// draper_sets (draper-satellite-image-chronology): five-image sets split whole; each test
	// set's images renamed in a random order, which is the answer.
	"draper_sets": draperSets,
	// mlsp_birds (mlsp-2013-birds): recordings renumbered across the competition's text files,
	// answers one row per test recording and species.
	"mlsp_birds": mlspBirds,
	// whale_days (the-icml-2013-whale-challenge-right-whale-redux): clips split by day, renamed,
	// labels read from their names.
	"whale_days": whaleDays,
	// life_boards (conways-reverse-game-of-life-2020): test games as id, delta and stop board in the
	// public test and the answers; an all-dead start board per game in the sample submission
	// (transforms_life.go).
	"life_boards": lifeBoards,
}

// testRows streams the split table's test rows (in file order) to fn.
func (r *runner) splitRows(side byte, fn func(header, rec []string, i int) error) error {
	c, err := openCSV(filepath.Join(r.raw, r.r.Split.From), delimiter(r.input(r.r.Split.From)))
	if err != nil {
		return err
	}
	defer c.close()
	for n := 0; ; n++ {
		rec, err := c.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if n < len(r.side) && r.side[n] == side {
			if err := fn(c.header, rec, n); err != nil {
				return err
			}
		}
	}
}

func longKeypoints(r *runner) error {
	test, err := createCSV(filepath.Join(r.out, "public/test.csv"), []string{"ImageId", "Image"})
	if err != nil {
		return err
	}
	ans, err := createCSV(filepath.Join(r.out, answersFile), []string{"RowId", "ImageId", "FeatureName", "Location"})
	if err != nil {
		return err
	}
	sub, err := createCSV(filepath.Join(r.out, "public/sample_submission.csv"), []string{"RowId", "ImageId", "FeatureName", "Location"})
	if err != nil {
		return err
	}
	image, rowID := 0, 0
	err = r.splitRows('t', func(header, rec []string, _ int) error {
		image++
		img := strconv.Itoa(image)
		ii := indexOf(header, "Image")
		if ii < 0 {
			return errColumnMissing(r.r.Split.From, "Image", header)
		}
		if err := test.write([]string{img, rec[ii]}); err != nil {
			return err
		}
		for j, feature := range header {
			if j == ii {
				continue
			}
			rowID++
			if strings.TrimSpace(rec[j]) == "" {
				continue
			}
			id := strconv.Itoa(rowID)
			if err := ans.write([]string{id, img, feature, rec[j]}); err != nil {
				return err
			}
			if err := sub.write([]string{id, img, feature, "0"}); err != nil {
				return err
			}
		}
		return nil
	})
	return closeAll(err, test, ans, sub)
}

func graphemeComponents(r *runner) error {
	components := []string{"grapheme_root", "vowel_diacritic", "consonant_diacritic"}
	ans, err := createCSV(filepath.Join(r.out, answersFile), []string{"row_id", "target"})
	if err != nil {
		return err
	}
	sub, err := createCSV(filepath.Join(r.out, "public/sample_submission.csv"), []string{"row_id", "target"})
	if err != nil {
		return err
	}
	n := 0
	err = r.splitRows('t', func(header, rec []string, _ int) error {
		for _, comp := range components {
			j := indexOf(header, comp)
			if j < 0 {
				return errColumnMissing(r.r.Split.From, comp, header)
			}
			id := fmt.Sprintf("Test_%d_%s", n, comp)
			if err := ans.write([]string{id, rec[j]}); err != nil {
				return err
			}
			if err := sub.write([]string{id, "0"}); err != nil {
				return err
			}
		}
		n++
		return nil
	})
	return closeAll(err, ans, sub)
}

func pixels(r *runner) error {
	ans, err := createCSV(filepath.Join(r.out, answersFile), []string{"id", "value"})
	if err != nil {
		return err
	}
	sub, err := createCSV(filepath.Join(r.out, "public/sample_submission.csv"), []string{"id", "value"})
	if err != nil {
		return err
	}
	ni := indexOf(r.valCols, "name")
	for i, side := range r.side {
		if side != 't' {
			continue
		}
		name := r.values[i][ni]
		p := filepath.Join(r.raw, "train_cleaned", name)
		f, err := os.Open(p)
		if err != nil {
			return closeAll(problem(ErrRawMissing, "%s: raw file %s is missing", r.id, p).
				WithCauses("download train_cleaned.zip from "+kagglePage(r.id)+" and unzip it into "+r.raw), ans, sub)
		}
		img, _, err := image.Decode(f)
		f.Close()
		if err != nil {
			return closeAll(core.Errorf(core.TypeCompetitionData, "%s is not a readable PNG: %v", p, err), ans, sub)
		}
		stem := strings.TrimSuffix(name, filepath.Ext(name))
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				cr, cg, cb, _ := img.At(x, y).RGBA()
				// ITU-R 601 luma, as PIL's convert("L"), then scaled to [0, 1].
				l := (299*(cr>>8) + 587*(cg>>8) + 114*(cb>>8) + 500) / 1000
				id := fmt.Sprintf("%s_%d_%d", stem, y-b.Min.Y+1, x-b.Min.X+1)
				if err := ans.write([]string{id, strconv.FormatFloat(float64(l)/255, 'g', -1, 64)}); err != nil {
					return closeAll(err, ans, sub)
				}
				if err := sub.write([]string{id, "1"}); err != nil {
					return closeAll(err, ans, sub)
				}
			}
		}
	}
	return closeAll(nil, ans, sub)
}

func dogsVsCats(r *runner) error {
	ans, err := createCSV(filepath.Join(r.out, answersFile), []string{"id", "label"})
	if err != nil {
		return err
	}
	sub, err := createCSV(filepath.Join(r.out, "public/sample_submission.csv"), []string{"id", "label"})
	if err != nil {
		return err
	}
	ni, pi := indexOf(r.valCols, "name"), indexOf(r.valCols, "path")
	if ni < 0 || pi < 0 {
		return closeAll(core.Errorf(core.TypeInternal, "recipe %s: dogs_vs_cats needs {name} and {path} in its files rule", r.id), ans, sub)
	}
	cats, dogs, tests := 0, 0, 0
	for i, side := range r.side {
		name, src := r.values[i][ni], filepath.Join(r.raw, r.values[i][pi])
		dog := strings.Contains(name, "dog")
		var dst string
		switch {
		case side == 't':
			tests++
			dst = filepath.Join(r.out, "public/test", fmt.Sprintf("%d.jpg", tests))
			label := "0"
			if dog {
				label = "1"
			}
			if err := ans.write([]string{strconv.Itoa(tests), label}); err != nil {
				return closeAll(err, ans, sub)
			}
			if err := sub.write([]string{strconv.Itoa(tests), "0.5"}); err != nil {
				return closeAll(err, ans, sub)
			}
		case dog:
			dst = filepath.Join(r.out, "public/train", fmt.Sprintf("dog.%d.jpg", dogs))
			dogs++
		default:
			dst = filepath.Join(r.out, "public/train", fmt.Sprintf("cat.%d.jpg", cats))
			cats++
		}
		if err := copyFile(src, dst); err != nil {
			return closeAll(core.Errorf(core.TypeCompetitionData, "copying %s: %w", src, err), ans, sub)
		}
		r.progress("copying images", int64(i+1), int64(len(r.side)))
	}
	return closeAll(nil, ans, sub)
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

func closeAll(err error, ws ...*csvWriter) error {
	for _, w := range ws {
		if cerr := w.close(); err == nil {
			err = cerr
		}
	}
	return err
}
