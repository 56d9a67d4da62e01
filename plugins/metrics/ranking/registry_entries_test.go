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
			answers, submission := syntheticPair(e.Metric, p)
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
	if count < 10 {
		t.Errorf("only %d registry entries use this plugin's metrics; the registry moved?", count)
	}
}

// syntheticPair writes answers and a submission with the columns and cell formats an entry's params
// name.
func syntheticPair(metric string, p core.Params) (answers, submission string) {
	const n = 12
	id, _ := p.String("id_column", "id")
	targets, _ := p.Strings("target_columns", nil)
	if len(targets) == 0 {
		targets = []string{"t1", "t2", "t3"}
	}
	seq, _ := p.String("sequence", "")
	layout, _ := p.String("layout", "wide")
	skip, _ := p.Bool("skip_missing_truth", false)
	var a, s strings.Builder
	a.WriteString(id + "," + strings.Join(targets, ",") + "\n")
	s.WriteString(id + "," + strings.Join(targets, ",") + "\n")
	for i := range n {
		var ar, sr []string
		for j := range targets {
			var t, pr string
			switch {
			case metric == "map_at_k" || metric == "ndcg_at_k":
				t = fmt.Sprintf("c%d", i%4)
				pr = fmt.Sprintf("c%d c%d c%d", (i+1)%4, i%4, (i+2)%4)
			case seq == "space_separated_ints":
				t, pr = "1 2 3 4 5", []string{"1 2 3 5 4", "5 4 3 2 1", "2 1 3 4 5"}[i%3]
			case seq == "space_separated_ids":
				t, pr = "a b c d", []string{"a b d c", "d c b a", "b a c d"}[i%3]
			default:
				t, pr = fmt.Sprint((i*(j+2))%7), fmt.Sprint(float64((i*(j+3))%5)+0.5)
				if skip && i%5 == 0 {
					t = ""
				}
			}
			ar, sr = append(ar, t), append(sr, pr)
		}
		a.WriteString(fmt.Sprintf("r%02d,%s\n", i, strings.Join(ar, ",")))
		if layout == "long" {
			for _, item := range strings.Fields(sr[0]) {
				s.WriteString(fmt.Sprintf("r%02d,%s\n", i, item))
			}
			continue
		}
		s.WriteString(fmt.Sprintf("r%02d,%s\n", i, strings.Join(sr, ",")))
	}
	return a.String(), s.String()
}
