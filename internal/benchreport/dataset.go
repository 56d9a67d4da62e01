package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// dataset is an answers file and two submissions for it: one listing the ids in the answers' order,
// as a submission built from the sample submission does, and one listing them shuffled.
type dataset struct {
	metric   string
	grader   string      // baseline.py's grader; the metric's name when empty
	params   [][2]string // --param key=value of `dojo score`, and baseline.py's params
	rows     int
	answers  string
	inOrder  string
	shuffled string
}

// graderName is the baseline.py grader that computes the metric.
func (d dataset) graderName() string {
	if d.grader != "" {
		return d.grader
	}
	return d.metric
}

// submission returns the in-order or the shuffled submission's path.
func (d dataset) submission(shuffled bool) string {
	if shuffled {
		return d.shuffled
	}
	return d.inOrder
}

// writeDataset writes id,target CSVs with integer ids 0..rows-1, Kaggle's most common layout. For
// "rmse" the target is a price-like number and the prediction the target plus noise; for "roc_auc"
// (and any other binary metric) the target is 0/1 with about 30% positives and the prediction a
// probability with six decimals, so many predictions tie, which both implementations must handle.
func writeDataset(dir, metric string, rows int, seed uint64) (dataset, error) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	truth := make([]float64, rows)
	pred := make([]float64, rows)
	digits := 6
	switch metric {
	case "rmse":
		digits = 4
		for i := range truth {
			truth[i] = 100 + 15*rng.NormFloat64()
			pred[i] = truth[i] + 5*rng.NormFloat64()
		}
	default:
		for i := range truth {
			if rng.Float64() < 0.3 {
				truth[i] = 1
			}
			pred[i] = 1 / (1 + math.Exp(-(3*(truth[i]-0.5) + 1.5*rng.NormFloat64())))
		}
	}
	order := make([]int, rows)
	for i := range order {
		order[i] = i
	}
	d := dataset{
		metric:   metric,
		rows:     rows,
		answers:  filepath.Join(dir, fmt.Sprintf("%s_%d_answers.csv", metric, rows)),
		inOrder:  filepath.Join(dir, fmt.Sprintf("%s_%d_submission.csv", metric, rows)),
		shuffled: filepath.Join(dir, fmt.Sprintf("%s_%d_submission_shuffled.csv", metric, rows)),
	}
	truthDigits := digits
	if metric != "rmse" {
		truthDigits = 0
	}
	if err := writeCSV(d.answers, order, truth, truthDigits); err != nil {
		return d, err
	}
	if err := writeCSV(d.inOrder, order, pred, digits); err != nil {
		return d, err
	}
	rng.Shuffle(rows, func(i, j int) { order[i], order[j] = order[j], order[i] })
	return d, writeCSV(d.shuffled, order, pred, digits)
}

// writeCSV writes the rows in order as id,target.
func writeCSV(path string, order []int, vals []float64, digits int) error {
	buf := make([]byte, 0, len(order)*(digits+16))
	buf = append(buf, "id,target\n"...)
	for _, i := range order {
		buf = strconv.AppendInt(buf, int64(i), 10)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, vals[i], 'f', digits, 64)
		buf = append(buf, '\n')
	}
	return os.WriteFile(path, buf, 0o600)
}
