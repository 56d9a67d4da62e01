package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/registrytest"
	"github.com/mledojo/dojo/sdk/plugintest"
)

// Every registry entry bound to one of this plugin's metrics must be accepted as it is written and
// score a synthetic answers/submission pair shaped by its params: a param the plugin does not support
// fails here.
func TestRegistry_EveryEntryOfTheseFamiliesScores(t *testing.T) {
	var served []string
	for _, c := range components() {
		served = append(served, c.Info().Name)
	}
	metrics := plugintest.Serve(t, components()...).Metrics
	count := 0
	for _, e := range registrytest.Entries(t, served...) {
		count++
		t.Run(e.ID, func(t *testing.T) {
			p := e.Params
			answers, submission := syntheticPair(t, e.Metric, p)
			dir := t.TempDir()
			a, s := filepath.Join(dir, "answers.csv"), filepath.Join(dir, "submission.csv")
			os.WriteFile(a, []byte(answers), 0o644)
			os.WriteFile(s, []byte(submission), 0o644)
			resp, err := metrics.Component(e.Metric).Score(context.Background(),
				pluginapi.ScoreRequest{AnswersPath: a, SubmissionPath: s, Params: p})
			if err != nil {
				t.Fatalf("%s with %v: %v\nanswers:\n%s\nsubmission:\n%s", e.Metric, p, err, answers, submission)
			}
			if resp.Rows == 0 || resp.Score != resp.Score {
				t.Errorf("scored %d rows, score %v", resp.Rows, resp.Score)
			}
		})
	}
	if count < 100 {
		t.Errorf("only %d registry entries use this plugin's metrics; the registry moved?", count)
	}
}

// syntheticPair writes answers and a submission with the columns and cell formats an entry's params
// name.
func syntheticPair(t testing.TB, metric string, p core.Params) (answers, submission string) {
	t.Helper()
	if metric == "bias_auc" {
		return biasPair(t, p)
	}
	const n = 24
	id, _ := p.String("id_column", "id")
	targets, _ := p.Strings("target_columns", nil)
	classes, _ := p.Strings("classes", nil)
	predCol, _ := p.String("prediction_column", "")
	format, _ := p.String("value_format", "")
	matching, _ := p.String("matching", "")
	rle, _ := p.String("rle", "")
	firstToken, _ := p.Bool("first_token", false)
	align, _ := p.String("align", "id")
	components, _ := p["component_weights"].(map[string]any)
	filter, _ := p["filter"].(map[string]any)
	ignore, hasIgnore := p["ignore_rows_with_label"]
	singleClass := p.Has("single_class_auc")
	allowExtra, _ := p.Bool("allow_extra_columns", false)
	lo, _ := p.Int("min_rating", 0)
	hi, _ := p.Int("max_rating", 4)
	if len(targets) == 0 {
		targets = []string{"t1", "t2", "t3"}
	}
	probabilistic := slices.Contains([]string{"roc_auc", "log_loss", "balanced_log_loss", "lwlrap"}, metric)

	aHeader := append([]string{id}, targets...)
	sHeader := []string{id}
	switch {
	case len(classes) > 0:
		sHeader = append(sHeader, classes...)
	case predCol != "":
		sHeader = append(sHeader, predCol)
	default:
		sHeader = append(sHeader, targets...)
	}
	if filter != nil {
		aHeader = append(aHeader, filter["column"].(string))
	}
	if allowExtra {
		sHeader = append(sHeader, "extra")
	}
	var compNames []string
	for c := range components {
		compNames = append(compNames, c)
	}
	slices.Sort(compNames)

	var aRows, sRows [][]string
	for i := range n {
		rowID := fmt.Sprintf("r%02d", i)
		switch {
		case components != nil:
			rowID = fmt.Sprintf("Test_%d_%s", i/len(compNames), compNames[i%len(compNames)])
		case align == "row_order":
			rowID = fmt.Sprintf("comment %d", i%5) // repeats: rows pair by position
		}
		ar, sr := []string{rowID}, []string{rowID}
		oneHot := i % len(targets)
		for j := range targets {
			var truth, pred string
			switch {
			case metric == "qwk":
				truth, pred = fmt.Sprint(lo+i%(hi-lo+1)), fmt.Sprint(lo+(i+i/3)%(hi-lo+1))
			case matching != "":
				truth, pred = fmt.Sprintf("U+3042 %d 10 20 20 U+3044 50 50 10 10", i), fmt.Sprintf("U+3042 %d 15 U+3044 70 70", i+5*(i%2))
			case format == "char_spans":
				truth, pred = fmt.Sprintf("['%d %d', '30 35;40 42']", i, i+10), fmt.Sprintf("%d %d;31 33", i+2, i+12)
			case format == "space_separated_set":
				truth, pred = []string{"a b", "b", "c a"}[i%3], []string{"a", "b c", "c a"}[(i+1)%3]
			case rle != "":
				truth, pred = fmt.Sprintf("%d 5 40 3", 1+i), fmt.Sprintf("%d 6", 2+i%4)
			case firstToken:
				truth, pred = fmt.Sprint(i%4), fmt.Sprintf("%d %d %d", (i+i/4)%4, i%4, 9)
			case probabilistic && len(targets) > 1 && metric != "roc_auc" && metric != "lwlrap":
				truth, pred = fmt.Sprint(boolInt(j == oneHot)), fmt.Sprint(0.2+0.5*float64(boolInt(j == (i+i/5)%len(targets))))
			case probabilistic:
				truth, pred = fmt.Sprint((i+j)%2), fmt.Sprint(float64((i+j+i/4)%5)/5+0.1)
				if singleClass && j == len(targets)-1 {
					truth = "0"
				}
			default:
				truth, pred = fmt.Sprint(i%2), fmt.Sprint((i+i/3)%2)
			}
			if hasIgnore && i%6 == 5 {
				truth = fmt.Sprint(ignore)
			}
			ar = append(ar, truth)
			if len(classes) == 0 {
				sr = append(sr, pred)
			}
		}
		for c := range classes {
			sr = append(sr, fmt.Sprint(0.3+0.4*float64(boolInt(c == (i+i/3)%len(classes)))))
		}
		if filter != nil {
			ar = append(ar, fmt.Sprint(filter["value"].(float64)+float64(i%3)-1))
		}
		if allowExtra {
			sr = append(sr, "x")
		}
		aRows, sRows = append(aRows, ar), append(sRows, sr)
	}
	return csvText(t, aHeader, aRows), csvText(t, sHeader, sRows)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// csvText writes a header and rows as CSV, quoting where needed.
func csvText(t testing.TB, header []string, rows [][]string) string {
	t.Helper()
	var b strings.Builder
	w := csv.NewWriter(&b)
	if err := w.Write(header); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
