package table

import (
	"os"
	"os/exec"
	"testing"
)

// A metric plugin reads its files in a fresh process, whose memory is new to the kernel: what a
// benchmark loop in a warm process cannot see (page faults on first touch, pages freed at exit)
// is much of what `dojo score` pays. BenchmarkLoadPair_1MFreshProcess times whole child processes
// of this test binary that load a pair of files and exit, with plain pages and with the huge-page
// advice of makeLarge.

const (
	envFreshAnswers    = "DOJO_TABLE_BENCH_ANSWERS"
	envFreshSubmission = "DOJO_TABLE_BENCH_SUBMISSION"
	envFreshHugePages  = "DOJO_TABLE_BENCH_HUGE_PAGES"
)

// TestFreshProcessChild is the child's body; it does nothing unless the benchmark started it.
func TestFreshProcessChild(t *testing.T) {
	answers, submission := os.Getenv(envFreshAnswers), os.Getenv(envFreshSubmission)
	if answers == "" {
		t.Skip("run by BenchmarkLoadPair_1MFreshProcess")
	}
	hugePages = os.Getenv(envFreshHugePages) == "1"
	p, err := LoadPair(answers, submission, PairOptions{IDColumn: "id", Columns: []string{"target"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.AnswerFloats("target"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.SubmissionFloats("target"); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkLoadPair_1MFreshProcess(b *testing.B) {
	answers := writeBenchCSVIDs(b, "answers.csv", benchRows, false, "")
	submission := writeBenchCSVIDs(b, "submission.csv", benchRows, true, "")
	for _, mode := range []struct {
		name, huge string
	}{{"plain_pages", "0"}, {"huge_pages", "1"}} {
		b.Run(mode.name, func(b *testing.B) {
			for b.Loop() {
				cmd := exec.Command(os.Args[0], "-test.run=^TestFreshProcessChild$", "-test.count=1")
				cmd.Env = append(os.Environ(), envFreshAnswers+"="+answers, envFreshSubmission+"="+submission,
					envFreshHugePages+"="+mode.huge)
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v: %s", err, out)
				}
			}
		})
	}
}
