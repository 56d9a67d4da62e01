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
	"github.com/mledojo/dojo/sdk"
	"github.com/mledojo/dojo/sdk/plugintest"
)

func serve(t *testing.T) *pluginapi.Dispensed {
	return plugintest.Serve(t,
		sdk.Metric("levenshtein", sdk.MetricFunc(levenshtein)),
		sdk.Metric("jaccard", sdk.MetricFunc(jaccard)))
}

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type scoreCase struct {
	name, metric        string
	params              core.Params
	answers, submission string
	want                float64
	errType             core.ErrorType
	mention             string
}

func run(t *testing.T, cases []scoreCase) {
	d := serve(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, err := d.Metrics.Component(c.metric).Score(context.Background(), pluginapi.ScoreRequest{
				Metric: c.metric, AnswersPath: write(t, "answers.csv", c.answers),
				SubmissionPath: write(t, "submission.csv", c.submission), Params: c.params})
			if c.errType != "" {
				if core.TypeOf(err) != c.errType || !strings.Contains(err.Error(), c.mention) {
					t.Fatalf("got %v, %v; want a %s error mentioning %q", resp.Score, err, c.errType, c.mention)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := resp.Score - c.want; d > 1e-12 || d < -1e-12 {
				t.Fatalf("score %.17g, want %.17g", resp.Score, c.want)
			}
		})
	}
}

func TestLevenshtein_EachTokenizationAndNormalisation(t *testing.T) {
	run(t, []scoreCase{
		{name: "characters, mean per row", metric: "levenshtein",
			answers:    "id,sentence\n1,kitten\n2,flaw\n3,日本語\n4,\n",
			submission: "id,sentence\n4,abc\n3,日本\n2,lawn\n1,sitting\n",
			want:       (3 + 2 + 1 + 3) / 4.0},
		{name: "an empty prediction costs the truth's length", metric: "levenshtein",
			answers: "id,InChI\n1,InChI=1S/H2O/h1H2\n", submission: "id,InChI\n1,\n", want: 17},
		{name: "gesture error rate over integer tokens", metric: "levenshtein",
			params:     core.Params{"tokens": "space_separated_ints", "normalize": "total_truth_length"},
			answers:    "Id,Sequence\n0300,2 14 20 5\n0301,1 1 3\n",
			submission: "Id,Sequence\n0301,01 +1 3\n0300,2 20 5 7\n",
			want:       (2 + 0) / 7.0},
		{name: "whitespace tokens", metric: "levenshtein", params: core.Params{"tokens": "whitespace"},
			answers: "id,s\n1,the cat sat\n", submission: "id,s\n1,the  dog sat\n", want: 1},
		{name: "a token that is not an integer names its row and id", metric: "levenshtein",
			params:  core.Params{"tokens": "space_separated_ints"},
			answers: "Id,Sequence\n0300,2 14\n0301,1\n", submission: "Id,Sequence\n0300,2 14\n0301,1 x\n",
			errType: core.TypeSubmissionInvalid, mention: `row 2 (line 3, Id "0301"), column "Sequence": token 2, "x"`},
		{name: "invalid UTF-8 is rejected", metric: "levenshtein",
			answers: "id,s\n1,a\n", submission: "id,s\n1,\xff\n", errType: core.TypeSubmissionInvalid, mention: "UTF-8"},
		{name: "no true tokens leaves the rate undefined", metric: "levenshtein",
			params:  core.Params{"tokens": "space_separated_ints", "normalize": "total_truth_length"},
			answers: "Id,Sequence\n1,\n", submission: "Id,Sequence\n1,3\n", errType: core.TypeEvaluation, mention: "no tokens"},
		{name: "an unknown tokenization is a bad param", metric: "levenshtein", params: core.Params{"tokens": "bytes"},
			answers: "id,s\n1,a\n", submission: "id,s\n1,a\n", errType: core.TypeInvalidArgument, mention: "bytes"},
		{name: "a missing id is the table's error", metric: "levenshtein",
			answers: "id,s\n1,a\n2,b\n", submission: "id,s\n1,a\n", errType: core.TypeSubmissionInvalid, mention: "missing"},
	})
}

func TestJaccard_ConventionsOfEachCompetition(t *testing.T) {
	answers := "textID,selected_text\na,Hello World\nb,\nc,ΟΔΟΣ is long\nd,x y\n"
	submission := "textID,selected_text\nd,y z\nc,οδος IS\nb,\na,hello\n"
	// a: {hello} vs {hello, world} = 1/2; b: both empty; c: {οδος, is} vs {οδος, is, long} = 2/3;
	// d: {y} ∩ / {x, y, z} = 1/3.
	run(t, []scoreCase{
		{name: "tweet-sentiment-extraction: empty/empty scores 0", metric: "jaccard",
			params:  core.Params{"tokenize": "lower_whitespace", "empty_empty": 0.0},
			answers: answers, submission: submission, want: (0.5 + 0 + 2.0/3 + 1.0/3) / 4},
		{name: "chaii: empty/empty scores 1", metric: "jaccard", params: core.Params{"tokenize": "lowercase_whitespace"},
			answers: answers, submission: submission, want: (0.5 + 1 + 2.0/3 + 1.0/3) / 4},
		{name: "case kept", metric: "jaccard", params: core.Params{"tokenize": "whitespace", "empty_empty": 0},
			answers: answers, submission: submission, want: (1.0 / 3) / 4},
		{name: "two text columns need target_columns", metric: "jaccard",
			answers: "id,a,b\n1,x,y\n", submission: "id,a,b\n1,x,y\n", errType: core.TypeInvalidArgument, mention: "one text column"},
	})
}

// TestJaccard_ScoreDoesNotDependOnTheSplitAmongCPUs scores the same files with every row in one
// range and with rows spread over goroutines: the sum runs in row order, so the scores are equal.
func TestJaccard_ScoreDoesNotDependOnTheSplitAmongCPUs(t *testing.T) {
	var a, s strings.Builder
	a.WriteString("id,text\n")
	s.WriteString("id,text\n")
	words := []string{"Good", "day", "ΟΔΟΣ", "so", "very", "sad", "not"}
	for i := range 300 {
		fmt.Fprintf(&a, "%d,%s %s\n", i, words[i%7], words[i*3%7])
		fmt.Fprintf(&s, "%d,%s %s %s\n", i, words[i*5%7], words[i%7], words[i*2%7])
	}
	req := pluginapi.ScoreRequest{Metric: "jaccard", AnswersPath: write(t, "answers.csv", a.String()),
		SubmissionPath: write(t, "submission.csv", s.String())}
	whole, err := jaccard(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	defer func(v int) { parallelMinRows = v }(parallelMinRows)
	parallelMinRows = 7
	split, err := jaccard(context.Background(), req)
	if err != nil || split.Score != whole.Score {
		t.Errorf("split over goroutines: %v, %v; in one range: %v", split.Score, err, whole.Score)
	}
}
