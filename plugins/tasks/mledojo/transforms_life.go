package main

import (
	"path/filepath"
	"strconv"

	"github.com/mledojo/dojo/core"
)

// lifeBoards (conways-reverse-game-of-life-2020) finishes the split of Kaggle's train.csv (id,
// delta, start_0.., stop_0..): each test game, in file order, goes to public/test.csv and to the
// answers as id, delta and its stop board (the shape of Kaggle's test.csv), and to the sample
// submission as id and an all-dead start board (Kaggle's sample submission is all zeros). The start
// boards of the test games are written nowhere: any start that reaches the stop board scores 0.
func lifeBoards(r *runner) error {
	path := filepath.Join(r.raw, r.r.Split.From)
	header, err := readHeader(path, delimiter(r.input(r.r.Split.From)))
	if err != nil {
		return err
	}
	// The board's size is the number of stop_ columns, which must run from stop_0 with no gap, and
	// match the start_ columns.
	cells := 0
	for indexOf(header, "stop_"+strconv.Itoa(cells)) >= 0 {
		cells++
	}
	if cells == 0 {
		return errColumnMissing(path, "stop_0", header)
	}
	keep := []int{indexOf(header, "id"), indexOf(header, "delta")}
	for j, name := range []string{"id", "delta"} {
		if keep[j] < 0 {
			return errColumnMissing(path, name, header)
		}
	}
	for k := range cells {
		keep = append(keep, indexOf(header, "stop_"+strconv.Itoa(k)))
		if indexOf(header, "start_"+strconv.Itoa(k)) < 0 {
			return errColumnMissing(path, "start_"+strconv.Itoa(k), header)
		}
	}
	if len(header) != 2+2*cells {
		return core.Errorf(core.TypeCompetitionData, "%s has %d columns; a game of %d cells has %d (id, delta, start_0..start_%d, stop_0..stop_%d)",
			path, len(header), cells, 2+2*cells, cells-1, cells-1).
			WithCauses("the file is not the train.csv Kaggle ships for this competition: download it again")
	}
	outHeader := make([]string, len(keep))
	for k, j := range keep {
		outHeader[k] = header[j]
	}
	subHeader := []string{"id"}
	for k := range cells {
		subHeader = append(subHeader, "start_"+strconv.Itoa(k))
	}
	test, err := createCSV(filepath.Join(r.out, "public/test.csv"), outHeader)
	if err != nil {
		return err
	}
	ans, err := createCSV(filepath.Join(r.out, answersFile), outHeader)
	if err != nil {
		return closeAll(err, test)
	}
	sub, err := createCSV(filepath.Join(r.out, "public/sample_submission.csv"), subHeader)
	if err != nil {
		return closeAll(err, test, ans)
	}
	out := make([]string, len(keep))
	dead := make([]string, len(subHeader))
	for k := range dead {
		dead[k] = "0"
	}
	games := 0
	err = r.splitRows('t', func(_, rec []string, _ int) error {
		for k, j := range keep {
			out[k] = rec[j]
		}
		if err := test.write(out); err != nil {
			return err
		}
		if err := ans.write(out); err != nil {
			return err
		}
		dead[0] = rec[keep[0]]
		if err := sub.write(dead); err != nil {
			return err
		}
		if games++; games%10_000 == 0 {
			if err := r.check(); err != nil {
				return err
			}
			r.progress("writing test games", int64(games), 0)
		}
		return nil
	})
	return closeAll(err, test, ans, sub)
}
