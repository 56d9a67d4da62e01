package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/registrytest"
)

// Every registry entry bound to one of this plugin's metrics must be accepted as it is written, and
// score a synthetic answers/submission pair built from its params: a param the plugin does not
// support, or reads differently from the entry's intent, fails here.
func TestRegistry_EveryEntryOfTheseFamiliesScores(t *testing.T) {
	var served []string
	for _, c := range components() {
		served = append(served, c.Info().Name)
	}
	metrics := servedMetrics(t)
	count := 0
	for _, e := range registrytest.Entries(t, served...) {
		count++
		t.Run(e.ID, func(t *testing.T) {
			answers, submission := syntheticPair(t, e.Metric, e.Params)
			dir := t.TempDir()
			a, s := filepath.Join(dir, "answers.csv"), filepath.Join(dir, "submission.csv")
			if err := os.WriteFile(a, []byte(answers), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(s, []byte(submission), 0o644); err != nil {
				t.Fatal(err)
			}
			resp, err := metrics.Component(e.Metric).Score(context.Background(),
				pluginapi.ScoreRequest{AnswersPath: a, SubmissionPath: s, Params: e.Params})
			if err != nil {
				t.Fatalf("%s with %v: %v\nanswers:\n%s\nsubmission:\n%s", e.Metric, e.Params, err, answers, submission)
			}
			if resp.Rows == 0 {
				t.Errorf("scored no rows")
			}
		})
	}
	if count < 40 {
		t.Errorf("only %d registry entries use this plugin's metrics; the registry moved?", count)
	}
}

// syntheticPair writes answers and a submission with the columns an entry's params name.
func syntheticPair(t testing.TB, metric string, p core.Params) (answers, submission string) {
	t.Helper()
	if metric == "life_reverse_mae" {
		return lifePair(t, p)
	}
	const n = 24
	id, _ := p.String("id_column", "id")
	targets, _ := p.Strings("target_columns", nil)
	if len(targets) == 0 {
		targets = []string{"t1", "t2", "t3"}
	}
	keys, _ := p.Strings("key_columns", []string{id})
	group, _ := p.String("group_column", "")
	conf, _ := p.String("confidence_column", "")
	var extra []string // answers-only columns
	add := func(c string) {
		if c == "" || c == id || strings.Contains(strings.Join(append(append(extra, keys...), targets...), "\x00")+"\x00", c+"\x00") {
			return
		}
		extra = append(extra, c)
	}
	add(group)
	w, _ := p.String("weights_column", "")
	add(w)
	ws, _ := p.Strings("weights_columns", nil)
	for _, c := range ws {
		add(c)
	}
	rule, _ := p["weight_rule"].(map[string]any)
	if rule != nil {
		add(rule["column"].(string))
	}
	filter, _ := p["filter"].(map[string]any)
	if filter != nil {
		add(filter["column"].(string))
	}
	cell := func(col string, i int) string {
		switch {
		case col == id && metric == "laplace_log_likelihood":
			return fmt.Sprintf("P%d_%d", i%5, i-7)
		case col == id && metric == "kl_divergence":
			return fmt.Sprint(i / 2) // ids repeat, as HMS's eeg_id does
		case col == id && len(keys) > 1:
			return fmt.Sprintf("trip%d", i%4)
		case col == id:
			return fmt.Sprintf("r%03d", i)
		case col == group && metric == "laplace_log_likelihood":
			return fmt.Sprintf("P%d", i%5)
		case col == group:
			return fmt.Sprintf("g%d", i%3)
		case filter != nil && col == filter["column"]:
			switch v := filter["value"].(type) {
			case bool:
				return fmt.Sprint(i%2 == 0 == v)
			default:
				return fmt.Sprint(v.(int) + i%2)
			}
		case rule != nil && col == rule["column"]:
			return fmt.Sprint(i%4 == 0)
		}
		for _, k := range keys[1:] {
			if col == k {
				return fmt.Sprint(1_600_000_000_000 + i)
			}
		}
		return fmt.Sprint(1 + i%7)
	}
	truth := func(i, j int) string {
		switch metric {
		case "normalized_gini":
			return fmt.Sprint(i % 2)
		case "haversine_percentile":
			return fmt.Sprint(37 + float64(i)/100 + float64(j))
		}
		return fmt.Sprint(1 + (i*(j+1))%7)
	}
	pred := func(i, j int) string {
		switch metric {
		case "kl_divergence":
			return fmt.Sprint(1 / float64(len(targets)))
		case "haversine_percentile":
			return fmt.Sprint(37.0001 + float64(i)/100 + float64(j))
		}
		return fmt.Sprint(1.5 + float64((i+j)%5))
	}
	var a, s strings.Builder
	aHeader := append([]string{id}, keys[1:]...)
	sHeader := append([]string(nil), aHeader...)
	aHeader = append(append(aHeader, targets...), extra...)
	sHeader = append(sHeader, targets...)
	if conf != "" {
		sHeader = append(sHeader, conf)
	}
	a.WriteString(strings.Join(aHeader, ",") + "\n")
	s.WriteString(strings.Join(sHeader, ",") + "\n")
	for i := range n {
		var ar, sr []string
		for _, c := range append([]string{id}, keys[1:]...) {
			ar, sr = append(ar, cell(c, i)), append(sr, cell(c, i))
		}
		for j := range targets {
			ar, sr = append(ar, truth(i, j)), append(sr, pred(i, j))
		}
		for _, c := range extra {
			ar = append(ar, cell(c, i))
		}
		if conf != "" {
			sr = append(sr, fmt.Sprint(100+i))
		}
		a.WriteString(strings.Join(ar, ",") + "\n")
		s.WriteString(strings.Join(sr, ",") + "\n")
	}
	return a.String(), s.String()
}
