package metricbench

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk"
)

// Rows is the size of the files the plugins' benchmarks write.
const Rows = 1_000_000

// Files writes an answers file and a submission file of n rows under their header lines (each
// ending in a line feed); row appends row i to each, line feed included.
func Files(b *testing.B, answersHeader, submissionHeader string, n int, row func(i int, a, s []byte) ([]byte, []byte)) (answers, submission string) {
	b.Helper()
	a := append(make([]byte, 0, n*64), answersHeader...)
	s := append(make([]byte, 0, n*64), submissionHeader...)
	for i := range n {
		a, s = row(i, a, s)
	}
	dir := b.TempDir()
	answers, submission = filepath.Join(dir, "answers.csv"), filepath.Join(dir, "submission.csv")
	if err := os.WriteFile(answers, a, 0o600); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(submission, s, 0o600); err != nil {
		b.Fatal(err)
	}
	return answers, submission
}

// Score times fn on the files. Each iteration marks the answers as just written, so the plugin
// reads them again as a fresh `dojo score` process does, rather than taking them from its cache.
func Score(b *testing.B, fn sdk.MetricFunc, answers, submission string, params core.Params) {
	b.Helper()
	req := pluginapi.ScoreRequest{AnswersPath: answers, SubmissionPath: submission, Params: params}
	b.ReportAllocs()
	for b.Loop() {
		now := time.Now()
		if err := os.Chtimes(answers, now, now); err != nil {
			b.Fatal(err)
		}
		if _, err := fn(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}
